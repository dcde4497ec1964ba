#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# No byte an attacker controls reaches a terminal or a log unescaped (issue 14, class 3):
# a JWS header, a claim no check read as text, a state file, an environment variable, a
# database row and an HTTP request holding terminal controls. Every error line is checked
# for its escaped form and for the absence of any raw control (C0 but the newline, DEL,
# C1, bidirectional controls); every --json output for parsing and the same absence.
. "$(dirname "$0")/lib.sh"
world
"$KI" key1.txt >/dev/null || { echo "escapes: cannot import key1" >&2; exit 1; }
ctl="holds a control character"
bidi="holds a bidirectional control character"
invisible="holds an invisible character"
TYP='not a registration token (typ is "\x1b[2J\x1b]0;pwn\x07")'

# raw_free FILE: no raw terminal control in it (a line break ends a line, nothing else)
raw_free() {
	! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xa8\xa9\xaa-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xd8\x9c|\xef\xbb\xbf' "$1"
}
# hostile STATUS "reason" CMD...: refused with the reason, nothing changed, nothing raw
hostile() {
	attack "$@"
	shift 2
	check "$*: no raw control on stderr" raw_free "$WORK/err"
}
# json_ok "what": stdout of the last command is JSON and holds no raw control
json_ok() {
	check "$1: valid JSON" /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/out"
	check "$1: no raw control in the JSON" raw_free "$WORK/out"
}

PYTHONPATH=$HERE /usr/bin/python3 - <<'PY'
import json, zlib
from jwcrypto import jwk
from jose import b64, compact, unb64

STAMP = jwk.JWK.from_pem(open("stamp/stamp.key", "rb").read())
ISSUER = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
TYP = "\x1b[2J\x1b]0;pwn\x07"

def sign(name, header, payload, key):
    seg = b64(compact(header).encode()) + "." + b64(payload)
    open(name, "w").write(seg + "." + b64(key.get_op_key("sign").sign(seg.encode())))

def deflate(raw):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(raw) + c.flush()

parts = open("tokA.txt").read().split(".")
th = json.loads(unb64(parts[0]))
tc = json.loads(zlib.decompress(unb64(parts[1]), -15))
def token(name, header=None, **changes):
    sign(name, header or th, deflate(compact(dict(tc, **changes)).encode()), STAMP)
token("t-typ.txt", header=dict(th, typ=TYP))
token("t-hdr.txt", header=dict(th, kid="\x9b2J"))           # a header field no check reads
token("t-nonce.txt", nonce="\x9b2J\u202eabc")              # a claim no check read as text
token("t-osc.txt", agreementNumber="\x1b]0;pwn\x07\x1b[2J")
token("t-rlm.txt", agreementNumber="A\u200fB\u061cC")       # marks that reorder like overrides
token("t-zw.txt", assetTag="A\u200bB\u2028C\ufeffD")        # characters that show nothing

kh = json.loads(unb64(open("key3.txt").read().split(".")[0]))
kc = json.loads(zlib.decompress(unb64(open("key3.txt").read().split(".")[1]), -15))
def key(name, header=None, **changes):
    sign(name, header or kh, deflate(compact(dict(kc, **changes)).encode()), ISSUER)
key("k-typ.txt", header=dict(kh, typ=TYP))
key("k-jkt.txt", cnf={"jkt": "\x1b[2J" + "A" * 39})
key("k-hdr.txt", header=dict(kh, x5u="\u2066evil"))
PY

# the JWS header's typ, echoed before any signature check, by all three programs
hostile 4 "t-typ.txt: $TYP" "$TG" show t-typ.txt
hostile 4 "t-typ.txt: $TYP" "$RG" register --token t-typ.txt --name north
hostile 4 "k-typ.txt: not an activation key (typ is \"\\x1b[2J\\x1b]0;pwn\\x07\")" "$KI" k-typ.txt
# header fields and claims no check read: refused when read
hostile 4 "t-hdr.txt: JWS header field \"kid\" $ctl" "$TG" show t-hdr.txt
hostile 4 "k-hdr.txt: JWS header field \"x5u\" $bidi" "$KI" k-hdr.txt
hostile 4 "t-nonce.txt: field \"nonce\" $ctl" "$TG" show --json t-nonce.txt
check "show --json printed nothing" [ ! -s "$WORK/out" ]
hostile 4 "t-nonce.txt: field \"nonce\" $ctl" "$RG" register --token t-nonce.txt --name north
hostile 4 "k-jkt.txt: field \"cnf.jkt\" $ctl" "$KI" --dry-run k-jkt.txt
# OSC and CSI in agreementNumber: refused, by show and register alike
hostile 4 "t-osc.txt: field \"agreementNumber\" $ctl" "$TG" show t-osc.txt
hostile 4 "t-osc.txt: field \"agreementNumber\" $ctl" "$RG" register --token t-osc.txt --name north
# bidirectional marks and invisible characters: refused when read and when given
hostile 4 "t-rlm.txt: field \"agreementNumber\" $bidi" "$TG" show t-rlm.txt
hostile 4 "t-zw.txt: field \"assetTag\" $invisible" "$RG" register --token t-zw.txt --name north
hostile 2 "--asset-tag $invisible" "$TG" create --billing-model Capacity --agreement-number 42 \
	--asset-tag "$(printf 'A\342\200\213B')" --host "$HOSTS/node1.json" -o t-new.txt
