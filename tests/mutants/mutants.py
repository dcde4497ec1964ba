#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Mutation run (issue 14, class 14): every listed one-line bug must make a fast suite fail.

usage: mutants.py [--list FILE] [--no-baseline] [--keep] [FILTER...]
  FILTER  a line number of the list, or a text the mutant's file or reason holds;
          only those mutants run (the baseline still runs all default suites)

The tree (git ls-files, cached and untracked but not ignored) is copied once into a
temporary directory and built there; the repository itself is never written. For each
mutant: the pattern must occur exactly once in its file (else STALE: the code moved on
and the list must follow), the edit is applied, the programs and test helpers are
rebuilt incrementally, and the suites run one after another until one fails (KILLED).
The suites the list names for a mutant run first; when none of them fails, every
default suite runs, so a wrong hint costs time, never a false SURVIVED. A mutant that
does not build is STALE too (the list is wrong). The file is restored after each."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SEP = " @@ "
SUITE_TIMEOUT = 900  # a suite hung by a mutant counts as failed (no test is timed)


def parse(path):
    """[(line number, file, pattern, replacement, [suites], why)]; exits on a bad line."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split(SEP)
            if len(parts) != 5 or not parts[0] or not parts[1] or not parts[4]:
                sys.exit(f"mutants: {path}:{n}: want FILE{SEP}PATTERN{SEP}REPLACEMENT"
                         f"{SEP}SUITES{SEP}WHY")
            suites = [s for s in parts[3].split(",") if s.strip() and s.strip() != "-"]
            out.append((n, parts[0], parts[1], parts[2], [s.strip() for s in suites],
                        parts[4]))
    return out


def copy_tree(dest):
    """The tracked and untracked (not ignored) files, as they are in the work tree."""
    try:
        files = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "-c", "-o",
                                "--exclude-standard"], check=True, capture_output=True
                               ).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(REPO):
            dirs[:] = [x for x in dirs if x not in (".git", "build")]
            files += [os.path.relpath(os.path.join(d, x), REPO) for x in names]
    for rel in filter(None, files):
        src = os.path.join(REPO, rel)
        if not os.path.isfile(src):
            continue  # deleted in the work tree, not yet in the index
        os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel))


def run(cmd, cwd, log, env=None, timeout=SUITE_TIMEOUT):
    """Exit status of cmd (its output to log); a timeout kills its process group."""
    with open(log, "ab") as out:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            out.write(b"\nmutants: timed out\n")
            return 124


class Tree:
    def __init__(self, root, logs):
        self.root, self.logs = root, logs
        b = os.path.join(root, "build")
        self.env = dict(os.environ, BIN=os.path.join(b, "bin"),
                        TESTDATA=os.path.join(root, "tests", "data"),
                        SHIM=os.path.join(b, "tests", "faultshim.so"),
                        MUTATE=os.path.join(b, "tests", "mutate"))
        self.units = sorted(f[:-2] for f in os.listdir(os.path.join(root, "tests", "unit"))
                            if f.startswith("test_") and f.endswith(".c"))
        self.attacks = sorted(f[:-3] for f in os.listdir(os.path.join(root, "tests", "attacks"))
                              if f.endswith(".sh") and f not in ("lib.sh", "run.sh"))

    def build(self, log):
        targets = ["all", "build/tests/mutate", "build/tests/faultshim.so"]
        targets += ["build/tests/" + u for u in self.units]
        return run(["nice", "make", "-j2", "WERROR=", "-s"] + targets, self.root, log) == 0

    def default_suites(self):
        """Fastest first: unit, each attack script, torn reads, the API, end-to-end, then
        the suites on a PostgreSQL cluster of their own."""
        return (["unit:" + u for u in self.units] + ["attacks:" + a for a in self.attacks]
                + ["torn", "api", "connect", "lib", "e2e", "pg"])

    def command(self, suite):
        kind, _, name = suite.partition(":")
        t = os.path.join(self.root, "tests")
        if kind == "unit" and name:
            return [os.path.join(self.root, "build", "tests", name)]
        if kind == "attacks" and name:
            return ["sh", os.path.join(t, "attacks", name + ".sh")]
        if kind == "pg" and name:
            return ["sh", os.path.join(t, "pg", name + ".sh")]
        if kind == "e2e" and name:
            script = os.path.join(t, "e2e", name)
            return ["/usr/bin/python3", script] if name.endswith(".py") else ["sh", script + ".sh"]
        return {"torn": ["sh", os.path.join(t, "fault", "torn.sh")],
                "api": ["sh", os.path.join(t, "api", "run.sh")],
                # airreg-connect against registrar serve over HTTPS (issue 22)
                "connect": ["sh", os.path.join(t, "connect", "run.sh")],
                "pg": ["sh", os.path.join(t, "pg", "run.sh")],
                # libairreg installed in a prefix and asked (tests/lib/run.sh)
                "lib": ["make", "-s", "--no-print-directory", "WERROR=", "lib"],
                "e2e": ["sh", os.path.join(t, "e2e", "run.sh")]}.get(suite)

    def expand(self, suite):
        if suite == "unit":
            return ["unit:" + u for u in self.units]
        if suite == "attacks":
            return ["attacks:" + a for a in self.attacks]
        return [suite]

    def first_failing(self, suites, tag):
        """The first suite of the list that fails, or None."""
        for s in suites:
            cmd = self.command(s)
            if cmd is None:
                sys.exit(f"mutants: unknown suite {s!r}")
            log = os.path.join(self.logs, f"{tag}-{s.replace(':', '-')}.log")
            if run(cmd, self.root, log, self.env) != 0:
                return s
        return None


def main(argv):
    args, filters, listing = argv[1:], [], os.path.join(HERE, "list")
    baseline, keep = True, False
    while args:
        a = args.pop(0)
        if a == "--list":
            listing = os.path.abspath(args.pop(0))
        elif a == "--no-baseline":
            baseline = False
        elif a == "--keep":
            keep = True
        else:
            filters.append(a)
    mutants = parse(listing)
    if filters:
        mutants = [m for m in mutants if any(f == str(m[0]) or f in m[1] or f in m[5]
                                             for f in filters)]
    started = time.time()
    work = tempfile.mkdtemp(prefix="airreg-mutants.")
    os.chmod(work, 0o755)  # the tests run some programs as nobody, who reads the samples
    root, logs = os.path.join(work, "tree"), os.path.join(work, "logs")
    os.makedirs(logs)
    copy_tree(root)
    tree = Tree(root, logs)
    print(f"mutants: {len(mutants)} from {os.path.relpath(listing, REPO)}, tree copied to "
          f"{root}", flush=True)
    if not tree.build(os.path.join(logs, "build.log")):
        sys.exit(f"mutants: the unmutated tree does not build (see {logs}/build.log)")
    if baseline:
        failed = tree.first_failing(tree.default_suites(), "baseline")
        if failed:
            sys.exit(f"mutants: the unmutated tree fails {failed} (see {logs}); "
                     "nothing can be measured")
        print(f"mutants: baseline passes every default suite "
              f"({time.time() - started:.0f} s)", flush=True)
    killed, survived, stale = [], [], []
    for n, rel, pattern, replacement, hints, why in mutants:
        path = os.path.join(root, rel)
        label = f"{rel}: {why}"
        try:
            with open(path, encoding="utf-8") as f:
                original = f.read()
        except OSError:
            original = ""
        count = original.count(pattern)
        if count != 1:
            stale.append(n)
            print(f"STALE {label} (line {n}: the pattern occurs {count} times)", flush=True)
            continue
        t0 = time.time()
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.replace(pattern, replacement, 1))
        try:
            if not tree.build(os.path.join(logs, f"m{n}-build.log")):
                stale.append(n)
                print(f"STALE {label} (line {n}: does not build)", flush=True)
                continue
            order = [s for h in hints for s in tree.expand(h)]
            order += [s for s in tree.default_suites() if s not in order]
            by = tree.first_failing(order, f"m{n}")
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        if by:
            killed.append(n)
            print(f"KILLED {label} (line {n}: {by}, {time.time() - t0:.0f} s)", flush=True)
        else:
            survived.append(n)
            print(f"SURVIVED {label} (line {n}: every default suite passes)", flush=True)
    total = len(mutants)
    score = 100.0 * len(killed) / total if total else 0.0
    print(f"mutants: {len(killed)}/{total} killed ({score:.1f} %), {len(survived)} survived, "
          f"{len(stale)} stale, in {(time.time() - started) / 60:.0f} min", flush=True)
    if keep or survived or stale:
        print(f"mutants: logs kept in {logs}")
        shutil.rmtree(root, ignore_errors=True)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if survived or stale or not total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
