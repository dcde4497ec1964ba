#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make mutants`: applies each mutant of tests/mutants/list to a copy of the tree and
# runs the fast suites; fails when any survives or is stale (tests/mutants/README.md).
exec /usr/bin/python3 "$(dirname "$0")/mutants.py" "$@"
