# SPDX-License-Identifier: Apache-2.0
# tests/connect/run.sh's second half (sourced, in its world): unregister, its receipt sent
# again, a newer key issued since, the deactivation's answer; then the hostile review's
# cases (another name, the stamp read before sending, dot segments, the CA directory).
# shellcheck disable=SC2086 # the flag lists in variables are split on purpose
# --- unregister
UNREG="$CA"
# a wrong secret: refused at the first request, before the stamp changes
SECRET_FILE=$WORK/wrong.secret
try 5 "unregister with a wrong secret" unregister stD "$URL" $UNREG --name south
err_has "unregister, wrong secret" "AuthenticationFailed"
unchanged "unregister, wrong secret" stD
check "unregister, wrong secret: the GET of the registration came first (401)" [ "$(logged GET "$REGS/south" 401)" -ge 1 ]
SECRET_FILE=$WORK/secret
try 4 "unregister --name of another registration" unregister stD "$URL" $UNREG --name east
unchanged "unregister --name of another" stD
status_is "unregister --name of another: D still registered" stD '.status == "Registered"'
try 5 "unregister to a server down" unregister stD "https://127.0.0.1:$DOWN" --pin "sha256//$PIN" --name south
unchanged "unregister to a server down" stD
try 5 "unregister with a wrong pin" unregister stD "$URL" --pin "sha256//$WRONGPIN" --name south
unchanged "unregister with a wrong pin" stD
nothing_sent "unregister with a wrong pin"
status_is "D still registered" stD '.status == "Registered"'
# D (south): removed on the stamp, the receipt taken by the registrar
try 0 "unregister south" unregister stD "$URL" $UNREG --name south
line "unregister: removed" "airreg-connect: removed the activation of south \(CloudId $cloudD, serial 1\); keys up to serial 1 stay refused"
line "unregister: Deactivated" "airreg-connect: POST south/deactivate: 200 OK: Deactivated \(serial 1, receipt SHA-256 [0-9a-f]{64}\)"
lines "unregister" 2
rhash=$(printf '%s\n' "$OUT" | sed -n 's/.*receipt SHA-256 \([0-9a-f]*\))$/\1/p')
check "unregister: the receipt hashed is the one kept on the stamp" [ "$rhash" = "$(sha256sum <stD/removal-receipt.txt | cut -c1-64)" ]
status_is "unregister: D not registered" stD '.status == "Not registered"'
show_is "unregister: the registrar says Deactivated" south '.status == "Deactivated"'
check "unregister: the log has the GET of operations and the deactivate" [ "$(logged POST "$REGS/south/deactivate" 200)" -eq 1 ]
try 0 "unregister south again: the receipt again" unregister stD "$URL" $UNREG
line "again: the resend line" "airreg-connect: no activation to remove; sending the receipt of the removal of serial 1 of south \(.*\) again"
line "again: Deactivated" "airreg-connect: POST south/deactivate: 200 OK: Deactivated \(serial 1, receipt SHA-256 $rhash\)"
unchanged "unregister again" stD
check "again: the registrar answered 200 again" [ "$(logged POST "$REGS/south/deactivate" 200)" -eq 2 ]
# unregistered, then registered again (and in another resource group): serial 2 for south
try 0 "south registered again after its unregister" register stD "$URL" $CA --name south --resource-group rg-7 --billing-model Development --host "$N3"
line "again after unregister: the PUT" "airreg-connect: PUT south: (201 Created: registered|200 OK: renewed)"
line "again after unregister: serial 2" "airreg-connect: imported the activation key of south: serial 2, .*"
status_is "again after unregister: D registered, serial 2" stD '.status == "Registered" and .registration == "south" and .serial == 2'
show_is "again after unregister: the registrar says Registered" south '.status == "Registered" and .lastKeySerial == 2'
check "the resource group in the path" [ "$(grep -c "^registrar: serve: 127\.0\.0\.1 PUT /subscriptions/$SUB/resourceGroups/rg-7/providers/Microsoft.AzureStack/registrations/south 20[01] " serve.log)" -eq 1 ]
try 5 "unregister a state directory without token-gen init" unregister "$WORK/noinit" "$URL" $UNREG
check "unregister without init: nothing made" [ ! -e noinit ]
try 4 "unregister a stamp never registered" unregister stF "$URL" $UNREG
case $ERR in # DIR as given, or made absolute
"airreg-connect: "*"stF: no activation resource to remove (Not registered)") ok ;;
*) bad "never registered: the line: $ERR" ;;
esac
unchanged "never registered" stF
# without --name, whatever activation is held (plain): a newer key issued since (never
# imported here) is found before anything is removed: exit 4, E unchanged, the way out named
"$RG" activation-key --name plain -o keyE2.txt >/dev/null
try 4 "unregister without --name (plain held), a newer key issued since" unregister stE "$URL" $UNREG
err_is "newer key: the line" "airreg-connect: GET plain: the registrar issued serial 2 of plain after the one held here (1): it would refuse this one's receipt (ReceiptNotLatest); nothing removed: airreg-connect register --renew imports the latest key, then unregister"
unchanged "newer key" stE
status_is "newer key: E still registered" stE '.status == "Registered" and .serial == 1'
check "newer key: no deactivate sent" [ "$(logged POST "$REGS/plain/deactivate" 409)" -eq 0 ]
# a registrar whose GET hides it (lastKeySerial 0): removed, then the receipt refused (409
# ReceiptNotLatest), kept, and the line names the way out
mitm stalelast
try 4 "unregister plain, the newer key hidden" unregister stE "$HURL" $UNREG
line "refused receipt: removed" "airreg-connect: removed the activation of plain \(CloudId $(cat stE/cloud-id), serial 1\); keys up to serial 1 stay refused"
err_is "refused receipt: the line" "airreg-connect: POST plain/deactivate: 409 ReceiptNotLatest: receipt: receipt removes serial 1 of plain, but serial 2 was issued after it: that key may still be in use; remove it on the stamp and bring its receipt (the activation was removed and its receipt kept; a later key was issued: airreg-connect register --renew imports it, then unregister)"
status_is "refused receipt: E not registered" stE '.status == "Not registered"'
check "refused receipt: kept" [ -s stE/removal-receipt.txt ]
show_is "refused receipt: plain still Registered at the registrar" plain '.status == "Registered"'
unmitm
# the way out the lines name: the latest key imported, then unregister
try 0 "plain: register --renew after the refused receipt" register stE "$URL" $CA --name plain --billing-model Development --host "$N3" --renew
line "way out: serial 3 imported" "airreg-connect: imported the activation key of plain: serial 3, .*"
try 0 "plain: unregister after the renewal" unregister stE "$URL" $UNREG
line "way out: Deactivated" "airreg-connect: POST plain/deactivate: 200 OK: Deactivated \(serial 3, receipt SHA-256 [0-9a-f]{64}\)"
show_is "way out: plain Deactivated" plain '.status == "Deactivated"'
# A (east) through a connection cut at the deactivate: removed, the receipt kept; then sent
ASER=$("$KI" status --json --state-dir "$ST" | jq .serial)
mitm cut
try 5 "unregister east, the deactivate cut" unregister "$ST" "$HURL" $UNREG --name east
line "cut deactivate: removed" "airreg-connect: removed the activation of east \(CloudId $cloudA, serial $ASER\); keys up to serial $ASER stay refused"
case $ERR in
"airreg-connect: "*"(the activation was removed and its receipt kept: airreg-connect unregister sends it again)") ok ;;
*) bad "cut deactivate: the line: $ERR" ;;
esac
status_is "cut deactivate: A not registered" "$ST" '.status == "Not registered"'
check "cut deactivate: the receipt kept" [ -s "$ST/removal-receipt.txt" ]
show_is "cut deactivate: the registrar still has east Registered" east '.status == "Registered"'
check "cut deactivate: GET of the registration first, api-version 2022-06-01" grep -qxF "GET $REGS/east?api-version=2022-06-01 -> relayed 200" hostile-cut.log
check "cut deactivate: then the POST of the receipt" grep -qxF "POST $REGS/east/deactivate?api-version=2022-06-01 -> cut" hostile-cut.log
unmitm
# the deactivate's answer naming another serial, or another status: not the deactivation of
# this receipt (exit 5), the receipt kept for the next run
for mode in wrongdeact wrongstatus; do
	mitm "$mode"
	try 5 "unregister east, hostile $mode" unregister "$ST" "$HURL" $UNREG --name east
	err_has "$mode" "(the activation was removed and its receipt kept: airreg-connect unregister sends it again)"
	unchanged "$mode" "$ST"
	check "$mode: the receipt kept" [ -s "$ST/removal-receipt.txt" ]
	check "$mode: the deactivate was relayed and its answer changed" grep -q "/deactivate?api-version=2022-06-01 -> relayed 200, tampered" "hostile-$mode.log"
	unmitm
