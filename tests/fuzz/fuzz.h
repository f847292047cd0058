/* Shared pieces of the libFuzzer harnesses: a byte cursor over the input
 * and the unit tests' hand-built layout.  Each harness feeds one pure
 * decoder bytes it never expected; sanitizers and libFuzzer's time and
 * memory limits turn a crash, an overflow or a hang into a finding. */
#ifndef ZDX_FUZZ_H
#define ZDX_FUZZ_H
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include "layout_fixture.h"

struct cursor { const uint8_t *p; size_t n; };

static inline uint64_t take(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes-- && c->n) {
		v = v << 8 | *c->p++;
		c->n--;
	}
	return v;
}

/* Copy the rest of the input (at most len bytes) into buf, zero-filling. */
static inline void take_rest(struct cursor *c, void *buf, size_t len)
{
	size_t k = c->n < len ? c->n : len;

	memset(buf, 0, len);
	memcpy(buf, c->p, k);
	c->p += k;
	c->n -= k;
}

/* A layout field the input chose to make absent (as with debuginfo of
 * another kernel). */
static inline void maybe_absent(long *field, uint64_t mask, int bit)
{
	if (mask >> bit & 1)
		*field = ZDX_ABSENT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Kernel memory at BASE for the decoders that read through a callback
 * (XArray nodes, module notes): the input's bytes, nothing outside them. */
#define BASE 0xffff888000000000ULL

struct mem { const uint8_t *p; size_t n; };

static inline int mem_read(void *ctx, uint64_t addr, void *buf, unsigned long len)
{
	const struct mem *m = ctx;

	if (addr < BASE || addr - BASE > m->n || len > m->n - (addr - BASE))
		return -1;
	memcpy(buf, m->p + (addr - BASE), len);
	return 0;
}

#endif
