#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Expiry that warns (issue 18, part 3): key-import status --warn-days N exits 0 beyond N days,
# 6 within them (expiresAt - now <= N days, to the second), 4 expired, not registered or not
# verified; --metrics writes Prometheus text (parsed by prometheus_client's own parser),
# replaced atomically; the systemd units pass systemd-analyze verify. Every clock is frozen
# (faketime -f with a date, UTC): a running clock flakes when loaded. No sleeps.
. "$(dirname "$0")/lib.sh"
scratch
UNITS=$(cd "$E2E/../../packaging/systemd" && pwd)
DAY=86400
NOW=$(date +%s)
EXP=$((NOW + 60 * DAY)) # the key below: issued at NOW for 60 days
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
clock() { t=$1; shift; env TZ=UTC faketime -f "$(at "$t")" "$@"; }
no_stderr() { check "$1: nothing on stderr" [ ! -s "$WORK/err" ]; }
err_is() { check "$1: stderr" [ "$ERR" = "$2" ]; }

"$TG" init >/dev/null && "$TG" init --state-dir other >/dev/null &&
	"$TG" create --billing-model Capacity --agreement-number 42 --host "$HOSTS/node1.json" \
		--host "$HOSTS/node2.json" -o tok.txt >/dev/null &&
	"$RG" init >/dev/null && "$RG" register --token tok.txt --name east >/dev/null &&
	"$RG" export-issuer-key -o issuer.pub >/dev/null && "$KI" trust add issuer.pub >/dev/null &&
	clock $NOW "$RG" activation-key --name east --valid-days 60 -o key.txt >/dev/null ||
	{ echo "expiry: cannot build the world" >&2; exit 1; }

# not registered: status itself is 0 (as it always was); with --warn-days, 4
expect_exit 0 "status, nothing imported" clock $NOW "$KI" status
expect_exit 4 "--warn-days, nothing imported" clock $NOW "$KI" status --warn-days 30
err_is "--warn-days, nothing imported" "key-import: --warn-days: not registered: no activation here (import an activation key: key-import import FILE)"
check "--warn-days, nothing imported: the status still shown" [ "$OUT" = "Status          Not registered" ]

clock $NOW "$KI" key.txt >/dev/null 2>&1 || bad "import key.txt"
CLOUD=$(cat "$ST/cloud-id")

# the window, to the second: 30 days and 1 s left is 0; 30 days left is 6; 1 s left is 6
expect_exit 0 "30 days + 1 s left" clock $((EXP - 30 * DAY - 1)) "$KI" status --warn-days 30
no_stderr "30 days + 1 s left"
plain=$(clock $((EXP - 30 * DAY - 1)) "$KI" status)
check "30 days + 1 s left: the plain status, no Warning line" [ "$OUT" = "$plain" ]
expect_exit 6 "30 days left" clock $((EXP - 30 * DAY)) "$KI" status --warn-days 30
no_stderr "30 days left"
plain=$(clock $((EXP - 30 * DAY)) "$KI" status)
warned=$(printf '%s\n' "$plain" | sed '/^Expires /a\
Warning         expires within 30 days')
check "30 days left: the plain status with the Warning line after Expires" [ "$OUT" = "$warned" ]
check "30 days left: the Warning line" [ "$(printf '%s\n' "$OUT" | grep -c '^Warning         expires within 30 days$')" -eq 1 ]
expect_exit 6 "1 s left" clock $((EXP - 1)) "$KI" status --warn-days 30
expect_exit 6 "1 day window, 1 day left" clock $((EXP - DAY)) "$KI" status --warn-days 1
check "--warn-days 1: 'day'" [ "$(printf '%s\n' "$OUT" | grep '^Warning')" = "Warning         expires within 1 day" ]
expect_exit 0 "1 day window, 1 day + 1 s left" clock $((EXP - DAY - 1)) "$KI" status --warn-days 1
expect_exit 6 "3650 days window" clock $NOW "$KI" status --warn-days 3650
# expired (at expiresAt): status 0 as before; with --warn-days 4, never 0 nor 6
expect_exit 0 "status, expired" clock $EXP "$KI" status
expect_exit 4 "--warn-days, expired" clock $EXP "$KI" status --warn-days 30
err_is "--warn-days, expired" "key-import: --warn-days: the activation expired $(iso $EXP) (less than a minute ago); issue a new key on the workstation (registrar activation-key --name east)"
expect_exit 4 "--warn-days, expired a day ago" clock $((EXP + DAY)) "$KI" status --warn-days 30

