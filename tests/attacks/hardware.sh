#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The hardware policy (issue 16, parts 4 and 6), from the real captures in tests/data/hwdata:
# keys forged with a weaker policy or a larger licence; activation.json edited by hand to
# weaken the policy, add hosts or put an older key back (key-import check must judge only
# what the issuer signed); stamps issued from placeholder identities; host records that lie;
# a Capacity key given more hosts or more cores than it licenses. Every case: the exit
# status, the one stderr line, and every file of the stamps and the workstation unchanged.
. "$(dirname "$0")/lib.sh"
ROOTS=$TESTDATA/hwdata/roots
export PYTHONPATH=$HERE
STP=$WORK/stampP

# As lib.sh's, with the placeholder stamp, and without last-check*: the file in which check
# may record its last verdict (issue 16, part 3) is check's own output, not a change an
# attack made.
state() {
	find "$ST" "$WS" "$STP" \( -name .lock -o -name 'registrar.db*' -o -name 'last-check*' \) \
		-prune -o \( -type f -printf '%p %m %s %i %T@\n' \) -o -printf '%p %m %y\n' | sort
	sqlite3 "$WS/registrar.db" .dump
}

# passes "what" ARGS...: key-import check ARGS in compliance (exit 0, nothing on stderr)
passes() {
	what=$1; shift
	CASES=$((CASES + 1))
	before=$(state)
	expect_exit 0 "$what" "$KI" check "$@"
	check "$what: nothing on stderr" [ -z "$ERR" ]
	check "$what: nothing changed" [ "$(state)" = "$before" ]
}

probe() { "$TG" probe --root "$ROOTS/$1" --host "$2" -o "$2.json" 2>/dev/null; }
probe uroot-Lenovo-ThinkPad-T480 node1         # 4 cores
probe uroot-Lenovo-ThinkPad-T490 node2         # 4 cores
probe uroot-Asus-UX307LA node3                 # 2 cores
probe uroot-Toshiba-Satellite-Pro-L70-A node4  # 2 cores
probe uroot-Lenovo-ThinkPad-W510 node5         # 4 cores
"$TG" init >/dev/null
"$TG" create --billing-model Capacity --agreement-number 42 --host node1.json --host node2.json \
	--host node3.json -o tok.txt >/dev/null
"$RG" init >/dev/null
"$RG" register --token tok.txt --name east >/dev/null
"$RG" activation-key --name east --host-match any -o any.txt >/dev/null
"$RG" activation-key --name east -o most.txt >/dev/null
"$RG" export-issuer-key -o issuer.pub >/dev/null
"$KI" trust add issuer.pub >/dev/null
"$KI" import any.txt >/dev/null
"$KI" import most.txt >/dev/null
# the stamp grown to four hosts, renewed: a key for them, never imported here
"$TG" create --billing-model Capacity --agreement-number 42 --host node1.json --host node2.json \
	--host node3.json --host node4.json -o tok4.txt >/dev/null
