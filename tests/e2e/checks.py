# SPDX-License-Identifier: Apache-2.0
"""The Python tests' counter, as lib.sh's check and finish are the shell tests': each check
counts, a failed one prints FAIL: WHAT, and finish() prints "NAME: N passed, M failed"
and gives the exit status."""
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def finish(name, detail=""):
    print(f"{name}: {passed} passed, {failed} failed{detail}")
    return 1 if failed else 0
