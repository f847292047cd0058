/*
 * Pure decoding of struct dev_pagemap / struct vmem_altmap.
 *
 * The altmap validity flag (PGMAP_ALTMAP_VALID) is a macro, absent from
 * debuginfo, so zdx decides from the geometry instead: nvdimm's
 * nd_pfn_init()/__nvdimm_setup_pfn() put base_pfn at the range's first pfn
 * aligned down to a sub-section (a section before 5.3) and reserve+free
 * inside the range.  A pgmap without an altmap keeps it zeroed (it is
 * kzalloc'ed), which fails those checks.
 */
#include <string.h>
#include "zdx/pgmap.h"
#include "zdx/field.h"

/* Pointers, unsigned long and u64 fields are 8 bytes on x86_64; enum
 * memory_type, flags and nr_range are 4.  Offsets come from the layout. */

unsigned long zdx_pgmap_size(const struct zdx_layout *l, int nr_range)
{
	if (!l->pgmap_has_ranges || nr_range <= 1)
		return l->sz_dev_pagemap;
	return zdx_field_end(l->off_pgmap_range, (long)nr_range * l->sz_range);
}

static void decode_altmap(const struct zdx_layout *l, const unsigned char *raw,
			  unsigned long len, struct zdx_pgmap *pg)
{
	struct zdx_altmap *a = &pg->altmap;
	uint64_t first, pages, align_pages;

	a->base_pfn = zdx_field_in(raw, len, l->off_pgmap_altmap, l->off_altmap_base_pfn, 8);
	a->has_end_pfn = l->off_altmap_end_pfn >= 0;
	a->end_pfn = zdx_field_in(raw, len, l->off_pgmap_altmap, l->off_altmap_end_pfn, 8);
	a->reserve = zdx_field_in(raw, len, l->off_pgmap_altmap, l->off_altmap_reserve, 8);
	a->free = zdx_field_in(raw, len, l->off_pgmap_altmap, l->off_altmap_free, 8);
	a->align = zdx_field_in(raw, len, l->off_pgmap_altmap, l->off_altmap_align, 8);
	a->alloc = zdx_field_in(raw, len, l->off_pgmap_altmap, l->off_altmap_alloc, 8);

	if (pg->nr_range >= 1 && a->free && zdx_pgmap_range_sane(l, pg, 0)) {
		first = zdx_pgmap_range_first_pfn(l, pg, 0);
		pages = zdx_pgmap_range_end_pfn(l, pg, 0) - first;
		align_pages = l->has_subsection_map ? zdx_pages_per_subsection(l)
						    : zdx_pages_per_section(l);
		/* reserve and free are each checked against the range first, so
		 * their sum cannot wrap past it */
		a->valid = a->base_pfn <= first && first - a->base_pfn < align_pages &&
			   a->reserve <= pages + (first - a->base_pfn) &&
			   a->free <= pages + (first - a->base_pfn) &&
			   a->reserve + a->free <= pages + (first - a->base_pfn) &&
			   (!a->has_end_pfn || a->end_pfn + 1 == first + pages);
	}
	/* A pgmap without an altmap keeps it zeroed (kzalloc): any field set
	 * in one that is not an altmap of this range was written by something
	 * else, and the altmap regions it would give are not facts. */
	a->inconsistent = !a->valid && (a->base_pfn || a->reserve || a->free || a->alloc ||
					(a->has_end_pfn && a->end_pfn));
}

int zdx_pgmap_decode(const struct zdx_layout *l, uint64_t addr, const unsigned char *raw,
		     unsigned long len, struct zdx_pgmap *pg)
{
	int i;

	memset(pg, 0, sizeof(*pg));
	pg->addr = addr;
	pg->type = (int)zdx_field_in(raw, len, 0, l->off_pgmap_type, 4);
	pg->type_known = pg->type >= 0 && pg->type < l->nr_memtypes && l->memtype_name[pg->type][0];
	pg->type_name = pg->type_known ? l->memtype_name[pg->type] : "unknown";
	pg->flags = (unsigned)zdx_field_in(raw, len, 0, l->off_pgmap_flags, 4);
	pg->vmemmap_shift = zdx_field_in(raw, len, 0, l->off_pgmap_vmemmap_shift, 8);
	pg->ops = zdx_field_in(raw, len, 0, l->off_pgmap_ops, 8);
	pg->owner = zdx_field_in(raw, len, 0, l->off_pgmap_owner, 8);
	pg->ref = l->pgmap_ref_is_pointer ? zdx_field_in(raw, len, 0, l->off_pgmap_ref, 8)
					  : zdx_field_addr(addr, l->off_pgmap_ref);
	pg->nr_range = 1;
	if (l->pgmap_has_ranges)
		pg->nr_range = (int)zdx_field_in(raw, len, 0, l->off_pgmap_nr_range, 4);
	if (pg->nr_range < 1 || pg->nr_range > ZDX_PGMAP_MAX_RANGES)
		return -1;
	if (zdx_pgmap_size(l, pg->nr_range) > len)
		return -1;
	for (i = 0; i < pg->nr_range; i++) {
		long o = zdx_field_off(l->off_pgmap_range, i * l->sz_range);

		if (zdx_field(raw, len, zdx_field_off(o, l->off_range_start), 8, &pg->range[i].start) ||
		    zdx_field(raw, len, zdx_field_off(o, l->off_range_end), 8, &pg->range[i].end))
			return -1;       /* a pgmap without its range says nothing */
		if (pg->range[i].end < pg->range[i].start)
			return -1;
	}
	decode_altmap(l, raw, len, pg);
	return 0;
}

