#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""hostile.py STATES OUT KI ANSWER: the stamps of states.sh changed as an owner with an editor,
or a careless script, would change them (issue 21's review), each one in OUT/CASE the way
states.sh lays a case out (stamp/, clock, expect.json, expect-warn.json), with the library's
answer in OUT.answers/CASE.json. compare.py then holds the answers to key-import's: the
library must not be a weaker door than `key-import status` on any content of the directory.
Prints one line a case whose state directory the library changed ("WROTE CASE")."""
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys

states, out, ki, answer = sys.argv[1:5]
answers = out + ".answers"
os.makedirs(answers, exist_ok=True)
DAY = 86400


def case(name, base, clock=None):
    """OUT/name: a copy of states.sh's base case, read at its clock or at clock"""
    d = f"{out}/{name}"
    shutil.copytree(f"{states}/{base}/stamp", f"{d}/stamp", symlinks=True)
    with open(f"{d}/clock", "w") as f:
        f.write(clock or open(f"{states}/{base}/clock").read())
    return f"{d}/stamp"


def edit(name, base, fname, change):
    """a JSON file of the stamp edited by hand"""
    p = f"{case(name, base)}/{fname}"
    doc = json.load(open(p))
    change(doc)
    with open(p, "w") as f:
        json.dump(doc, f, indent=2)


def replace(name, base, rel, how):
    p = f"{case(name, base)}/{rel}"
    if how == "delete":
        os.unlink(p)
    elif how == "dir":
        os.unlink(p)
        os.mkdir(p)
    elif how == "symlink":
        os.rename(p, p + ".real")
        os.symlink(os.path.basename(p) + ".real", p)
    elif how == "fifo":
        os.unlink(p)
        os.mkfifo(p)
    elif how == "chown":
        os.chown(p, 65534, 65534)
    elif how == "garbage":
        with open(p, "ab") as f:
            f.write(b"\n}\x01")
    elif how == "big":
        with open(p, "ab") as f:
            f.write(b" " * (1024 * 1024 + 1))


# the files the status path reads, each replaced by what a state directory should not hold
for base in ("capacity", "revoked", "checked"):
    for rel in sorted(os.listdir(f"{states}/{base}/stamp")) + ["trusted/" + f for f in sorted(
            os.listdir(f"{states}/{base}/stamp/trusted"))]:
        # checked: its verdict file only (the rest is capacity's, another registration)
        if os.path.isdir(f"{states}/{base}/stamp/{rel}") or rel == "stamp.key" or (
                base == "checked" and rel != "last-check.json"):
            continue
        for how in ("delete", "dir", "symlink", "fifo", "chown", "garbage", "big"):
            replace(f"{base}-{rel.replace('/', '_')}-{how}", base, rel, how)
# the state directory itself
for base in ("capacity", "revoked"):
    os.chmod(case(f"{base}-dir-mode-777", base), 0o777)
    os.chown(case(f"{base}-dir-owner", base), 65534, 65534)
    shutil.rmtree(f"{case(base + '-trusted-gone', base)}/trusted")


def signed(field, value):
    def change(doc):
        doc[field] = value
    return change


# what the key signed, edited in its copy: the key verifies still, the copy must not pass
SIGNED_EDITS = {
    "billingModel": None,  # the other model than the key's (below)
    "agreementNumber": "999",
    "tenants": [{"subscriptionId": "ffffffff-ffff-ffff-ffff-ffffffffffff",
                 "tenantId": "eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee"}],
    "issuerKid": "2ifAvgKFVkRLRBwOIJ9Kvrw3JRq3fWxPCMLfqxsuDgw",
    "usageReporting": True,
    "expiresAt": 4102444800,
    "licensed": {"hosts": 99, "cpuCores": 9999},
}
for base in ("registered", "capacity"):
    for field, value in SIGNED_EDITS.items():
        if field == "billingModel":
            value = "Capacity" if base == "registered" else "Development"
        edit(f"{base}-signed-{field}", base, "activation.json", signed(field, value))
    edit(f"{base}-signed-tenants-removed", base, "activation.json",
         lambda d: d.pop("tenants", None))
# the marks rolled back, the hardware verdict edited
edit("checked-serials-rolled-back", "earlier-check", "serials.json", lambda d: d.clear())
edit("not-compliant-check-edited", "not-compliant", "last-check.json",
     signed("compliant", True))
# clocks: set back behind the trusted time, at and around the expiry, far ahead
case("expired-clock-far-back", "expired", "2020-01-01 00:00:00\n")
case("capacity-clock-2100", "capacity", "2100-01-01 00:00:00\n")
case("capacity-clock-1970", "capacity", "1970-01-02 00:00:00\n")


def tree(d):
    """what the library must leave as it is: names, types, modes, owners, contents"""
    rows = []
    for root, dirs, files in os.walk(d):
        for n in sorted(dirs + files):
            p = os.path.join(root, n)
            st = os.lstat(p)
            body = b""
            if os.path.isfile(p) and not os.path.islink(p):
                body = open(p, "rb").read()
            rows.append((p, st.st_mode, st.st_uid, hashlib.sha256(body).hexdigest()))
    return rows


def run(c, argv):
    env = dict(os.environ, TZ="UTC")
    return subprocess.run(["faketime", "-f", open(f"{c}/clock").read().strip()] + argv,
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)


def one(name):
    """key-import's expectations and the library's answer for one case; what went wrong"""
    c, wrong = f"{out}/{name}", []
    for suffix, warn in (("", []), ("-warn", ["--warn-days", "30"])):
        p = run(c, [ki, "--state-dir", f"{c}/stamp", "status", "--json"] + warn)
        err = [l.removeprefix("key-import: ") for l in p.stderr.splitlines()]
        with open(f"{c}/expect{suffix}.json", "w") as f:
            json.dump({"exit": p.returncode, "stderr": err,
                       "status": json.loads(p.stdout) if p.stdout.strip() else None}, f)
    before = tree(c)
    p = run(c, [answer, c])
    with open(f"{answers}/{name}.json", "w") as f:
        f.write(p.stdout)
    if p.stderr or p.returncode:
        wrong.append(f"ANSWER {name}: exit {p.returncode}: {p.stderr.strip()}")
    if tree(c) != before:
        wrong.append(f"WROTE {name}")
    return wrong


# two at a time: the machine's two cores (each case is three short processes)
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    for wrong in pool.map(one, sorted(os.listdir(out))):
        for line in wrong:
            print(line)