# --json: expiringWithin N when expiring, null when not, absent without --warn-days
json_member() { /usr/bin/python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(json.dumps(d.get('expiringWithin', 'absent')))" "$OUT"; }
expect_exit 6 "--json, 30 days left" clock $((EXP - 30 * DAY)) "$KI" status --json --warn-days 30
check "--json: expiringWithin 30" [ "$(json_member)" = 30 ]
expect_exit 0 "--json, 31 days left" clock $((EXP - 31 * DAY)) "$KI" status --json --warn-days 30
check "--json: expiringWithin null" [ "$(json_member)" = null ]
expect_exit 0 "--json without --warn-days" clock $((EXP - 30 * DAY)) "$KI" status --json
check "--json: no expiringWithin without --warn-days" [ "$(json_member)" = '"absent"' ]

# usage: the value, twice, another verb, two writers on stdout; exit 2 naming the flag
for v in 0 3651 -1 abc 30x "" " 30" +30; do
	expect_exit 2 "--warn-days '$v'" "$KI" status --warn-days "$v"
	err_is "--warn-days '$v'" "key-import: --warn-days takes whole days, 1 to 3650: \"$v\" (see key-import --help)"
done
expect_exit 2 "--warn-days twice" "$KI" status --warn-days 30 --warn-days 30
err_is "--warn-days twice" "key-import: --warn-days given twice (see key-import --help)"
expect_exit 2 "--metrics twice" "$KI" status --metrics a.prom --metrics b.prom
err_is "--metrics twice" "key-import: --metrics given twice (see key-import --help)"
check "--metrics twice: nothing written" [ ! -e a.prom ] && check "--metrics twice: b" [ ! -e b.prom ]
expect_exit 2 "--metrics - --json" "$KI" status --metrics - --json
err_is "--metrics - --json" "key-import: status: --metrics - and --json both write to standard output (give --metrics a FILE) (see key-import --help)"
expect_exit 2 "--warn-days on remove" "$KI" remove --warn-days 30
err_is "--warn-days on remove" "key-import: --warn-days does not apply to remove (see key-import --help)"
expect_exit 2 "--metrics on import" "$KI" --metrics m.prom key.txt
mkdir adir
expect_exit 5 "--metrics naming a directory" clock $NOW "$KI" status --metrics adir
check "--metrics naming a directory: nothing printed" [ -z "$OUT" ]
# in the state directory, the metrics would replace the stamp's own files (stamp.key: its
# identity gone, by a daily timer) with their text
snap=$(snapshot "$ST")
for m in "$ST/stamp.key" "$ST/serials.json"; do
	expect_exit 2 "--metrics $m" clock $NOW "$KI" status --metrics "$m"
	err_is "--metrics $m" "key-import: $m: is in the stamp's state directory $(cd "$ST" && pwd -P): write it elsewhere (nothing changed)"
done
check "--metrics in the state directory: the state unchanged" [ "$(snapshot "$ST")" = "$snap" ]

# the metrics, read by the real parser: names, types, labels and exact values
parse() { # parse FILE: "name{labels} value" lines, sorted, every family a gauge
	/usr/bin/python3 -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    assert fam.type == "gauge", fam
    assert fam.documentation, fam
    for s in fam.samples:
        labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
        out.append("%s{%s} %r" % (s.name, labels, s.value))
print("\n".join(sorted(out)))' "$1"
}
L="cloud_id=$CLOUD,registration=east"
expect_exit 6 "--metrics FILE with --warn-days" clock $((EXP - 30 * DAY)) "$KI" status --warn-days 30 --metrics m.prom
check "--metrics FILE: the status still on stdout" [ "$OUT" = "$warned" ]
check "metrics file, mode 0644" [ "$(stat -c %a m.prom)" = 644 ]
check "metrics: every value" [ "$(parse m.prom)" = "$(printf '%s\n' \
	"airreg_activation_days_left{$L} 30.0" \
	"airreg_activation_expiry_timestamp_seconds{$L} $EXP.0" \
	"airreg_activation_registered{$L} 1.0" \
	"airreg_activation_revoked{$L} 0.0" \
	"airreg_activation_serial{$L} 1.0" \
	"airreg_activation_verified{$L} 1.0")" ]
# a hardware check's verdict adds its two gauges; an expired key: registered 0, days negative
clock $((NOW + 3600)) "$KI" check --host "$HOSTS/node1.json" "$HOSTS/node2.json" >/dev/null 2>&1 ||
	bad "check --host"
ino=$(stat -c %i m.prom)
expect_exit 0 "--metrics, expired 2 days ago, no --warn-days" clock $((EXP + 2 * DAY)) "$KI" status --metrics m.prom
check "metrics: expired, with the check" [ "$(parse m.prom)" = "$(printf '%s\n' \
	"airreg_activation_days_left{$L} -2.0" \
	"airreg_activation_expiry_timestamp_seconds{$L} $EXP.0" \
	"airreg_activation_registered{$L} 0.0" \
	"airreg_activation_revoked{$L} 0.0" \
	"airreg_activation_serial{$L} 1.0" \
	"airreg_activation_verified{$L} 1.0" \
	"airreg_hardware_check_compliant{$L} 1.0" \
	"airreg_hardware_check_timestamp_seconds{$L} $((NOW + 3600)).0")" ]
check "metrics: replaced, not written in place (another inode)" [ "$(stat -c %i m.prom)" != "$ino" ]
check "metrics: no temporary file left" [ "$(ls -A | grep -c '^\.\{0,1\}m\.prom.')" -eq 0 ]
# --metrics -: stdout is the metrics alone, the same bytes; the exit as with a file
expect_exit 4 "--metrics - --warn-days, expired" clock $((EXP + 2 * DAY)) "$KI" status --warn-days 30 --metrics -
check "--metrics -: the metrics alone on stdout" [ "$OUT" = "$(cat m.prom)" ]
# a symbolic link named: the link is replaced by the file, its target untouched
echo keep >target.txt && ln -s target.txt link.prom
expect_exit 0 "--metrics naming a symbolic link" clock $((EXP - 40 * DAY)) "$KI" status --metrics link.prom
check "symbolic link: replaced by a regular file" [ -f link.prom ] && [ ! -L link.prom ]
check "symbolic link: its target untouched" [ "$(cat target.txt)" = keep ]
check "symbolic link: the metrics in the file" [ "$(parse link.prom | grep -c registered)" -eq 1 ]
# nothing registered: registered 0 without labels, no activation gauges
expect_exit 4 "--metrics, another stamp with nothing" clock $NOW "$KI" --state-dir other status --warn-days 30 --metrics none.prom
check "metrics: nothing registered" [ "$(parse none.prom)" = "airreg_activation_registered{} 0.0" ]
# a label value is escaped by the format's rule (a name with a quote and a backslash would be
# refused as a registration name; the escaping is held by the parser on what can be there)
check "metrics: the label is what the parser reads back" [ "$(parse m.prom | grep -c "registration=east")" -eq 8 ]

# activation.json is a copy root can edit: status judges the key it holds as check does, so
# an expiry pushed out by hand, or another stamp's key copied in, is not Registered (exit 0,
# registered 1) but refused (5), as check refuses it; no metrics written
cp "$ST/activation.json" act.keep
/usr/bin/python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); d["expiresAt"] += 400 * 86400; json.dump(d, open(p, "w"))' "$ST/activation.json"
expect_exit 5 "--warn-days, expiresAt edited" clock $((EXP - 10 * DAY)) "$KI" status --warn-days 30 --metrics edited.prom
err_is "--warn-days, expiresAt edited" "key-import: $ST: activation.json: \"expiresAt\" is not what the key it holds says (changed by hand or damaged): issue a new key on the workstation (registrar activation-key --name east) and import it"
check "expiresAt edited: no metrics" [ ! -e edited.prom ]
expect_exit 5 "check, expiresAt edited" clock $((EXP - 10 * DAY)) "$KI" check --host "$HOSTS/node1.json" "$HOSTS/node2.json"
"$TG" create --state-dir other --billing-model Capacity --agreement-number 42 --host "$HOSTS/node1.json" -o tok2.txt >/dev/null &&
	"$RG" register --token tok2.txt --name west >/dev/null && "$KI" --state-dir other trust add issuer.pub >/dev/null &&
	clock $NOW "$RG" activation-key --name west --valid-days 365 -o west.txt >/dev/null &&
	clock $NOW "$KI" --state-dir other west.txt >/dev/null 2>&1 || bad "another stamp's key"
