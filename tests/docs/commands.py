# SPDX-License-Identifier: Apache-2.0
"""Every command the operator's documents show runs as written, in order, on a fresh
scratch directory laid out as an operator's: checkout/ (the clone, its build/bin the
programs under test), stamp/ (the stamp, and each of its hosts), workstation/ and usb/.

usage: commands.py REPO   (with $BIN, the built programs, as make e2e gives it)

What is run: every indented (4-space) block of README.md, docs/runbook.md and docs/api.md,
and the .nf/.fi lines of the man pages' EXAMPLES; a block is not a command when it starts
with `{` (a JSON example) or shows a usage synopsis (`[--`). A line ending in `\\` goes on.
The blocks of a procedure (between `<!-- procedure NAME -->` and `<!-- /procedure NAME -->`)
are left to tests/e2e/runbook.sh, which runs each on a stamp and a workstation of its own at
the time it needs (a renewal a year on) and checks what it did; they are listed below.
The flows below run in order, each in its own scratch directory, each in one bash (so a
variable or an `export` of one command holds for the next ones).

Where a command runs (its working directory), as the docs say it:
  - a comment on it saying "on the workstation" -> workstation/; "on the stamp" or
    "on each host" -> stamp/;
  - else its program: registrar -> workstation/; token-gen, key-import -> stamp/;
    make -> checkout/;
  - else (zbarimg, curl, a variable) the side of the next command of its block that has
    one, else of the command before.
What crosses the gap (CARRIED) is copied, as an operator carries it, through usb/ to the
other side after each command that wrote it. The state and data directories are in the
scratch directory through $AIRREG_STATE_DIR and $AIRREG_DATA_DIR, never /var/lib. The
programs are on PATH only as the README's own step puts them there (for the README) or as
that step leaves them (every other flow); any installed copy is taken off PATH.

The one rewrite: 127.0.0.1:8080 (the API's example) and 127.0.0.1:8443 (its HTTPS one, for
airreg-connect) become free ports of this machine (two test runs at once must not meet). The commands a test cannot run are SKIPPED below, each with its reason, and
some with what stands in for it. Each command must exit 0, or N where a comment on it says
"exits N" (a refusal the doc shows); a failure names the file, the
line, the command and its output."""
import os, re, shlex, socket, subprocess, sys, tempfile

REPO = os.path.abspath(sys.argv[1])
BIN = os.path.abspath(os.environ["BIN"])
HOSTS = os.path.join(REPO, "samples", "hosts")

FLOWS = [
    ["README.md"],
    # the API on the runbook's workstation; airreg-connect's page on the stamp that reaches it
    # (the runbook's "When the stamp can reach the registrar" leaves the HTTPS server running)
    ["docs/runbook.md", "man/airreg-connect.1", "docs/api.md"],
    ["man/token-gen.1", "man/registrar.1", "man/key-import.1"],   # across the gap, in order
]
N = "[A-Za-z0-9_.-]"   # (grep -E too reads this pattern)
# (and the registrar's TLS certificate, public, for a stamp that reaches its registrar: issue 22)
CARRIED = re.compile(rf"^(issuer{N}*\.pub|RegistrationToken{N}*\.txt|ActivationKey{N}*\.txt|{N}+\.png|{N}+\.crt)$")

# command (comments dropped, spaces squeezed) -> (reason, what stands in for it or None);
# a probe "on each host" stands for the probe of every host: host1.json and host2.json.
EACH_HOST = f"cp {HOSTS}/node2.json host2.json"
SKIPPED = {
    "make demo": ("installs Debian packages (apt-get, as root) and builds; make e2e has built"
                  " the programs, and the README's round trip below is the demo's", None),
    "make check": ("runs every test, this one among them", None),
    "token-gen probe -o host1.json": (
        "probes this machine's own /sys and /proc: what it finds is the machine's, not the doc's"
        " (a VM without SMBIOS exits 3, as the runbook says)",
        f"cp {HOSTS}/node1.json host1.json"),
    "zbarcam --raw -1 -Sdisable -Sqrcode.enable > issuer.pub": ("needs a camera", None),
    "scp registrar.example:/var/lib/airreg/registrar/api.secret api.secret": (
        "needs the workstation over ssh; here both sides are one machine",
        'cp "$AIRREG_DATA_DIR/api.secret" api.secret'),
    "zbarcam --raw -Sdisable -Sqrcode.enable > ActivationKey.txt": ("needs a camera", None),
}


def unroff(line):
    return (line.replace("\\-", "-").replace("\\e", "\\").replace("\\(aq", "'")
            .replace("\\&", "").replace("\\(dq", '"'))


PROCEDURE = re.compile(r"^<!-- (/?)procedure (\S+) -->$")
LEFT = []  # the procedures left to tests/e2e/runbook.sh, as "doc:line: procedure NAME"


