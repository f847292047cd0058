/*
 * Compound devmaps and vmemmap deduplication (Documentation/mm/vmemmap_dedup.rst):
 * a pgmap with vmemmap_shift > 0 is initialised as compound pages of
 * 2^vmemmap_shift pfns, and when its memmap is in System RAM (no altmap)
 * the kernel maps the memmap so that only the first two memmap pages of
 * each compound page are its own; every further page of tail struct pages
 * is the compound's second memmap page again (c4386bd8ee3a "mm/memremap:
 * add ZONE_DEVICE support for compound pages", 4917f55b4ef9
 * "mm/sparse-vmemmap: improve memory savings for compound devmaps").
 * Pure: the layout's struct page size and page shift, the decoded pgmap.
 */
#ifndef ZDX_VMEMMAP_DEDUP_H
#define ZDX_VMEMMAP_DEDUP_H

#include <stdint.h>
#include "zdx/layout.h"
#include "zdx/pgmap.h"

/* The unique memmap pages of a deduplicated compound page: the head's
 * and the one every further page of tail struct pages maps again
 * (VMEMMAP_RESERVE_NR of include/linux/mm.h, 2 since the dedup began). */
#define ZDX_VMEMMAP_RESERVE_NR 2

/* pgmap_vmemmap_nr(): pfns per compound page, 1 when the pgmap (or this
 * kernel) has no vmemmap_shift; 0 when the shift is not a usable one. */
uint64_t zdx_pgmap_vmemmap_nr(const struct zdx_layout *l, const struct zdx_pgmap *pg);

/* The kernel's test for deduplicating the memmap (__populate_section_memmap()
 * on 5.17-6.4, vmemmap_can_optimize() since): struct page a power of two,
 * no altmap, and a compound page's struct pages span more than
 * ZDX_VMEMMAP_RESERVE_NR memmap pages. */
int zdx_vmemmap_can_optimize(const struct zdx_layout *l, const struct zdx_pgmap *pg);

/* Where the struct page of one device pfn lives in a compound pgmap. */
struct zdx_compound_page {
	int range;                /* index of the range holding pfn, -1 none */
	uint64_t head_pfn;        /* first pfn of its compound page */
	uint64_t index;           /* pfn - head_pfn */
	int shared;               /* its memmap page is a deduplicated copy */
	uint64_t canonical_pfn;   /* the pfn whose struct page in the compound's
				   * second memmap page holds the same bytes
				   * (pfn itself when not shared) */
};

/* 0 and *c filled when pfn lies in a range of pg; -1 otherwise.  Compound
 * pages start at each range's first pfn (memmap_init_zone_device() steps
 * from pfn_first(), which is the range start when there is no altmap). */
int zdx_compound_page_of(const struct zdx_layout *l, const struct zdx_pgmap *pg, uint64_t pfn,
			 struct zdx_compound_page *c);

/* Memmap pages of pg: *mapped, the pages of virtual memmap its ranges'
 * struct pages span; *distinct, the physical pages behind them by the
 * dedup rule (ZDX_VMEMMAP_RESERVE_NR per compound page, a short last
 * compound page no more than it spans), equal to *mapped when the memmap
 * is not deduplicated. */
void zdx_pgmap_memmap_pages(const struct zdx_layout *l, const struct zdx_pgmap *pg,
			    uint64_t *mapped, uint64_t *distinct);

/* Memmap pages of one compound page: how many it spans, of which the
 * first ZDX_VMEMMAP_RESERVE_NR are its own when deduplicated. */
uint64_t zdx_compound_memmap_pages(const struct zdx_layout *l, uint64_t nr_pfns);

/* A pgmap's compound pages as the dump's page tables show them
 * (extension/crash_compound.c): the dedup rule above, checked on the first
 * compound page of range 0 by translating each of its memmap pages. */
#define ZDX_COMPOUND_SAMPLES 3
struct zdx_compound_view {
	uint64_t nr;              /* pfns per compound page (1: not compound) */
	uint64_t count;           /* compound pages in the ranges (a short last one counts) */
	int rule;                 /* zdx_vmemmap_can_optimize() */
	uint64_t mapped;          /* memmap pages the ranges' struct pages span */
	uint64_t distinct;        /* physical memmap pages; 0 when unknown */
	uint64_t head_pfn;        /* the compound page checked */
	uint64_t checked;         /* its memmap pages translated */
	uint64_t seen_distinct;   /* physical pages behind them (0: none translated) */
	int seen;                 /* 1 the tables agree with the rule, 0 they do not, -1 not checked */
	/* memmap pages 1 (first tail struct pages), 2 (first shared copy) and
	 * the last one of the compound page checked: struct page address and
	 * the physical page the tables map it to (0: not translated) */
	uint64_t vaddr[ZDX_COMPOUND_SAMPLES], phys[ZDX_COMPOUND_SAMPLES];
};

#endif
