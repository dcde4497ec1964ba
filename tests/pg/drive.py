# SPDX-License-Identifier: Apache-2.0
"""Writers at once on one PostgreSQL database, for tests/pg/concurrency.sh: HTTP clients
against two `registrar serve` and CLI writers, each in its own thread. Only the standard
library. Everything they got is written down; the shell script compares it with the
database.

  drive.py load WORK PORT1 PORT2 SECRET RG PLAN
      PLAN (JSON): {"regs": {NAME: TOKEN_FILE}, "extra": [[NAME, TOKEN_FILE, VIA]],
      "http_threads": N (each server), "http_ops": N (each thread), "cli_threads": N,
      "cli_ops": N (each thread), "seed": N}
      First every registration of "regs" is registered at once three ways (a PUT to each
      server and `registrar register`, the same token: one creates it, the others find it
      already registered). Then at once: getactivationkey POSTs, customerSubscriptions
      PUTs and DELETEs and GETs on both servers; `registrar activation-key`, `tenant add`
      and `register` (the "extra" ones, VIA cli) from the CLI threads; the "extra"
      registrations VIA s1/s2 PUT by the HTTP threads. Writes WORK/ops.log (one line an
      operation: VIA KIND NAME STATUS), WORK/keys.txt (NAME KEY, every key a client got),
      WORK/expect-audit.txt (ACTION|COUNT: the audit rows the successes should have made),
      WORK/cli-errors.txt (the stderr of every CLI failure).

  drive.py name|cloud WORK PORT1 PORT2 SECRET RG ROUNDS TOKEN1 TOKEN2 TOKEN3
      ROUNDS times, three registrations at the same instant: TOKEN1 PUT to server 1,
      TOKEN2 PUT to server 2, TOKEN3 by `registrar register`. "name": one new name race-K
      for three CloudIds; "cloud": one CloudId (the three tokens the same) under three new
      names cloud-K-s1, cloud-K-s2, cloud-K-cli. The winner is then unregistered (DELETE
      through server 1) so that its CloudId is free for the next round. In odd rounds the
      PUTs leave late, after 0.4 to 1.1 times what the last `registrar register` took, so
      that the CLI wins some. Writes WORK/KIND-race.log: K S1 S2 CLI WINNER CLOUD DELETE,
      where S1/S2 are "STATUS:CODE-OR-CLOUDID", CLI "EXIT:CLOUDID-OR-STDERR" (spaces as
      _), WINNER s1, s2, cli or none, DELETE the status of its DELETE.
"""
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid

SUB = "11111111-2222-4333-8444-555555555555"
BASE = "/subscriptions/%s/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations" % SUB
AV = "?api-version=2017-06-01"


