#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# airreg-connect (issue 22) end to end, against `registrar serve` over HTTPS with a CA and a
# server certificate made here (and over plain HTTP on loopback): the connected round trip,
# the no-op run (nothing sent; its 30 days, by libfaketime), a renewal, a host set, billing
# model and settings changed, unregister and its receipt sent again, registered again after.
# Refusals, each leaving the stamp's state directory as it was (every file's SHA-256 and mode)
# and, where nothing may be sent, the server's access log without a new line: usage errors,
# a wrong CA, a wrong pin, another host name, no CA at all, a wrong secret or one of the wrong
# form, a secret file others can read, a link or another user's, a plain-HTTP URL off
# loopback, a server down or silent (--timeout), the registrar's rules (a name bound to
# another CloudId, a CloudId under another name, a receipt superseded). A man in the middle
# (hostile.py, with the test certificate or another): a connection cut between the PUT and
# the key or before the deactivate's answer, an oversized (sized or chunked), trickled,
# malformed or redirected answer, every ARM error status, one full of terminal controls, a
# key made for another stamp, an older key of this one, the key held again, answers that are
# not the registrar's (another CloudId, a member more, a key over 64 KiB, a deactivation of
# another serial or status). https_proxy and HTTPS_PROXY through a loopback CONNECT proxy
# (proxy.py), no_proxy, plain HTTP never proxied. BIN: the programs; TESTDATA: the test data.
# CONNECT_VERBOSE=1: each run's output, with a time stamp.
# shellcheck disable=SC2086 # the flag lists in variables ($CA, $REG, $CAPA) are split on purpose
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"
scratch
CN=$BIN/airreg-connect
SUB=11111111-2222-4333-8444-555555555555
RGRP=azurestack
REGS="/subscriptions/$SUB/resourceGroups/$RGRP/providers/Microsoft.AzureStack/registrations"
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

. "$HERE/lib.sh"

# --- the world: a workstation, stamps A (east), B (another CloudId), D (south, through a cut
# connection), E (over plain HTTP), F (never registered), each trusting the registrar's key
"$RG" init $(db_new "$WS") >/dev/null && "$RG" export-issuer-key -o issuer.pub >/dev/null || exit 1
for s in "$ST" stB stD stE stF stG; do
	"$TG" init --state-dir "$s" >/dev/null && "$KI" trust add --state-dir "$s" issuer.pub >/dev/null || exit 1
done
cloudA=$(cat "$ST/cloud-id")
cloudD=$(cat stD/cloud-id)
cp "$WS/api.secret" secret && chmod 600 secret
N1=$HOSTS/node1.json N2=$HOSTS/node2.json N3=$HOSTS/node3.json
check "the host records have cpuCores (Capacity needs them)" sh -c "jq -e '.cpuCores > 0' '$N1' '$N2' >/dev/null"

# --- certificates: a test CA and its server certificate (127.0.0.1 and localhost), another CA
mkca() { # mkca NAME CN
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.crt" \
		-subj "/CN=$2" -days 2 -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
}
mkca ca "airreg connect test CA"
mkca ca2 "an unrelated CA"
printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=critical,CA:FALSE' \
	'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >tls.ext
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.csr \
	-subj /CN=localhost >/dev/null 2>&1 &&
	openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile tls.ext \
		-out tls.crt >/dev/null 2>&1
chmod 600 tls.key
check "the server certificate verifies against the test CA" sh -c 'openssl verify -CAfile ca.crt tls.crt >/dev/null 2>&1'
check "and not against the other CA" sh -c '! openssl verify -CAfile ca2.crt tls.crt >/dev/null 2>&1'
pin() { openssl x509 -pubkey -noout -in "$1" | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64; }
PIN=$(pin tls.crt)
WRONGPIN=$(pin ca2.crt)

start_serve serve.log --tls-cert tls.crt --tls-key tls.key
PORT=$SPORT MAINPID=$SPID
check "serve names its HTTPS port" [ -n "$PORT" ]
URL=https://localhost:$PORT
CA="--ca-file $WORK/ca.crt"
# a port nothing listens on: one the system gave and took back
DOWN=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# --- flags: usage errors before anything (exit 2), the stamp untouched
expect_exit 0 "--version" "$CN" --version
check "--version prints airreg-connect 0.1.0 ($OUT)" [ "$OUT" = "airreg-connect 0.1.0" ]
REG="--name east --billing-model Development --host $N1 --host $N2"
for bad_url in http://example.com "http://127.0.0.1.nip.io:$PORT" "http://localhost.example.com:$PORT" "http://user:pw@127.0.0.1:$PORT" "$URL/?x=1" "$URL/#frag" "ftp://127.0.0.1:$PORT"; do
	try 2 "--registrar $bad_url" register "$ST" "$bad_url" $CA $REG
	err_has "--registrar $bad_url" "" ; unchanged "--registrar $bad_url" "$ST"; nothing_sent "--registrar $bad_url"
