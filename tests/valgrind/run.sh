#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The end-to-end tests again, each program run under valgrind memcheck: any memory
# error or definitely lost block fails the program (exit 99) and is listed here.
set -u
here=$(cd "$(dirname "$0")" && pwd)
wrap=$(mktemp -d)
trap 'rm -rf "$wrap"' EXIT
mkdir "$wrap/bin" "$wrap/logs"
for p in token-gen registrar key-import; do
	cat > "$wrap/bin/$p" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
	--show-leak-kinds=definite --log-file="$wrap/logs/$p.%p" "$BIN/$p" "\$@"
WRAP
	chmod +x "$wrap/bin/$p"
done
BIN=$wrap/bin sh "$here/../e2e/run.sh"
rc=$?
# registrar serve's threads, every route and the malformed requests
BIN=$wrap/bin sh "$here/../api/run.sh" || rc=1
runs=$(ls "$wrap/logs" | wc -l)
bad=$(find "$wrap/logs" -type f -size +0 | wc -l)
for f in $(find "$wrap/logs" -type f -size +0 | head -5); do
	echo "== $f"; head -40 "$f"
done
printf 'valgrind: %d program runs, %d with errors or definitely lost blocks\n' "$runs" "$bad"
[ "$rc" -eq 0 ] && [ "$bad" -eq 0 ]
