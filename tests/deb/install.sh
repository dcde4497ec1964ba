#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make install` and `make uninstall` of libairreg (issue 21) under DESTDIR and a PREFIX of
# their own: the library and its two links, airreg.h, an airreg.pc that names that PREFIX and
# builds a program with nothing else, man 3 with its aliases, the Python module and the Go
# package (bindings of a scratch tree: PYSRCDIR, GOSRCDIR); uninstall leaves no file behind.
# Installs from the object tree $INSTALL_BUILD (built before: nothing is compiled here).
. "$(dirname "$0")/../e2e/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
D=$WORK/root
P=$D/opt/airreg
mkdir -p "$WORK/py/airreg" "$WORK/go"
echo '# SPDX-License-Identifier: Apache-2.0' >"$WORK/py/airreg/__init__.py"
printf 'module github.com/airreg/airreg/bindings/go\n' >"$WORK/go/go.mod"
printf 'package airreg\n' >"$WORK/go/airreg.go"
printf 'package airreg\n' >"$WORK/go/airreg_test.go"
mk() { # mk TARGET: make install or uninstall into $D with PREFIX=/opt/airreg
	make -s -C "$REPO" BUILD="$INSTALL_BUILD" PREFIX=/opt/airreg DESTDIR="$D" \
		PYSRCDIR="$WORK/py" GOSRCDIR="$WORK/go" "$1" >"$WORK/make.log" 2>&1
}
check "make install" mk install
cat "$WORK/make.log"
(cd "$D" && find . ! -type d -printf '%M %P %l\n' | sort) >"$WORK/installed"
G=opt/airreg/share/gocode/src/github.com/airreg/airreg/bindings/go
for f in "-rw-r--r-- opt/airreg/lib/libairreg.so.1.0.0 " "lrwxrwxrwx opt/airreg/lib/libairreg.so.1 libairreg.so.1.0.0" \
	"lrwxrwxrwx opt/airreg/lib/libairreg.so libairreg.so.1.0.0" "-rw-r--r-- opt/airreg/include/airreg.h " \
	"-rw-r--r-- opt/airreg/lib/pkgconfig/airreg.pc " "-rw-r--r-- opt/airreg/share/man/man3/airreg.3 " \
	"lrwxrwxrwx opt/airreg/share/man/man3/airreg_close.3 airreg_open.3" \
	"-rw-r--r-- opt/airreg/lib/python3/dist-packages/airreg/__init__.py " \
	"-rw-r--r-- $G/go.mod " "-rw-r--r-- $G/airreg.go "; do
	check "installed: $f" grep -qxF -- "$f" "$WORK/installed"
done
check "not installed: the Go package's tests" sh -c "! grep -q _test.go '$WORK/installed'"
check "man3: every page and alias of man/" [ "$(grep -c ' opt/airreg/share/man/man3/' "$WORK/installed")" -eq "$(ls "$REPO"/man/*.3 | wc -l)" ]
check "airreg.pc names the PREFIX and the library's version" sh -c \
	"grep -qx 'libdir=/opt/airreg/lib' '$P/lib/pkgconfig/airreg.pc' && grep -qx 'includedir=/opt/airreg/include' '$P/lib/pkgconfig/airreg.pc' && grep -qx 'Version: 1.0.0' '$P/lib/pkgconfig/airreg.pc'"
printf '#include <airreg.h>\n#include <stdio.h>\nint main(void) { puts(airreg_version()); return 0; }\n' >"$WORK/v.c"
flags=$(PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D pkg-config --cflags --libs airreg | sed "s/ *$//")
check "pkg-config --cflags --libs airreg: $flags" [ "$flags" = "-I$P/include -L$P/lib -lairreg" ]
check "a program built with them" cc -std=c11 -Wall -Werror -o "$WORK/v" "$WORK/v.c" $flags
check "runs: the library's version" [ "$(LD_LIBRARY_PATH=$P/lib "$WORK/v")" = 1.0.0 ]

# the check below can fail: before the uninstall it finds the files
check "the check can fail: files found before uninstall" [ -n "$(cd "$D" && find . ! -type d)" ]
check "make uninstall" mk uninstall
left=$(cd "$D" && find . ! -type d | tr '\n' ' ')
check "uninstall leaves no file${left:+ (left: $left)}" [ -z "$left" ]
check "nor the bindings' directories" test ! -e "$P/lib/python3/dist-packages/airreg" -a ! -e "$D/$G"
finish install
