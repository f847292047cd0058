# Tests. Unit tests (tests/unit/test_*.c) link only the pure decoders and run
# without crash or a dump; dump tests (tests/dump/test_*) run crash + zdx +
# drgn on every dump of the factory's corpus.

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)
DUMP_TESTS := $(sort $(wildcard tests/dump/test_*))
# Tests of the factory's own logic: offline, no dump needed.
FACTORY_TESTS := $(sort $(wildcard tests/factory/test_*.py))

tests/unit/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(PURE_OBJS)
	$(CC) $(CFLAGS) $(ZDX_CFLAGS) -o $@ $< $(PURE_OBJS) $(LDLIBS_DW)

unit: $(UNIT_BINS)
	@tests/run.sh $(UNIT_BINS) $(BUILD_TESTS) $(FACTORY_TESTS)

# Architecture rules (field readers, the verdict vocabulary): TAP, no build.
lint:
	@tests/run.sh tests/lint/lint.py

# check: everything, from a cold machine.  Every tool a dump test uses (each
# crash, each zdx.so built against it, the ASan zdx.so that
# test_damaged_asan.py loads) and the corpus are prerequisites, built (or
# found in the cache) before any test runs, and drgn 0.3.0.
# The compiles and the fetches run beside the corpus (make -j2, the corpus
# first so it starts at once): the corpus starts by downloading and
# unpacking its first kernel, which leaves the CPU to them (about a minute
# of a cold run).  The factory gets no jobserver: its module builds run
# make of their own.
check: deps
	@$(MAKE) --no-print-directory -j2 check-prereqs
	@tests/run.sh $(UNIT_BINS) $(BUILD_TESTS) tests/lint/lint.py tests/fuzz/run_short.sh $(FACTORY_TESTS) $(DUMP_TESTS)

.PHONY: check-prereqs check-corpus
check-prereqs: check-corpus all $(UNIT_BINS) fuzz-build alt-so build/asan/zdx.so drgn
check-corpus:
	@env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dumps/factory.sh

clean-tests:
	rm -f $(UNIT_BINS)

# Tests of the build itself (dry runs of make).
BUILD_TESTS := $(sort $(wildcard tests/build/test_*.sh))
