# zdx — a crash extension for ZONE_DEVICE / persistent-memory post-mortems.
#
#   make            build extension/zdx.so against the host crash's defs.h
#   make demo       install what is missing, build zdx, build the default
#                   scenario dump, and run `zdx map` and `zdx pgmap` on it
#   make check      everything: unit tests, the dump corpus, dump tests
#   make unit       unit tests only (no crash, no dump)
#   make lint       architecture rules (tests/lint/lint.py)
#   make dumps      the dump corpus (SCENARIO=name KERNEL=name for one)
#   make install    put zdx.so where crash's `extend` finds it
#   make bench      timing figures (not a test)
#   make asan       unit tests and zdx.so under ASan+UBSan (build/asan/)
#   make fuzz       libFuzzer on every pure decoder (long); fuzz-short: seconds

SHELL       := /bin/bash
CC          ?= gcc
CRASH_DEFS  ?= /usr/include/crash/defs.h
# The crash release whose defs.h CRASH_DEFS is (from the Debian package that
# installed it; set it by hand for a defs.h of a source tree): compiled into
# zdx.so, which refuses to load into any other crash (extension/zdx.c).
# Asked when first used, not when make starts: on a fresh machine `make
# check` installs crash (deps) before it compiles anything.
ifeq ($(origin CRASH_DEFS_VERSION),undefined)
CRASH_DEFS_VERSION = $(eval CRASH_DEFS_VERSION := $(shell \
                       p=$$(dpkg-query -S '$(CRASH_DEFS)' 2>/dev/null | cut -d: -f1) && \
                       [ -n "$$p" ] && dpkg-query -W -f='$${Version}' "$$p" | sed 's/-[^-]*$$//'))$(CRASH_DEFS_VERSION)
endif
CRASH_CFLAGS = -DX86_64 -DZDX_CRASH_VERSION='"$(CRASH_DEFS_VERSION)"' -I$(dir $(CRASH_DEFS))
# The crash on PATH, which `make install` builds zdx for.
CRASH_VERSION = $(shell crash --version 2>/dev/null | awk '$$1 == "crash" {print $$2; exit}')
ZDX_CACHE   ?= $(HOME)/.cache/zdx
export ZDX_CACHE

# Debian packages zdx and its factory use (installed by `make deps`).
DEB_PKGS := crash libdw-dev libelf-dev qemu-system-x86 busybox-static ndctl daxctl \
            makedumpfile kexec-tools kmod cpio python3 python3-drgn gcc make \
            zstd xz-utils bc debuginfod elfutils parallel chromium gdb

# CFLAGS is the user's (`make CFLAGS=-O0`); what zdx itself needs to build
# lives in ZDX_CFLAGS, so a command-line CFLAGS never drops it.
CFLAGS   ?= -O2 -g
ZDX_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -fPIC -Iinclude
LDLIBS_DW := -ldw -lelf

