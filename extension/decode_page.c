/*
 * Pure decoding of struct page bytes. The zone and node live in the top
 * bits of page->flags at shifts the kernel computes at build time and never
 * exports; crash_layout.c derives them from the widths (ZONES_WIDTH from
 * __MAX_NR_ZONES, NODES_WIDTH from MAX_NUMNODES) and verifies them on real
 * online pages before page_flags_checked is set.
 */
#include <string.h>
#include "zdx/page.h"
#include "zdx/field.h"

static int all_bytes(const unsigned char *raw, long n, unsigned char b)
{
	long i;

	for (i = 0; i < n; i++)
		if (raw[i] != b)
			return 0;
	return 1;
}

int zdx_flags_zone(const struct zdx_layout *l, uint64_t flags)
{
	if (!l->zones_width || l->zones_pgshift < 0 || l->zones_pgshift + l->zones_width > 64)
		return 0;
	return (int)((flags >> l->zones_pgshift) & ((1ULL << l->zones_width) - 1));
}

int zdx_flags_node(const struct zdx_layout *l, uint64_t flags)
{
	if (!l->nodes_width || l->nodes_pgshift < 0 || l->nodes_pgshift + l->nodes_width > 64)
		return 0;
	return (int)((flags >> l->nodes_pgshift) & ((1ULL << l->nodes_width) - 1));
}

/* A member this kernel lacks (or that lies outside sz_page) is marked
 * unknown instead of read out of bounds. */
void zdx_page_decode(const struct zdx_layout *l, const unsigned char *raw, struct zdx_page *p)
{
	unsigned long sz = l->sz_page > 0 ? (unsigned long)l->sz_page : 0;
	uint64_t ref;

	memset(p, 0, sizeof(*p));
	if (zdx_field(raw, sz, l->off_page_flags, 8, &p->flags))
		p->unknown |= ZDX_PF_FLAGS;
	if (zdx_field(raw, sz, l->off_page_pgmap, 8, &p->pgmap_word))
		p->unknown |= ZDX_PF_PGMAP;
	if (zdx_field(raw, sz, l->off_page_mapping, 8, &p->mapping))
		p->unknown |= ZDX_PF_MAPPING;
	if (zdx_field(raw, sz, l->off_page_refcount, 4, &ref))
		p->unknown |= ZDX_PF_REFCOUNT;
	p->refcount = (int)(uint32_t)ref;
	p->zone = zdx_flags_zone(l, p->flags);
	p->node = zdx_flags_node(l, p->flags);
	p->reserved = l->pg_reserved >= 0 && l->pg_reserved < 64 && (p->flags >> l->pg_reserved) & 1;
	p->tail = l->off_page_compound_head >= 0 &&
		  l->off_page_compound_head == l->off_page_pgmap && (p->pgmap_word & 1);

	if (p->unknown & ZDX_PF_FLAGS)
		p->state = ZDX_PAGE_UNDECODABLE;
	else if (all_bytes(raw, l->sz_page, 0xff))
		p->state = ZDX_PAGE_POISON;
	else if (all_bytes(raw, l->sz_page, 0xfd))
		p->state = ZDX_PAGE_UNUSED_FILL;
	else if (all_bytes(raw, l->sz_page, 0))
		p->state = ZDX_PAGE_ZERO;
	else if (p->zone >= l->nr_zone_types || p->node >= l->max_numnodes)
		p->state = ZDX_PAGE_GARBAGE;
	else
		p->state = ZDX_PAGE_PLAUSIBLE;
}

const char *zdx_page_state_name(enum zdx_page_state s)
{
	switch (s) {
	case ZDX_PAGE_PLAUSIBLE:   return "plausible";
	case ZDX_PAGE_POISON:      return "poisoned (all 0xff)";
	case ZDX_PAGE_UNUSED_FILL: return "unused-vmemmap fill (all 0xfd)";
	case ZDX_PAGE_ZERO:        return "all zero";
	case ZDX_PAGE_UNDECODABLE: return "undecodable (this kernel's layout has no usable page.flags)";
	default:                   return "garbage (zone or node out of range, or a node without memory)";
	}
}