done
SNAP=$(snapshot "$ST")
expect_exit 2 "--subscription not a GUID" "$CN" register --registrar "$URL" --subscription nope --api-secret secret --state-dir "$ST" $CA $REG
expect_exit 2 "--pin not sha256//BASE64" "$CN" register --registrar "$URL" --subscription "$SUB" --api-secret secret --state-dir "$ST" --pin "$PIN" $REG
expect_exit 2 "--timeout 0" "$CN" register --registrar "$URL" --subscription "$SUB" --api-secret secret --state-dir "$ST" --timeout 0 $CA $REG
expect_exit 2 "--timeout 601" "$CN" register --registrar "$URL" --subscription "$SUB" --api-secret secret --state-dir "$ST" --timeout 601 $CA $REG
expect_exit 2 "an unknown flag" "$CN" register --registrar "$URL" --subscription "$SUB" --api-secret secret --state-dir "$ST" --frobnicate $CA $REG
expect_exit 2 "no --api-secret" "$CN" register --registrar "$URL" --subscription "$SUB" --state-dir "$ST" $CA $REG
expect_exit 2 "no verb" "$CN" --registrar "$URL"
expect_exit 2 "--name twice" "$CN" register --registrar "$URL" --subscription "$SUB" --api-secret secret --state-dir "$ST" $CA $REG --name west
expect_exit 2 "a URL of 513 characters" "$CN" register --registrar "$URL/$(head -c 600 /dev/zero | tr '\0' a | cut -c1-$((513 - ${#URL} - 1)))" --subscription "$SUB" --api-secret secret --state-dir "$ST" $CA $REG
expect_exit 2 "--ca-file with http://" "$CN" register --registrar "http://127.0.0.1:$PORT" --subscription "$SUB" --api-secret secret --state-dir "$ST" $CA $REG
expect_exit 2 "--pin with http://" "$CN" register --registrar "http://127.0.0.1:$PORT" --subscription "$SUB" --api-secret secret --state-dir "$ST" --pin "sha256//$PIN" $REG
expect_exit 0 "--help" "$CN" --help
case $OUT in "usage: airreg-connect register "*) ok ;; *) bad "--help: $OUT" ;; esac
unchanged "usage errors" "$ST"
try 5 "a state directory without token-gen init" register "$WORK/noinit" "$URL" $CA $REG
err_has "no stamp identity" "noinit"
check "no state directory made" [ ! -e noinit ]
nothing_sent "no stamp identity"

# --- the round trip: token, PUT (201), getactivationkey, import
try 0 "register east" register "$ST" "$URL" $CA $REG
line "the token line" "airreg-connect: registration token: 2 hosts, CloudId $cloudA, [0-9]+ bytes, SHA-256 [0-9a-f]{64}"
line "PUT 201" "airreg-connect: PUT east: 201 Created: registered"
line "getactivationkey" "airreg-connect: POST east/getactivationkey: 200 OK: activation key, [0-9]+ bytes, SHA-256 [0-9a-f]{64}"
line "imported serial 1" "airreg-connect: imported the activation key of east: serial 1, expires $TIMERE \(in 365 days\)"
lines "register east" 4
check "register: nothing on stderr ($ERR)" [ -z "$ERR" ]
tokhash=$(printf '%s\n' "$OUT" | sed -n 's/^airreg-connect: registration token: .* SHA-256 \([0-9a-f]*\)$/\1/p')
show_is "the registrar holds the token whose SHA-256 was printed" east ".tokenSha256 == \"$tokhash\""
keyhash=$(printf '%s\n' "$OUT" | sed -n 's/^airreg-connect: POST east\/getactivationkey: .* SHA-256 \([0-9a-f]*\)$/\1/p')
check "the key imported is the one whose SHA-256 was printed" [ "$(jq -r .keySha256 "$ST/activation.json")" = "$keyhash" ]
status_is "the stamp: Registered as east, serial 1" "$ST" ".status == \"Registered\" and .registration == \"east\" and .cloudId == \"$cloudA\" and .serial == 1 and .billingModel == \"Development\" and .licensedHosts == 2"
show_is "the registrar: east registered, CloudId A, key 1, 2 hosts" east ".status == \"Registered\" and .cloudId == \"$cloudA\" and .lastKeySerial == 1 and .totals.hosts == 2 and .billingModel == \"Development\""
sent "register" 2
check "the log: PUT east 201" [ "$(logged PUT "$REGS/east" 201)" -eq 1 ]
check "the log: POST east/getactivationkey 200" [ "$(logged POST "$REGS/east/getactivationkey" 200)" -eq 1 ]

