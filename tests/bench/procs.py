# SPDX-License-Identifier: Apache-2.0
# make bench, the whole-process half: wall time (median of RUNS) of key-import
# --dry-run and token-gen create beside a bare `openssl pkeyutl -verify -rawin`, the
# CLI's register + issue per token, and each program's peak resident memory.
# Prints rows of the table run.sh heads. Usage: procs.py BIN HOSTS_DIR WORK_DIR
import os
import statistics
import subprocess
import sys
import time

BIN, HOSTS, WORK = sys.argv[1:4]
RUNS = 31
CLI_TOKENS = 1000
env = dict(os.environ, AIRREG_STATE_DIR=f"{WORK}/stamp", AIRREG_DATA_DIR=f"{WORK}/ws")


def run(*argv, quiet=True):
    """Runs argv; returns (wall seconds, peak RSS KiB) of that one process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL if quiet else None,
                         stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)}: exit {p.returncode}")
    return wall, usage.ru_maxrss


def peak_kib(*argv):
    """Peak RSS of the program alone (GNU time execs it from a small process; a fork of
    this Python would count Python's own pages)."""
    out = f"{WORK}/rss"
    run("/usr/bin/time", "-f", "%M", "-o", out, *argv)
    return int(open(out).read().split()[-1])


def median_ms(*argv):
    walls = [run(*argv)[0] for _ in range(RUNS)]
    return statistics.median(walls) * 1000, peak_kib(*argv)


def row(what, value, target="", note=""):
    print(f"| {what} | {value} | {target} | {note} |")


tg, rg, ki = (f"{BIN}/{p}" for p in ("token-gen", "registrar", "key-import"))
hosts = sorted(f"{HOSTS}/{h}" for h in os.listdir(HOSTS) if h.endswith(".json"))
host_args = [a for h in hosts for a in ("--host", h)]
run(tg, "init")
run(tg, "create", "--billing-model", "Development", *host_args, "-o", f"{WORK}/tok.txt")
run(rg, "init")
run(rg, "register", "--token", f"{WORK}/tok.txt", "--name", "east")
run(rg, "activation-key", "--name", "east", "-o", f"{WORK}/key.txt")
run(rg, "export-issuer-key", "-o", f"{WORK}/issuer.pub")
run(ki, "trust", "add", f"{WORK}/issuer.pub")

# the bare verify: the key's signing input and signature, with the issuer key
head, payload, sig = open(f"{WORK}/key.txt").read().split(".")
open(f"{WORK}/signed", "w").write(head + "." + payload)
import base64
open(f"{WORK}/sig", "wb").write(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
openssl = ("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", f"{WORK}/issuer.pub",
           "-in", f"{WORK}/signed", "-sigfile", f"{WORK}/sig")

ossl_ms, ossl_rss = median_ms(*openssl)
ki_ms, ki_rss = median_ms(ki, "--dry-run", f"{WORK}/key.txt")
tg_ms, tg_rss = median_ms(tg, "create", "--billing-model", "Development", *host_args,
                          "-o", f"{WORK}/tok2.txt")
row(f"key-import --dry-run, whole process, median of {RUNS}",
    f"{ki_ms:.2f} ms vs openssl pkeyutl {ossl_ms:.2f} ms: {ki_ms / ossl_ms:.2f}",
    "<= 1.00", "process start included")
row(f"token-gen create ({len(hosts)} host records), whole process, median of {RUNS}",
    f"{tg_ms:.2f} ms vs openssl pkeyutl {ossl_ms:.2f} ms: {tg_ms / ossl_ms:.2f}", "",
    "the identity exists (token-gen init)")

# the CLI, one process per verb: register, then activation-key
for n in range(CLI_TOKENS):
    run(tg, "init", "--state-dir", f"{WORK}/stamps/{n}")
    run(tg, "create", "--billing-model", "Development", "--host", hosts[0],
        "--state-dir", f"{WORK}/stamps/{n}", "-o", f"{WORK}/t{n}.txt")
t0 = time.perf_counter()
for n in range(CLI_TOKENS):
    run(rg, "register", "--token", f"{WORK}/t{n}.txt", "--name", f"s{n}")
    run(rg, "activation-key", "--name", f"s{n}", "-o", f"{WORK}/k{n}.txt")
rate = CLI_TOKENS / (time.perf_counter() - t0)
run(tg, "init", "--state-dir", f"{WORK}/stamps/last")
run(tg, "create", "--billing-model", "Development", "--host", hosts[1],
    "--state-dir", f"{WORK}/stamps/last", "-o", f"{WORK}/last.txt")
reg_rss = peak_kib(rg, "register", "--token", f"{WORK}/last.txt", "--name", "last")
key_rss = peak_kib(rg, "activation-key", "--name", "last", "-o", f"{WORK}/klast.txt")
row(f"registrar register + issue, CLI, one process per verb ({CLI_TOKENS} tokens)",
    f"{rate:.0f}/s", "", "each a process, a database open and a transaction")

mib = lambda kib: f"{kib / 1024:.1f} MiB"
row("peak memory: key-import --dry-run", mib(ki_rss), "<= 8 MiB", f"openssl pkeyutl {mib(ossl_rss)}")
row("peak memory: token-gen create", mib(tg_rss), "<= 8 MiB")
row("peak memory: registrar register", mib(reg_rss), "<= 8 MiB")
row("peak memory: registrar activation-key", mib(key_rss), "<= 8 MiB")
