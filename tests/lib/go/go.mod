// SPDX-License-Identifier: Apache-2.0
// The test programs over the binding in this tree (a replace), kept out of the installed package.
module airreg.test/lib

go 1.19

require github.com/airreg/airreg/bindings/go v0.0.0

replace github.com/airreg/airreg/bindings/go => ../../../bindings/go