"$RG" register --token tok4.txt --name east >/dev/null
"$RG" activation-key --name east -o four.txt >/dev/null
# records a hand wrote from placeholder identities (probe refuses to make them): all-zero,
# all-FF and AMI's template UUID with placeholder serials, and a real UUID with a placeholder
# serial or board serial, or a serial typed with a blank. token-gen create, check --host and
# import --host refuse each (a key could never find such a host); the registrar's own refusal
# of a policy no host can meet is tested in tests/e2e/registrar.sh.
$PY - <<'PYEOF'
import json
for src, dst, uuid in (("node1", "p-zero", "00000000-0000-0000-0000-000000000000"),
                       ("node2", "p-ff", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
                       ("node3", "p-ami", "03000200-0400-0500-0006-000700080009")):
    r = json.load(open(src + ".json"))
    r.update(name=dst, uuid=uuid, serial="To Be Filled By O.E.M.")
    if "boardSerial" in r:
        r["boardSerial"] = "Default string"
    json.dump(r, open(dst + ".json", "w"), indent=2)
for dst, field, value in (("p-serial", "serial", "To Be Filled By O.E.M."),
                          ("p-board", "boardSerial", "Default string"),
                          ("p-blank", "serial", "PC131TBF ")):
    r = json.load(open("node1.json"))
    r[field] = value
    json.dump(r, open(dst + ".json", "w"), indent=2)
PYEOF
"$TG" init --state-dir "$STP" >/dev/null
check "the world" grep -q '"hostMatch": "most"' "$ST/activation.json"

# ---- keys forged with a weaker policy or a larger licence: refused like any forgery ----
$PY - <<'PYEOF'
from jwcrypto import jwk
from jose import b64, compact, deflate, key_claims
c = key_claims(open("most.txt").read())
head, _, sig = open("most.txt").read().strip().split(".")
other = jwk.JWK.generate(kty="OKP", crv="Ed25519")
issuer_kid = jwk.JWK.from_pem(open("issuer.pub", "rb").read()).thumbprint()
def write(name, text):
    open(name, "w").write(text)
def resign(name, claims, kid):
    h = b64(compact({"alg": "EdDSA", "typ": "airreg-activation-key", "zip": "DEF",
                     "kid": kid}).encode())
    p = b64(deflate(compact(claims).encode()))
    write(name, h + "." + p + "." + b64(other.get_op_key("sign").sign((h + "." + p).encode())))
weak = dict(c, hostMatch="any")
more = dict(c, licensed={"hosts": 64, "cpuCores": 4096})
write("f-any.txt", head + "." + b64(deflate(compact(weak).encode())) + "." + sig)
write("f-licensed.txt", head + "." + b64(deflate(compact(more).encode())) + "." + sig)
resign("f-any-samekid.txt", weak, issuer_kid)
resign("f-any-ownkid.txt", weak, other.thumbprint())
PYEOF
attack 4 "f-any.txt: bad signature" "$KI" import f-any.txt
attack 4 "f-licensed.txt: bad signature" "$KI" import f-licensed.txt
attack 4 "f-any-samekid.txt: bad signature" "$KI" import f-any-samekid.txt
attack 4 "f-any-ownkid.txt: issuer key" "$KI" import f-any-ownkid.txt
one_line_error "a forger's own kid" "is not trusted here (key-import trust add)"

# ---- activation.json edited by hand: check judges the key it holds, never the copy ----
cp "$ST/activation.json" genuine.json
# edit PYTHON: activation.json rewritten by the statements (r: the resource, k(FILE): a key's
# claims), as root with an editor would
edit() {
	cp genuine.json "$ST/activation.json"
	$PY - "$ST/activation.json" "$1" <<'PYEOF'
import json, sys
from jose import key_claims
r = json.load(open(sys.argv[1]))
k = lambda f: key_claims(open(f).read())
exec(sys.argv[2])
json.dump(r, open(sys.argv[1], "w"), indent=2)
PYEOF
}
HOLDS="issue a new key on the workstation (registrar activation-key --name east) and import it"
NOT="is not what the key it holds says (changed by hand or damaged): $HOLDS"
edit 'r["hostMatch"] = "any"'
attack 5 "activation.json: \"hostMatch\" $NOT" "$KI" check --host node1.json --host node4.json --host node5.json
edit 'r["hostMatch"] = 1'
attack 5 "activation.json: \"hostMatch\" $NOT" "$KI" check --host node1.json
edit 'r["hosts"] = k("four.txt")["hosts"]; r["hostSalt"] = k("four.txt")["hostSalt"]'
attack 5 "activation.json: \"hostSalt\" $NOT" "$KI" check --host node1.json --host node2.json --host node3.json --host node4.json
edit 'r["hosts"].append(dict(r["hosts"][0], name="node9"))'
attack 5 "activation.json: \"hosts\" $NOT" "$KI" check --host node1.json --host node1.json
edit 'r["licensed"] = {"hosts": 4, "cpuCores": 12}'
attack 5 "activation.json: \"licensed\" $NOT" "$KI" check --host node1.json --host node2.json --host node3.json --host node4.json
edit 'del r["licensed"]'
attack 5 "activation.json: \"licensed\" $NOT" "$KI" check --host node1.json --host node2.json --host node3.json --host node4.json
# a genuine older key of a weaker policy put back, every copy made to agree with it
# (its times too: issued a second later under load, its expiry differs, and that check came first)
edit 'c = k("any.txt"); r.update({f: c[f] for f in ("hostMatch", "hostSalt", "hosts", "serial")}); r.update(issuedAt=c["iat"], notBefore=c["nbf"], expiresAt=c["exp"]); r["activationKey"] = open("any.txt").read().strip()'
attack 5 "activation.json: holds key serial 1 of east, older than serial 2 imported here (put back by hand or from a backup): $HOLDS" "$KI" check --host node1.json --host node4.json --host node5.json
# a forged key put in, every copy made to agree with it
edit 'r["hostMatch"] = "any"; r["activationKey"] = open("f-any.txt").read().strip()'
attack 5 "activation.json: the key it holds does not verify (bad signature): changed by hand or damaged; $HOLDS" "$KI" check --host node1.json --host node4.json --host node5.json
cp genuine.json "$ST/activation.json"

# ---- placeholder identities: refused as records, before any token or key is made ----
PROBE="it tells no machine apart; probe the host again (token-gen probe), or give its real UUID (--system-uuid)"
OUTP="leave it out of the record (probe leaves it out)"
U0='"uuid" 00000000-0000-0000-0000-000000000000 is a placeholder (all-zero (firmware says: not present))'
UF='"uuid" ffffffff-ffff-ffff-ffff-ffffffffffff is a placeholder (all-FF (firmware says: not set))'
UA='"uuid" 03000200-0400-0500-0006-000700080009 is a placeholder (a firmware template value shared by many machines)'
# placeholder NAME PROGRAM-LINE PROGRAM ARGS...: exit 4, exactly that line, nothing changed
placeholder() {
	name=$1; line=$2; shift 2
	attack 4 "$line" "$@"
	check "$name: the exact line" [ "$ERR" = "$line" ]
}
for rec in "p-zero:$U0" "p-ff:$UF" "p-ami:$UA"; do
	f=${rec%%:*}.json
	placeholder "create $f" "token-gen: $f: ${rec#*:}: $PROBE" \
		"$TG" create --state-dir "$STP" --billing-model Development --host node1.json \
		--host "$f" -o tokP.txt
	check "create $f: no token written" [ ! -e tokP.txt ]
done
placeholder "create p-serial.json" "token-gen: p-serial.json: \"serial\" \"To Be Filled By O.E.M.\" is a placeholder: $OUTP" \
	"$TG" create --state-dir "$STP" --billing-model Development --host p-serial.json -o tokP.txt
placeholder "create p-board.json" "token-gen: p-board.json: \"boardSerial\" \"Default string\" is a placeholder: $OUTP" \
	"$TG" create --state-dir "$STP" --billing-model Development --host p-board.json -o tokP.txt
placeholder "create p-blank.json" "token-gen: p-blank.json: \"serial\" \"PC131TBF \" has white space at its start or end: values are compared byte for byte; trim it (probe does)" \
	"$TG" create --state-dir "$STP" --billing-model Development --host p-blank.json -o tokP.txt
check "create: no token written" [ ! -e tokP.txt ]
placeholder "check p-zero.json" "key-import: p-zero.json: $U0: $PROBE" \
	"$KI" check --host node1.json --host p-zero.json
placeholder "check p-serial.json" "key-import: p-serial.json: \"serial\" \"To Be Filled By O.E.M.\" is a placeholder: $OUTP" \
	"$KI" check --host p-serial.json
placeholder "import p-ami.json" "key-import: p-ami.json: $UA: $PROBE" \
	"$KI" import --host node1.json --host node2.json --host p-ami.json four.txt
placeholder "import p-board.json" "key-import: p-board.json: \"boardSerial\" \"Default string\" is a placeholder: $OUTP" \
	"$KI" import --host node1.json --host p-board.json --host node3.json --host node4.json four.txt
check "placeholders: the stamp still holds key 2" grep -q '"hostMatch": "most"' "$ST/activation.json"

# ---- host records that lie ----
sed 's/"name": "node1"/"name": "node9"/' node1.json >node9.json
attack 4 "node1.json: same host UUID as node1.json: give each host's record once" "$KI" check --host node1.json --host node1.json --host node4.json
attack 4 "node9.json: same host UUID as node1.json: give each host's record once" "$KI" check --host node1.json --host node9.json --host node4.json
check "the same host under two names: refused, no report" [ -z "$OUT" ]
set --
for i in $(seq 65); do set -- "$@" --host node1.json; done
attack 2 "check takes at most 64 host records (see key-import --help)" "$KI" check "$@"
$PY -c 'import json; r = json.load(open("node1.json")); r["manufacturer"] = "A" * 100000; json.dump(r, open("huge.json", "w"))'
attack 4 "huge.json: file larger than 65536 bytes" "$KI" check --host huge.json
$PY -c 'import sys; sys.stdout.buffer.write(open("node1.json", "rb").read().replace(b"LENOVO", b"LEN\xffVO", 1))' >latin.json
attack 4 "latin.json: invalid JSON at line 6 column 22: unable to decode byte 0xff" "$KI" check --host latin.json
mkdir adir
attack 4 "adir: is a directory" "$KI" check --host node1.json --host adir
# a symlink and a FIFO are read as the record they give (an input, never written)
ln -s node1.json link.json
passes "a record through a symlink" --host link.json --host node2.json --host node3.json
mkfifo fifo.json
(timeout 60 cat node2.json >fifo.json &)
passes "a record through a FIFO" --host node1.json --host fifo.json --host node3.json

# ---- a Capacity key given more than it licenses: 4, naming the numbers ----
R4="3 of 3 licensed hosts found (3 same, 0 replaced board); policy most needs 2; capacity exceeded: 4 hosts given, 3 licensed and 12 cores given, 10 licensed"
attack 4 "check: out of compliance: $R4" "$KI" check --host node1.json --host node2.json --host node3.json --host node4.json
sed 's/"cpuCores": 4,/"cpuCores": 64,/' node1.json >node1-64.json
RC="3 of 3 licensed hosts found (3 same, 0 replaced board); policy most needs 2; capacity exceeded: 70 cores given, 10 licensed"
attack 4 "check: out of compliance: $RC" "$KI" check --host node1-64.json --host node2.json --host node3.json
check "the cores named on the host's line" [ "$(sed -n 1p "$WORK/out")" = "node1: same, cores 4 → 64" ]

# ---- the issuer that signed the activation no longer trusted: check refuses it too ----
kid=$($PY -c 'from jwcrypto import jwk; print(jwk.JWK.from_pem(open("issuer.pub","rb").read()).thumbprint())')
"$KI" trust remove --force "$kid" >/dev/null 2>&1
attack 5 "activation.json: the key it holds does not verify (issuer key $kid is not trusted here (key-import trust add)): changed by hand or damaged; $HOLDS" "$KI" check --host node1.json --host node2.json --host node3.json

done_attacks hardware