EXT_SRCS := $(sort $(wildcard extension/*.c))
EXT_OBJS := $(EXT_SRCS:.c=.o)
# Pure code (decoders, renderers): no crash headers; unit-testable without a dump.
PURE_SRCS := $(filter-out extension/crash_% extension/cmd_% extension/zdx.c,$(EXT_SRCS))
PURE_OBJS := $(PURE_SRCS:.c=.o)

.PHONY: all deps demo check unit lint dumps install bench clean alt-so drgn
all: extension/zdx.so tools/zdx-buildid

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "[deps] installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "[deps] all Debian packages present"; fi

extension/%.o: extension/%.c $(wildcard include/zdx/*.h)
	$(CC) $(CFLAGS) $(ZDX_CFLAGS) $(CRASH_CFLAGS) -c -o $@ $<

extension/zdx.so: $(EXT_OBJS)
	$(CC) -shared -o $@ $^ $(LDLIBS_DW)

# A zdx.so for each crash the factory builds from source (the manifest's
# crash column: 8.0.6 opens 6.12 dumps): an extension must match its crash's
# defs.h.  Declared from the manifest, so a cold machine builds each crash
# before the zdx.so that needs it, and both before any test runs.
ALT_CRASHES := $(shell awk '$$1 ~ /^[0-9]/ && $$5 != "system" {print "crash-" $$5}' dumps/kernels.manifest | sort -u)
ALT_SOS := $(foreach c,$(ALT_CRASHES),$(ZDX_CACHE)/zdx-so/$(c)/zdx.so)
alt-so: $(ALT_SOS)
$(ZDX_CACHE)/crash-%/defs.h:
	dumps/crash.sh $*
.PRECIOUS: $(ZDX_CACHE)/crash-%/defs.h
$(ZDX_CACHE)/zdx-so/%/zdx.so: $(EXT_SRCS) $(wildcard include/zdx/*.h) $(ZDX_CACHE)/%/defs.h
	@mkdir -p $(dir $@)obj
	@for f in $(EXT_SRCS); do \
	  $(CC) $(CFLAGS) $(ZDX_CFLAGS) -DX86_64 -DZDX_CRASH_VERSION='"$(patsubst crash-%,%,$*)"' \
	    -I$(ZDX_CACHE)/$*/ -c -o $(dir $@)obj/$$(basename $$f .c).o $$f || exit 1; \
	done
	$(CC) -shared -o $@ $(dir $@)obj/*.o $(LDLIBS_DW)

# drgn 0.3.0, the dump tests' second oracle (tests/dump/test_drgn.py):
# forky's python3-drgn under forky's python, fetched into the cache
# (dumps/drgn.sh; seconds once fetched).
drgn:
	@dumps/drgn.sh >/dev/null

include tests/tests.mk
include tests/fuzz/fuzz.mk
include dumps/dumps.mk

# zdx-buildid: a dump's or vmlinux's build-id, from the pure decoder.
tools/zdx-buildid: tools/zdx-buildid.c extension/decode_buildid.o extension/decode_dumpfile.o extension/fileread.o extension/json.o
	$(CC) $(CFLAGS) $(ZDX_CFLAGS) -o $@ $^

PREFIX ?= /usr/local
# The zdx.so installed is the one for the crash on PATH: against CRASH_DEFS
# when that is its defs.h, else against the defs.h dumps/crash.sh fetches for
# that release (8.0.6, 9.0.2); any other crash is refused, naming both.
install: tools/zdx-buildid
	@v='$(CRASH_VERSION)'; d='$(CRASH_DEFS_VERSION)'; so=extension/zdx.so; \
	if [ -z "$$v" ]; then echo "make install: no crash on PATH (apt-get install crash)" >&2; exit 1; fi; \
	if [ "$$v" != "$$d" ]; then so='$(ZDX_CACHE)'/zdx-so/crash-$$v/zdx.so; \
	  echo "[install] crash $$v on PATH, $(CRASH_DEFS) is crash $${d:-of an unknown release}'s: building zdx against crash $$v's defs.h"; fi; \
	$(MAKE) -s $$so || { echo "make install: no zdx for crash $$v (set CRASH_DEFS to its defs.h and CRASH_DEFS_VERSION=$$v)" >&2; exit 1; }; \
	install -D -m 0644 $$so $(DESTDIR)/usr/lib64/crash/extensions/zdx.so && echo "[install] zdx.so for crash $$v"
	install -D -m 0755 tools/zdx-triage $(DESTDIR)$(PREFIX)/bin/zdx-triage
	install -D -m 0755 tools/zdx-buildid $(DESTDIR)$(PREFIX)/bin/zdx-buildid
	install -D -m 0644 tools/zdx_triage_render.py $(DESTDIR)$(PREFIX)/share/zdx/zdx_triage_render.py

clean:
	rm -f extension/*.o extension/zdx.so tools/zdx-buildid
	$(MAKE) -s -f tests/tests.mk clean-tests 2>/dev/null || true

# demo: from a fresh machine to zdx output on a real dump.
DEMO_KERNEL   ?= 6.1
DEMO_SCENARIO ?= fsdax-dev
demo:
	@echo "[demo 1/4] Debian packages"; $(MAKE) -s deps
	@echo "[demo 2/4] building zdx.so"; $(MAKE) -s all
	@echo "[demo 3/4] scenario dump $(DEMO_SCENARIO) on kernel $(DEMO_KERNEL) (cached after the first run)"
	@dumps/factory.sh --kernel $(DEMO_KERNEL) --scenario $(DEMO_SCENARIO)
	@echo "[demo 4/4] zdx map and zdx pgmap"
	@dumps/open.sh $(DEMO_KERNEL) $(DEMO_SCENARIO) "zdx map" "zdx pgmap"
	@echo; echo "Open the same dump interactively with:"; \
	 echo "  dumps/open.sh $(DEMO_KERNEL) $(DEMO_SCENARIO)"

bench: all
	@tests/bench/bench.sh