# --- again, nothing changed: a no-op that sends nothing
try 0 "register east again" register "$ST" "$URL" $CA $REG
line "the no-op line" "airreg-connect: east: already registered and activated, nothing changed \(serial 1, expires $TIMERE \(in 365 days\)\); nothing sent \(--renew issues a new key now\)"
lines "no-op" 1
unchanged "no-op" "$ST"
sleep 0.3
nothing_sent "no-op"
# the hosts in another order are the same hosts
try 0 "register east again, hosts in another order" register "$ST" "$URL" $CA --name east --billing-model Development --host "$N2" --host "$N1"
line "another order: the no-op line" "airreg-connect: east: already registered and activated, nothing changed \(serial 1, .*"
unchanged "no-op, hosts in another order" "$ST"
nothing_sent "no-op, hosts in another order"

# --- --renew: a new key now
try 0 "register --renew" register "$ST" "$URL" $CA $REG --renew
line "renew: PUT 200" "airreg-connect: PUT east: 200 OK: renewed"
line "renew: serial 2" "airreg-connect: imported the activation key of east: serial 2, expires $TIMERE \(in 365 days\)"
lines "renew" 4
status_is "renew: the stamp holds serial 2" "$ST" '.status == "Registered" and .serial == 2'
show_is "renew: the registrar issued serial 2" east '.lastKeySerial == 2'
sent "renew" 2

# --- a changed host set is no no-op: renewed with the hosts asked
try 0 "register with a third host" register "$ST" "$URL" $CA --name east --billing-model Development --host "$N1" --host "$N2" --host "$N3"
line "three hosts: PUT 200" "airreg-connect: PUT east: 200 OK: renewed"
line "three hosts: the token line" "airreg-connect: registration token: 3 hosts, CloudId $cloudA, .*"
status_is "three hosts: serial 3, 3 hosts" "$ST" '.serial == 3 and .licensedHosts == 3'

# --- the billing model changed: Capacity with an agreement number
CAPA="--name east --billing-model Capacity --agreement-number 12345 --host $N1 --host $N2"
try 0 "register as Capacity" register "$ST" "$URL" $CA $CAPA
line "Capacity: PUT 200" "airreg-connect: PUT east: 200 OK: renewed"
imported "Capacity"
status_is "Capacity: the stamp's key says Capacity" "$ST" ".status == \"Registered\" and .serial == $((K0 + 1)) and .billingModel == \"Capacity\" and .licensedHosts == 2"
show_is "Capacity: the registrar says Capacity, 12345" east ".billingModel == \"Capacity\" and .agreementNumber == \"12345\" and .lastKeySerial == $((K0 + 1))"
try 0 "Capacity again" register "$ST" "$URL" $CA $CAPA
line "Capacity again: the no-op line" "airreg-connect: east: already registered and activated, nothing changed \(serial $K0, .*"
unchanged "Capacity again" "$ST"
nothing_sent "Capacity again"
# the stamp of $AIRREG_STATE_DIR when --state-dir is not given
expect_exit 0 "Capacity again, the stamp of AIRREG_STATE_DIR" "$CN" register --registrar "$URL" --subscription "$SUB" --api-secret secret $CA $CAPA
line "AIRREG_STATE_DIR: the no-op line" "airreg-connect: east: already registered and activated, nothing changed \(serial $K0, .*"
try 0 "another agreement number" register "$ST" "$URL" $CA --name east --billing-model Capacity --agreement-number 777 --host "$N1" --host "$N2"
imported "another agreement number"
show_is "the registrar: agreement 777" east ".agreementNumber == \"777\" and .lastKeySerial == $((K0 + 1))"
# the other billing settings: an asset tag and marketplace syndication are changes too
# (usage reporting is not asked: for Capacity token-gen's rule switches it off, with a warning)
SYND="--name east --billing-model Capacity --agreement-number 777 --asset-tag rack-7 --marketplace-syndication --host $N1 --host $N2"
try 0 "an asset tag and marketplace syndication" register "$ST" "$URL" $CA $SYND
imported "asset tag"
show_is "the registrar: asset tag rack-7, marketplace syndication" east '.assetTag == "rack-7" and .marketplaceSyndication == true'
check "the stamp's key: marketplace syndication" sh -c "jq -e '.marketplaceSyndication == true and .assetTag == \"rack-7\"' '$ST/activation.json' >/dev/null"
try 0 "the asset tag again" register "$ST" "$URL" $CA $SYND
line "the asset tag again: the no-op line" "airreg-connect: east: already registered and activated, nothing changed \(serial $K0, .*"
nothing_sent "the asset tag again"
try 0 "marketplace syndication dropped" register "$ST" "$URL" $CA --name east --billing-model Capacity --agreement-number 777 --asset-tag rack-7 --host "$N1" --host "$N2"
imported "marketplace syndication dropped"
show_is "the registrar: marketplace syndication off" east '.marketplaceSyndication == false'
try 0 "the asset tag dropped" register "$ST" "$URL" $CA --name east --billing-model Capacity --agreement-number 777 --host "$N1" --host "$N2"
imported "the asset tag dropped"
show_is "the registrar: no asset tag" east '.assetTag == null'
# another name for the same stamp: the registrar's rule (its CloudId is east's), nothing changed
try 4 "A under a second name" register "$ST" "$URL" $CA --name east2 --billing-model Development --host "$N1"
err_has "a second name" "PUT east2: 409 CloudIdAlreadyRegistered: "
unchanged "a second name" "$ST"
CAPA="--name east --billing-model Capacity --agreement-number 777 --host $N1 --host $N2"

