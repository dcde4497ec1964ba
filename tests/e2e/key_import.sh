#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# key-import end to end: the whole round trip, and every refusal with its exit
# status, its reason, and the stamp's state directory unchanged byte for byte.
. "$(dirname "$0")/lib.sh"
scratch

# two stamps, one workstation
"$TG" init >/dev/null
"$TG" init --state-dir stampB >/dev/null
"$TG" create --billing-model Capacity --agreement-number 42 --host "$HOSTS/node1.json" --host "$HOSTS/node2.json" -o tokA.txt >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stampB -o tokB.txt >/dev/null
"$RG" init >/dev/null
"$RG" register --token tokA.txt --name east >/dev/null
"$RG" register --token tokB.txt --name west >/dev/null
"$RG" tenant add --registration east --subscription 11111111-2222-4333-8444-555555555555 --tenant 0a0a0a0a-1111-4222-8333-444444444444 >/dev/null
"$RG" activation-key --name east -o key1.txt >/dev/null
"$RG" activation-key --name east -o key2.txt >key2.issued
"$RG" activation-key --name east --host-match all -o key3.txt >/dev/null
"$RG" activation-key --name west -o keyB.txt >/dev/null
"$RG" export-issuer-key -o issuer.pub >/dev/null

# keys the registrar would never issue, signed by its own issuer key (or another)
/usr/bin/python3 - <<'PYEOF'
import json, time, zlib
from jwcrypto import jws, jwk
issuer = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
other = jwk.JWK.generate(kty="OKP", crv="Ed25519")
import base64
p = open("key3.txt").read().split(".")[1]
claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
def deflate(text):
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    return z.compress(text.encode()) + z.flush()
def forge(name, key=issuer, header=None, legacy=False, drop=(), **changes):
    c = dict(claims); c.update(changes)
    for k in drop:
        del c[k]
    h = header or {"alg": "EdDSA", "typ": "airreg-activation-key", "zip": "DEF",
                   "kid": issuer.thumbprint()}
    if legacy:  # as a registrar before issue 16 signed it: plain JSON, no zip
        del h["zip"]
        s = jws.JWS(json.dumps(c, separators=(",", ":")))
    else:
        s = jws.JWS(deflate(json.dumps(c, separators=(",", ":"))))
    s.add_signature(key, None, json.dumps(h, separators=(",", ":")))
    open(name, "w").write(s.serialize(compact=True))
now = int(time.time())
open("forged-at", "w").write(str(now))
forge("expired.txt", serial=10, iat=now - 7200, nbf=now - 7200, exp=now - 3600)
forge("notyet.txt", serial=11, nbf=now + 3600)
forge("future-iat.txt", serial=12, iat=now + 3600)
forge("shortlived.txt", serial=50, iat=now, nbf=now, exp=now + 3600)
forge("otherkey-samekid.txt", key=other, serial=13)
forge("untrusted-kid.txt", key=other, serial=14,
      header={"alg": "EdDSA", "typ": "airreg-activation-key", "zip": "DEF", "kid": other.thumbprint()})
forge("jwk-in-header.txt", key=other, serial=15,
      header={"alg": "EdDSA", "typ": "airreg-activation-key", "zip": "DEF", "kid": other.thumbprint(),
              "jwk": json.loads(other.export_public())})
forge("other-cloud.txt", serial=16, cloudId="5c0ffee0-1111-4222-8333-444455556666")
forge("wrong-type.txt", serial="17")
forge("extra-claim.txt", serial=18, admin=True)
# issue 16: the policy and the hosts' digests are signed like every claim; a key of the
# registrar before it (no zip, hosts with a clear UUID and hardwareSha256, no policy) is
# still read, as "no hardware policy": the two sides are upgraded on different days
old_hosts = [{"name": h["name"], "uuid": "00000000-0000-0000-0000-0cc47a1338%02d" % i,
              "hardwareSha256": "A" * 43} for i, h in enumerate(claims["hosts"])]
