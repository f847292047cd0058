/* Fake kernel memory for unit tests: a few regions, read through the same
 * callback type the crash side uses. Unlisted addresses fail like pages
 * missing from a dump. */
#ifndef ZDX_FAKE_MEM_H
#define ZDX_FAKE_MEM_H
#include <stdint.h>
#include <string.h>

struct fake_region { uint64_t addr; unsigned char *buf; unsigned long len; };
struct fake_mem { struct fake_region r[16]; int n; int reads; };

static inline void fake_add(struct fake_mem *m, uint64_t addr, void *buf, unsigned long len)
{
	m->r[m->n++] = (struct fake_region){ .addr = addr, .buf = buf, .len = len };
}

static inline int fake_read(void *ctx, uint64_t addr, void *buf, unsigned long len)
{
	struct fake_mem *m = ctx;
	int i;

	m->reads++;
	for (i = 0; i < m->n; i++)
		if (addr >= m->r[i].addr && addr + len <= m->r[i].addr + m->r[i].len) {
			memcpy(buf, m->r[i].buf + (addr - m->r[i].addr), len);
			return 0;
		}
	return -1;
}
#endif