# --- TLS: the pin alone; a wrong pin, a wrong CA, no CA: exit 5 and nothing sent
try 0 "--pin alone (no --ca-file), to 127.0.0.1" register "$ST" "https://127.0.0.1:$PORT" --pin "sha256//$PIN" $CAPA --renew
imported "--pin"
try 0 "--pin with --ca-file, both right" register "$ST" "$URL" --pin "sha256//$PIN" $CA $CAPA --renew
imported "--pin and --ca-file"
TLSK=$(lastkey east)
refuse_tls() { # refuse_tls "what" ARGS: exit 5, the stamp unchanged, nothing reached the server
	what=$1; shift
	try 5 "$what" register "$ST" "$@" $CAPA --renew
	err_has "$what" ""
	unchanged "$what" "$ST"
	nothing_sent "$what"
}
refuse_tls "a wrong pin" "$URL" --pin "sha256//$WRONGPIN"
refuse_tls "a wrong pin, to 127.0.0.1" "https://127.0.0.1:$PORT" --pin "sha256//$WRONGPIN"
refuse_tls "the right CA but a wrong pin" "$URL" $CA --pin "sha256//$WRONGPIN"
refuse_tls "another CA" "$URL" --ca-file "$WORK/ca2.crt"
refuse_tls "no --ca-file, no --pin: the system's store knows no test CA" "$URL"
show_is "the TLS refusals issued nothing" east ".lastKeySerial == $TLSK"

# --- the secret
printf '%s\n' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" >wrong.secret
chmod 600 wrong.secret
SECRET_FILE=$WORK/wrong.secret
try 5 "a wrong secret" register "$ST" "$URL" $CA $CAPA --renew
err_has "a wrong secret" "401"
err_has "a wrong secret: AuthenticationFailed" "AuthenticationFailed"
unchanged "a wrong secret" "$ST"
sent "a wrong secret: the one PUT, refused" 1
check "a wrong secret: the log says 401" [ "$(logged PUT "$REGS/east" 401)" -eq 1 ]
cp secret open.secret && chmod 644 open.secret
SECRET_FILE=$WORK/open.secret
try 5 "a secret file mode 0644" register "$ST" "$URL" $CA $CAPA --renew
err_has "a secret file mode 0644" "open.secret"
unchanged "a secret file mode 0644" "$ST"
nothing_sent "a secret file mode 0644"
printf 'abc\n' >short.secret && chmod 600 short.secret
SECRET_FILE=$WORK/short.secret
try 5 "a secret file that is no API secret" register "$ST" "$URL" $CA $CAPA --renew
err_has "not a secret" "short.secret"
unchanged "not a secret" "$ST"
nothing_sent "not a secret"
if [ "$(id -u)" = 0 ]; then # root can give a file away: a secret owned by another user
	cp secret theirs.secret && chmod 600 theirs.secret && chown 65534 theirs.secret
	SECRET_FILE=$WORK/theirs.secret
	try 5 "a secret file owned by another user" register "$ST" "$URL" $CA $CAPA --renew
	err_has "another user's secret" "theirs.secret"
	unchanged "another user's secret" "$ST"
	nothing_sent "another user's secret"
fi
# the spec's form: 32 or more printable characters on one line (43 for a registrar's); 31 is
# refused before anything is sent, 32 (not the registrar's) is sent and refused by it (401)
printf '%s\n' "$(head -c 31 /dev/zero | tr '\0' a)" >s31.secret && chmod 600 s31.secret
printf '%s\n' "$(head -c 32 /dev/zero | tr '\0' a)" >s32.secret && chmod 600 s32.secret
SECRET_FILE=$WORK/s31.secret
try 5 "a secret of 31 characters" register "$ST" "$URL" $CA $CAPA --renew
err_has "31 characters" "s31.secret: not an API secret"
unchanged "31 characters" "$ST"
nothing_sent "31 characters"
SECRET_FILE=$WORK/s32.secret
try 5 "a secret of 32 characters, not the registrar's" register "$ST" "$URL" $CA $CAPA --renew
err_has "32 characters" "401 AuthenticationFailed"
unchanged "32 characters" "$ST"
sent "32 characters: the one PUT, refused" 1
ln -s secret link.secret
SECRET_FILE=$WORK/link.secret
try 5 "a secret file that is a symbolic link" register "$ST" "$URL" $CA $CAPA --renew
unchanged "a symlinked secret" "$ST"
nothing_sent "a symlinked secret"
SECRET_FILE=$WORK/secret
check "the log never holds the secret" sh -c "! grep -qF '$(cat secret)' serve.log"

