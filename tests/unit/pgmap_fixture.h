/* A raw 6.1 struct dev_pagemap (152 bytes, the offsets of
 * layout_fixture.h) for the pgmap unit tests: one range [start, end]; with
 * altmap, the fsdax-dev scenario's vmem_altmap (base = start's pfn,
 * reserve 2, free 0x9fe, align 0x1fe, alloc 0x800). */
#ifndef ZDX_PGMAP_FIXTURE_H
#define ZDX_PGMAP_FIXTURE_H
#include <stdint.h>
#include <string.h>
#include "bytes_fixture.h"

#define PGMAP_RAW_SIZE 152

static inline void pgmap_raw(unsigned char *raw, uint64_t start, uint64_t end, int altmap,
			     uint32_t type, uint32_t vmemmap_shift)
{
	memset(raw, 0, PGMAP_RAW_SIZE);
	if (altmap) {
		put(raw + 0, start >> 12, 8);
		put(raw + 8, end >> 12, 8);
		put(raw + 16, 2, 8);
		put(raw + 24, 0x9fe, 8);
		put(raw + 32, 0x1fe, 8);
		put(raw + 40, 0x800, 8);
	}
	put(raw + 96, type, 4);
	put(raw + 100, altmap, 4);
	put(raw + 104, vmemmap_shift, 4);
	put(raw + 128, 1, 4);
	put(raw + 136, start, 8);
	put(raw + 144, end, 8);
}

#endif