forge("legacy.txt", legacy=True, serial=45, hosts=old_hosts, drop=("hostMatch", "hostSalt", "licensed"))
forge("legacy-policy.txt", legacy=True, serial=46, hosts=old_hosts, drop=("hostSalt", "licensed"))
forge("no-policy.txt", serial=47, drop=("hostMatch",))
forge("policy-range.txt", serial=48, hostMatch=len(claims["hosts"]) + 1)
forge("short-digest.txt", serial=49, hosts=[dict(claims["hosts"][0], uuid="AAAA")] + claims["hosts"][1:])
forge("no-licensed.txt", serial=49, drop=("licensed",))
# the policy weakened on the signed key (all -> any): the signature no longer holds
t = open("key3.txt").read().split(".")
pay = json.loads(zlib.decompress(base64.urlsafe_b64decode(t[1] + "=" * (-len(t[1]) % 4)), -15))
assert pay["hostMatch"] == "all"
pay["hostMatch"] = "any"
t[1] = base64.urlsafe_b64encode(deflate(json.dumps(pay, separators=(",", ":")))).rstrip(b"=").decode()
open("policy-flipped.txt", "w").write(".".join(t))
forge("same-serial-2.txt", serial=2, iat=claims["iat"] + 1)
forge("same-serial-3.txt", serial=3, iat=claims["iat"] + 1)
# HS256 with the public key as the secret: built by hand, jwcrypto will not sign it
import hashlib, hmac, os
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
h = b64(json.dumps({"alg": "HS256", "typ": "airreg-activation-key", "zip": "DEF", "kid": issuer.thumbprint()}).encode())
pl = b64(deflate(json.dumps(dict(claims, serial=19))))
secret = open("issuer.pub", "rb").read()
sig = b64(hmac.new(secret, (h + "." + pl).encode(), hashlib.sha256).digest())
open("hs256.txt", "w").write(h + "." + pl + "." + sig)
PYEOF

expect_exit 5 "status without a state dir" env AIRREG_STATE_DIR="$WORK/none" "$KI" status
check "status without a state dir: the line names it" [ "$ERR" = "key-import: no such directory $WORK/none: check --state-dir and \$AIRREG_STATE_DIR (token-gen init --state-dir $WORK/none makes a new stamp there)" ]
check "status without a state dir: nothing made" [ ! -e "$WORK/none" ]
expect_exit 0 "status: Not registered" "$KI" status
check "Not registered" [ "$OUT" = "Status          Not registered" ]

