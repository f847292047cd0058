# Tests. Unit tests (tests/unit/test_*.c) link only the pure decoders and run
# without crash or a dump; dump tests (tests/dump/test_*) run crash + zdx +
# drgn on every dump of the factory's corpus.

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)
DUMP_TESTS := $(sort $(wildcard tests/dump/test_*))

tests/unit/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(PURE_OBJS)
	$(CC) $(CFLAGS) -o $@ $< $(PURE_OBJS) $(LDLIBS_DW)

unit: $(UNIT_BINS)
	@tests/run.sh $(UNIT_BINS)

# check: everything, from a cold machine. The corpus is built first (cached).
check: deps all $(UNIT_BINS) dumps
	@$(MAKE) -s alt-so
	@tests/run.sh $(UNIT_BINS) $(DUMP_TESTS)

clean-tests:
	rm -f $(UNIT_BINS)
