#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests again with programs run under valgrind memcheck: any memory error or
# definitely lost block fails the program (exit 99) and is listed here.
#   VALGRIND_FULL=1 (make valgrind-full): every end-to-end test and the API test, every
#     program under memcheck.
#   otherwise (make valgrind; make check ran it until issue 20): the tests that run every verb of the two stamp
#     programs, with only the program a test is about under memcheck (the others, which make
#     its fixtures, run plain): token_gen.sh, key_import.sh. What this leaves to
#     valgrind-full (registrar.sh, qr.sh's PNG and text drawing, the API test's server, --help, man pages,
#     completion, the docs' checks, the samples, the hardware captures) runs under ASan+UBSan
#     in make sanitize, the API's threads under ThreadSanitizer in make
#     tsan, and the capture parsers under the fuzzers.
set -u
here=$(cd "$(dirname "$0")" && pwd)
wrap=$(mktemp -d)
trap 'rm -rf "$wrap"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
mkdir "$wrap/vg" "$wrap/logs"
for p in token-gen registrar key-import; do
	cat > "$wrap/vg/$p" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
	--show-leak-kinds=definite --log-file="$wrap/logs/$p.%p" "$BIN/$p" "\$@"
WRAP
	chmod +x "$wrap/vg/$p"
done
# bin_for NAME PROGRAM...: a directory of the three programs, those named under memcheck
bin_for() {
	d=$wrap/bin-$1
	shift
	mkdir "$d"
	for p in token-gen registrar key-import; do ln -s "$BIN/$p" "$d/$p"; done
	for p in "$@"; do ln -sf "$wrap/vg/$p" "$d/$p"; done
	echo "$d"
}
rc=0
if [ "${VALGRIND_FULL:-0}" = 1 ]; then
	BIN=$wrap/vg sh "$here/../e2e/run.sh" || rc=1
	BIN=$wrap/vg sh "$here/../api/run.sh" || rc=1
else
	# one lane: memcheck runs one thread. token_gen.sh then key_import.sh (about 180 s);
	# registrar.sh (about 190 s more) is valgrind-full's: the registrar runs under
	# ASan+UBSan (make sanitize) and ThreadSanitizer (make tsan) in make check.
	tg=$(bin_for tg token-gen) ki=$(bin_for ki key-import)
	BIN=$tg sh "$here/../e2e/token_gen.sh" || rc=1
	BIN=$ki sh "$here/../e2e/key_import.sh" || rc=1
fi
# valgrind 3.19 does not know openat2 (syscall 437) and says so, then answers ENOSYS: token-gen
# takes its path for kernels without openat2 (token-gen/capture.c), which is no error of ours.
# Memcheck's own reports are "==PID==" lines; any other line left is listed too.
for f in "$wrap"/logs/*; do
	[ -e "$f" ] || continue
	grep -v -E '^--[0-9]+-- (WARNING: unhandled amd64-linux syscall: 437$|You may be able to write your own handler\.$|Read the file README_MISSING_SYSCALL_OR_IOCTL\.$|Nevertheless we consider this a bug\.  Please report$|it at http://valgrind\.org/support/bug_reports\.html\.$)' \
		"$f" > "$f.left"
	mv "$f.left" "$f"
done
runs=$(ls "$wrap/logs" | wc -l)
bad=$(find "$wrap/logs" -type f -size +0 | wc -l)
for f in $(find "$wrap/logs" -type f -size +0 | head -5); do
	echo "== $f"; head -40 "$f"
done
printf 'valgrind: %d program runs, %d with errors or definitely lost blocks\n' "$runs" "$bad"
[ "$rc" -eq 0 ] && [ "$bad" -eq 0 ]
