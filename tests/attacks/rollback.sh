#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Rollback: an older key after a newer one, also after `remove` (and after a `remove`
# that follows an import killed before its marks), and a key of a registration the
# stamp has left.
. "$(dirname "$0")/lib.sh"
world
cp -a "$ST" fresh-stamp
expect_exit 0 "import serial 2" "$KI" key2.txt
attack 4 "key1.txt: key serial 1 is not newer than 2, already imported for east (rolled back)" "$KI" key1.txt
# the key imported, again: not a rollback, and nothing changes (it was exit 4 "not newer")
before=$(state)
expect_exit 0 "key2 again" "$KI" key2.txt
exp2=$(/usr/bin/python3 -c 'import base64,json,zlib; p=open("key2.txt").read().split(".")[1]; print(json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15))["exp"])')
check "key2 again: already imported" [ "$(printf '%s\n' "$OUT" | head -1)" = "key-import: key2.txt: already imported, nothing changed: registration east, serial 2, expires $(date -u -d "@$exp2" '+%Y-%m-%dT%H:%M:%SZ') (in 365 days)" ]
check "key2 again: nothing changed" [ "$(state)" = "$before" ]
attack 4 "key serial 1 is not newer than 2" "$KI" --dry-run key1.txt
expect_exit 0 "remove" "$KI" remove
attack 4 "key1.txt: key serial 1 is not newer than 2, already imported for east (rolled back)" "$KI" key1.txt
# the key removed, again: said to be that key, not an old one (was "key serial 2 is not newer than 2")
attack 4 "key2.txt: key serial 2 of east was imported here, and its activation since removed; keys up to serial 2 stay refused" "$KI" key2.txt
expect_exit 0 "a newer key after remove" "$KI" key3.txt
attack 4 "key serial 2 is not newer than 3" "$KI" key2.txt

# The stamp is registered anew under another name; east's unused key 4 is the past.
"$RG" activation-key --name east -o key4.txt >/dev/null
"$RG" unregister --name east >/dev/null
"$RG" register --token tokA.txt --name east2 >/dev/null
faketime -f +10s "$RG" activation-key --name east2 -o east2-1.txt >/dev/null
expect_exit 0 "import the new registration's first key" "$KI" east2-1.txt
attack 4 "key4.txt: key issued 20" "$KI" key4.txt
one_line_error "key of the old registration" "before the key already imported"
# east's key 3, imported here before east2 replaced it: a rollback, not "issue a new key
# --name east" (east is no longer registered)
attack 4 "key3.txt: key serial 3 is not newer than 3, already imported for east (rolled back)" "$KI" key3.txt
# the registrar's serial only grows too: a re-registration does not reuse a name's serials
"$RG" unregister --name east2 >/dev/null
"$RG" register --token tokA.txt --name east >/dev/null
faketime -f +20s "$RG" activation-key --name east -o key5.txt >/dev/null
check "east's serials go on after re-registration" /usr/bin/python3 -c "
import base64, json, zlib
p = open('key5.txt').read().split('.')[1]
assert json.loads(zlib.decompress(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)), -15))['serial'] == 5"

# An import killed just after its commit point leaves the resource without its marks
# (on a fresh stamp: activation.json alone). `remove` raises the mark from the resource
# before it deletes it: else nothing would remember serial 3 and key2 would come back.
rm -rf "$ST" && cp -a fresh-stamp "$ST"
expect_exit 0 "key3 on a fresh stamp" "$KI" key3.txt
rm "$ST/serials.json" "$ST/trusted-time.json"
expect_exit 0 "remove after an import killed before its marks" "$KI" remove
attack 4 "key2.txt: key serial 2 is not newer than 3, already imported for east (rolled back)" "$KI" key2.txt
done_attacks rollback
