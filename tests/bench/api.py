# SPDX-License-Identifier: Apache-2.0
# make bench, the HTTP API: `registrar serve` on a free loopback port under wrk for
# SECONDS each, GET .../customerSubscriptions (one page of 50) and POST
# .../getactivationkey (a signed key and a database write each), with the error count
# (non-2xx responses and socket errors: must be 0) and the 99th percentile latency.
# Prints rows of the table run.sh heads. Usage: api.py BIN HOSTS_DIR WORK_DIR
import os
import re
import subprocess
import sys
import time

BIN, HOSTS, WORK = sys.argv[1:4]
SECONDS, THREADS, CONNECTIONS = 10, 2, 16
env = dict(os.environ, AIRREG_STATE_DIR=f"{WORK}/stamp", AIRREG_DATA_DIR=f"{WORK}/ws")
rg = f"{BIN}/registrar"
SUB = "11111111-2222-4333-8444-555555555555"


def quiet(*argv):
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


quiet(f"{BIN}/token-gen", "init")
quiet(f"{BIN}/token-gen", "create", "--billing-model", "Development", "--host",
      f"{HOSTS}/node1.json", "-o", f"{WORK}/tok.txt")
quiet(rg, "init")
quiet(rg, "register", "--token", f"{WORK}/tok.txt", "--name", "east")
for i in range(50):
    quiet(rg, "tenant", "add", "--registration", "east", "--subscription",
          f"10000000-0000-4000-8000-{i:012d}", "--tenant", f"20000000-0000-4000-8000-{i:012d}")
log = open(f"{WORK}/serve.log", "w")
server = subprocess.Popen([rg, "serve", "--listen", "127.0.0.1:0"], env=env,
                          stderr=log, stdout=subprocess.DEVNULL)
port = None
for _ in range(200):
    m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", open(f"{WORK}/serve.log").read())
    if m:
        port = m.group(1)
        break
    time.sleep(0.05)
if not port:
    sys.exit("bench: registrar serve did not start")
secret = open(f"{WORK}/ws/api.secret").read().strip()
base = (f"http://127.0.0.1:{port}/subscriptions/{SUB}/resourceGroups/rg/providers/"
        "Microsoft.AzureStack/registrations/east")
with open(f"{WORK}/post.lua", "w") as f:
    f.write('wrk.method = "POST"\n')


def wrk(url, *extra):
    out = subprocess.run(["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{SECONDS}s",
                          "--latency", "-H", f"Authorization: Bearer {secret}", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return rps, p99, errors


def row(what, value, target="", note=""):
    print(f"| {what} | {value} | {target} | {note} |")


try:
    rps, p99, errors = wrk(f"{base}/customerSubscriptions?api-version=2017-06-01")
    row("API: GET customerSubscriptions (50 a page), wrk 10 s",
        f"{rps:.0f} req/s, p99 {p99}, {errors} errors", "0 errors",
        f"{CONNECTIONS} connections, {THREADS} wrk threads, 4 server threads, loopback")
    rps, p99, errors = wrk(f"{base}/getactivationkey?api-version=2017-06-01", "-s", f"{WORK}/post.lua")
    row("API: POST getactivationkey, wrk 10 s", f"{rps:.0f} req/s, p99 {p99}, {errors} errors",
        "0 errors", "each signs a key and commits its serial (one write transaction)")
finally:
    server.terminate()
    server.wait()
