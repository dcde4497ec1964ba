#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The bash completions (completions/*): what they offer is what the programs take.
# Run by bash: completion functions are bash.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
COMPLETIONS=$HERE/../../completions
scratch
PATH=$BIN:$PATH

# offers PROGRAM WORD... : what completing the last word offers, one a line, sorted
offers() {
	local func
	func=$(complete -p "$1" | sed 's/.*-F \([^ ]*\) .*/\1/')
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	"$func" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
}
flags() { grep -oE -- '(^|[[ |(,])--?[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | grep -v '^-[a-z][a-z]' | sort -u; }
same() { # same "what" EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok; else bad "$1: want [$(echo $2)], got [$(echo $3)]"; fi
}

for p in token-gen registrar key-import airreg-connect; do
	check "completions/$p is valid bash" bash -n "$COMPLETIONS/$p"
	. "$COMPLETIONS/$p"
	if complete -p "$p" >/dev/null 2>&1; then ok; else bad "completions/$p completes no $p"; fi
done

# every flag of --help is offered for some verb, and nothing else is
all_flags() { # PROGRAM VERB...: the flags offered after each verb (and before any)
	local p=$1 v
	shift
	{
		offers "$p" -
		for v in "$@"; do offers "$p" $v -; done
	} | sort -u
}
same "token-gen: the flags of --help" "$(token-gen --help | flags)" \
	"$(all_flags token-gen init probe create show)"
same "registrar: the flags of --help" "$(registrar --help | flags)" \
	"$(all_flags registrar init register unregister list show export-issuer-key \
		activation-key 'tenant add' 'tenant list' 'tenant remove' serve config rotate-issuer-key revoke)"
same "key-import: the flags of --help" "$(key-import --help | flags)" \
	"$(all_flags key-import import status remove check 'trust list' 'trust remove')"
same "airreg-connect: the flags of --help" "$(airreg-connect --help | flags)" \
	"$(all_flags airreg-connect register unregister)"

# the verbs
same "token-gen verbs" "$(printf '%s\n' create init probe show)" "$(offers token-gen '' | grep -v '^-')"
same "registrar verbs" "$(printf '%s\n' activation-key api-key config export-issuer-key init list register revoke rotate-issuer-key serve show tenant unregister)" \
	"$(offers registrar '' | grep -v '^-')"
same "registrar tenant verbs" "$(printf '%s\n' add list remove)" "$(offers registrar tenant '')"
same "airreg-connect verbs" "$(printf '%s\n' register unregister)" "$(offers airreg-connect '')"
same "per-verb flags: airreg-connect unregister (no billing, host or --renew)" \
	"$(printf '%s\n' --api-secret --ca-file --name --pin --registrar --resource-group --state-dir --subscription --timeout)" \
	"$(offers airreg-connect unregister -)"
same "airreg-connect register --billing-model completes the models" "$(printf '%s\n' Capacity Custom Development)" \
	"$(offers airreg-connect register --billing-model '')"
same "airreg-connect register --r offers its four" "$(printf '%s\n' --registrar --renew --resource-group --root)" \
	"$(offers airreg-connect register --r)"
same "per-verb flags: key-import check" "$(printf '%s\n' --host --json --probe --root --state-dir)" \
	"$(offers key-import check -)"
same "per-verb flags: key-import import" "$(printf '%s\n' --dry-run --help --host --probe --root --state-dir --version)" \
	"$(offers key-import import -)"
same "key-import trust verbs" "$(printf '%s\n' add list remove update)" "$(offers key-import trust '')"
same "per-verb flags: registrar rotate-issuer-key" "$(printf '%s\n' --data-dir --database --force --pkcs11 -o)" \
	"$(offers registrar rotate-issuer-key -)"
same "per-verb flags: revoke" "$(printf '%s\n' --data-dir --database --force --issuer-key --name -o)" "$(offers registrar revoke -)"

# values
same "billing models" "$(printf '%s\n' Capacity Custom Development)" \
	"$(offers token-gen create --billing-model '')"
same "per-verb flags: activation-key" "$(printf '%s\n' --data-dir --database --host-match --name --qr --valid-days -o)" \
	"$(offers registrar activation-key -)"
same "tenant list takes --registration only (and --data-dir, --database)" "$(printf '%s\n' --data-dir --database --registration)" \
	"$(offers registrar tenant list -)"
same "status: --json" "--json" "$(offers key-import status --j)"
same "status: --warn-days" "--warn-days" "$(offers key-import status --w)"
same "status: --metrics" "--metrics" "$(offers key-import status --m)"
touch ActivationKey.png ActivationKey.txt
same "--host-match completes the policies" "$(printf '%s\n' all any most)" "$(offers registrar activation-key --host-match "")"
same "init --host-match completes the policies" "$(printf '%s\n' all any most)" "$(offers registrar init --host-match "")"
same "registrar config offers its settings" "$(printf '%s\n' --data-dir --database --json host-match)" "$(offers registrar config '')"
same "registrar config host-match offers the policies" "$(printf '%s\n' all any most)" "$(offers registrar config host-match '' | grep -v '^-')"
same "--qr completes file names" "ActivationKey.png" "$(offers registrar activation-key --qr ActivationKey.p)"
same "a key file for key-import" "ActivationKey.txt" "$(offers key-import ActivationKey.t)"
same "show completes file names" "ActivationKey.txt" "$(offers token-gen show ActivationKey.t)"
same "probe --host is a name: nothing offered" "" "$(offers token-gen probe --host Act)"
same "airreg-connect --ca-file completes file names" "ActivationKey.txt" "$(offers airreg-connect register --ca-file ActivationKey.t)"
same "airreg-connect --name is a name: nothing offered" "" "$(offers airreg-connect register --name Act)"

same "init: its flags" "$(printf '%s\n' --cloud-id --state-dir)" "$(offers token-gen init -)"
same "create no longer offers --cloud-id" "" "$(offers token-gen create --cl)"

# trust remove offers the kids the stamp trusts
"$BIN/token-gen" init >/dev/null
"$BIN/token-gen" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt >/dev/null 2>&1
"$BIN/registrar" init >/dev/null
"$BIN/registrar" export-issuer-key -o issuer.pub >/dev/null
kid=$("$BIN/key-import" trust add issuer.pub 2>&1 | grep -oE '[A-Za-z0-9_-]{43}' | head -1)
check "a kid was added" [ -n "$kid" ]
same "trust remove offers the kid" "$kid" "$(offers key-import trust remove "${kid%"${kid#?????}"}" | grep -x -e "$kid")"
same "trust remove offers --force" "--force" "$(offers key-import trust remove --f)"
same "trust remove, another state dir: no kid" "" \
	"$(offers key-import --state-dir "$WORK/empty" trust remove "${kid%"${kid#?????}"}")"
check "the check can fail: an unknown flag is not offered" [ -z "$(offers registrar init --no-such)" ]

finish "completion"
