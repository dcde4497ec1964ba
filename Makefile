# airreg: token-gen, registrar, key-import on one static library (common/).
# POSIX-style knobs; `make check` installs what is missing, builds and tests.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/airreg
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR  ?=
CC       ?= cc
AR       ?= ar
CFLAGS   ?= -O2 -g
LDFLAGS  ?=
BUILD    ?= build
SANFLAGS ?=
SHARED   ?= $(CURDIR)/../shared
PKG_CONFIG ?= pkg-config
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 60

LIBS_PKGS = libsodium libcrypto zlib jansson
# Drawing QR codes: token-gen and registrar only (key-import reads, never draws).
QR_PKGS   = libqrencode libpng
# The registrar's database; libmicrohttpd is only compiled against: `serve` loads it
# (registrar/mhd.h says why), by the SONAME of the one installed.
REGISTRAR_PKGS = sqlite3
MHD_SONAME = $$(objdump -p "$$($(PKG_CONFIG) --variable=libdir libmicrohttpd)/libmicrohttpd.so" | \
	awk '/SONAME/ { print $$2 }')
WARNFLAGS = -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wconversion -Wshadow \
	    -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-truncation -Wvla
ALL_CFLAGS = $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) -Icommon \
	     $$($(PKG_CONFIG) --cflags $(LIBS_PKGS) $(QR_PKGS))
ALL_LDLIBS = $$($(PKG_CONFIG) --libs $(LIBS_PKGS))
QR_LDLIBS  = $$($(PKG_CONFIG) --libs $(QR_PKGS))

COMMON_SRC = common/err.c common/codec.c common/fileio.c common/deflate.c common/json.c \
	     common/keys.c common/jws.c common/host.c common/token.c \
	     common/stamp.c common/activation.c common/qrparts.c common/qr.c
TOKENGEN_SRC = token-gen/smbios.c token-gen/cpuinfo.c token-gen/armparts.c \
	       token-gen/placeholder.c token-gen/probe.c \
	       token-gen/create.c token-gen/show.c
REGISTRAR_SRC = registrar/store.c registrar/init.c registrar/register.c registrar/report.c \
		registrar/activation.c registrar/tenant.c registrar/apikey.c registrar/api.c \
		registrar/api_registrations.c registrar/api_tenants.c registrar/serve.c \
		registrar/serve_http.c registrar/mhd.c
KEYIMPORT_SRC = key-import/trust.c key-import/state.c key-import/import.c key-import/status.c \
		key-import/main.c
FUZZ_TARGETS = jws token activation smbios cpuinfo host api
UNIT_TESTS = test_codec test_jws test_deflate test_keys test_fileio test_token \
	     test_hardware test_qr

COMMON_OBJ   = $(COMMON_SRC:%.c=$(BUILD)/%.o)
TOKENGEN_OBJ = $(TOKENGEN_SRC:%.c=$(BUILD)/%.o)
REGISTRAR_OBJ = $(REGISTRAR_SRC:%.c=$(BUILD)/%.o) $(BUILD)/registrar/main.o
KEYIMPORT_OBJ = $(KEYIMPORT_SRC:%.c=$(BUILD)/%.o)
LIBAIRREG    = $(BUILD)/libairreg.a
LIBTOKENGEN  = $(BUILD)/libtokengen.a
PROGRAMS     = $(BUILD)/bin/token-gen $(BUILD)/bin/registrar $(BUILD)/bin/key-import
UNIT_BINS    = $(UNIT_TESTS:%=$(BUILD)/tests/%)

.PHONY: all deps check test unit e2e api attacks fault load valgrind bench samples sanitize fuzz fuzz-targets install uninstall clean demo deb deb-check

all: $(PROGRAMS)

deps:
	@sh tests/install-deps.sh

