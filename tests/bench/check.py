# SPDX-License-Identifier: Apache-2.0
# make bench, key-import check's row: the whole process (start, the stored key verified
# again, 16 records read, digested and matched, the report printed), median of RUNS, for 16
# different real hosts (the first 16 records hosts.py probed from the captures) checked
# against a Capacity key issued for them. Prints one row of the table run.sh heads.
# Usage: check.py BIN HOSTS_DIR WORK_DIR
import os
import statistics
import subprocess
import sys
import time

BIN, HOSTS, WORK = sys.argv[1:4]
RUNS = 31
N = 16
env = dict(os.environ, AIRREG_STATE_DIR=f"{WORK}/stamp", AIRREG_DATA_DIR=f"{WORK}/ws")


def run(*argv):
    """Runs argv (it must exit 0); returns its wall seconds."""
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)}: exit {p.returncode}: {p.stderr.decode().strip()}")
    return wall


tg, rg, ki = (f"{BIN}/{p}" for p in ("token-gen", "registrar", "key-import"))
host_args = [a for i in range(1, N + 1) for a in ("--host", f"{HOSTS}/node{i}.json")]
run(tg, "init")
run(tg, "create", "--billing-model", "Capacity", "--agreement-number", "42", *host_args,
    "-o", f"{WORK}/tok.txt")
run(rg, "init")
run(rg, "register", "--token", f"{WORK}/tok.txt", "--name", "east")
run(rg, "activation-key", "--name", "east", "--host-match", "all", "-o", f"{WORK}/key.txt")
run(rg, "export-issuer-key", "-o", f"{WORK}/issuer.pub")
run(ki, "trust", "add", f"{WORK}/issuer.pub")
run(ki, "import", f"{WORK}/key.txt")
# interleaved with key-import --dry-run of the same key (start, one decode and verify): on a
# loaded machine both move together, and the difference is check's own work
walls = [(run(ki, "check", *host_args), run(ki, "--dry-run", f"{WORK}/key.txt"))
         for _ in range(RUNS)]
ms = statistics.median(w[0] for w in walls) * 1000
dry = statistics.median(w[1] for w in walls) * 1000
print(f"| key-import check --host, {N} different real hosts, whole process, median of {RUNS} "
      f"| {ms:.2f} ms vs key-import --dry-run of its key {dry:.2f} ms |  | process start "
      f"included; Capacity key, policy all, {N} of {N} found, the stored key verified again |")
