module airreg.test/lib

go 1.19

require github.com/airreg/airreg/bindings/go v0.0.0

replace github.com/airreg/airreg/bindings/go => ../../../bindings/go
