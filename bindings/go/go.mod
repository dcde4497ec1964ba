// SPDX-License-Identifier: Apache-2.0
// The module products import; cgo over the installed libairreg (pkg-config airreg), no other module.
module github.com/airreg/airreg/bindings/go

go 1.19