# --- the server down
try 5 "a server down" register "$ST" "https://127.0.0.1:$DOWN" --pin "sha256//$PIN" $CAPA --renew
err_has "a server down" "127.0.0.1"
unchanged "a server down" "$ST"
# a server that takes the connection and never answers: --timeout 2 ends it, exit 5
start_py stall.port -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(300)'
STALLPID=$PPID_
t0=$(date +%s)
try 5 "a server that never answers, --timeout 2" register "$ST" "https://127.0.0.1:$PPORT" --pin "sha256//$PIN" --timeout 2 $CAPA --renew
t1=$(date +%s)
check "--timeout 2: it gave up within 30 s ($((t1 - t0)) s)" [ $((t1 - t0)) -ge 1 ] && [ $((t1 - t0)) -lt 30 ]
unchanged "a server that never answers" "$ST"
stop "$STALLPID"

# --- plain HTTP to loopback: stamp E as "plain"
start_serve plain.log
PLAIN=$SPORT PLAINPID=$SPID
check "the plain-HTTP serve names its port" [ -n "$PLAIN" ]
try 0 "register over http://127.0.0.1" register stE "http://127.0.0.1:$PLAIN" --name plain --billing-model Development --host "$N3"
line "plain HTTP: one host" "airreg-connect: registration token: 1 host, CloudId $(cat stE/cloud-id), .*"
line "plain HTTP: PUT 201" "airreg-connect: PUT plain: 201 Created: registered"
line "plain HTTP: imported" "airreg-connect: imported the activation key of plain: serial 1, .*"
status_is "plain HTTP: E registered as plain" stE '.status == "Registered" and .registration == "plain"'
check "plain HTTP: the plain server logged the PUT and the POST" [ "$(grep -c "^registrar: serve: 127\.0\.0\.1 \(PUT $REGS/plain 201\|POST $REGS/plain/getactivationkey 200\) " plain.log)" -eq 2 ]
stop "$PLAINPID"
# 30 days: the no-op holds while the key has more than 30 days left; within them, register
# renews (the server is down here: it tries, exit 5, the stamp unchanged). The stamp's clock
# moved by libfaketime; nothing is written at either date (no trusted time recorded ahead).
FTLIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
check "libfaketime found" [ -n "$FTLIB" ]
FTASAN="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
TRY_ENV="TZ=UTC LD_PRELOAD=$FTLIB FAKETIME=+334d $FTASAN"
try 0 "334 days on: more than 30 days left, a no-op" register stE "https://127.0.0.1:$DOWN" --name plain --billing-model Development --host "$N3"
line "334 days on: the no-op line" "airreg-connect: plain: already registered and activated, nothing changed \(serial 1, expires $TIMERE \(in 3[01] days\)\); nothing sent \(--renew issues a new key now\)"
unchanged "334 days on" stE
TRY_ENV="TZ=UTC LD_PRELOAD=$FTLIB FAKETIME=+336d $FTASAN"
try 5 "336 days on: within 30 days, it renews (the server down)" register stE "https://127.0.0.1:$DOWN" --name plain --billing-model Development --host "$N3"
line "336 days on: a token made" "airreg-connect: registration token: 1 host, .*"
err_has "336 days on" "cannot connect"
unchanged "336 days on" stE
TRY_ENV=

# --- the registrar's rules over the connection: B under the name bound to A's CloudId
dbb=$(db_dump "$WS")
try 4 "B registers as east (A's name)" register stB "$URL" $CA --name east --billing-model Development --host "$N3"
err_has "name conflict" "PUT east: 409 RegistrationNameConflict: "
unchanged "name conflict" stB
check "name conflict: the database unchanged" [ "$(db_dump "$WS")" = "$dbb" ]
status_is "name conflict: B not registered" stB '.status == "Not registered"'

# --- a man in the middle: hostile.py, with the test certificate, in front of the real server
# B's key, as the registrar issues it, for the foreign case
"$TG" create --billing-model Development --host "$N3" --state-dir stB -o tokB.txt >/dev/null 2>&1 &&
	"$RG" register --token tokB.txt --name west >/dev/null &&
	"$RG" activation-key --name west -o hostile-foreign.key >/dev/null || bad "B's key for the foreign case"