def blocks(path):
    """[(first line number, [lines])] of the command blocks of one document."""
    text = open(os.path.join(REPO, path), encoding="utf-8").read().split("\n")
    out = []
    if path.endswith(".1"):
        inex = False; cur = None
        for n, l in enumerate(text, 1):
            if l.startswith(".SH"):
                inex = l.split(None, 1)[1:] == ["EXAMPLES"]
            elif inex and l.startswith(".nf"):
                cur = []
            elif inex and l.startswith(".fi") and cur is not None:
                out.append(cur); cur = None
            elif cur is not None and not l.startswith(".") and l.strip():
                cur.append((n, unroff(l)))
        return out
    cur = None; prev = ""; proc = False
    for n, l in enumerate(text, 1):
        m = PROCEDURE.match(l)
        if m:
            proc = not m.group(1)
            if proc:
                LEFT.append(f"{path}:{n}: procedure {m.group(2)}  -- run by tests/e2e/runbook.sh")
        if proc or m:
            if cur is not None:
                out.append(cur); cur = None
            prev = l
            continue
        if l.startswith("    ") and (cur is not None or prev.strip() == ""):
            if cur is None:
                cur = []
            cur.append((n, l[4:]))
        else:
            if cur is not None and l.strip() == "":
                continue  # a blank line inside a block (dropped)
            if cur is not None:
                out.append(cur); cur = None
        prev = l
    if cur is not None:
        out.append(cur)
    return [b for b in out if not b[0][1].lstrip().startswith(("{", '"')) and "[--" not in b[0][1]]


def commands(block):
    """[(line number, text)] : a line ending in a backslash, |, && or || continues."""
    out = []; cur = None
    for n, l in block:
        if cur is None:
            cur = (n, l)
        else:
            cur = (cur[0], cur[1] + "\n" + l)
        if not l.split(" #", 1)[0].rstrip().endswith(("\\", "|", "&&")):
            out.append(cur); cur = None
    if cur is not None:
        out.append(cur)
    return out


def strip_comment(cmd):
    try:
        lex = shlex.shlex(cmd, posix=True, punctuation_chars=";&|<>()")
        lex.whitespace_split = True
        lex.commenters = "#"
        return " ".join(lex)
    except ValueError:
        return " ".join(cmd.split())


PROG = re.compile(r"(?:^|[\s;|&(])(token-gen|key-import|airreg-connect|registrar|make)(?=\s|$)")
SIDES = {"token-gen": "stamp", "key-import": "stamp", "airreg-connect": "stamp", "registrar": "workstation",
         "make": "checkout"}
PROGRAMS = ("token-gen", "registrar", "key-import", "airreg-connect")


def side_of(cmd):
    comment = cmd[len(cmd.split("#", 1)[0]):] if "#" in cmd else ""
    if "on the workstation" in comment:
        return "workstation"
    if "on the stamp" in comment or "on each host" in comment:
        return "stamp"
    m = PROG.search(strip_comment(cmd))
    return SIDES[m.group(1)] if m else None


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    return p


PRELUDE = r"""
set -o pipefail  # a command of a pipe that fails is a failure, as a user would see it
carry() { # carry SIDE: what crosses, from SIDE through usb/ to the other side
	other=workstation; [ "$1" = workstation ] && other=stamp
	[ "$1" = checkout ] && return 0
	for f in "$SCRATCH/$1"/*; do
		b=${f##*/}
		[ -f "$f" ] && printf '%s\n' "$b" | grep -Eq "$CARRIED" || continue
		cmp -s "$f" "$SCRATCH/usb/$b" && continue
		cp "$f" "$SCRATCH/usb/$b" && cp "$SCRATCH/usb/$b" "$SCRATCH/$other/$b"
	done
}
done_cmd() { # done_cmd ID STATUS [SIDE]
	echo "$1 $2" >> "$SCRATCH/.status"
	[ -n "${3:-}" ] && carry "$3"
}
wait_port() { # a server started in the background: wait until it answers (or give up);
	# an HTTPS server answers a plain request with no HTTP: what counts is a connection taken
	i=0
	while [ $i -lt 600 ]; do
		curl -s -o /dev/null "http://127.0.0.1:$1/"; [ $? -eq 7 ] || break
		sleep 0.05; i=$((i+1))
	done
}
trap 'for p in $BGPIDS; do kill $p 2>/dev/null; wait $p 2>/dev/null; done' EXIT
BGPIDS=
"""


