/*
 * Compound devmaps and vmemmap deduplication: which struct pages of a
 * compound pgmap are shared copies, and how many memmap pages the kernel
 * really allocated (see include/zdx/vmemmap_dedup.h).
 *
 * The kernel populates a compound page's memmap in
 * vmemmap_populate_compound_pages() (mm/sparse-vmemmap.c): the head's
 * memmap page and the next one (the first tail struct pages) are
 * allocated; every further page of the compound's memmap is mapped to
 * that second page again, including in the later sections of a compound
 * page larger than a section (reuse_compound_section(), 4917f55b4ef9).
 * All tail struct pages of a compound page hold the same bytes
 * (compound_head | 1), which is why they can share.  Before 4917f55b4ef9
 * (5.17-5.18) each section of a compound page larger than a section
 * started with its own two pages: the crash side checks the page tables
 * before it states a count (cmd_pgmap.c).
 */
#include "zdx/vmemmap_dedup.h"

uint64_t zdx_pgmap_vmemmap_nr(const struct zdx_layout *l, const struct zdx_pgmap *pg)
{
	if (l->off_pgmap_vmemmap_shift < 0 || !pg->vmemmap_shift)
		return 1;
	/* a shift past the physical address space is no compound page */
	if (pg->vmemmap_shift >= 64 || pg->vmemmap_shift + l->page_shift > l->max_physmem_bits)
		return 0;
	return 1ULL << pg->vmemmap_shift;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

uint64_t zdx_compound_memmap_pages(const struct zdx_layout *l, uint64_t nr_pfns)
{
	uint64_t ps = 1ULL << l->page_shift;

	return l->sz_page > 0 ? div_up(nr_pfns * (uint64_t)l->sz_page, ps) : 0;
}

int zdx_vmemmap_can_optimize(const struct zdx_layout *l, const struct zdx_pgmap *pg)
{
	uint64_t nr = zdx_pgmap_vmemmap_nr(l, pg);
	uint64_t sz = l->sz_page > 0 ? (uint64_t)l->sz_page : 0;

	if (!sz || (sz & (sz - 1)) || nr <= 1 || pg->altmap.valid)
		return 0;
	return (nr * sz) >> l->page_shift > ZDX_VMEMMAP_RESERVE_NR;
}

int zdx_compound_page_of(const struct zdx_layout *l, const struct zdx_pgmap *pg, uint64_t pfn,
			 struct zdx_compound_page *c)
{
	uint64_t nr = zdx_pgmap_vmemmap_nr(l, pg);
	uint64_t per_page = l->sz_page > 0 ? (1ULL << l->page_shift) / (uint64_t)l->sz_page : 0;
	int i;

	c->range = -1;
	for (i = 0; nr && i < pg->nr_range; i++) {
		uint64_t first, end;

		if (!zdx_pgmap_range_sane(l, pg, i))
			continue;
		first = zdx_pgmap_pfn_first(l, pg, i);
		end = zdx_pgmap_range_end_pfn(l, pg, i);
		if (pfn < first || pfn >= end)
			continue;
		c->range = i;
		c->index = (pfn - first) % nr;
		c->head_pfn = pfn - c->index;
		/* struct pages past the compound's first RESERVE_NR memmap
		 * pages sit in copies of its second one, at the same offset */
		c->shared = zdx_vmemmap_can_optimize(l, pg) && per_page &&
			    c->index >= ZDX_VMEMMAP_RESERVE_NR * per_page;
		c->canonical_pfn = c->shared ? c->head_pfn + per_page + c->index % per_page : pfn;
		return 0;
	}
	return -1;
}

void zdx_pgmap_memmap_pages(const struct zdx_layout *l, const struct zdx_pgmap *pg,
			    uint64_t *mapped, uint64_t *distinct)
{
	uint64_t nr = zdx_pgmap_vmemmap_nr(l, pg);
	int opt = zdx_vmemmap_can_optimize(l, pg), i;

	*mapped = *distinct = 0;
	for (i = 0; i < pg->nr_range; i++) {
		uint64_t first, end, n, full, tail;

		if (!zdx_pgmap_range_sane(l, pg, i))
			continue;
		/* the whole range has a memmap, the altmap's own pfns too
		 * (their struct pages sit in the altmap's first pages) */
		first = zdx_pgmap_range_first_pfn(l, pg, i);
		end = zdx_pgmap_range_end_pfn(l, pg, i);
		n = end > first ? end - first : 0;
		*mapped += zdx_compound_memmap_pages(l, n);
		if (!opt) {
			*distinct += zdx_compound_memmap_pages(l, n);
			continue;
		}
		/* no altmap: compound pages start at the range's first pfn */
		full = n / nr;
		tail = zdx_compound_memmap_pages(l, n % nr);
		*distinct += full * ZDX_VMEMMAP_RESERVE_NR +
			     (tail < ZDX_VMEMMAP_RESERVE_NR ? tail : ZDX_VMEMMAP_RESERVE_NR);
	}
}