cp other/activation.json "$ST/activation.json"
expect_exit 5 "--warn-days, another stamp's activation.json" clock $((EXP - 10 * DAY)) "$KI" status --warn-days 30 --metrics foreign.prom
check "another stamp's activation.json: the line" sh -c 'case "$1" in *"activation.json: holds a key for another stamp"*) exit 0;; esac; exit 1' - "$ERR"
check "another stamp's activation.json: no metrics" [ ! -e foreign.prom ]
cp act.keep "$ST/activation.json"
expect_exit 6 "--warn-days, activation.json put back" clock $((EXP - 10 * DAY)) "$KI" status --warn-days 30

# an unverified key (its issuer key removed with --force): status Untrusted, exit 4 with or
# without --warn-days, naming why; the metrics still written
"$KI" trust remove --force issuer.pub >/dev/null 2>&1 || bad "trust remove --force"
UNTRUSTED="key-import: activation.json: untrusted: the key it holds does not verify here: issuer key $($PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' issuer.pub) is not trusted here (key-import trust add)"
expect_exit 4 "status, unverified" clock $((EXP - 40 * DAY)) "$KI" status
err_is "status, unverified" "$UNTRUSTED"
expect_exit 4 "--warn-days, unverified" clock $((EXP - 40 * DAY)) "$KI" status --warn-days 30 --metrics u.prom
err_is "--warn-days, unverified" "$UNTRUSTED"
check "metrics: unverified" [ "$(parse u.prom | grep verified)" = "airreg_activation_verified{$L} 0.0" ]
check "metrics: unverified, not registered" [ "$(parse u.prom | grep registered)" = "airreg_activation_registered{$L} 0.0" ]