# mitm MODE [CERT KEY]: hostile.py playing MODE, at $HURL, its log hostile-MODE.log. With the
# test certificate one process plays every mode (it reads hostile.mode at each request);
# with another certificate a process of its own ($HPID, stopped by unmitm).
SHARED_URL="" HPID=""
mitm() {
	: >"hostile-$1.log"
	if [ -n "${2:-}" ]; then
		start_py "hostile-own-$1.port" "$HERE/hostile.py" "$1" "$2" "$3" "https://127.0.0.1:$PORT" ca.crt \
			"hostile-%s.log" "hostile-%s.key"
		HPID=$PPID_ HURL=https://localhost:$PPORT
	else
		printf '%s\n' "$1" >hostile.mode
		if [ -z "$SHARED_URL" ]; then
			start_py hostile.port "$HERE/hostile.py" @hostile.mode tls.crt tls.key "https://127.0.0.1:$PORT" \
				ca.crt "hostile-%s.log" "hostile-%s.key"
			SHARED_URL=https://localhost:$PPORT
		fi
		HPID="" HURL=$SHARED_URL
	fi
	check "hostile.py $1 names its port" [ "${HURL#https://localhost:}" != "" ]
}
unmitm() { if [ -n "$HPID" ]; then stop "$HPID"; fi; HPID=; }
# the host name: a certificate of the test CA for other.example only is refused with --ca-file
# (exit 5, nothing relayed); a self-signed one for other.example is taken with its --pin alone
printf '%s\n' 'subjectAltName=DNS:other.example' 'extendedKeyUsage=serverAuth' >other.ext
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -out other.csr \
	-subj /CN=other.example >/dev/null 2>&1 &&
	openssl x509 -req -in other.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile other.ext \
		-out other.crt >/dev/null 2>&1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout self.key -out self.crt \
	-subj /CN=other.example -addext subjectAltName=DNS:other.example -days 2 >/dev/null 2>&1
chmod 600 other.key self.key
mitm forward other.crt other.key
try 5 "a certificate of the CA for another host name" register "$ST" "$HURL" $CA $CAPA --renew
err_has "another host name" ""
unchanged "another host name" "$ST"
check "another host name: nothing relayed" [ ! -s hostile-forward.log ]
unmitm
mitm forward self.crt self.key
try 0 "a self-signed certificate for another name, its --pin alone" register "$ST" "$HURL" --pin "sha256//$(pin self.crt)" $CAPA --renew
imported "self-signed, pinned"
try 5 "a self-signed certificate, the right pin but --ca-file too" register "$ST" "$HURL" --pin "sha256//$(pin self.crt)" $CA $CAPA --renew
unchanged "self-signed, pin and CA" "$ST"
check "self-signed: only the pinned run was relayed ($(wc -l <hostile-forward.log))" [ "$(wc -l <hostile-forward.log)" -eq 2 ]
unmitm
# a key of east the registrar issues now and the stamp never imports: older than the next
"$RG" activation-key --name east -o keyA-old.txt >/dev/null || bad "an older key of east"
# forward: all relayed, the round trip works through it (and the API version is the contract's)
mitm forward
try 0 "through a relay" register "$ST" "$HURL" $CA $CAPA --renew
line "relay: PUT 200" "airreg-connect: PUT east: 200 OK: renewed"
imported "relay"
RELAYED=$((K0 + 1))
check "relay: PUT, api-version 2022-06-01" grep -qxF "PUT $REGS/east?api-version=2022-06-01 -> relayed 200" hostile-forward.log
check "relay: POST getactivationkey" grep -qxF "POST $REGS/east/getactivationkey?api-version=2022-06-01 -> relayed 200" hostile-forward.log
check "relay: two requests ($(wc -l <hostile-forward.log))" [ "$(wc -l <hostile-forward.log)" -eq 2 ]
unmitm
# hostile answers to getactivationkey: exit 5 (4 for the foreign key), the stamp unchanged
SUFFIX="(registered, no key imported: this stamp is unchanged; airreg-connect register again asks for the key of east)"
for m in oversize:5 chunked:5 dupkey:5 notjson:5 redirect:5 bigkey:5 extramember:5 foreign:4; do
	mode=${m%:*} want=${m#*:}
	mitm "$mode"
	keys=$(grep -c " POST $REGS/east/getactivationkey " serve.log)
	try "$want" "hostile $mode" register "$ST" "$HURL" $CA $CAPA --renew
	line "hostile $mode: the PUT went through" "airreg-connect: PUT east: 200 OK: renewed"
	err_has "hostile $mode" ""
	unchanged "hostile $mode" "$ST"
	[ "$mode" = redirect ] && err_has "redirect: the 3xx named" "POST east/getactivationkey: 302 "
	case $mode in oversize | chunked) err_has "hostile $mode: the cap named" "the answer is larger than 262144 bytes" ;; esac
	if [ "$mode" != foreign ]; then
		case $ERR in *"$SUFFIX") ok ;; *) bad "hostile $mode: the line does not end $SUFFIX: $ERR" ;; esac
	fi
	# the foreign key's refusal is the import's, naming where the key came from
	[ "$mode" = foreign ] && err_has "the foreign key: WHERE is the URL" "activation key from $HURL"
	check "hostile $mode: it answered getactivationkey" grep -q "getactivationkey?api-version=2022-06-01 -> .*$mode" "hostile-$mode.log"
	if [ "$mode" != extramember ]; then # (extramember relays the POST: the real server issued a key)
		check "hostile $mode: nothing asked of the real server after the PUT" [ "$(grep -c " POST $REGS/east/getactivationkey " serve.log)" -eq "$keys" ]
	fi
	unmitm
