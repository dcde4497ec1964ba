# SPDX-License-Identifier: Apache-2.0
# airreg: token-gen, registrar, key-import on one static library (common/).
# POSIX-style knobs; `make check` installs what is missing, builds and tests.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/airreg
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd's unit path holds /usr/local/lib/systemd/system too, so PREFIX decides here as well
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR  ?=
CC       ?= cc
AR       ?= ar
CFLAGS   ?= -O2 -g
LDFLAGS  ?=
BUILD    ?= build
SANFLAGS ?=
TESTDATA ?= $(CURDIR)/tests/data
PKG_CONFIG ?= pkg-config
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 60
# `make check` (and so CI) turns warnings into errors; a user's plain `make` does not,
# so that a newer compiler's new warning cannot break an install.
WERROR   ?=

LIBS_PKGS = libsodium libcrypto zlib jansson
# Drawing QR codes: token-gen and registrar only (key-import reads, never draws).
QR_PKGS   = libqrencode libpng
# The registrar's database; libmicrohttpd is only compiled against: `serve` loads it
# (registrar/http/mhd.h says why), by the SONAME of the one installed.
# p11-kit: the issuer key in a PKCS#11 token (init --pkcs11: its URI parser, module loader).
# libpq: only compiled against, loaded when a database is a postgresql:// URL (registrar/pq.h).
REGISTRAR_PKGS = sqlite3 p11-kit-1
# airreg-connect's HTTP client (issue 22): the stamp side that can reach the registrar.
CONNECT_PKGS = libcurl

# Each is asked of pkg-config once a make run, when first needed (so after `deps`).
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell $(PKG_CONFIG) --cflags $(LIBS_PKGS) $(QR_PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(shell $(PKG_CONFIG) --libs $(LIBS_PKGS)))$(PKG_LIBS)
QR_LIBS = $(eval QR_LIBS := $$(shell $(PKG_CONFIG) --libs $(QR_PKGS)))$(QR_LIBS)
REGISTRAR_CFLAGS = $(eval REGISTRAR_CFLAGS := \
	$$(shell $(PKG_CONFIG) --cflags $(REGISTRAR_PKGS) libmicrohttpd libpq))$(REGISTRAR_CFLAGS)
REGISTRAR_LIBS = $(eval REGISTRAR_LIBS := \
	$$(shell $(PKG_CONFIG) --libs $(REGISTRAR_PKGS)) -lpthread -ldl)$(REGISTRAR_LIBS)
CONNECT_CFLAGS = $(eval CONNECT_CFLAGS := $$(shell $(PKG_CONFIG) --cflags $(CONNECT_PKGS)))$(CONNECT_CFLAGS)
CONNECT_LIBS = $(eval CONNECT_LIBS := $$(shell $(PKG_CONFIG) --libs $(CONNECT_PKGS)))$(CONNECT_LIBS)
CMOCKA_CFLAGS = $(eval CMOCKA_CFLAGS := $$(shell $(PKG_CONFIG) --cflags cmocka))$(CMOCKA_CFLAGS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $$(shell $(PKG_CONFIG) --libs cmocka))$(CMOCKA_LIBS)
MHD_SONAME = $(eval MHD_SONAME := $$(shell objdump -p \
	"$$$$($(PKG_CONFIG) --variable=libdir libmicrohttpd)/libmicrohttpd.so" | \
	awk '/SONAME/ { print $$$$2 }'))$(MHD_SONAME)
PQ_SONAME = $(eval PQ_SONAME := $$(shell objdump -p \
	"$$$$($(PKG_CONFIG) --variable=libdir libpq)/libpq.so" | \
	awk '/SONAME/ { print $$$$2 }'))$(PQ_SONAME)

WARNFLAGS = -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra $(WERROR) -Wconversion -Wshadow \
	    -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-truncation -Wvla
# -MMD -MP: the compiler writes each object's header dependencies beside it. -fPIC: the
# objects of libairreg.so (issue 21) are the programs' own, compiled once.
ALL_CFLAGS = $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) -fPIC -MMD -MP -Icommon $(PKG_CFLAGS)