# the units: systemd-analyze verify, ExecStart pointed at the built key-import (verify wants
# it to exist); --man=no: the man page is not installed here. A warning is a failure too.
mkdir units
sed "s#@BINDIR@#$BIN#" "$UNITS/airreg-status.service" >units/airreg-status.service
cp "$UNITS/airreg-status.timer" units/
(cd units && systemd-analyze verify --man=no airreg-status.service airreg-status.timer) >units.out 2>&1
rc=$?
check "systemd-analyze verify: clean ($(cat units.out))" [ "$rc" -eq 0 ]
check "systemd-analyze verify: no output" [ ! -s units.out ]
check "service: oneshot, the command" grep -qx "ExecStart=$BIN/key-import status --warn-days 30 --metrics /var/lib/prometheus/node-exporter/airreg.prom" units/airreg-status.service
check "service: a start timeout (a FIFO for the metrics file blocks the write)" grep -qx "TimeoutStartSec=5min" units/airreg-status.service
check "timer: daily, persistent" sh -c "grep -qx OnCalendar=daily units/airreg-status.timer && grep -qx Persistent=true units/airreg-status.timer"
# verify can fail: a unit with a mistyped key
sed 's/^Type=oneshot/Type=oneshto/' units/airreg-status.service >units/bad.service
check "systemd-analyze verify: a bad unit says so" sh -c "cd units && systemd-analyze verify --man=no bad.service 2>&1 | grep -q 'Failed to parse service type'"

finish expiry