done
try 0 "unregister east again, to the real server" unregister "$ST" "$URL" $UNREG --name east
line "east again: the resend line" "airreg-connect: no activation to remove; sending the receipt of the removal of serial $ASER of east \(.*\) again"
line "east again: Deactivated" "airreg-connect: POST east/deactivate: 200 OK: Deactivated \(serial $ASER, receipt SHA-256 [0-9a-f]{64}\)"
show_is "east deactivated" east '.status == "Deactivated"'

# --- the review's cases
# a registrar registering the token under another name: the PUT's answer says so (exit 5,
# nothing asked after); one that answers the PUT as asked and hands that other name's key:
# the import refuses it (exit 4)
"$TG" init --state-dir stH >/dev/null && "$KI" trust add --state-dir stH issuer.pub >/dev/null || exit 1
mitm rename
try 5 "hostile rename: the PUT answered as north" register stH "$HURL" $CA --name hname --billing-model Development --host "$N1"
err_has "rename" "the answer is not the registration hname of this stamp's token"
unchanged "rename" stH
check "rename: no key asked" [ "$(grep -c getactivationkey hostile-rename.log)" -eq 0 ]
unmitm
mitm renamekey
try 4 "hostile renamekey: the key of north" register stH "$HURL" $CA --name hname --billing-model Development --host "$N1"
err_has "renamekey" "a key of registration north, not hname: nothing imported"
unchanged "renamekey" stH
unmitm
# --renew reads the stamp before sending: a damaged activation.json (exit 5) and a stamp
# trusting no issuer key (exit 5) are found with nothing sent
cp -a stD stDam && printf '{' >stDam/activation.json
try 5 "--renew, a damaged activation.json" register stDam "$URL" $CA --name south --billing-model Development --host "$N3" --renew
err_has "damaged" "activation.json"
unchanged "damaged" stDam
nothing_sent "damaged"
"$TG" init --state-dir stI >/dev/null || exit 1
try 5 "a stamp trusting no issuer key" register stI "$URL" $CA --name eye --billing-model Development --host "$N1"
err_has "no trusted key" "no trusted issuer key: no activation key could be imported; key-import trust add issuer.pub first (nothing sent)"
unchanged "no trusted key" stI
nothing_sent "no trusted key"
# names that would be dot segments, an empty fragment, a secret longer than any
for rg in . .. a.; do
	try 2 "--resource-group $rg" register stD "$URL" $CA --name south --billing-model Development --host "$N3" --renew --resource-group "$rg"
	err_has "--resource-group $rg" "not ending in '.'"
	nothing_sent "--resource-group $rg"
