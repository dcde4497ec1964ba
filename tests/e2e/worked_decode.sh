#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The worked decode of docs/formats.md, run as written on files the programs made: its
# output must be what the programs put in (the host record, the key's claims).
. "$(dirname "$0")/lib.sh"
DOC=$(cd "$(dirname "$0")/../../docs" && pwd)/formats.md
HOSTS=$(cd "$(dirname "$0")/../../samples/hosts" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
cd "$WORK" || exit 1
export AIRREG_STATE_DIR=$WORK/stamp AIRREG_DATA_DIR=$WORK/ws
"$BIN/token-gen" init >/dev/null
"$BIN/token-gen" create --billing-model Development --host "$HOSTS/node1.json" -o RegistrationToken.txt >/dev/null
"$BIN/registrar" init >/dev/null
"$BIN/registrar" register --token RegistrationToken.txt --name east >/dev/null
"$BIN/registrar" activation-key --name east -o ActivationKey.txt >/dev/null
sed -n '/<!-- worked-decode -->/,/<!-- \/worked-decode -->/p' "$DOC" | sed '/^<!--/d; /^```/d' > decode.sh
check "the doc holds the worked decode" [ "$(wc -l < decode.sh)" -gt 5 ]
sh decode.sh > out.json 2> err.txt
check "the worked decode runs without an error: $(head -c 200 err.txt)" [ ! -s err.txt ]
check "it shows the token header" [ "$(jq -s -r '.[0].typ' out.json)" = airreg-registration-token ]
# token format 2: the host's name and model as probed, its UUID as an 11-character digest
check "it shows the host as the token carries it" [ "$(jq -s -r '.[1].hosts[0] | [.name, .product, (.uuid | length)] | @tsv' out.json)" = "$(jq -r '[.name, .product, 11] | @tsv' "$HOSTS/node1.json")" ]
check "it shows the CloudId of the stamp" [ "$(jq -s -r '.[1].cloudId' out.json)" = "$(cat stamp/cloud-id)" ]
check "it shows the key's kid" [ "$(jq -s -r '.[2].kid | length' out.json)" = 43 ]
check "it shows the key's claims" [ "$(jq -s -c '.[3] | {sub, serial, hostMatch, hosts}' out.json)" = '{"sub":"east","serial":1,"hostMatch":"most","hosts":["node1"]}' ]
check "it shows the key's header says zip" [ "$(jq -s -r '.[2].zip' out.json)" = DEF ]
finish "worked decode"