snap=$(snapshot "$ST")
refuse() { # refuse STATUS "message" args...: exit, one line, state unchanged
	want=$1; msg=$2; shift 2
	expect_exit "$want" "$*" "$KI" "$@"
	one_line_error "$*" "$msg"
	check "$*: state unchanged" [ "$(snapshot "$ST")" = "$snap" ]
}
refuse 4 "key1.txt: issuer key" key1.txt
expect_exit 0 "trust add" "$KI" trust add issuer.pub
kid=$(/usr/bin/python3 -c 'from jwcrypto import jwk; print(jwk.JWK.from_pem(open("issuer.pub","rb").read()).thumbprint())')
check "trust add names the kid and the file's SHA-256" [ "$OUT" = "key-import: trusted issuer key $kid
$(sha256sum issuer.pub)" ]
expect_exit 0 "trust add again" "$KI" trust add issuer.pub
check "trust add again: the kid and the SHA-256" [ "$OUT" = "key-import: issuer key $kid is already trusted
$(sha256sum issuer.pub)" ]
# "added" is when trust add wrote trusted/KID.pub (its mtime)
added=$(stat -c %Y "$ST/trusted/$kid.pub")
added_iso=$(date -u -d "@$added" +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 "trust list" "$KI" trust list
check "trust list: the kid and when it was added" [ "$OUT" = "$kid  added $added_iso" ]
expect_exit 0 "trust list --json" "$KI" trust list --json
check "trust list --json" [ "$OUT" = "{\"trustedIssuerKeys\":[{\"kid\":\"$kid\",\"addedAt\":$added,\"signedCurrentActivation\":false,\"revoked\":false}],\"issuerChain\":[],\"currentIssuerKey\":null,\"revocationList\":null}" ]
snap=$(snapshot "$ST")
refuse 2 "--force applies to trust remove only" trust add --force issuer.pub
refuse 2 "--force applies to trust remove only" trust list --force
snap=$(snapshot "$ST")
# a token is named for what it is (was "not a PEM SubjectPublicKeyInfo Ed25519 key", still
# the line for a file of no kind known)
refuse 4 "tokA.txt: this is a registration token: carry it to the workstation (registrar register --token tokA.txt)" trust add tokA.txt
printf "hello\n" >plain.txt
refuse 4 "plain.txt: not a PEM SubjectPublicKeyInfo" trust add plain.txt

snap=$(snapshot "$ST")
expect_exit 0 "dry run" "$KI" --dry-run key1.txt
check "dry run says so" sh -c "printf '%s' \"\$1\" | grep -q 'verified key1.txt: registration east, serial 1.*dry run: nothing written'" _ "$OUT"
check "dry run wrote nothing" [ "$(snapshot "$ST")" = "$snap" ]

# every refusal, before any import
NOW=$(cat forged-at)
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
# times as dates and days or hours, each line with the next step (issue 15, part 4; was
# "key expired 3600 s ago", "key not valid before 1796131660 (3598 s from now)"); the
# clock frozen at the forging time (faketime -f with a date, UTC), so each span is exact
pinned() { # pinned NAME LINE: the refusal of NAME at the forging time is exactly LINE
	expect_exit 4 "$1 at a frozen clock" env TZ=UTC faketime -f "$(at "$NOW")" "$KI" "$1"
	check "$1: $2" [ "$ERR" = "key-import: $1: $2" ]
	check "$1 at a frozen clock: state unchanged" [ "$(snapshot "$ST")" = "$snap" ]
}
pinned expired.txt "key expired $(iso $((NOW - 3600))) (1 hour ago); issue a new key on the workstation: registrar activation-key --name east"
pinned notyet.txt "key not valid before $(iso $((NOW + 3600))), 1 hour from now: this stamp's clock is 1 hour behind the workstation's, or the workstation's is ahead; set the wrong one right"
pinned future-iat.txt "key issued $(iso $((NOW + 3600))), 1 hour from now: this stamp's clock is 1 hour behind the workstation's, or the workstation's is ahead; set the wrong one right"
refuse 4 "keyB.txt: key is for another stamp" keyB.txt
refuse 4 "expired.txt: key expired" expired.txt
refuse 4 "notyet.txt: key not valid before" notyet.txt
refuse 4 "future-iat.txt: key issued $(iso $((NOW + 3600)))," future-iat.txt
refuse 4 "otherkey-samekid.txt: bad signature" otherkey-samekid.txt
refuse 4 "untrusted-kid.txt: issuer key" untrusted-kid.txt
refuse 4 "jwk-in-header.txt: issuer key" jwk-in-header.txt
refuse 4 "other-cloud.txt: key is for CloudId 5c0ffee0-1111-4222-8333-444455556666" other-cloud.txt
refuse 4 'wrong-type.txt: field "serial" must be an integer' wrong-type.txt
refuse 4 'extra-claim.txt: unknown field "admin"' extra-claim.txt
refuse 4 'hs256.txt: JWS algorithm "HS256" refused' hs256.txt
# a token is named for what it is (was "not an activation key (typ …)")
refuse 4 "tokA.txt: this is a registration token: carry it to the workstation (registrar register --token tokA.txt)" tokA.txt
refuse 4 "expired.txt: key expired" --dry-run expired.txt
cut -c1-100 key1.txt > truncated.txt
refuse 4 "truncated.txt: not a JWS" truncated.txt
head -c 70000 /dev/zero | tr '\0' A > huge.txt
refuse 4 "huge.txt: file larger than 65536 bytes" huge.txt
refuse 4 "missing.txt: cannot open" missing.txt
refuse 2 "import takes one FILE" import a b
refuse 2 "key-import: --dry-run does not apply to status (see key-import --help)" status --dry-run
# the short form takes import's flags (--host was "an option given does not apply to import")
refuse 4 "key-import: missing-record.json: cannot open: No such file or directory" --host missing-record.json key1.txt
refuse 2 "key-import: --json does not apply to import (key-import FILE is key-import import FILE) (see key-import --help)" --json key1.txt

# the round trip, tolerant of what the USB did to the text
{ printf '\357\273\277'; fold -w 76 key2.txt | sed 's/$/\r/'; } > key2-mangled.txt
expect_exit 0 "import" "$KI" key2-mangled.txt
# a key issued for 365 days says 365 days on both sides of the gap (was "valid 365 days",
# then "expires in 364 days" a second later): one rounding rule (common/when.h)
exp2=$(/usr/bin/python3 -c 'import base64,json,zlib; p=open("key2.txt").read().split(".")[1]; print(json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15))["exp"])')
check "issued: valid 365 days, until its expiry" grep -q "^registrar: wrote key2.txt: activation key for east, serial 2, valid 365 days (until $(iso "$exp2")), [0-9]* bytes$" key2.issued
check "import reports serial 2, 365 days" [ "$(printf '%s\n' "$OUT" | head -1)" = "key-import: imported key2-mangled.txt: registration east, serial 2, expires $(iso "$exp2") (in 365 days)" ]
check "activation.json written" [ -f "$ST/activation.json" ]
check "activation.json: fields" /usr/bin/python3 - <<PYEOF
import json
r = json.load(open("$ST/activation.json"))
assert r["registration"] == "east" and r["serial"] == 2 and r["cloudId"] == open("$ST/cloud-id").read().strip()
assert r["billingModel"] == "Capacity" and r["agreementNumber"] == "42" and r["issuerKid"] == "$kid"
assert r["tenants"] == [{"subscriptionId": "11111111-2222-4333-8444-555555555555", "tenantId": "0a0a0a0a-1111-4222-8333-444444444444"}]
assert len(r["hosts"]) == 2 and r["activationKey"] == open("key2.txt").read()
# kept for the coming check (issue 16): the policy, the salt, the hosts' digests, the licence
assert r["hostMatch"] == "most" and len(r["hostSalt"]) == 22 and r["licensed"]["hosts"] == 2
assert all(len(h["uuid"]) == 11 for h in r["hosts"]) and "hardwareSha256" not in r["hosts"][0]
assert r["licensed"]["cpuCores"] == sum(h["cpuCores"] for h in r["hosts"]) > 0
PYEOF
expect_exit 0 "status" "$KI" status
check "status Registered" sh -c "printf '%s' \"\$1\" | grep -q '^Status          Registered'" _ "$OUT"
check "status: 365 days left" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Expires         $(iso "$exp2") (365 days left)'" _ "$OUT"
check "status names the issuer key" sh -c "printf '%s\n' \"\$1\" | sed -n 6p | grep -qx 'Issuer key      $kid'" _ "$OUT"
check "status: the hardware policy" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hardware policy most of 2 hosts'" _ "$OUT"
expect_exit 0 "status --json" "$KI" status --json
check "status --json" sh -c "printf '%s' \"\$1\" | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); assert d[\"status\"]==\"Registered\" and d[\"serial\"]==2 and d[\"daysLeft\"]==365
assert d[\"issuerKid\"]==\"$kid\" and d[\"hostMatch\"]==\"most\" and d[\"licensedHosts\"]==2'" _ "$OUT"
expect_exit 0 "trust list, an activation" "$KI" trust list
check "trust list marks the key that signed the current activation" \
	[ "$OUT" = "$kid  added $added_iso  (signed the current activation)" ]
expect_exit 0 "trust list --json, an activation" "$KI" trust list --json
check "trust list --json marks it" [ "$OUT" = "{\"trustedIssuerKeys\":[{\"kid\":\"$kid\",\"addedAt\":$added,\"signedCurrentActivation\":true,\"revoked\":false}],\"issuerChain\":[],\"currentIssuerKey\":null,\"revocationList\":null}" ]

snap=$(snapshot "$ST")
refuse 4 "key1.txt: key serial 1 is not newer than 2" key1.txt
# the key imported, carried again: no rollback, nothing to do (was exit 4 "not newer than")
for run in "" --dry-run; do
	expect_exit 0 "the same key again $run" "$KI" $run key2-mangled.txt
	check "the same key again $run: says so" [ "$OUT" = "key-import: key2-mangled.txt: already imported, nothing changed: registration east, serial 2, expires $(iso "$exp2") (in 365 days)
$(sha256sum <key2.txt | cut -d' ' -f1)  key2-mangled.txt" ]
	check "the same key again $run: state unchanged" [ "$(snapshot "$ST")" = "$snap" ]
done
# another key of that serial (another SHA-256) is not the key imported: still refused
refuse 4 "same-serial-2.txt: key serial 2 is not newer than 2, already imported for east (rolled back)" same-serial-2.txt
expect_exit 0 "newer key" "$KI" import key3.txt
expect_exit 0 "remove" "$KI" remove
check "remove names what went" sh -c "printf '%s' \"\$1\" | grep -q 'removed the activation of east'" _ "$OUT"
check "activation.json gone" [ ! -e "$ST/activation.json" ]
expect_exit 0 "status after remove" "$KI" status
check "Not registered after remove" [ "$OUT" = "Status          Not registered" ]
snap=$(snapshot "$ST")
refuse 4 "no activation resource to remove" remove
refuse 4 "key2.txt: key serial 2 is not newer than 3" key2.txt
# the key removed, carried again: said so, with the next step (was "not newer than 3 ... (rolled back)")
refuse 4 "key3.txt: key serial 3 of east was imported here, and its activation since removed; keys up to serial 3 stay refused: issue a new key on the workstation (registrar activation-key --name east)" key3.txt
# another key of serial 3, never imported here (a registrar restored from a backup issues the
# serial again): a rollback, not "was imported here"
refuse 4 "same-serial-3.txt: key serial 3 is not newer than 3, already imported for east (rolled back)" same-serial-3.txt
refuse 4 "key3.txt: key serial 3 of east was imported here, and its activation since removed;" --dry-run key3.txt

# issue 16: keys forged or damaged in their policy are refused, nothing written
snap=$(snapshot "$ST")
refuse 4 "policy-flipped.txt: bad signature" policy-flipped.txt
refuse 4 'legacy-policy.txt: unknown field "hostMatch"' legacy-policy.txt
refuse 4 'no-policy.txt: missing "hostMatch"' no-policy.txt
refuse 4 'policy-range.txt: "hostMatch" must be all, most, any or a count 1 to 2 (the key'"'"'s hosts)' policy-range.txt
refuse 4 'short-digest.txt: host 1: "uuid" is not a host digest (11 base64url characters)' short-digest.txt
refuse 4 'no-licensed.txt: a Capacity key needs "licensed"' no-licensed.txt
check "policy refusals changed nothing" [ "$(snapshot "$ST")" = "$snap" ]
# a key from a registrar before issue 16 on a stamp that has had a hardware policy: refused,
# as it would take the policy away (it was imported, and the policy silently dropped)
snap=$(snapshot "$ST")
refuse 4 "legacy.txt: the key carries no hardware policy (a registrar before hardware policies issued it), and this stamp has had one since registration east, serial 2: it would take the policy away; issue the key from an upgraded registrar: registrar activation-key --name east" legacy.txt
check "the older key refused: the line" [ "$ERR" = "key-import: legacy.txt: the key carries no hardware policy (a registrar before hardware policies issued it), and this stamp has had one since registration east, serial 2: it would take the policy away; issue the key from an upgraded registrar: registrar activation-key --name east" ]
refuse 4 "legacy.txt: the key carries no hardware policy" --dry-run legacy.txt
check "the mark: the first key with a policy" [ "$(tr -d ' \n' <"$ST/hardware-policy.json")" = '{"registration":"east","serial":2}' ]
# the mark outlives remove: the policy is the stamp's, not the activation's
cp -Rp "$ST" removed && AIRREG_STATE_DIR=$WORK/removed "$KI" remove >/dev/null
expect_exit 4 "an older key after remove" env AIRREG_STATE_DIR="$WORK/removed" "$KI" legacy.txt
one_line_error "an older key after remove" "this stamp has had one since registration east, serial 2"
# on a stamp that never had one (the same identity, no key imported): imported, no policy
OLD=$WORK/older
mkdir -m 700 "$OLD" && cp -Rp "$ST/cloud-id" "$ST/stamp.key" "$ST/stamp.pub" "$ST/trusted" "$OLD/"
expect_exit 0 "a key from an older registrar" env AIRREG_STATE_DIR="$OLD" "$KI" legacy.txt
check "no policy mark made" [ ! -e "$OLD/hardware-policy.json" ]
expect_exit 0 "status, an older key" env AIRREG_STATE_DIR="$OLD" "$KI" status
check "status: no hardware policy" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hardware policy none (a key from a registrar before hardware policies)'" _ "$OUT"
expect_exit 0 "status --json, an older key" env AIRREG_STATE_DIR="$OLD" "$KI" status --json
check "status --json: hostMatch null" sh -c "printf '%s' \"\$1\" | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); assert d[\"hostMatch\"] is None and d[\"licensedHosts\"]==2'" _ "$OUT"

# Expired: a key that runs out while imported
expect_exit 0 "short-lived key" "$KI" shortlived.txt
expect_exit 0 "status of an expired activation" env TZ=UTC faketime -f "$(at $((NOW + 7200)))" "$KI" status
check "status Expired" sh -c "printf '%s' \"\$1\" | grep -q '^Status          Expired'" _ "$OUT"
# was "(0 days left)"
check "status: when it expired" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Expires         $(iso $((NOW + 3600))) (expired 1 hour ago)'" _ "$OUT"

# imports at once: one wins at a time, the file is never torn
"$RG" activation-key --name east -o k60.txt >/dev/null
i=0; while [ $i -lt 6 ]; do "$RG" activation-key --name east -o "kc$i.txt" >/dev/null; i=$((i + 1)); done
i=0; while [ $i -lt 6 ]; do "$KI" "kc$i.txt" >/dev/null 2>&1 & i=$((i + 1)); done
wait
top=$(/usr/bin/python3 -c 'import json; print(json.load(open("'"$ST"'/serials.json"))["east"])')
check "high-water mark is the highest serial" /usr/bin/python3 -c "
import json; r=json.load(open('$ST/activation.json'))
assert r['serial']==$top, (r['serial'], $top)"

# the same key at once (stamp B's first): the check under the lock finds it committed
"$KI" --state-dir stampB trust add issuer.pub >/dev/null
i=0; while [ $i -lt 4 ]; do { "$KI" --state-dir stampB keyB.txt >"same$i.out" 2>&1; echo $? >"same$i.rc"; } & i=$((i + 1)); done
wait
check "the same key at once: every import exits 0" [ "$(cat same0.rc same1.rc same2.rc same3.rc)" = "0
0
0
0" ]
check "the same key at once: one imports it" [ "$(cat same*.out | grep -c '^key-import: imported keyB.txt:')" -eq 1 ]
check "the same key at once: three find it imported" [ "$(cat same*.out | grep -c '^key-import: keyB.txt: already imported, nothing changed')" -eq 3 ]

# the key that signed the activation the stamp runs on goes only with --force
snap=$(snapshot "$ST")
sig_serial=$(/usr/bin/python3 -c 'import json; print(json.load(open("'"$ST"'/activation.json"))["serial"])')
refuse 5 "key-import: issuer key $kid signed the current activation (registration east, serial $sig_serial): the next key it signs would be refused (--force removes it anyway)" trust remove "$kid"
refuse 5 "signed the current activation" trust remove issuer.pub
expect_exit 0 "trust remove --force" "$KI" trust remove --force "$kid"
check "trust remove --force says what went" [ "$OUT" = "key-import: no longer trusts issuer key $kid" ]
check "trust remove --force warns" [ "$ERR" = "key-import: warning: issuer key $kid signed the current activation (registration east, serial $sig_serial); the next key it signs will be refused" ]
check "trust remove --force: the file is gone" [ ! -e "$ST/trusted/$kid.pub" ]
snap=$(snapshot "$ST")
refuse 4 "is not trusted" trust remove "$kid"
# a kid may start with '-': it is still a kid, not options
/usr/bin/python3 - <<'PYEOF'
from jwcrypto import jwk
while True:
    k = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    if k.thumbprint().startswith("-"):
        open("dash.pub", "wb").write(k.export_to_pem())
        open("dash.kid", "w").write(k.thumbprint())
        break
PYEOF
expect_exit 0 "trust add a key whose kid starts with -" "$KI" trust add dash.pub
expect_exit 0 "trust remove a kid that starts with -" "$KI" trust remove "$(cat dash.kid)"
expect_exit 0 "trust add it again" "$KI" trust add dash.pub
expect_exit 0 "trust remove --force, a kid that starts with -" "$KI" trust remove --force "$(cat dash.kid)"
check "the kid after --force was taken as a kid" [ "$OUT" = "key-import: no longer trusts issuer key $(cat dash.kid)" ]
expect_exit 0 "--version" "$KI" --version
check "--version" [ "$OUT" = "key-import 0.1.0" ]

# the last hardware check's verdict (key-import check writes it): one edited by hand is
# damaged state, for status as for every state file
printf '{"compliant": "yes", "reason": "x", "checkedAt": "2026-12-01T23:00:00Z"}\n' >"$ST/last-check.json"
expect_exit 5 "status with a damaged last-check.json" "$KI" status
check "damaged last-check.json: the line" [ "$ERR" = "key-import: $ST/last-check.json: not a verdict key-import wrote (damaged state: delete it, then run key-import check)" ]
rm "$ST/last-check.json"
# the activation's issuer key was removed above (trust remove --force): status says Untrusted
# (exit 4, naming the key) and still answers the rest
expect_exit 4 "status with no check run" "$KI" status --json
check "status --json: lastCheck null" $PY -c 'import json, sys; assert json.loads(sys.argv[1])["lastCheck"] is None' "$OUT"
check "status --json: Untrusted, its issuer key removed" $PY -c 'import json, sys; assert json.loads(sys.argv[1])["status"] == "Untrusted"' "$OUT"
check "status: the untrusted line" [ "$ERR" = "key-import: activation.json: untrusted: the key it holds does not verify here: issuer key $kid is not trusted here (key-import trust add)" ]

finish key-import
