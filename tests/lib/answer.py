#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""answer.py CASE_DIR: what the airreg module answers for CASE_DIR/stamp, as the JSON that
answer.c prints (compare.py holds both to `key-import status --json`). It imports airreg as a
product would, from PYTHONPATH (python.sh sets it to the installed prefix), and knows only the
module: a field the module cannot give is a defect of the binding, not of this script."""
import json
import sys

import airreg

NONE = dict.fromkeys(["state", "status", "reason", "judgedAt", "clockBehind",
                      "revocationListVersion", "registration", "cloudId", "billingModel",
                      "issuerKid", "serial", "expiresAt", "daysLeft", "licensedHosts",
                      "licensedCores", "tenants", "lastCheck"])


def last_check(st):
    if st.hardware in (None, airreg.Hardware.NOT_CHECKED):
        return None
    return {"compliant": st.hardware == airreg.Hardware.COMPLIANT,
            "reason": st.hardware_reason, "checkedAt": st.hardware_checked_at,
            "currentActivation": st.hardware_current is True}


def answer(state_dir, warn_days):
    try:
        with airreg.Stamp(state_dir) as stamp, stamp.check(warn_days) as st:
            tenants = st.tenants
            return {
                "code": 0, "message": None,
                "state": None if st.state is None else int(st.state),
                "status": st.state_name, "reason": st.reason, "judgedAt": st.judged_at,
                "clockBehind": st.clock_behind,
                # 0 is "no list held": null, as key-import's JSON
                "revocationListVersion": st.revocation_list_version or None,
                "registration": st.registration, "cloudId": st.cloud_id,
                "billingModel": st.billing_model, "issuerKid": st.issuer_kid,
                "serial": st.serial, "expiresAt": st.expires_at, "daysLeft": st.days_left,
                "licensedHosts": st.licensed_hosts, "licensedCores": st.licensed_cores,
                "tenants": None if tenants is None else
                [{"subscriptionId": t.subscription, "tenantId": t.tenant} for t in tenants],
                "lastCheck": last_check(st),
            }
    except airreg.Error as e:
        return {"code": int(e.code), "message": e.message, **NONE}


def main():
    if len(sys.argv) != 2:
        print("usage: answer.py CASE_DIR", file=sys.stderr)
        return 2
    d = sys.argv[1] + "/stamp"
    print(json.dumps({"version": airreg.version(), "plain": answer(d, 0),
                      "warn": answer(d, 30)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
