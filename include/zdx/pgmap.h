/*
 * struct dev_pagemap and its struct vmem_altmap: pure decoding, and the
 * altmap's split of a device's pfns into regions whose struct pages differ
 * in trustworthiness (mm/memremap.c, drivers/nvdimm/pfn_devs.c).
 */
#ifndef ZDX_PGMAP_H
#define ZDX_PGMAP_H

#include <stdint.h>
#include "zdx/layout.h"

#define ZDX_PGMAP_MAX_RANGES 16

struct zdx_altmap {
	int valid;                /* geometry consistent with the pgmap's range */
	int inconsistent;         /* fields set, but not an altmap of this range (corrupt) */
	uint64_t base_pfn, end_pfn, reserve, free, align, alloc;
	int has_end_pfn;
};

/* Regions of one pgmap, in the order they sit on the device. */
enum zdx_pgmap_region {
	ZDX_REGION_NONE,          /* pfn outside this pgmap */
	ZDX_REGION_RESERVE,       /* altmap reserve (info block): struct pages never initialised */
	ZDX_REGION_MEMMAP,        /* altmap memmap storage: reserved ZONE_DEVICE pages, no pgmap */
	ZDX_REGION_DATA,          /* pfn_first onward: initialised, page->pgmap set */
	ZDX_REGION_UNKNOWN,       /* range 0 of a pgmap whose altmap is inconsistent: where its
				   * reserve and memmap storage end cannot be known */
};

struct zdx_pgmap {
	uint64_t addr;
	int type;                 /* enum memory_type value */
	const char *type_name;    /* e.g. "MEMORY_DEVICE_FS_DAX", from the layout */
	int type_known;           /* type is a value of this kernel's enum memory_type */
	unsigned flags;
	uint64_t vmemmap_shift;   /* 0 when the kernel lacks it */
	uint64_t ops, owner, ref;
	int nr_range;
	struct { uint64_t start, end; } range[ZDX_PGMAP_MAX_RANGES];  /* bytes, inclusive end */
	struct zdx_altmap altmap;
};

/* Decode from the bytes of a struct dev_pagemap (sz_dev_pagemap bytes, plus
 * the trailing ranges[] when nr_range > 1: pass their total length). */
int zdx_pgmap_decode(const struct zdx_layout *l, uint64_t addr, const unsigned char *raw,
		     unsigned long len, struct zdx_pgmap *pg);

/* Bytes a struct dev_pagemap with nr ranges occupies. */
unsigned long zdx_pgmap_size(const struct zdx_layout *l, int nr_range);

/* 1 when range i starts no later than it ends and ends inside
 * 2^MAX_PHYSMEM_BITS; an insane range is inconsistent, owns no pfn and
 * bounds no walk. */
int zdx_pgmap_range_sane(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i);
/* 1 when range 0 is sane and the altmap, if any, is one of range 0: only
 * then are the pgmap's regions (reserve, memmap, data) facts. */
int zdx_pgmap_regions_known(const struct zdx_layout *l, const struct zdx_pgmap *pg);
uint64_t zdx_pgmap_range_first_pfn(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i);
uint64_t zdx_pgmap_range_end_pfn(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i);
/* vmem_altmap_offset(): reserve + free when the altmap is in use. */
uint64_t zdx_altmap_offset(const struct zdx_pgmap *pg);
/* pfn_first(pgmap, i) of mm/memremap.c. */
uint64_t zdx_pgmap_pfn_first(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i);
/* Which region of pg holds pfn. */
enum zdx_pgmap_region zdx_pgmap_region_of(const struct zdx_layout *l, const struct zdx_pgmap *pg,
					  uint64_t pfn);
/* pgmap_pfn_valid() (34dc45be4563): in a range and not altmap metadata;
 * -1 (unknown) in range 0 of a pgmap whose altmap is inconsistent. */
int zdx_pgmap_pfn_valid(const struct zdx_layout *l, const struct zdx_pgmap *pg, uint64_t pfn);
const char *zdx_region_name(enum zdx_pgmap_region r);
/* Why a region is not known (ZDX_REGION_UNKNOWN), NULL for the others. */
const char *zdx_region_why(enum zdx_pgmap_region r);
/* Short type word: "fsdax", "devdax", "private", "coherent", "p2pdma". */
const char *zdx_pgmap_type_word(const struct zdx_pgmap *pg);

#endif