check "create wrote no token" [ ! -e t-new.txt ]

# a directory named by the environment, shown escaped in the error line
CASES=$((CASES + 1))
expect_exit 5 "a data directory with ESC" env AIRREG_DATA_DIR="$WORK/d$(printf '\033]0;pwn\007')" "$RG" list
one_line_error "AIRREG_DATA_DIR" "d\\x1b]0;pwn\\x07"
check "AIRREG_DATA_DIR: no raw control" raw_free "$WORK/err"
# an unknown option, echoed by the usage line
CASES=$((CASES + 1))
expect_exit 2 "an option with CSI" "$TG" "--x$(printf '\302\2332J')"
check "usage line escaped" grep -qF -- '--x\u009b2J' "$WORK/err"
check "usage line: no raw control" raw_free "$WORK/err"

# the stamp's activation resource edited: refused as damaged state, the line escaped
/usr/bin/python3 - "$ST/activation.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["billingModel"] = "Capacity\u009b2J\u202e"
json.dump(r, open(sys.argv[1], "w"))
PY
hostile 5 "activation.json: field \"billingModel\" $ctl" "$KI" status
hostile 5 "activation.json: field \"billingModel\" $ctl" "$KI" status --json

# a database row holding controls (the registrar's own file, edited): shown escaped
sqlite3 "$WS/registrar.db" "UPDATE registrations SET agreement_number = 'A' || char(155) || '2J' || char(8238) || char(127) WHERE name = 'east'"
expect_exit 0 "registrar show of the edited row" "$RG" show east
check "show: the value escaped" grep -qF 'agreement A\u009b2J\u202e\x7f' "$WORK/out"
check "show: no raw control" raw_free "$WORK/out"
expect_exit 0 "registrar show --json of the edited row" "$RG" show --json east
json_ok "show --json"
check "show --json: the value kept" /usr/bin/python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["agreementNumber"] == "A\x9b2J\u202e\x7f"' "$WORK/out"
# a value that is not UTF-8 at all: each stray byte U+FFFD, in the text and the JSON, never dropped
sqlite3 "$WS/registrar.db" "UPDATE registrations SET asset_tag = CAST(X'41ff42' AS TEXT) WHERE name = 'east'"
expect_exit 0 "registrar show of a row that is not UTF-8" "$RG" show east
check "show: the byte replaced" grep -qF "asset tag A$(printf '\357\277\275')B" "$WORK/out"
expect_exit 0 "registrar show --json of a row that is not UTF-8" "$RG" show --json east
json_ok "show --json, not UTF-8"
check "show --json: the value kept, not dropped" /usr/bin/python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["assetTag"] == "A\ufffdB"' "$WORK/out"
expect_exit 0 "registrar list --json" "$RG" list --json
json_ok "list --json"
expect_exit 0 "token-gen show --json of a genuine token" "$TG" show --json tokA.txt
json_ok "token-gen show --json"
expect_exit 0 "key-import trust list --json" "$KI" trust list --json
json_ok "trust list --json"
# activation.json is still damaged: the store is listed, the damage named in a warning, escaped
check "trust list: the damaged resource named" grep -qF 'activation.json: field "billingModel" holds a control character; the key that signed the current activation is not known' "$WORK/err"
check "trust list: no raw control in the warning" raw_free "$WORK/err"

# the access log of registrar serve: a request line holding control bytes
"$RG" serve --listen 127.0.0.1:0 2>serve.log &
PID=$!
i=0
while ! grep -q 'listening on' serve.log && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n 's/.*listening on http:\/\/[^ ]*:\([0-9]*\) .*/\1/p' serve.log)
/usr/bin/python3 - "$PORT" <<'PY'
import socket, sys
for line in (b"G\x1bET /x\x1b[2J\xc2\x9b\xe2\x80\xae?api-version=2017-06-01 HTTP/1.1",
             b"GET /a%1b]0;pwn%07%c2%9b HTTP/1.1"):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
    while s.recv(4096):
        pass
    s.close()
PY
kill -TERM $PID
wait $PID
check "serve logged both requests" [ "$(grep -c ' serve: 127\.0\.0\.1 ' serve.log)" -eq 2 ]
check "the path shown escaped" grep -qF '/a\x1b]0;pwn\x07\u009b' serve.log
check "the access log holds no raw control" raw_free serve.log
done_attacks escapes
