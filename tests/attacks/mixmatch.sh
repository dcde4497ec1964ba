#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Mix and match: a genuine key for another stamp, another CloudId, another stamp key;
# a token replayed under a second name or carrying another stamp's CloudId.
. "$(dirname "$0")/lib.sh"
world
forge
# the line names the registration and CloudId the key is for (issue 15: it gave only the
# two thumbprints)
jkt() { /usr/bin/python3 -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"; }
attack 4 "key-import: keyB.txt: key is for another stamp: registration west, CloudId $(cat stampB/cloud-id) (stamp key $(jkt stampB/stamp.pub)); this stamp is CloudId $(cat "$ST/cloud-id") (stamp key $(jkt "$ST/stamp.pub"))" "$KI" keyB.txt
attack 4 "other-cnf.txt: key is for another stamp" "$KI" other-cnf.txt
attack 4 "other-cloud.txt: key is for CloudId 5c0ffee0-1111-4222-8333-444455556666 (registration east), this stamp is $(cat "$ST/cloud-id")" "$KI" other-cloud.txt
"$KI" --state-dir "$WORK/stampB" trust add issuer.pub >/dev/null
ST=$WORK/stampB
attack 4 "key1.txt: key is for another stamp" "$KI" --state-dir "$WORK/stampB" key1.txt
ST=$AIRREG_STATE_DIR
attack 4 "tokA.txt: this is a registration token: carry it to the workstation (registrar register --token tokA.txt)" "$KI" tokA.txt
attack 4 "key1.txt: this is an activation key: carry it to the stamp (key-import key1.txt)" "$RG" register --token key1.txt --name north
attack 4 "tokA.txt: CloudId $(cat stamp/cloud-id) is already registered (as east)" "$RG" register --token tokA.txt --name north
attack 4 "tok-cloud-b.txt: CloudId $(cat stampB/cloud-id) is already registered (as west)" "$RG" register --token tok-cloud-b.txt --name north
attack 4 "registration name east is already associated with another cloud identifier" "$RG" register --token tokB.txt --name east
attack 4 "RegistrationNotFound" "$RG" activation-key --name north -o north.txt
check "no key written for an unknown registration" [ ! -e north.txt ]
# after west leaves, stamp A's key cannot take over B's CloudId and name
"$RG" unregister --name west >/dev/null
attack 4 "tok-cloud-b.txt: CloudId $(cat stampB/cloud-id) was registered by a different stamp key" "$RG" register --token tok-cloud-b.txt --name west
done_attacks mixmatch
