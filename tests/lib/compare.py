#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""compare.py LANG ANSWERS STATES: each STATES/CASE's answer (ANSWERS/CASE.json, written by
the C, Python or Go program over libairreg) must say what key-import status --json said there
(STATES/CASE/expect.json, expect-warn.json: tests/lib/states.sh). Prints one FAIL line a
difference and `LANG answers: N passed, M failed`."""
import json
import os
import sys

lang, answers, states = sys.argv[1:4]
passed = failed = 0


def check(what, got, want):
    global passed, failed
    if got == want:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {lang}: {what}: {got!r}, want {want!r}")


# key-import status --json's fields, and the answer's of the same meaning
SAME = ["registration", "cloudId", "billingModel", "serial", "issuerKid", "expiresAt",
        "daysLeft", "tenants", "licensedHosts", "revocationListVersion"]
STATE = {"Not registered": 0, "Registered": 1, "Expired": 3, "Revoked": 4, "Untrusted": 5}


def errors(lines):
    """key-import's error line (its warnings start "warning: ")"""
    return [l for l in lines if not l.startswith("warning: ")]


def compare(case, a, want, warn):
    what = f"{case}{' --warn-days 30' if warn else ''}"
    st = want["status"]
    if st is None:
        # key-import printed nothing: an error, its exit status the code, its line the message
        check(f"{what}: code", a["code"], want["exit"])
        check(f"{what}: message", [a["message"]], errors(want["stderr"]))
        # and nothing else: every getter of a handle holding an error answers none
        fields = {k: v for k, v in a.items() if k not in ("code", "message")}
        check(f"{what}: nothing but the error", fields, {k: None for k in fields})
        return
    check(f"{what}: code", a["code"], 0)
    check(f"{what}: status", a["status"], st["status"])
    state = STATE[st["status"]]
    if warn and want["exit"] == 6:
        state = 2  # AIRREG_EXPIRING: valid, within 30 days
    check(f"{what}: state", a["state"], state)
    # Untrusted (exit 4) and Revoked (7) say why; --warn-days's own lines are key-import's
    why = errors(want["stderr"]) if st["status"] in ("Untrusted", "Revoked") else []
    check(f"{what}: reason", [a["reason"]] if a["reason"] is not None else [], why)
    check(f"{what}: the clock behind", a["clockBehind"] > 0,
          any(l.startswith("warning: the clock is ") for l in want["stderr"]))
    for k in SAME:
        check(f"{what}: {k}", a[k], st.get(k))
    lc = st["lastCheck"]
    if lc is not None:
        lc = {k: lc[k] for k in ("compliant", "reason", "checkedAt", "currentActivation")}
    check(f"{what}: lastCheck", a["lastCheck"], lc)
    # cores are not in status --json: the activation's own `licensed` (Capacity keys only)
    cores = None
    if st.get("registration") is not None:
        r = json.load(open(f"{states}/{case}/stamp/activation.json"))
        cores = (r.get("licensed") or {}).get("cpuCores")
    check(f"{what}: licensedCores", a["licensedCores"], cores)


cases = sorted(d for d in os.listdir(states) if not d.startswith("."))
check("cases", len(cases) > 0 and all(os.path.exists(f"{answers}/{c}.json") for c in cases), True)
for case in cases:
    try:
        a = json.load(open(f"{answers}/{case}.json"))
    except (OSError, ValueError) as e:
        check(f"{case}: the answer", str(e), "JSON")
        continue
    for key, name in (("plain", "expect.json"), ("warn", "expect-warn.json")):
        compare(case, a[key], json.load(open(f"{states}/{case}/{name}")), key == "warn")
print(f"{lang} answers: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