$(BUILD)/%.o: %.c common/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/token-gen/%.o: token-gen/%.c common/*.h token-gen/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itoken-gen -c -o $@ $<

$(BUILD)/registrar/%.o: registrar/%.c common/*.h registrar/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $$($(PKG_CONFIG) --cflags $(REGISTRAR_PKGS) libmicrohttpd) \
		-DAR_MHD_SONAME="\"$(MHD_SONAME)\"" -Iregistrar -c -o $@ $<

$(BUILD)/key-import/%.o: key-import/%.c common/*.h key-import/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ikey-import -c -o $@ $<

$(LIBAIRREG): $(COMMON_OBJ)
	$(AR) rcs $@ $(COMMON_OBJ)

$(LIBTOKENGEN): $(TOKENGEN_OBJ)
	$(AR) rcs $@ $(TOKENGEN_OBJ)

$(BUILD)/bin/token-gen: $(BUILD)/token-gen/main.o $(LIBTOKENGEN) $(LIBAIRREG)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS) $(QR_LDLIBS)

$(BUILD)/bin/registrar: $(REGISTRAR_OBJ) $(LIBAIRREG)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS) $(QR_LDLIBS) \
		$$($(PKG_CONFIG) --libs $(REGISTRAR_PKGS)) -lpthread -ldl

$(BUILD)/bin/key-import: $(KEYIMPORT_OBJ) $(LIBAIRREG)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIBTOKENGEN) $(LIBAIRREG)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itoken-gen $$($(PKG_CONFIG) --cflags cmocka) -o $@ $< \
		$(LIBTOKENGEN) $(LIBAIRREG) $(LDFLAGS) $(ALL_LDLIBS) $(QR_LDLIBS) \
		$$($(PKG_CONFIG) --libs cmocka)

$(BUILD)/tests/mutate: tests/attacks/mutate.c $(LIBAIRREG)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBAIRREG) $(LDFLAGS) $(ALL_LDLIBS)

# libFuzzer targets, built by `make fuzz` in $(BUILD) = build/fuzz with clang.
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIBTOKENGEN) $(LIBAIRREG)
	$(CC) $(ALL_CFLAGS) -Itoken-gen -fsanitize=fuzzer -o $@ $< \
		$(LIBTOKENGEN) $(LIBAIRREG) $(LDFLAGS) $(ALL_LDLIBS)

# The API's target stands on the registrar's objects and SQLite too.
$(BUILD)/fuzz_api: tests/fuzz/fuzz_api.c tests/fuzz/fuzz.h $(REGISTRAR_SRC:%.c=$(BUILD)/%.o) \
		$(LIBAIRREG)
	$(CC) $(ALL_CFLAGS) -Iregistrar $$($(PKG_CONFIG) --cflags $(REGISTRAR_PKGS) libmicrohttpd) \
		-fsanitize=fuzzer -o $@ $< $(REGISTRAR_SRC:%.c=$(BUILD)/%.o) $(LIBAIRREG) $(LDFLAGS) \
		$(ALL_LDLIBS) $(QR_LDLIBS) $$($(PKG_CONFIG) --libs $(REGISTRAR_PKGS)) -lpthread -ldl

fuzz-targets: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)

$(BUILD)/tests/bench: tests/bench/bench.c $(REGISTRAR_SRC:%.c=$(BUILD)/%.o) $(LIBAIRREG)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iregistrar $$($(PKG_CONFIG) --cflags $(REGISTRAR_PKGS)) -o $@ $< \
		$(REGISTRAR_SRC:%.c=$(BUILD)/%.o) $(LIBAIRREG) $(LDFLAGS) $(ALL_LDLIBS) $(QR_LDLIBS) \
		$$($(PKG_CONFIG) --libs $(REGISTRAR_PKGS)) -lpthread -ldl

bench: deps $(PROGRAMS) $(BUILD)/tests/bench
	@BIN=$(CURDIR)/$(BUILD)/bin BENCH=$(CURDIR)/$(BUILD)/tests/bench sh tests/bench/run.sh

# Test-only: fails the Nth disk-changing call (tests/fault/run.sh).
$(BUILD)/tests/faultshim.so: tests/fault/shim.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC $(CFLAGS) -Wall -Wextra -Werror -o $@ $< -ldl

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do \
		SHARED=$(SHARED) $$t || exit 1; \
	done

e2e: $(PROGRAMS)
	@BIN=$(CURDIR)/$(BUILD)/bin SHARED=$(SHARED) sh tests/e2e/run.sh

attacks: $(PROGRAMS) $(BUILD)/tests/mutate $(BUILD)/tests/faultshim.so
	@BIN=$(CURDIR)/$(BUILD)/bin MUTATE=$(CURDIR)/$(BUILD)/tests/mutate SHARED=$(SHARED) \
		SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so \
		sh tests/attacks/run.sh

fault: $(PROGRAMS) $(BUILD)/tests/faultshim.so
	@BIN=$(CURDIR)/$(BUILD)/bin SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so SHARED=$(SHARED) \
		sh tests/fault/run.sh && \
	BIN=$(CURDIR)/$(BUILD)/bin SHIM=$(CURDIR)/$(BUILD)/tests/faultshim.so SHARED=$(SHARED) \
		sh tests/fault/torn.sh

valgrind: $(PROGRAMS)
	@BIN=$(CURDIR)/$(BUILD)/bin SHARED=$(SHARED) sh tests/valgrind/run.sh

load: $(PROGRAMS)
	@BIN=$(CURDIR)/$(BUILD)/bin SHARED=$(SHARED) sh tests/load/run.sh

api: $(PROGRAMS)
	@BIN=$(CURDIR)/$(BUILD)/bin SHARED=$(SHARED) sh tests/api/run.sh

test: unit e2e attacks fault load api

# faketime (attack suite) preloads itself before the ASan runtime; that is harmless.
sanitize:
	ASAN_OPTIONS=verify_asan_link_order=0 $(MAKE) BUILD=build/san CFLAGS="-O1 -g" \
		SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		test

fuzz: all
	$(MAKE) CC=$(FUZZ_CC) BUILD=build/fuzz CFLAGS="-O1 -g -Wno-unknown-warning-option" \
		SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		fuzz-targets
	@BIN=$(CURDIR)/$(BUILD)/bin FUZZ_DIR=$(CURDIR)/build/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) \
		SHARED=$(SHARED) sh tests/fuzz/run.sh

check: deps
	$(MAKE) test
	$(MAKE) deb-check
	$(MAKE) sanitize
	$(MAKE) valgrind
	$(MAKE) fuzz FUZZ_SECONDS=5

# Regenerates samples/ (host records from the captures; a round trip with TEST-ONLY keys).
samples: all
	@BIN=$(CURDIR)/$(BUILD)/bin SHARED=$(SHARED) sh tests/samples/make.sh

demo: deps
	$(MAKE) all
	@BIN=$(CURDIR)/$(BUILD)/bin SHARED=$(SHARED) sh tests/demo.sh

MANPAGES = man/token-gen.1 man/registrar.1 man/key-import.1
COMPLETIONS = completions/token-gen completions/registrar completions/key-import
DOCS = README.md docs/runbook.md docs/errors.md docs/api.md docs/formats.md docs/security.md docs/performance.md

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

uninstall:
	rm -f $(PROGRAMS:$(BUILD)/bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MANPAGES:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(COMPLETIONS:completions/%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	-rmdir $(DESTDIR)$(DOCDIR)

# The Debian package, built with Debian's hardening flags in its own object tree.
DEB_BUILD = $(BUILD)/deb
DEB_BUILDFLAGS = DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags
DEB_FLAGS = BUILD=$(DEB_BUILD)/obj PREFIX=/usr \
	CFLAGS="$$($(DEB_BUILDFLAGS) --get CFLAGS) $$($(DEB_BUILDFLAGS) --get CPPFLAGS)" \
	LDFLAGS="$$($(DEB_BUILDFLAGS) --get LDFLAGS)"
deb: deps
	rm -rf $(DEB_BUILD)/root $(DEB_BUILD)/*.deb
	$(MAKE) $(DEB_FLAGS) all
	$(MAKE) $(DEB_FLAGS) DESTDIR=$(CURDIR)/$(DEB_BUILD)/root install >/dev/null
	@sh packaging/deb/build.sh $(DEB_BUILD)/root $(DEB_BUILD)

# lintian, then dpkg -i in a throw-away copy of this machine's root (tests/deb/run.sh).
deb-check: deb
	@DEB_DIR=$(CURDIR)/$(DEB_BUILD) SAMPLES=$(CURDIR)/samples sh tests/deb/run.sh

clean:
	rm -rf build