/* A range read from a corrupt pgmap can end near 2^64: only ranges inside
 * the physical address space the kernel can address (MAX_PHYSMEM_BITS)
 * are facts; the others are reported, never walked. */
int zdx_pgmap_range_sane(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i)
{
	uint64_t end = pg->range[i].end;

	if (end < pg->range[i].start)
		return 0;
	return l->max_physmem_bits >= 64 || !(end >> l->max_physmem_bits);
}

int zdx_pgmap_regions_known(const struct zdx_layout *l, const struct zdx_pgmap *pg)
{
	return zdx_pgmap_range_sane(l, pg, 0) && !pg->altmap.inconsistent;
}

uint64_t zdx_pgmap_range_first_pfn(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i)
{
	return pg->range[i].start >> l->page_shift;
}

uint64_t zdx_pgmap_range_end_pfn(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i)
{
	return (pg->range[i].end + 1) >> l->page_shift;
}

uint64_t zdx_altmap_offset(const struct zdx_pgmap *pg)
{
	return pg->altmap.valid ? pg->altmap.reserve + pg->altmap.free : 0;
}

/* The altmap offset is counted from base_pfn, which may sit below the range
 * start; pfn_first is therefore base_pfn + offset for range 0. */
uint64_t zdx_pgmap_pfn_first(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i)
{
	uint64_t first = zdx_pgmap_range_first_pfn(l, pg, i);

	if (i == 0 && pg->altmap.valid)
		return pg->altmap.base_pfn + zdx_altmap_offset(pg) > first
		       ? pg->altmap.base_pfn + zdx_altmap_offset(pg) : first;
	return first;
}

enum zdx_pgmap_region zdx_pgmap_region_of(const struct zdx_layout *l, const struct zdx_pgmap *pg,
					  uint64_t pfn)
{
	int i;

	for (i = 0; i < pg->nr_range; i++) {
		if (!zdx_pgmap_range_sane(l, pg, i) ||
		    pfn < zdx_pgmap_range_first_pfn(l, pg, i) ||
		    pfn >= zdx_pgmap_range_end_pfn(l, pg, i))
			continue;
		/* The altmap's reserve and memmap storage sit at the start of
		 * range 0, their end is what the altmap says: with an
		 * inconsistent one, no pfn of range 0 is known to be data. */
		if (i == 0 && pg->altmap.inconsistent)
			return ZDX_REGION_UNKNOWN;
		if (i == 0 && pg->altmap.valid) {
			if (pfn < pg->altmap.base_pfn + pg->altmap.reserve)
				return ZDX_REGION_RESERVE;
			if (pfn < pg->altmap.base_pfn + zdx_altmap_offset(pg))
				return ZDX_REGION_MEMMAP;
		}
		return ZDX_REGION_DATA;
	}
	return ZDX_REGION_NONE;
}

int zdx_pgmap_pfn_valid(const struct zdx_layout *l, const struct zdx_pgmap *pg, uint64_t pfn)
{
	enum zdx_pgmap_region r = zdx_pgmap_region_of(l, pg, pfn);

	return r == ZDX_REGION_UNKNOWN ? -1 : r == ZDX_REGION_DATA;
}

const char *zdx_region_name(enum zdx_pgmap_region r)
{
	switch (r) {
	case ZDX_REGION_RESERVE: return "altmap-reserve";
	case ZDX_REGION_MEMMAP:  return "altmap-memmap";
	case ZDX_REGION_DATA:    return "data";
	case ZDX_REGION_UNKNOWN: return "unknown";
	default:                 return "none";
	}
}

const char *zdx_region_why(enum zdx_pgmap_region r)
{
	return r == ZDX_REGION_UNKNOWN
		? "the pgmap's altmap is inconsistent: where its reserve and memmap storage end, "
		  "and so where data starts, is not known"
		: NULL;
}

/* The enum's names changed (DEVDAX became GENERIC, 4533d3aed857), so match
 * on the name read from this kernel's debuginfo, not on values. */
const char *zdx_pgmap_type_word(const struct zdx_pgmap *pg)
{
	static const struct { const char *suffix, *word; } w[] = {
		{ "FS_DAX", "fsdax" }, { "GENERIC", "devdax" }, { "DEVDAX", "devdax" },
		{ "PRIVATE", "private" }, { "COHERENT", "coherent" },
		{ "PCI_P2PDMA", "p2pdma" }, { "PUBLIC", "public" },
	};
	size_t i, n = strlen(pg->type_name);

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		size_t k = strlen(w[i].suffix);

		if (n >= k && !strcmp(pg->type_name + n - k, w[i].suffix))
			return w[i].word;
	}
	return "unknown";
}