done
# replay: an older key of this very stamp, genuine: the import's serial check refuses it
cp keyA-old.txt hostile-replay.key
mitm replay
try 4 "hostile replay of an older key of this stamp" register "$ST" "$HURL" $CA $CAPA --renew
line "replay: the PUT went through" "airreg-connect: PUT east: 200 OK: renewed"
err_has "replay" "activation key from $HURL"
unchanged "replay" "$ST"
unmitm
# the key the stamp holds, again: nothing changed
jq -r .activationKey "$ST/activation.json" >hostile-current.key
mitm current
try 0 "hostile current: the key held, again" register "$ST" "$HURL" $CA $CAPA --renew
line "current: the line" "airreg-connect: the activation key of east was imported already, nothing changed: .*"
unchanged "current" "$ST"
unmitm
# the PUT's answer naming another CloudId: not this stamp's registration, no key asked
mitm wrongreg
try 5 "hostile wrongreg: the registration of another CloudId" register "$ST" "$HURL" $CA $CAPA --renew
err_has "wrongreg" ""
unchanged "wrongreg" "$ST"
check "wrongreg: nothing asked after the PUT ($(wc -l <hostile-wrongreg.log))" [ "$(wc -l <hostile-wrongreg.log)" -eq 1 ]
unmitm
# an answer that never ends: the whole request's --timeout ends it
mitm trickle
t0=$(date +%s)
try 5 "hostile trickle, --timeout 2" register "$ST" "$HURL" $CA $CAPA --renew --timeout 2
t1=$(date +%s)
line "trickle: the PUT went through" "airreg-connect: PUT east: 200 OK: renewed"
err_has "trickle" ""
case $ERR in *"$SUFFIX") ok ;; *) bad "trickle: the line does not end $SUFFIX: $ERR" ;; esac
check "trickle: given up within 30 s ($((t1 - t0)) s)" [ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -lt 30 ]
unchanged "trickle" "$ST"
unmitm
status_is "after the hostile answers: still the relay's key" "$ST" ".status == \"Registered\" and .serial == $RELAYED"
# an ARM error in place of the PUT's answer: exit 4 with its code and message
mitm armerror
try 4 "hostile armerror" register "$ST" "$HURL" $CA $CAPA --renew
err_is "armerror: the line" "airreg-connect: PUT east: 409 RegistrationNameConflict: the hostile server says this name is taken"
unchanged "armerror" "$ST"
check "armerror: nothing asked after the 409" [ "$(wc -l <hostile-armerror.log)" -eq 1 ]
unmitm
# an ARM error holding a newline and terminal controls: one line, every control escaped
mitm armescape
try 4 "hostile armescape" register "$ST" "$HURL" $CA $CAPA --renew
err_is "armescape: the line, escaped" 'airreg-connect: PUT east: 409 Conflict\x1b[2J: no\x0aairreg-connect: imported the activation key of east: serial 99\\ \x1b]0;title\x07\u009b31m\u202eevil'
check "armescape: no ESC byte on stderr" sh -c "! grep -q \"\$(printf '\\033')\" '$WORK/err'"
unchanged "armescape" "$ST"
unmitm
# each HTTP status of an ARM error: 400, 404, 409, 412, 413 refused (4); 401, 403, 5xx exit 5
mitm status
for st in 400:4 404:4 409:4 412:4 413:4 401:5 403:5 500:5 502:5 503:5; do
	code=${st%:*} want=${st#*:}
	try "$want" "an ARM error $code" register "$ST" "$HURL" $CA --name "s$code" --billing-model Development --host "$N1"
	err_has "ARM error $code: the line" "PUT s$code: $code Code$code: status $code from the hostile server"
	unchanged "ARM error $code" "$ST"
done
check "each was one PUT, nothing after it ($(wc -l <hostile-status.log))" [ "$(wc -l <hostile-status.log)" -eq 10 ]
unmitm
# cut: stamp D registers as south; the PUT reaches the registrar, the key never arrives
mitm cut
try 5 "cut before the key" register stD "$HURL" $CA --name south --billing-model Development --host "$N3"
line "cut: the PUT went through" "airreg-connect: PUT south: 201 Created: registered"
err_has "cut" ""
case $ERR in *"(registered, no key imported: this stamp is unchanged; airreg-connect register again asks for the key of south)") ok ;;
*) bad "cut: the line's end: $ERR" ;; esac
unchanged "cut" stD
status_is "cut: D not registered" stD '.status == "Not registered"'
show_is "cut: the registrar has south, no key issued" south ".status == \"Registered\" and .cloudId == \"$cloudD\" and (.lastKeySerial // 0) == 0"
try 0 "after the cut, against the real server" register stD "$URL" $CA --name south --billing-model Development --host "$N3"
line "after the cut: PUT 200" "airreg-connect: PUT south: 200 OK: renewed"
line "after the cut: imported serial 1" "airreg-connect: imported the activation key of south: serial 1, .*"
status_is "after the cut: D registered as south" stD '.status == "Registered" and .registration == "south" and .serial == 1'

