module github.com/airreg/airreg/bindings/go

go 1.19
