#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Every mutant of tests/mutants/list still applies: its PATTERN occurs exactly once in its
# FILE. A refactor that moves or renames a check leaves its mutant STALE, which `make mutants`
# (not in make check) would report only when run; this keeps make check saying so.
import sys

top = sys.argv[1]
passed = failed = 0
for number, line in enumerate(open(f"{top}/tests/mutants/list", encoding="utf-8"), 1):
    if line.startswith("#") or not line.strip():
        continue
    fields = [f.strip() for f in line.split("@@")]
    try:
        count = open(f"{top}/{fields[0]}", encoding="utf-8").read().count(fields[1])
    except OSError as err:
        count = -1
        print(f"FAIL: mutant line {number}: {fields[0]}: {err.strerror}")
    if count == 1:
        passed += 1
        continue
    failed += 1
    if count >= 0:
        print(f"FAIL: mutant line {number}: the pattern occurs {count} times in {fields[0]}: "
              f"{fields[1][:60]}")
print(f"mutants list: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
