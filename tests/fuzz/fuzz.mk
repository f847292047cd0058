# Sanitizers and fuzzing of the pure decoders (included from the Makefile).
#
#   make asan        unit tests and zdx.so with ASan+UBSan in build/asan/,
#                    then run the unit tests there
#   make fuzz        libFuzzer on every harness, FUZZ_RUNS executions each
#   make fuzz-short  a few seconds per harness, TAP lines for tests/run.sh
#
# Objects go to build/, never next to the normal ones, so `make` and
# `make asan` never mix instrumented and plain code.

SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_DIR    := build/asan
ASAN_PURE   := $(PURE_SRCS:%.c=$(ASAN_DIR)/%.o)
ASAN_EXT    := $(EXT_SRCS:%.c=$(ASAN_DIR)/%.o)
ASAN_UNITS  := $(UNIT_SRCS:%.c=$(ASAN_DIR)/%)
ZDX_HDRS    := $(wildcard include/zdx/*.h)

FUZZ_CC     ?= clang
FUZZ_DIR    := build/fuzz
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_PURE   := $(PURE_SRCS:%.c=$(FUZZ_DIR)/%.o)
FUZZ_RUNS   ?= 10000000
FUZZ_SHORT  ?= 4

.PHONY: asan fuzz fuzz-short fuzz-build fuzz-deps clean-fuzz

$(ASAN_DIR)/%.o: %.c $(ZDX_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ZDX_CFLAGS) $(SAN_FLAGS) $(CRASH_CFLAGS) -c -o $@ $<

$(ASAN_DIR)/zdx.so: $(ASAN_EXT)
	$(CC) $(SAN_FLAGS) -shared -o $@ $^ $(LDLIBS_DW)

$(ASAN_DIR)/tests/unit/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(ASAN_PURE)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ZDX_CFLAGS) $(SAN_FLAGS) -o $@ $< $(ASAN_PURE) $(LDLIBS_DW)

asan: $(ASAN_DIR)/zdx.so $(ASAN_UNITS)
	@UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh $(ASAN_UNITS) $(BUILD_TESTS)

# clang is a Debian package like the rest (`make deps` style install).
fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null || { echo "[deps] installing: clang"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >/dev/null; }

FUZZ_FLAGS := -g -O1 $(ZDX_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all

$(FUZZ_DIR)/%.o: %.c $(ZDX_HDRS) | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_PURE) | fuzz-deps
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -Itests/unit -o $@ $< $(FUZZ_PURE) $(LDLIBS_DW)

fuzz-build: $(FUZZ_BINS)

# Long run: FUZZ_RUNS executions per harness (stops at the first finding).
fuzz: fuzz-build
	@tests/fuzz/run.sh -runs=$(FUZZ_RUNS) $(FUZZ_BINS)

# Short run for `make check`: FUZZ_SHORT seconds per harness.
fuzz-short: fuzz-build
	@FUZZ_SHORT=$(FUZZ_SHORT) tests/run.sh tests/fuzz/run_short.sh

clean-fuzz:
	rm -rf build/asan build/fuzz

# `make clean` also drops the sanitizer and fuzz builds.
clean: clean-fuzz
