/*
 * struct page: pure decoding of the fields zdx needs and a verdict on
 * whether the bytes look like an initialised struct page at all.
 */
#ifndef ZDX_PAGE_H
#define ZDX_PAGE_H

#include <stdint.h>
#include "zdx/layout.h"

enum zdx_page_state {
	ZDX_PAGE_PLAUSIBLE,       /* zone/node in range, consistent */
	ZDX_PAGE_POISON,          /* all 0xff: page_init_poison(), f165b378bbdf */
	ZDX_PAGE_UNUSED_FILL,     /* all 0xfd: unused vmemmap, 8d400913c231 */
	ZDX_PAGE_ZERO,            /* all zero: never written */
	ZDX_PAGE_GARBAGE,         /* zone or node out of range */
	ZDX_PAGE_UNDECODABLE,     /* the layout lacks page.flags: nothing to judge */
};

/* Bits of zdx_page.unknown: members the layout lacks (or that lie outside
 * sz_page), read as nothing rather than as zero. */
#define ZDX_PF_FLAGS    0x1
#define ZDX_PF_PGMAP    0x2
#define ZDX_PF_MAPPING  0x4
#define ZDX_PF_REFCOUNT 0x8

struct zdx_page {
	uint64_t flags;
	int zone, node;
	int reserved;
	uint64_t pgmap_word;      /* pgmap / compound_head / lru.next union word */
	int tail;                 /* compound_head bit 0 */
	int refcount;
	uint64_t mapping;
	enum zdx_page_state state;
	unsigned unknown;         /* ZDX_PF_* members not read */
};

void zdx_page_decode(const struct zdx_layout *l, const unsigned char *raw, struct zdx_page *p);
const char *zdx_page_state_name(enum zdx_page_state s);
int zdx_flags_zone(const struct zdx_layout *l, uint64_t flags);
int zdx_flags_node(const struct zdx_layout *l, uint64_t flags);

#endif