def request(port, secret, method, path, body=None):
    """One request on a connection of its own: (status, parsed JSON body or None). A
    transport failure is status 0, which the checks count as neither 2xx nor 503."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": "Bearer " + secret, "Connection": "close"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request(method, path, body=data, headers=headers)
        r = c.getresponse()
        raw = r.read()
        c.close()
    except (OSError, http.client.HTTPException) as ex:
        return 0, {"exception": repr(ex)}
    try:
        doc = json.loads(raw) if raw else None
    except ValueError:
        doc = {"unparsed": raw[:200].decode("latin-1")}
    return r.status, doc


class Log:
    def __init__(self, work):
        self.lock = threading.Lock()
        self.work = work
        self.ops = open(os.path.join(work, "ops.log"), "w")
        self.keys = open(os.path.join(work, "keys.txt"), "w")
        self.errors = open(os.path.join(work, "cli-errors.txt"), "w")
        self.audit = {}

    def op(self, via, kind, name, status, audit=None, key=None, err=None):
        with self.lock:
            self.ops.write("%s %s %s %s\n" % (via, kind, name, status))
            if audit:
                self.audit[audit] = self.audit.get(audit, 0) + 1
            if key:
                self.keys.write("%s %s\n" % (name, key))
            if err:
                self.errors.write("%s %s %s: %s\n" % (via, kind, name, err.strip()))

    def close(self):
        self.ops.close()
        self.keys.close()
        self.errors.close()
        with open(os.path.join(self.work, "expect-audit.txt"), "w") as f:
            for action in sorted(self.audit):
                f.write("%s|%d\n" % (action, self.audit[action]))


def put_token(port, secret, name, token_file):
    with open(token_file) as f:
        token = f.read().strip()
    return request(port, secret, "PUT", "%s/%s%s" % (BASE, name, AV),
                   {"location": "global", "properties": {"registrationToken": token}})


def cli(rg, *args):
    p = subprocess.run([rg] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    return p.returncode, p.stdout, p.stderr


def http_register(log, via, port, secret, name, token_file):
    status, doc = put_token(port, secret, name, token_file)
    log.op(via, "put-registration", name, status, audit="register" if status == 201 else None)


def cli_register(log, rg, name, token_file):
    rc, out, err = cli(rg, "register", "--token", token_file, "--name", name)
    new = rc == 0 and out.startswith("registrar: registered ")
    log.op("cli", "register", name, rc, audit="register" if new else None,
           err=err if rc else None)


def load(work, port1, port2, secret, rg, plan):
    log = Log(work)
    regs = sorted(plan["regs"])
    ports = {"s1": port1, "s2": port2}

    # --- every registration three ways at once
    threads = []
    for name in regs:
        tok = plan["regs"][name]
        threads.append(threading.Thread(target=http_register,
                                        args=(log, "s1", port1, secret, name, tok)))
        threads.append(threading.Thread(target=http_register,
                                        args=(log, "s2", port2, secret, name, tok)))
        threads.append(threading.Thread(target=cli_register, args=(log, rg, name, tok)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # --- the load
    start = threading.Barrier(2 * plan["http_threads"] + plan["cli_threads"])
    extra = {"s1": [], "s2": [], "cli": []}
    for name, tok, via in plan.get("extra", []):
        extra[via].append((name, tok))

    def http_worker(via, index, extras):
        rnd = random.Random(plan["seed"] * 1000 + index + (0 if via == "s1" else 500))
        port = ports[via]
        mine = []  # (registration, subscription) this thread mapped and has not removed
        # the extra registrations this thread PUTs, at points spread over its run
        at = {rnd.randrange(plan["http_ops"]): e for e in extras}
        start.wait()
        for i in range(plan["http_ops"]):
            if i in at:
                http_register(log, via, port, secret, *at[i])
                continue
            name = rnd.choice(regs)
            dice = rnd.random()
            if dice < 0.55:
                status, doc = request(port, secret, "POST",
                                      "%s/%s/getactivationkey%s" % (BASE, name, AV))
                key = doc.get("activationKey") if status == 200 and doc else None
                log.op(via, "getactivationkey", name, status,
                       audit="activation-key" if key else None, key=key)
            elif dice < 0.80 or not mine:
                sub, tenant = str(uuid.uuid4()), str(uuid.uuid4())
                status, _ = request(port, secret, "PUT", "%s/%s/customerSubscriptions/%s%s"
                                    % (BASE, name, sub, AV),
                                    {"properties": {"tenantId": tenant}})
                # a new pair each time: every 200 is one write and one audit row
                log.op(via, "put-tenant", name, status,
                       audit="tenant add" if status == 200 else None)
                if status == 200:
                    mine.append((name, sub))
            elif dice < 0.95:
                name, sub = mine.pop(rnd.randrange(len(mine)))
                status, _ = request(port, secret, "DELETE", "%s/%s/customerSubscriptions/%s%s"
                                    % (BASE, name, sub, AV))
                log.op(via, "delete-tenant", name, status,
                       audit="tenant remove" if status == 200 else None)
            else:
                # one never mapped: 204, nothing written
                status, _ = request(port, secret, "DELETE", "%s/%s/customerSubscriptions/%s%s"
                                    % (BASE, name, uuid.uuid4(), AV))
                log.op(via, "delete-absent-tenant", name, status)
            if rnd.random() < 0.1:
                status, doc = request(port, secret, "GET", "%s/%s%s" % (BASE, name, AV))
                log.op(via, "get", name, status)

    def cli_worker(index, extras):
        rnd = random.Random(plan["seed"] * 1000 + 900 + index)
        out = os.path.join(work, "cli%d.key" % index)
        at = {rnd.randrange(plan["cli_ops"]): e for e in extras}
        start.wait()
        for i in range(plan["cli_ops"]):
            if i in at:
                cli_register(log, rg, *at[i])
                continue
            name = rnd.choice(regs)
            if rnd.random() < 0.7:
                if os.path.exists(out):
                    os.unlink(out)
                rc, _, err = cli(rg, "activation-key", "--name", name, "-o", out)
                key = None
                if rc == 0:
                    with open(out) as f:
                        key = f.read().strip()
                log.op("cli", "activation-key", name, rc,
                       audit="activation-key" if key else None, key=key,
                       err=err if rc else None)
            else:
                rc, _, err = cli(rg, "tenant", "add", "--registration", name, "--subscription",
                                 str(uuid.uuid4()), "--tenant", str(uuid.uuid4()))
                log.op("cli", "tenant-add", name, rc, audit="tenant add" if rc == 0 else None,
                       err=err if rc else None)
            if rnd.random() < 0.2:
                # the same registration's token again: already registered, nothing written
                rc, out_text, err = cli(rg, "register", "--token", plan["regs"][name],
                                        "--name", name)
                log.op("cli", "register-again", name, rc, err=err if rc else None)

    threads = []
    for via in ("s1", "s2"):
        for k in range(plan["http_threads"]):
            threads.append(threading.Thread(target=http_worker,
                                            args=(via, k, extra[via][k::plan["http_threads"]])))
    for k in range(plan["cli_threads"]):
        threads.append(threading.Thread(target=cli_worker,
                                        args=(k, extra["cli"][k::plan["cli_threads"]])))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()


def race(work, port1, port2, secret, rg, rounds, kind, tok1, tok2, tok3):
    """kind "name": one name race-K, three tokens (three CloudIds); kind "cloud": one token
    (one CloudId), three names cloud-K-s1, cloud-K-s2, cloud-K-cli."""
    out = open(os.path.join(work, "%s-race.log" % kind), "w")
    rnd = random.Random(20)
    cli_time = [0.05]  # how long the last `registrar register` took
    toks = {"s1": tok1, "s2": tok2, "cli": tok3}
    for k in range(rounds):
        names = {v: "race-%d" % k if kind == "name" else "cloud-%d-%s" % (k, v) for v in toks}
        got = {}
        gate = threading.Barrier(3)

        def put(via, port, delay):
            gate.wait()
            # odd rounds: the PUTs late, so that the CLI (a process to start, a connection
            # to open) is in the race too; even rounds: the two servers at the same instant
            if delay:
                time.sleep(delay)
            status, doc = put_token(port, secret, names[via], toks[via])
            code = (doc or {}).get("error", {}).get("code", "-") if status != 201 else \
                doc["properties"]["cloudId"]
            got[via] = (status, code)

        def reg():
            gate.wait()
            t0 = time.monotonic()
            rc, outp, err = cli(rg, "register", "--token", toks["cli"], "--name", names["cli"])
            cli_time[0] = time.monotonic() - t0
            got["cli"] = (rc, outp.split()[4].rstrip(",") if rc == 0 and len(outp.split()) > 4
                          else err.strip().replace(" ", "_")[:300])

        def delay():
            return rnd.uniform(0.4, 1.1) * cli_time[0] if k % 2 == 1 else 0

        ts = [threading.Thread(target=put, args=("s1", port1, delay())),
              threading.Thread(target=put, args=("s2", port2, delay())),
              threading.Thread(target=reg)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        winners = [v for v in ("s1", "s2") if got[v][0] == 201] + \
            (["cli"] if got["cli"][0] == 0 else [])
        winner = winners[0] if len(winners) == 1 else "none"
        cloud = got[winner][1] if len(winners) == 1 else "none"
        # free the winner's CloudId for the next round (its name stays bound to it)
        status, _ = request(port1, secret, "DELETE", "%s/%s%s" % (
            BASE, names[winner] if len(winners) == 1 else names["s1"], AV))
        out.write("%d %s:%s %s:%s %s:%s %s %s %d\n" % (k, got["s1"][0], got["s1"][1],
                                                       got["s2"][0], got["s2"][1],
                                                       got["cli"][0], got["cli"][1], winner,
                                                       cloud, status))
    out.close()


if __name__ == "__main__":
    mode, work, p1, p2, secret, rg = sys.argv[1:7]
    if mode == "load":
        with open(sys.argv[7]) as f:
            load(work, int(p1), int(p2), secret, rg, json.load(f))
    else:
        race(work, int(p1), int(p2), secret, rg, int(sys.argv[7]), mode, *sys.argv[8:11])
