# SPDX-License-Identifier: Apache-2.0
# tests/connect/run.sh's helpers (sourced): the servers it starts and stops, the runs of
# airreg-connect and what is checked of them. The variables they read are run.sh's.
# every server this script starts is stopped at exit, whatever happens
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	cd / && chmod -R u+rwX "$WORK" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
stop() { # stop PID: TERM, then wait for it
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# start_serve LOG [ARGS]: registrar serve on a free loopback port; $SPORT, $SPID
start_serve() {
	_log=$1; shift
	: >"$_log"
	"$RG" serve --listen 127.0.0.1:0 "$@" 2>>"$_log" &
	SPID=$!
	PIDS="$PIDS $SPID"
	i=0
	while ! grep -q 'listening on' "$_log" && kill -0 $SPID 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	SPORT=$(sed -n '1s/.*listening on https*:\/\/[^ ]*:\([0-9]*\) .*/\1/p' "$_log")
}
# start_py OUT SCRIPT ARGS...: a Python helper printing its port on its first line; $PPORT, $PPID_
start_py() {
	_out=$1; shift
	: >"$_out"
	$PY "$@" >"$_out" 2>>"$WORK/py.err" &
	PPID_=$!
	PIDS="$PIDS $PPID_"
	i=0
	while ! [ -s "$_out" ] && kill -0 $PPID_ 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	PPORT=$(head -1 "$_out")
}
# the access-log lines of the TLS server (one a request it read)
reqs() { grep -c '^registrar: serve: 127\.0\.0\.1 ' serve.log; }
logged() { # logged METHOD PATH STATUS: the count of such lines in serve.log
	grep -c "^registrar: serve: 127\.0\.0\.1 $1 $2 $3 " serve.log
}
wait_reqs() { # until serve.log has N request lines (a line may follow its answer a moment)
	i=0
	while [ "$(reqs)" -lt "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# try STATUS "what" VERB STAMP URL [ARGS]: airreg-connect VERB on the stamp STAMP with the
# subscription and the secret file; $OUT, $ERR; $SNAP the stamp before, $LOGN the log before
SECRET_FILE=$WORK/secret
TRY_ENV= # variables for the run (the proxy's)
try() {
	want=$1 what=$2 verb=$3 stamp=$4 url=$5
	shift 5
	SNAP=$(snapshot "$stamp")
	LOGN=$(reqs)
	# east's last serial before a run that may import a key (imported, the no-op lines)
	if [ "$want" = 0 ] && [ "$stamp" = "$ST" ]; then K0=$(lastkey east); fi
	expect_exit "$want" "$what" env $TRY_ENV timeout 120 "$CN" "$verb" --registrar "$url" --subscription "$SUB" \
		--api-secret "$SECRET_FILE" --state-dir "$stamp" "$@"
	if [ -n "${CONNECT_VERBOSE:-}" ]; then printf '== %s %s: exit %s\n%s\n%s\n' "$(date +%s.%N | cut -c1-14)" "$what" "$got" "$OUT" "$ERR"; fi
}
# lib.sh's listing in one find (each file's SHA-256, each entry's mode): four processes, not eight
snapshot() {
	if [ -d "$1" ]; then
		(cd "$1" && find . -type f -exec sha256sum {} + , -printf '%p %m\n') | sort
	else
		echo "absent"
	fi
}
unchanged() { # unchanged "what" STAMP: the stamp as $SNAP
	check "$1: the stamp's state unchanged" [ "$(snapshot "$2")" = "$SNAP" ]
}
nothing_sent() { check "$1: no request reached the server" [ "$(reqs)" = "$LOGN" ]; }
sent() { # sent "what" N: N requests logged since try
	wait_reqs $((LOGN + $2))
	check "$1: $2 request(s) logged ($(($(reqs) - LOGN)))" [ "$(reqs)" -eq $((LOGN + $2)) ]
}
line() { # line "what" ERE: one line of stdout is ERE, whole
	if printf '%s\n' "$OUT" | grep -qxE -- "$2"; then ok; else bad "$1: no line /$2/ in stdout: $OUT"; fi
}
lines() { # lines "what" N: stdout has N lines
	check "$1: $2 line(s) on stdout ($(printf '%s\n' "$OUT" | grep -c .))" [ "$(printf '%s\n' "$OUT" | grep -c .)" -eq "$2" ]
}
err_is() { # err_is "what" LINE: stderr is that one line
	if [ "$ERR" = "$2" ]; then ok; else bad "$1: stderr is: $ERR; want: $2"; fi
}
err_has() { # err_has "what" TEXT: stderr is one line starting airreg-connect: holding TEXT
	case $ERR in
	*"
"*) bad "$1: more than one line on stderr: $ERR" ;;
	"airreg-connect: "*"$2"*) ok ;;
	*) bad "$1: stderr lacks '$2': $ERR" ;;
	esac
}
status_is() { # status_is "what" STAMP JQ: key-import status --json of STAMP satisfies JQ
	if "$KI" status --json --state-dir "$2" 2>"$WORK/ki.err" | jq -e "$3" >/dev/null 2>&1; then ok
	else bad "$1: key-import status --json fails $3: $("$KI" status --json --state-dir "$2" 2>&1 | tr '\n' ' ')"; fi
}
show_is() { # show_is "what" NAME JQ: registrar show NAME --json satisfies JQ
	if "$RG" show "$2" --json 2>/dev/null | jq -e "$3" >/dev/null 2>&1; then ok
	else bad "$1: registrar show $2 --json fails $3: $("$RG" show "$2" --json 2>&1 | tr '\n' ' ')"; fi
}
lastkey() { # the last serial the registrar issued to NAME (0: none)
	"$RG" show "$1" --json 2>/dev/null | jq '.lastKeySerial // 0' 2>/dev/null || echo 0
}
imported() { # imported "what": the import line of east's next serial after the one before try
	line "$1: serial $((K0 + 1))" "airreg-connect: imported the activation key of east: serial $((K0 + 1)), expires $TIMERE \(in 365 days\)"
}
TIMERE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
