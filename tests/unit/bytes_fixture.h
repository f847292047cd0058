/* A file in memory for the dump-file decoders' read callback
 * (zdx_file_read_fn), and little/big-endian writers to build one. */
#ifndef ZDX_TEST_BYTES_FIXTURE_H
#define ZDX_TEST_BYTES_FIXTURE_H

#include <stdint.h>
#include <string.h>

struct mem {
	unsigned char *b;
	size_t n;
	size_t max_len;      /* largest read asked for */
};

static inline int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem *m = ctx;

	if (len > m->max_len)
		m->max_len = len;
	if (off > m->n || len > m->n - off)
		return -1;
	memcpy(buf, m->b + off, len);
	return 0;
}

static inline void put(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void put_be(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * (7 - i)));
}

/* One ELF note (name, type, desc) into p, 4-byte aligned as in a
 * PT_NOTE segment or a .note section; returns its size. */
static inline size_t note(unsigned char *p, const char *name, uint32_t type, const void *desc, size_t dn)
{
	size_t nl = strlen(name) + 1, at = 12 + ((nl + 3) & ~3UL);

	put(p, nl, 4);
	put(p + 4, dn, 4);
	put(p + 8, type, 4);
	memcpy(p + 12, name, nl);
	memcpy(p + at, desc, dn);
	return at + ((dn + 3) & ~3UL);
}

#endif