done
try 2 "an empty fragment" register stD "$URL/#" $CA --name south --billing-model Development --host "$N3" --renew
err_has "an empty fragment" "no query or fragment"
head -c 200 /dev/zero | tr '\0' a >long200.secret && chmod 600 long200.secret
SECRET_FILE=$WORK/long200.secret
try 5 "a secret file of 200 characters" register stD "$URL" $CA --name south --billing-model Development --host "$N3" --renew
err_has "200 characters" "not an API secret"
nothing_sent "200 characters"
SECRET_FILE=$WORK/secret
# unregister with nothing held asks GET operations: an answer without the deactivate action
# is no airreg registrar's (exit 5), the kept receipt not sent
mitm noops
try 5 "unregister, operations without deactivate" unregister "$ST" "$HURL" $UNREG
err_has "noops" "the answer does not list Microsoft.AzureStack/registrations/deactivate/action"
unchanged "noops" "$ST"
check "noops: no deactivate sent" [ "$(grep -c deactivate hostile-noops.log)" -eq 0 ]
unmitm
# --ca-file is the one CA: the system's CA directory is never looked in (strace: the CA of
# another certificate is looked for there without --ca-file, and not with it)
if command -v strace >/dev/null 2>&1; then
	strace -f -qq -e trace=openat,open,stat,newfstatat,access -o strace-ca.log "$CN" register \
		--registrar "$URL" --subscription "$SUB" --api-secret secret --state-dir stD \
		--ca-file ca2.crt --name south --billing-model Development --host "$N3" --renew >/dev/null 2>&1
	check "--ca-file: the system's CA directory not read" sh -c '! grep -q "/etc/ssl/certs/" strace-ca.log'
	strace -f -qq -e trace=openat,open,stat,newfstatat,access -o strace-sys.log "$CN" register \
		--registrar "$URL" --subscription "$SUB" --api-secret secret --state-dir stD \
		--name south --billing-model Development --host "$N3" --renew >/dev/null 2>&1
	check "no --ca-file: the system's CA store read (the control)" grep -q "/etc/ssl/certs" strace-sys.log
else
	bad "strace is missing (make deps installs it)"
fi