def run_flow(docs, scratch):
    for d in ("checkout/build", "stamp", "workstation", "usb", ".out"):
        os.makedirs(os.path.join(scratch, d), exist_ok=True)
    os.symlink(BIN, os.path.join(scratch, "checkout/build/bin"))
    port = free_port()
    tls_port = free_port()
    while tls_port == port:
        tls_port = free_port()
    script = [PRELUDE]
    cmds = {}   # id -> (doc, line, text)
    skipped = []
    refused = {}  # id -> why a command was not run
    side = "workstation"
    i = 0
    for doc in docs:
        for block in blocks(doc):
            cs = commands(block)
            sides = [side_of(c) for _, c in cs]
            for k, (line, cmd) in enumerate(cs):
                s = sides[k] or next((x for x in sides[k + 1:] if x), None) or side
                side = s
                key = strip_comment(cmd)
                if not key:
                    continue  # a line of comment alone tells the reader, runs nothing
                i += 1
                cmds[i] = (doc, line, cmd)
                script.append(f'cd "$SCRATCH/{s}" || exit 99')
                if key in SKIPPED:
                    reason, stand_in = SKIPPED[key]
                    if stand_in and "on each host" in cmd:
                        stand_in += " && " + EACH_HOST
                    skipped.append(f"{doc}:{line}: {key}  -- skipped: {reason}"
                                   + (f" (instead: {stand_in})" if stand_in else ""))
                    if stand_in:
                        script.append(f'{{ {stand_in}\n}} > "$SCRATCH/.out/{i}" 2>&1; done_cmd {i} $? {s}')
                    continue
                text = cmd.replace("127.0.0.1:8080", f"127.0.0.1:{port}").replace(
                    "127.0.0.1:8443", f"127.0.0.1:{tls_port}")
                bg = key.endswith("&")
                if re.search(r">>?\s*/(?!dev/null)", key):
                    refused[i] = "not run: it writes outside the operator's directories"
                    continue
                if "registrar serve" in key and not bg:
                    refused[i] = "not run: a server in the foreground never returns (end it with &)"
                    continue
                script.append(f'{{ {text}\n}} > "$SCRATCH/.out/{i}" 2>&1; done_cmd {i} $? {s}')
                if bg:
                    script.append(f'BGPIDS="$BGPIDS $!"; wait_port {tls_port if "127.0.0.1:8443" in cmd else port}')
    env = dict(os.environ)
    path = [p for p in env.get("PATH", "/usr/bin:/bin").split(":")
            if p and not any(os.path.exists(os.path.join(p, x)) for x in PROGRAMS)]
    if docs[0] != "README.md":
        path.insert(0, os.path.join(scratch, "checkout/build/bin"))  # as the README's step leaves it
    env.update(PATH=":".join(path), SCRATCH=scratch, CARRIED=CARRIED.pattern,
               AIRREG_STATE_DIR=os.path.join(scratch, "stamp-state"),
               AIRREG_DATA_DIR=os.path.join(scratch, "workstation-data"))
    env.pop("SUB", None)
    open(os.path.join(scratch, "flow.sh"), "w").write("\n".join(script) + "\n")
    p = subprocess.Popen(["bash", os.path.join(scratch, "flow.sh")], env=env, cwd=scratch,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        p.wait(timeout=600)  # not a timing: only so that a command that hangs ends the test
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9); p.wait()
        print(f"FAIL: {', '.join(docs)}: a command did not return in 600 s")
    status = {}
    if os.path.exists(os.path.join(scratch, ".status")):
        for l in open(os.path.join(scratch, ".status")):
            a, b = l.split()
            status[int(a)] = int(b)
    failed = ran = 0
    for n, (doc, line, cmd) in cmds.items():
        if strip_comment(cmd) in SKIPPED:
            continue
        ran += 1
        rc = status.get(n)
        m = re.search(r"#.*\bexits (\d+)", cmd)  # a doc that shows a refusal says so: "# exits 4"
        want = int(m.group(1)) if m else 0
        if n in refused:
            failed += 1
            print(f"FAIL: {doc}:{line}: {refused[n]}: {cmd}")
            continue
        if rc == want:
            continue
        failed += 1
        out = open(os.path.join(scratch, ".out", str(n)), errors="replace").read() \
            if os.path.exists(os.path.join(scratch, ".out", str(n))) else ""
        print(f"FAIL: {doc}:{line}: exit {'(not reached)' if rc is None else rc}, want {want}: {cmd}")
        for l in out.rstrip("\n").split("\n")[-12:]:
            print(f"    | {l}")
    return ran, failed, skipped


def self_test():
    """The check can fail: a doc whose second command fails is named by file, line and output."""
    import contextlib, io
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as scratch:
        doc = os.path.join(d, "bad.md")
        open(doc, "w").write("A doc.\n\n    registrar init\n    registrar no-such-verb\n"
                             "    registrar list\n    registrar list --no-such-flag   # exits 2\n")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            ran, failed, _ = run_flow([doc], scratch)
    want = f"FAIL: {doc}:4: exit 2, want 0: registrar no-such-verb"
    if (ran, failed) != (4, 1) or want not in out.getvalue() or "no-such-verb" not in out.getvalue().split(want, 1)[1]:
        print(f"FAIL: the check cannot fail as it should (ran {ran}, failed {failed}):\n{out.getvalue()}")
        return 1
    return 0


def main():
    total = 0
    failed = self_test()
    for docs in FLOWS:
        with tempfile.TemporaryDirectory() as scratch:
            r, f, s = run_flow(docs, scratch)
            subprocess.run(["chmod", "-R", "u+rwX", scratch])
        total += r; failed += f
        if r < 5:
            print(f"FAIL: {', '.join(docs)}: only {r} commands found")
            failed += 1
        for l in s:
            print(f"  {l}")
    for l in LEFT:
        print(f"  {l}")
    print(f"docs commands: {total - failed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
