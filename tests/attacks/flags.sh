#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Operator values are checked like file values (issue 14, class 8): invalid UTF-8, a
# control character (C0, DEL, C1) or a bidirectional override in any flag value or
# argument of any program is exit 2 and writes nothing; the same rule holds for a host
# record's text (common/text.c, one rule for both).
. "$(dirname "$0")/lib.sh"
world
FF=$(printf 'x\377')
ESC=$(printf 'x\033[31m')
DEL=$(printf 'x\177')
NEL=$(printf 'x\302\205')      # U+0085, a C1 control
RLO=$(printf 'x\342\200\256y') # U+202E RIGHT-TO-LEFT OVERRIDE
LRI=$(printf 'x\342\201\246y') # U+2066 LEFT-TO-RIGHT ISOLATE
GUID=0a0b0c0d-1111-4222-8333-444455556666
utf8="is not valid UTF-8"
ctl="holds a control character"
bidi="holds a bidirectional control character"

# refuse STATUS REASON CMD...: the attack, and no token or key written beside the state
refuse() {
	attack "$@"
	check "$*: nothing written" [ ! -e new.txt ]
	rm -f new.txt
}

# token-gen create: the claims and every VALUE FLAG
refuse 2 "--agreement-number $utf8" "$TG" create --billing-model Capacity --agreement-number "$FF" --host "$HOSTS/node1.json" -o new.txt
refuse 2 "--agreement-number $ctl" "$TG" create --billing-model Capacity --agreement-number "$NEL" --host "$HOSTS/node1.json" -o new.txt
refuse 2 "--asset-tag $ctl" "$TG" create --billing-model Custom --asset-tag "$ESC" --host "$HOSTS/node1.json" -o new.txt
refuse 2 "--asset-tag $bidi" "$TG" create --billing-model Custom --asset-tag "$RLO" --host "$HOSTS/node1.json" -o new.txt
refuse 2 "--cloud-id $utf8" "$TG" init --cloud-id "$FF" --state-dir stampC
check "no stamp identity made" [ ! -e stampC ]
refuse 2 "--system-serial $ctl" "$TG" create --billing-model Development --root "$TESTDATA/hwdata/roots/uroot-Lenovo-ThinkPad-T480" --system-serial "$NEL" -o new.txt
refuse 2 "--board-serial $ctl" "$TG" probe --root "$TESTDATA/hwdata/roots/uroot-Lenovo-ThinkPad-T480" --host t480 --board-serial "$ESC" -o new.txt
refuse 2 "--system-manufacturer $ctl" "$TG" create --billing-model Development --root "$TESTDATA/hwdata/roots/uroot-Lenovo-ThinkPad-T480" --system-manufacturer "$DEL" -o new.txt
refuse 2 "--bios-vendor $utf8" "$TG" create --billing-model Development --root "$TESTDATA/hwdata/roots/uroot-Lenovo-ThinkPad-T480" --bios-vendor "$FF" -o new.txt
refuse 2 "--cpu-model $bidi" "$TG" create --billing-model Development --root "$TESTDATA/hwdata/roots/uroot-Lenovo-ThinkPad-T480" --cpu-model "$LRI" -o new.txt
refuse 2 "--cpu-model $bidi" "$TG" probe --root "$TESTDATA/hwdata/roots/uroot-Lenovo-ThinkPad-T480" --host t480 --cpu-model "$RLO" -o new.txt
refuse 2 "--host $ctl" "$TG" probe --host "$ESC" -o new.txt
refuse 2 "--host $ctl" "$TG" create --billing-model Development --host "$ESC" -o new.txt
refuse 2 "--output $bidi" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o "new$RLO.txt"
check "no file named with the override" [ -z "$(find . -maxdepth 1 -name 'new*')" ]
refuse 2 "--output $bidi" "$TG" create --billing-model Development --host "$HOSTS/node1.json" --output="new$RLO.txt"
refuse 2 "an argument $ctl" "$TG" show "$ESC"
# registrar: names, GUIDs, paths
refuse 2 "--name $utf8" "$RG" register --token tokA.txt --name "$FF"
refuse 2 "--name $ctl" "$RG" activation-key --name "$ESC" -o new.txt
refuse 2 "--subscription $bidi" "$RG" tenant add --registration east --subscription "$RLO" --tenant "$GUID"
refuse 2 "--tenant $ctl" "$RG" tenant add --registration east --subscription "$GUID" --tenant "$NEL"
refuse 2 "--registration $ctl" "$RG" tenant list --registration "$DEL"
refuse 2 "--cloud-id $utf8" "$RG" unregister --cloud-id "$FF"
refuse 2 "--data-dir $ctl" "$RG" list --data-dir "$ESC"
refuse 2 "an argument $bidi" "$RG" show "$LRI"
# key-import
refuse 2 "--state-dir $ctl" "$KI" --state-dir "$ESC" status
refuse 2 "an argument $utf8" "$KI" "$FF"
refuse 2 "an argument $ctl" "$KI" trust add "$ESC"
# the file side holds to the same rule: a host record's C1 or override is refused too
/usr/bin/python3 - "$HOSTS/node1.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
json.dump(dict(h, serial="PC13\u0085"), open("c1.json", "w"))
json.dump(dict(h, product="20L8\u202eS07A14"), open("rlo.json", "w"))
json.dump(dict(h, boardSerial="L1HF\u0085"), open("c1b.json", "w"))
PY
refuse 4 "c1b.json: field \"boardSerial\" $ctl" "$TG" create --billing-model Development --host c1b.json -o new.txt
refuse 4 "c1.json: field \"serial\" $ctl" "$TG" create --billing-model Development --host c1.json -o new.txt
refuse 4 "rlo.json: field \"product\" $bidi" "$TG" create --billing-model Development --host rlo.json -o new.txt
# what is fine stays fine: UTF-8 letters in a value
expect_exit 0 "create with an accented asset tag" "$TG" create --billing-model Custom --asset-tag "Café 7" --host "$HOSTS/node1.json" -o ok.txt
expect_exit 0 "show reads it back" "$TG" show ok.txt
done_attacks flags