# --- https_proxy: through a loopback CONNECT proxy; no_proxy bypasses it
: >proxy.log
start_py proxy.port "$HERE/proxy.py" "$WORK/proxy.log"
PROXYPID=$PPID_ PROXY=$PPORT
check "proxy.py names its port" [ -n "$PROXY" ]
TRY_ENV="https_proxy=http://127.0.0.1:$PROXY no_proxy="
try 0 "through https_proxy" register "$ST" "$URL" $CA $CAPA --renew
imported "https_proxy"
check "https_proxy: the proxy tunnelled to localhost:$PORT ($(tr '\n' ' ' <proxy.log))" grep -qxF "CONNECT localhost:$PORT" proxy.log
check "https_proxy: only CONNECTs" sh -c "! grep -qv '^CONNECT ' proxy.log"
TRY_ENV="HTTPS_PROXY=http://127.0.0.1:$PROXY NO_PROXY="
try 0 "through HTTPS_PROXY, to 127.0.0.1" register "$ST" "https://127.0.0.1:$PORT" $CA $CAPA --renew
imported "HTTPS_PROXY"
check "HTTPS_PROXY: the proxy tunnelled to 127.0.0.1:$PORT" grep -qxF "CONNECT 127.0.0.1:$PORT" proxy.log
proxied=$(wc -l <proxy.log)
TRY_ENV="https_proxy=http://127.0.0.1:$PROXY no_proxy=127.0.0.1,localhost"
try 0 "https_proxy with no_proxy=127.0.0.1,localhost" register "$ST" "$URL" $CA $CAPA --renew
imported "no_proxy"
check "no_proxy: the proxy saw nothing ($(tr '\n' ' ' <proxy.log))" [ "$(wc -l <proxy.log)" -eq "$proxied" ]
# plain HTTP to loopback never goes through a proxy (the secret in clear stays on this machine):
# stamp G as gee, over a plain serve, http_proxy and https_proxy naming the proxy
start_serve plain2.log
PLAIN2PID=$SPID
TRY_ENV="http_proxy=http://127.0.0.1:$PROXY https_proxy=http://127.0.0.1:$PROXY no_proxy="
try 0 "plain HTTP with http_proxy set" register stG "http://127.0.0.1:$SPORT" --name gee --billing-model Development --host "$N2"
line "plain HTTP, http_proxy: imported" "airreg-connect: imported the activation key of gee: serial 1, .*"
check "plain HTTP, http_proxy: the proxy saw nothing ($(tr '\n' ' ' <proxy.log))" [ "$(wc -l <proxy.log)" -eq "$proxied" ]
check "plain HTTP, http_proxy: the plain server had both requests" [ "$(grep -c "^registrar: serve: 127\.0\.0\.1 \(PUT $REGS/gee 201\|POST $REGS/gee/getactivationkey 200\) " plain2.log)" -eq 2 ]
stop "$PLAIN2PID"
# the proxy down: exit 5, nothing changed
stop "$PROXYPID"
TRY_ENV="https_proxy=http://127.0.0.1:$PROXY no_proxy="
try 5 "https_proxy to a proxy that is down" register "$ST" "$URL" $CA $CAPA --renew
unchanged "the proxy down" "$ST"
nothing_sent "the proxy down"
TRY_ENV=

. "$HERE/unregister.sh"

stop "$MAINPID"
check "the logs never hold the secret" sh -c "! grep -qF '$(cat secret)' serve.log plain.log plain2.log"
[ -s py.err ] && { echo "connect: the Python helpers' stderr:"; head -20 py.err; }
finish "connect"