# Every .c of a folder is built; main.c is the program, the rest its library.
COMMON_SRC    = $(sort $(wildcard common/*.c))
TOKENGEN_SRC  = $(filter-out token-gen/main.c,$(sort $(wildcard token-gen/*.c)))
REGISTRAR_SRC = $(filter-out registrar/main.c,$(sort $(wildcard registrar/*.c registrar/http/*.c)))
KEYIMPORT_SRC = $(sort $(wildcard key-import/*.c))
LIBAIRREG_SRC = $(sort $(wildcard libairreg/*.c))
CONNECT_SRC   = $(sort $(wildcard airreg-connect/*.c))
# libairreg.so: its API over key-import's status path, these objects and what they call
# of common/ (no second implementation of any check; -z defs: nothing else is needed)
STATUS_PATH   = verdict state verify_copy import_key trust chain revoked lastcheck
FUZZ_TARGETS = jws token activation receipt smbios cpuinfo host api rotation revocation status
UNIT_TESTS = $(sort $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)))

COMMON_OBJ   = $(COMMON_SRC:%.c=$(BUILD)/%.o)
TOKENGEN_OBJ = $(TOKENGEN_SRC:%.c=$(BUILD)/%.o)
REGISTRAR_LIB_OBJ = $(REGISTRAR_SRC:%.c=$(BUILD)/%.o)
REGISTRAR_OBJ = $(REGISTRAR_LIB_OBJ) $(BUILD)/registrar/main.o
KEYIMPORT_OBJ = $(KEYIMPORT_SRC:%.c=$(BUILD)/%.o)
# airreg-connect stands on key-import's objects (all but its main) and token-gen's archive
KEYIMPORT_LIB_OBJ = $(filter-out $(BUILD)/key-import/main.o,$(KEYIMPORT_OBJ))
CONNECT_OBJ  = $(CONNECT_SRC:%.c=$(BUILD)/%.o) $(KEYIMPORT_LIB_OBJ)
LIBCOMMON    = $(BUILD)/libcommon.a
LIBTOKENGEN  = $(BUILD)/libtokengen.a
PROGRAMS     = $(BUILD)/bin/token-gen $(BUILD)/bin/registrar $(BUILD)/bin/key-import \
	       $(BUILD)/bin/airreg-connect
LIBAIRREG_OBJ = $(LIBAIRREG_SRC:%.c=$(BUILD)/%.o) $(STATUS_PATH:%=$(BUILD)/key-import/%.o)
AIRREG_VERSION = 1.0.0
SHLIB        = $(BUILD)/lib/libairreg.so.$(AIRREG_VERSION)
SHLIB_LINKS  = $(BUILD)/lib/libairreg.so.1 $(BUILD)/lib/libairreg.so
UNIT_BINS    = $(UNIT_TESTS:%=$(BUILD)/tests/%)

.PHONY: FORCE all deps check test unit e2e e2e-a e2e-b api lib pg pg-concurrency attacks fault load valgrind valgrind-full bench bench-sizes samples sanitize tsan fuzz fuzz-targets install uninstall clean demo deb deb-check mutants sdk connect

all: $(PROGRAMS) $(SHLIB_LINKS)

deps:
	@sh tests/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/token-gen/%.o: token-gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itoken-gen -c -o $@ $<

$(BUILD)/registrar/%.o: registrar/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(REGISTRAR_CFLAGS) $(MHD_DEFINE) -Iregistrar -c -o $@ $<

# Only the loaders need to know which libmicrohttpd and libpq to load.
$(BUILD)/registrar/http/mhd.o: MHD_DEFINE = -DAR_MHD_SONAME='"$(MHD_SONAME)"'
$(BUILD)/registrar/pq.o: MHD_DEFINE = -DAR_PQ_SONAME='"$(PQ_SONAME)"'

# -Itoken-gen after -Ikey-import: `check --probe` reads this machine with token-gen's probe
# (probe.h); a key-import header of the same name is found first, beside its source.
$(BUILD)/key-import/%.o: key-import/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ikey-import -Itoken-gen -c -o $@ $<

# What each archive or program is made of, rewritten only when the list changes: a
# source file removed (or added) then remakes what held its object.
$(BUILD)/objs/%: FORCE
	@mkdir -p $(@D)
	@echo '$(OBJS)' | cmp -s - $@ || echo '$(OBJS)' >$@
$(BUILD)/objs/libcommon: OBJS = $(COMMON_OBJ)
$(BUILD)/objs/libtokengen: OBJS = $(TOKENGEN_OBJ)
$(BUILD)/objs/registrar: OBJS = $(REGISTRAR_OBJ)
$(BUILD)/objs/key-import: OBJS = $(KEYIMPORT_OBJ)
$(BUILD)/objs/libairreg: OBJS = $(LIBAIRREG_OBJ)
$(BUILD)/objs/airreg-connect: OBJS = $(CONNECT_OBJ)
FORCE:

# -Ikey-import before -Itoken-gen, as key-import's own objects are built (verdict.h, probe.h)
$(BUILD)/airreg-connect/%.o: airreg-connect/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CONNECT_CFLAGS) -Iairreg-connect -Ikey-import -Itoken-gen -c -o $@ $<

$(BUILD)/libairreg/%.o: libairreg/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilibairreg -Ikey-import -c -o $@ $<

# Only airreg_* is exported (the version script); -z defs: every symbol is resolved here.
$(SHLIB): $(LIBAIRREG_OBJ) $(LIBCOMMON) libairreg/airreg.map $(BUILD)/objs/libairreg
	@mkdir -p $(@D)
	$(CC) -shared $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -Wl,-soname,libairreg.so.1 \
		-Wl,--version-script=libairreg/airreg.map -Wl,-z,defs -o $@ $(LIBAIRREG_OBJ) \
		$(LIBCOMMON) $(PKG_LIBS)

$(SHLIB_LINKS): $(SHLIB)
	ln -sf libairreg.so.$(AIRREG_VERSION) $@

# Made anew: `ar rcs` alone would keep the object of a source file since removed.
$(LIBCOMMON): $(COMMON_OBJ) $(BUILD)/objs/libcommon
	rm -f $@
	$(AR) rcs $@ $(COMMON_OBJ)

$(LIBTOKENGEN): $(TOKENGEN_OBJ) $(BUILD)/objs/libtokengen
	rm -f $@
	$(AR) rcs $@ $(TOKENGEN_OBJ)

$(BUILD)/bin/token-gen: $(BUILD)/token-gen/main.o $(LIBTOKENGEN) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(QR_LIBS)

$(BUILD)/bin/registrar: $(REGISTRAR_OBJ) $(LIBCOMMON) $(BUILD)/objs/registrar
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(REGISTRAR_OBJ) $(LIBCOMMON) $(PKG_LIBS) \
		$(QR_LIBS) $(REGISTRAR_LIBS)

# Stamp-side programs share code (never the registrar's): key-import links token-gen's
# archive for its probe (probe.o and the readers it calls; the linker takes no other object).
# The QR libraries: `remove --qr` draws the removal receipt (issue 18).
$(BUILD)/bin/key-import: $(KEYIMPORT_OBJ) $(LIBTOKENGEN) $(LIBCOMMON) $(BUILD)/objs/key-import
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(KEYIMPORT_OBJ) $(LIBTOKENGEN) $(LIBCOMMON) \
		$(PKG_LIBS) $(QR_LIBS)

# The stamp's client of registrar serve (issue 22): key-import's and token-gen's code, libcurl.
$(BUILD)/bin/airreg-connect: $(CONNECT_OBJ) $(LIBTOKENGEN) $(LIBCOMMON) $(BUILD)/objs/airreg-connect
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(CONNECT_OBJ) $(LIBTOKENGEN) $(LIBCOMMON) \
		$(PKG_LIBS) $(QR_LIBS) $(CONNECT_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBTOKENGEN) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itoken-gen -Ikey-import $(UNIT_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< \
		$(UNIT_OBJS) $(LIBTOKENGEN) $(LIBCOMMON) $(LDFLAGS) $(PKG_LIBS) $(QR_LIBS) \
		$(UNIT_LIBS) $(CMOCKA_LIBS)

# key-import is a program, not a library: a unit test of one of its modules links that object.
$(BUILD)/tests/test_hostmatch: UNIT_OBJS = $(BUILD)/key-import/hostmatch.o
$(BUILD)/tests/test_hostmatch: $(BUILD)/key-import/hostmatch.o
$(BUILD)/tests/test_connect_open: UNIT_OBJS = $(BUILD)/airreg-connect/open.o
$(BUILD)/tests/test_connect_open: UNIT_CFLAGS = -Iairreg-connect $(CONNECT_CFLAGS)
$(BUILD)/tests/test_connect_open: UNIT_LIBS = $(CONNECT_LIBS)
$(BUILD)/tests/test_connect_open: $(BUILD)/airreg-connect/open.o

$(BUILD)/tests/mutate: tests/attacks/mutate.c $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBCOMMON) $(LDFLAGS) $(PKG_LIBS)

# libFuzzer targets, built by `make fuzz` in $(BUILD) = build/fuzz with clang.
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIBTOKENGEN) $(LIBCOMMON)
	$(CC) $(ALL_CFLAGS) -Itoken-gen -fsanitize=fuzzer -o $@ $< \
		$(LIBTOKENGEN) $(LIBCOMMON) $(LDFLAGS) $(PKG_LIBS)

# The API's target stands on the registrar's objects and SQLite too.
$(BUILD)/fuzz_api: tests/fuzz/fuzz_api.c $(REGISTRAR_LIB_OBJ) $(LIBCOMMON)
	$(CC) $(ALL_CFLAGS) -Iregistrar $(REGISTRAR_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(REGISTRAR_LIB_OBJ) $(LIBCOMMON) $(LDFLAGS) $(PKG_LIBS) $(QR_LIBS) $(REGISTRAR_LIBS)

# libairreg's open and status path: the library's objects, not the .so (the sanitizers see them).
$(BUILD)/fuzz_status: tests/fuzz/fuzz_status.c $(LIBAIRREG_OBJ) $(LIBCOMMON)
	$(CC) $(ALL_CFLAGS) -Ilibairreg -fsanitize=fuzzer -o $@ $< \
		$(LIBAIRREG_OBJ) $(LIBCOMMON) $(LDFLAGS) $(PKG_LIBS)

fuzz-targets: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)

$(BUILD)/tests/bench: tests/bench/bench.c tests/bench/batches.c tests/bench/bench.h $(REGISTRAR_LIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iregistrar -Itests/bench $(REGISTRAR_CFLAGS) -o $@ tests/bench/bench.c \
		tests/bench/batches.c $(REGISTRAR_LIB_OBJ) $(LIBCOMMON) $(LDFLAGS) $(PKG_LIBS) \
		$(QR_LIBS) $(REGISTRAR_LIBS)

$(BUILD)/tests/bench-sizes: tests/bench/sizes.c $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBCOMMON) $(LDFLAGS) $(PKG_LIBS)

# libairreg's rows: linked with the built library as a product links it
$(BUILD)/tests/bench-status: tests/bench/status.c $(SHLIB_LINKS)
	@mkdir -p $(@D)
	$(CC) $(WARNFLAGS) $(CFLAGS) -Ilibairreg -o $@ $< -L$(BUILD)/lib \
		-Wl,-rpath,$(CURDIR)/$(BUILD)/lib -lairreg -pthread

bench: deps $(PROGRAMS) $(BUILD)/tests/bench $(BUILD)/tests/bench-status
	@BIN=$(CURDIR)/$(BUILD)/bin BENCH=$(CURDIR)/$(BUILD)/tests/bench TESTDATA=$(TESTDATA) \
		BENCH_STATUS=$(CURDIR)/$(BUILD)/tests/bench-status sh tests/bench/run.sh

# Where the bytes of the 16-host token and its key go (docs/performance.md, "Sizes").
bench-sizes: deps $(PROGRAMS) $(BUILD)/tests/bench-sizes
	@BIN=$(CURDIR)/$(BUILD)/bin SIZES=$(CURDIR)/$(BUILD)/tests/bench-sizes TESTDATA=$(TESTDATA) \
		sh tests/bench/sizes.sh

# Test-only: fails the Nth disk-changing call (tests/fault/run.sh).
$(BUILD)/tests/faultshim.so: tests/fault/shim.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC $(CFLAGS) -Wall -Wextra $(WERROR) -o $@ $< -ldl

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do \
		TESTDATA=$(TESTDATA) $$t || exit 1; \
	done

e2e: $(PROGRAMS) $(BUILD)/tests/faultshim.so
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so \
		sh tests/e2e/run.sh

# the same, in two halves that make check runs side by side
e2e-a e2e-b: $(PROGRAMS) $(BUILD)/tests/faultshim.so
	@$(HAPPY_ENV) BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so \
		sh tests/e2e/run.sh $(@:e2e-%=%)

attacks: $(PROGRAMS) $(BUILD)/tests/mutate $(BUILD)/tests/faultshim.so
	@BIN=$(CURDIR)/$(BUILD)/bin MUTATE=$(CURDIR)/$(BUILD)/tests/mutate TESTDATA=$(TESTDATA) \
		SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so \
		sh tests/attacks/run.sh

fault: $(PROGRAMS) $(BUILD)/tests/faultshim.so
	@BIN=$(CURDIR)/$(BUILD)/bin SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so TESTDATA=$(TESTDATA) \
		sh tests/fault/run.sh && \
	BIN=$(CURDIR)/$(BUILD)/bin SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so TESTDATA=$(TESTDATA) \
		sh tests/fault/torn.sh && \
	BIN=$(CURDIR)/$(BUILD)/bin SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so TESTDATA=$(TESTDATA) \
		sh tests/fault/close.sh

# the stamp programs under memcheck (tests/valgrind/run.sh says which; not in make check since
# issue 20: HACKING.md); valgrind-full: every e2e test.
valgrind: $(PROGRAMS)
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/valgrind/run.sh

valgrind-full: $(PROGRAMS)
	@VALGRIND_FULL=1 BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/valgrind/run.sh

load: $(PROGRAMS)
	@$(HAPPY_ENV) BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/load/run.sh

api: $(PROGRAMS)
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/api/run.sh

# airreg-connect against registrar serve over HTTPS, a man in the middle and a proxy (issue 22)
connect: $(PROGRAMS)
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/connect/run.sh

# libairreg as a product uses it (issue 21, tests/lib/run.sh): installed in a prefix of its
# own under the build directory, then asked by C, Python and Go about every stamp of
# tests/lib/states.sh, each answer held against key-import status --json.
LIBTEST_PREFIX = $(CURDIR)/$(BUILD)/libtest
lib: all
	@rm -rf $(LIBTEST_PREFIX)
	@$(MAKE) --no-print-directory install PREFIX=$(LIBTEST_PREFIX) DESTDIR= >/dev/null
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) PREFIX=$(LIBTEST_PREFIX) \
		LIBBUILD=$(CURDIR)/$(BUILD)/lib sh tests/lib/run.sh

# the registrar's end-to-end suites and the API suite again, against a throw-away PostgreSQL
# 15 cluster (issue 20)
pg: $(PROGRAMS) $(BUILD)/tests/faultshim.so
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so \
		sh tests/pg/run.sh

# Issue 20: two servers and the CLI on one PostgreSQL database at once; a connection
# killed mid-transaction, the cluster restarted, the writer lock held; the refusals at the
# database's edge; the schema's own rules (tests/pg/). Each runs, and the target fails if
# one did.
pg-concurrency: $(PROGRAMS)
	@rc=0; for t in concurrency connloss refusals schema; do \
		BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/pg/$$t.sh || rc=1; \
	done; exit $$rc

test: unit e2e attacks fault load api

# Microsoft's Node.js SDK, pinned by tests/sdk/package-lock.json, installed into the build
# directory (npm's cache too, never $HOME) again only when the lock file changes; no package
# script runs (--ignore-scripts).
SDK_DIR = $(BUILD)/sdk
$(SDK_DIR)/installed: tests/sdk/package.json tests/sdk/package-lock.json
	@mkdir -p $(SDK_DIR)
	cp tests/sdk/package.json tests/sdk/package-lock.json $(SDK_DIR)/
	cd $(SDK_DIR) && npm ci --no-audit --no-fund --ignore-scripts --cache $(CURDIR)/$(SDK_DIR)/npm-cache \
		--loglevel=error
	@touch $@

# The SDK against `registrar serve` over HTTPS at every api-version (tests/sdk/run.sh).
sdk: $(PROGRAMS) $(SDK_DIR)/installed
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) SDK_MODULES=$(CURDIR)/$(SDK_DIR)/node_modules \
		sh tests/sdk/run.sh

# Not part of check (it is long: tests/mutants/README.md): each mutant of tests/mutants/list,
# applied alone to a copy of the tree, must make a fast suite fail.
mutants: all
	@sh tests/mutants/run.sh

# faketime (attack suite) preloads itself before the ASan runtime; that is harmless.
# The build two jobs at a time, then the suites two at a time (each one's output whole, as it ends),
# the longest first, the end-to-end tests in two halves: the two lanes end together;
# the load test with 25 registrations a process instead of 100 (tests/load/run.sh).
# LeakSanitizer checks the attack suite, fault injection, the unit tests and the API test
# (the error paths, and the server that lives long); the end-to-end halves and the load test
# run without it (HAPPY_ENV): its scan at each exit was a third of their time (key_import.sh
# 13.9 s, 9.1 s without), and make check would pass 15 minutes (HACKING.md).
SAN_SUITES = attacks fault e2e-a e2e-b api connect load unit
SAN_MAKE = $(MAKE) BUILD=build/san CFLAGS="-O1 -g" \
	SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
sanitize:
	$(SAN_MAKE) -j2 all build/san/tests/mutate build/san/tests/faultshim.so
	ASAN_OPTIONS=verify_asan_link_order=0 LOAD_EACH=25 $(SAN_MAKE) -j2 --output-sync=target \
		HAPPY_ENV="ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0" $(SAN_SUITES)

# registrar serve's threads under ThreadSanitizer: the API test, any report fatal
# (tests/api/tsan.sh); libairreg's, 16 threads checking every stamp of tests/lib/states.sh
# (tests/lib/tsan.sh, tests/lib/threads.c). Its own object tree, as the other sanitizers.
tsan: all
	$(MAKE) -j2 BUILD=build/tsan CFLAGS="-O1 -g" SANFLAGS="-fsanitize=thread" all
	@mkdir -p build/tsan/tests
	$(CC) $(WARNFLAGS) -O1 -g -fsanitize=thread -Ilibairreg -o build/tsan/tests/threads \
		tests/lib/threads.c -Lbuild/tsan/lib -Wl,-rpath,$(CURDIR)/build/tsan/lib -lairreg -pthread
	@BIN=$(CURDIR)/build/tsan/bin TESTDATA=$(TESTDATA) sh tests/api/tsan.sh
	@BIN=$(CURDIR)/$(BUILD)/bin THREADS=$(CURDIR)/build/tsan/tests/threads TESTDATA=$(TESTDATA) \
		sh tests/lib/tsan.sh

fuzz: all
	$(MAKE) -j2 CC=$(FUZZ_CC) BUILD=build/fuzz CFLAGS="-O1 -g -Wno-unknown-warning-option" \
		SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		fuzz-targets
	@BIN=$(CURDIR)/$(BUILD)/bin FUZZ_DIR=$(CURDIR)/build/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) \
		TESTDATA=$(TESTDATA) sh tests/fuzz/run.sh

# The build two jobs at a time; then every plain suite, the package, ThreadSanitizer's, the
# PostgreSQL suites and the fuzz targets, two at a time in one make (the longest first, so
# that no lane idles at the end of a phase: separate phases left 1 to 2 minutes of one idle
# core); then the sanitizer pass, two at a time. The tests share nothing (own temporary
# directories, port 0); each one's output is whole, as it ends. The attack suite and
# airreg-connect's (tests/connect: a hostile registrar's answers) run once, in the sanitizer
# pass, where a hostile input that corrupts memory fails them too. The split
# of the time is in HACKING.md. The registrar's suites on PostgreSQL (pg, pg-concurrency:
# issue 20) took the place of valgrind (make valgrind, valgrind-full), which would take make
# check past 15 minutes; ASan+UBSan (LeakSanitizer too) and ThreadSanitizer still run every
# suite they ran.
CHECK_SUITES = pg-concurrency pg e2e-a e2e-b tsan deb-check fuzz lib api load sdk unit
check: deps
	$(MAKE) -j2 WERROR=-Werror all $(UNIT_BINS) $(BUILD)/tests/mutate $(BUILD)/tests/faultshim.so
	$(MAKE) -j2 --output-sync=target WERROR=-Werror FUZZ_SECONDS=3 $(CHECK_SUITES)
	$(MAKE) WERROR=-Werror sanitize

# Regenerates samples/ (host records from the captures; a round trip with TEST-ONLY keys).
samples: all
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/samples/make.sh

demo: deps
	$(MAKE) all
	@BIN=$(CURDIR)/$(BUILD)/bin TESTDATA=$(TESTDATA) sh tests/demo.sh

MANPAGES = man/token-gen.1 man/registrar.1 man/key-import.1 man/airreg-connect.1
COMPLETIONS = completions/token-gen completions/registrar completions/key-import completions/airreg-connect
UNITS = airreg-status.service airreg-status.timer
DOCS = README.md docs/spec.md docs/runbook.md docs/errors.md docs/api.md docs/formats.md docs/security.md docs/performance.md docs/scaling.md
# libairreg (issue 21): man3 holds a page per group of functions and an alias (a symlink,
# copied as one) for each other function. The bindings are other files of the tree: each is
# installed when it is there.
MAN3PAGES = $(sort $(wildcard man/*.3))
PYTHONDIR ?= $(PREFIX)/lib/python3/dist-packages
PYSRCDIR = bindings/python
PYMODULE = $(wildcard $(PYSRCDIR)/airreg/__init__.py)
GODIR ?= $(PREFIX)/share/gocode/src/github.com/airreg/airreg/bindings/go
GOSRCDIR = bindings/go
GOSRC = $(strip $(wildcard $(GOSRCDIR)/go.mod) $(filter-out %_test.go,$(sort $(wildcard $(GOSRCDIR)/*.go))))
LIBFILES = libairreg.so.$(AIRREG_VERSION) libairreg.so.1 libairreg.so

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(DOCDIR)
	cp $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	chmod 755 $(PROGRAMS:$(BUILD)/bin/%=$(DESTDIR)$(BINDIR)/%)
	cp $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/
	chmod 644 $(MANPAGES:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	cp $(COMPLETIONS) $(DESTDIR)$(BASHCOMPDIR)/
	chmod 644 $(COMPLETIONS:completions/%=$(DESTDIR)$(BASHCOMPDIR)/%)
	cp $(DOCS) $(DESTDIR)$(DOCDIR)/
	chmod 644 $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	mkdir -p $(DESTDIR)$(SYSTEMDDIR)
	sed 's#@BINDIR@#$(BINDIR)#' packaging/systemd/airreg-status.service \
		>$(DESTDIR)$(SYSTEMDDIR)/airreg-status.service
	cp packaging/systemd/airreg-status.timer $(DESTDIR)$(SYSTEMDDIR)/
	chmod 644 $(addprefix $(DESTDIR)$(SYSTEMDDIR)/,$(UNITS))
	mkdir -p $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man3
	rm -f $(DESTDIR)$(LIBDIR)/libairreg.so.$(AIRREG_VERSION)
	cp $(SHLIB) $(DESTDIR)$(LIBDIR)/
	chmod 644 $(DESTDIR)$(LIBDIR)/libairreg.so.$(AIRREG_VERSION)
	ln -sf libairreg.so.$(AIRREG_VERSION) $(DESTDIR)$(LIBDIR)/libairreg.so.1
	ln -sf libairreg.so.$(AIRREG_VERSION) $(DESTDIR)$(LIBDIR)/libairreg.so
	cp libairreg/airreg.h $(DESTDIR)$(INCLUDEDIR)/
	chmod 644 $(DESTDIR)$(INCLUDEDIR)/airreg.h
	sed -e 's#@PREFIX@#$(PREFIX)#' -e 's#@LIBDIR@#$(LIBDIR)#' -e 's#@INCLUDEDIR@#$(INCLUDEDIR)#' \
		-e 's#@VERSION@#$(AIRREG_VERSION)#' libairreg/airreg.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/airreg.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/airreg.pc
	rm -f $(MAN3PAGES:man/%=$(DESTDIR)$(MANDIR)/man3/%)
	cp -P $(MAN3PAGES) $(DESTDIR)$(MANDIR)/man3/
	chmod 644 $(MAN3PAGES:man/%=$(DESTDIR)$(MANDIR)/man3/%)
	$(if $(PYMODULE),mkdir -p $(DESTDIR)$(PYTHONDIR)/airreg && cp $(PYMODULE) $(DESTDIR)$(PYTHONDIR)/airreg/ && \
		chmod 644 $(DESTDIR)$(PYTHONDIR)/airreg/__init__.py)
	$(if $(GOSRC),mkdir -p $(DESTDIR)$(GODIR) && cp $(GOSRC) $(DESTDIR)$(GODIR)/ && \
		chmod 644 $(addprefix $(DESTDIR)$(GODIR)/,$(notdir $(GOSRC))))

uninstall:
	rm -f $(PROGRAMS:$(BUILD)/bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MANPAGES:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(COMPLETIONS:completions/%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	-rmdir $(DESTDIR)$(DOCDIR)
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDDIR)/,$(UNITS))
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(LIBFILES)) $(DESTDIR)$(INCLUDEDIR)/airreg.h \
		$(DESTDIR)$(PKGCONFIGDIR)/airreg.pc $(MAN3PAGES:man/%=$(DESTDIR)$(MANDIR)/man3/%)
	rm -f $(DESTDIR)$(PYTHONDIR)/airreg/__init__.py $(addprefix $(DESTDIR)$(GODIR)/,$(notdir $(GOSRC)))
	rm -rf $(DESTDIR)$(PYTHONDIR)/airreg/__pycache__
	@for d in $(DESTDIR)$(PYTHONDIR)/airreg $(DESTDIR)$(GODIR); do [ ! -d $$d ] || rmdir $$d || true; done

# The Debian package, built with Debian's hardening flags in its own object tree.
DEB_BUILD = $(BUILD)/deb
DEB_BUILDFLAGS = DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags
DEB_FLAGS = BUILD=$(DEB_BUILD)/obj PREFIX=/usr LIBDIR=/usr/lib/$$(dpkg-architecture -qDEB_HOST_MULTIARCH) \
	CFLAGS="$$($(DEB_BUILDFLAGS) --get CFLAGS) $$($(DEB_BUILDFLAGS) --get CPPFLAGS)" \
	LDFLAGS="$$($(DEB_BUILDFLAGS) --get LDFLAGS)"
deb: deps
	rm -rf $(DEB_BUILD)/root $(DEB_BUILD)/pkg $(DEB_BUILD)/*.deb
	$(MAKE) -j2 $(DEB_FLAGS) all
	$(MAKE) $(DEB_FLAGS) DESTDIR=$(CURDIR)/$(DEB_BUILD)/root install >/dev/null
	@sh packaging/deb/build.sh $(DEB_BUILD)/root $(DEB_BUILD)

# lintian, then dpkg -i in a throw-away copy of this machine's root (tests/deb/run.sh).
# `make install` and `uninstall` of libairreg too (tests/deb/install.sh), from the same objects.
deb-check: deb
	@rc=0; DEB_DIR=$(CURDIR)/$(DEB_BUILD) SAMPLES=$(CURDIR)/samples sh tests/deb/run.sh || rc=1; \
	INSTALL_BUILD=$(DEB_BUILD)/obj sh tests/deb/install.sh || rc=1; exit $$rc

clean:
	rm -rf build

-include $(COMMON_OBJ:.o=.d) $(TOKENGEN_OBJ:.o=.d) $(BUILD)/token-gen/main.d $(REGISTRAR_OBJ:.o=.d) $(KEYIMPORT_OBJ:.o=.d) $(LIBAIRREG_SRC:%.c=$(BUILD)/%.d) \
	$(CONNECT_SRC:%.c=$(BUILD)/%.d) \
	$(UNIT_BINS:=.d) $(BUILD)/tests/mutate.d $(BUILD)/tests/bench.d $(BUILD)/tests/bench-sizes.d \
	$(FUZZ_TARGETS:%=$(BUILD)/fuzz_%.d)
