# SPDX-License-Identifier: Apache-2.0
# make bench, the HTTP API: `registrar serve` on a free loopback port under wrk for
# SECONDS each, GET .../customerSubscriptions (one page of 50) and POST
# .../getactivationkey (a signed key and a database write each), with the error count
# (non-2xx responses and socket errors: must be 0), the 99th percentile latency, and the
# CPU seconds the server (and PostgreSQL) spent. With BENCH_API_DATABASE (a postgresql://
# URL of an empty database of run.sh's throw-away cluster; PG_DIR its directory), the same
# through one server and through two on that database. Prints rows of the table run.sh
# heads. Usage: api.py BIN HOSTS_DIR WORK_DIR
import os
import re
import shutil
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
TICK = os.sysconf("SC_CLK_TCK")


def setup(ws, *init):
    """A data dir ws with the registration "east" and 50 customer subscriptions."""
    e = dict(env, AIRREG_DATA_DIR=ws)
    for argv in ([rg, "init", *init],
                 [rg, "register", "--token", f"{WORK}/tok.txt", "--name", "east"]):
        subprocess.run(argv, env=e, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    for i in range(50):
        subprocess.run([rg, "tenant", "add", "--registration", "east", "--subscription",
                        f"10000000-0000-4000-8000-{i:012d}", "--tenant",
                        f"20000000-0000-4000-8000-{i:012d}"], env=e, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def serve(ws):
    """Starts registrar serve on ws; returns (process, base URL of east)."""
    logname = f"{ws}.serve.log"
    log = open(logname, "w")
    p = subprocess.Popen([rg, "serve", "--listen", "127.0.0.1:0"],
                         env=dict(env, AIRREG_DATA_DIR=ws), stderr=log, stdout=subprocess.DEVNULL)
    servers.append(p)
    for _ in range(200):
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", open(logname).read())
        if m:
            return p, (f"http://127.0.0.1:{m.group(1)}/subscriptions/{SUB}/resourceGroups/rg/"
                       "providers/Microsoft.AzureStack/registrations/east")
        if p.poll() is not None:
            break
        time.sleep(0.05)
    sys.exit(f"bench: registrar serve did not start: {open(logname).read().strip()}")


def cpu(pids):
    """CPU seconds (user + system) the processes pids have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def postgres_pids():
    """The throw-away cluster's processes: its postmaster and every child (the servers'
    backends, the WAL writer, the checkpointer, autovacuum)."""
    if not os.environ.get("PG_DIR"):
        return []
    master = int(open(f"{os.environ['PG_DIR']}/data/postmaster.pid").readline())
    pids = [master]
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(d))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return pids


def run_wrk(url, threads, connections, extra):
    return subprocess.Popen(["wrk", "-t", str(threads), "-c", str(connections), "-d",
                             f"{SECONDS}s", "--latency", "-H", f"Authorization: Bearer {secret}",
                             *extra, url], stdout=subprocess.PIPE, text=True)


def wrk(urls, server_pids, *extra, threads=THREADS, connections=CONNECTIONS):
    """wrk on each of urls at once, THREADS and CONNECTIONS shared among them: the summed
    rate, the worst p99, the summed errors, and what the servers and the database spent
    (CPU seconds) over the run."""
    db_pids = postgres_pids()
    cpu0 = (cpu(server_pids), cpu(db_pids))
    runs = [run_wrk(u, threads // len(urls), connections // len(urls), extra) for u in urls]
    outs = [r.communicate()[0] for r in runs]
    cpu1 = (cpu(server_pids), cpu(db_pids))
    if any(r.returncode != 0 for r in runs):
        sys.exit("bench: wrk failed")
    rps, p99s, errors = 0.0, [], 0
    for out in outs:
        rps += float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p99s.append(re.search(r"99%\s+([\d.]+)(\w+)", out).groups())
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                         out)
        errors += int(non2xx.group(1)) if non2xx else 0
        errors += sum(map(int, sock.groups())) if sock else 0
    scale = {"us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4}
    p99 = max(p99s, key=lambda v: float(v[0]) * scale[v[1]])
    return rps, "".join(p99), errors, cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]


def per_cpu(rps, serve_cpu, db_cpu):
    spent = serve_cpu + db_cpu
    text = f"CPU over the {SECONDS} s: serve {serve_cpu:.1f} s"
    if db_cpu:
        text += f", PostgreSQL {db_cpu:.1f} s"
    cores = os.cpu_count()
    return (text + f" (of {cores * SECONDS} on {cores} cores): {rps * SECONDS / spent:.0f} "
            "requests per CPU-second")


def row(what, value, target="", note=""):
    print(f"| {what} | {value} | {target} | {note} |", flush=True)


servers = []
GET = ("customerSubscriptions?api-version=2017-06-01", ())
POST = ("getactivationkey?api-version=2017-06-01", ("-s", f"{WORK}/post.lua"))
with open(f"{WORK}/post.lua", "w") as f:
    f.write('wrk.method = "POST"\n')
setup(f"{WORK}/ws")
secret = open(f"{WORK}/ws/api.secret").read().strip()
try:
    p, base = serve(f"{WORK}/ws")
    rps, p99, errors, s_cpu, _ = wrk([f"{base}/{GET[0]}"], [p.pid], *GET[1])
    row("API: GET customerSubscriptions (50 a page), wrk 10 s",
        f"{rps:.0f} req/s, p99 {p99}, {errors} errors", "0 errors",
        f"{CONNECTIONS} connections, {THREADS} wrk threads, 4 server threads, loopback; "
        + per_cpu(rps, s_cpu, 0))
    rps, p99, errors, s_cpu, _ = wrk([f"{base}/{POST[0]}"], [p.pid], *POST[1])
    row("API: POST getactivationkey, wrk 10 s", f"{rps:.0f} req/s, p99 {p99}, {errors} errors",
        "0 errors", "each signs a key and commits its serial (one write transaction); "
        + per_cpu(rps, s_cpu, 0))
    p.terminate()
    p.wait()
    # PostgreSQL (BENCH_API_DATABASE: an empty database of run.sh's throw-away cluster): one
    # data dir made by init --database, copied for the second server (its issuer key, its
    # API secret, the file naming the database), as docs/scaling.md deploys them
    url = os.environ.get("BENCH_API_DATABASE")
    if url:
        setup(f"{WORK}/pg1", "--database", url)
        shutil.copytree(f"{WORK}/pg1", f"{WORK}/pg2")
        secret = open(f"{WORK}/pg1/api.secret").read().strip()
        where = "throw-away cluster, fsync off, on the same 2 cores as the servers and wrk"
        p1, base1 = serve(f"{WORK}/pg1")
        for what, (path, extra) in (("GET customerSubscriptions (50 a page)", GET),
                                    ("POST getactivationkey", POST)):
            rps, p99, errors, s_cpu, d_cpu = wrk([f"{base1}/{path}"], [p1.pid], *extra)
            row(f"API on PostgreSQL, one server: {what}, wrk 10 s",
                f"{rps:.0f} req/s, p99 {p99}, {errors} errors", "0 errors",
                f"{CONNECTIONS} connections, {THREADS} wrk threads; {where}; "
                + per_cpu(rps, s_cpu, d_cpu))
        # one client, one request at a time: a write transaction's own latency, which the
        # writer lock makes the bound of every server's writes together
        rps, p99, errors, s_cpu, d_cpu = wrk([f"{base1}/{POST[0]}"], [p1.pid], *POST[1],
                                             threads=1, connections=1)
        row("API on PostgreSQL, one server: POST getactivationkey, one connection, wrk 10 s",
            f"{rps:.0f} req/s ({1000 / rps:.2f} ms each), p99 {p99}, {errors} errors", "0 errors",
            f"one request at a time; {where}; " + per_cpu(rps, s_cpu, d_cpu))
        p2, base2 = serve(f"{WORK}/pg2")
        for what, (path, extra) in (("GET customerSubscriptions (50 a page)", GET),
                                    ("POST getactivationkey", POST)):
            rps, p99, errors, s_cpu, d_cpu = wrk([f"{base1}/{path}", f"{base2}/{path}"],
                                                 [p1.pid, p2.pid], *extra)
            row(f"API on PostgreSQL, two servers on one database: {what}, wrk 10 s",
                f"{rps:.0f} req/s, p99 {p99}, {errors} errors", "0 errors",
                f"two wrk at once, {CONNECTIONS // 2} connections and {THREADS // 2} thread "
                f"each (the sum; the worse p99); {where}; " + per_cpu(rps, s_cpu, d_cpu))
        # every key the servers returned holds its own serial: 1 ... N, none twice
        psql = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin") + "/psql"
        keys = subprocess.run([psql, "-X", "-At", "-d", url, "-c",
                               "SELECT count(*), count(DISTINCT serial), max(serial) FROM keys"],
                              capture_output=True, text=True, check=True).stdout.strip()
        n, distinct, top = map(int, keys.split("|"))
        if not n == distinct == top:
            sys.exit(f"bench: keys on PostgreSQL: {n} rows, {distinct} serials, the last {top}")
finally:
    for p in servers:
        if p.poll() is None:
            p.terminate()
            p.wait()
