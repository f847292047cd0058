/*
 * A pgmap's compound pages in the dump: the vmemmap dedup rule of
 * decode_vmemmap_dedup.c, checked against the page tables before zdx
 * states a count.  The first compound page of range 0 has each of its
 * memmap pages translated (4096 for a 1 GiB compound page of 64-byte
 * struct pages): with the dedup in force they land on exactly
 * ZDX_VMEMMAP_RESERVE_NR physical pages, the rest being the second again.
 */
#include "defs.h"
#include <stdlib.h>
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/vmemmap_dedup.h"

/* Address of pfn's struct page, 0 when its section has no memmap. */
static uint64_t page_vaddr(const struct zdx_model *m, uint64_t pfn)
{
	const struct zdx_section *s = zdx_model_section(m, zdx_pfn_to_section_nr(m->l, pfn));

	return s && zdx_valid_section(m->l, s) ? zdx_section_page_addr(m->l, s, pfn) : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Translate the memmap pages of the compound page at head: how many
 * distinct physical pages they map to (0 when any does not translate),
 * with the samples filled in. */
static uint64_t check_compound(const struct zdx_model *m, uint64_t head, uint64_t pages,
			       struct zdx_compound_view *v)
{
	const struct zdx_layout *l = m->l;
	uint64_t per_page = (1ULL << l->page_shift) / (uint64_t)l->sz_page, k, n = 0;
	uint64_t *phys = calloc(pages, sizeof(*phys));

	if (!phys)
		return 0;
	for (k = 0; k < pages; k++) {
		uint64_t va = page_vaddr(m, head + k * per_page), pa;

		if (!va || zdx_kvtop(va, &pa)) {
			free(phys);
			return 0;
		}
		phys[k] = pa >> l->page_shift;
		if (k == 1 || k == 2 || k == pages - 1) {
			int i = k == 1 ? 0 : k == 2 ? 1 : 2;

			v->vaddr[i] = va;
			v->phys[i] = pa;
		}
	}
	v->checked = pages;
	qsort(phys, pages, sizeof(*phys), cmp_u64);
	for (k = 0; k < pages; k++)
		n += !k || phys[k] != phys[k - 1];
	free(phys);
	return n;
}

void zdx_compound_view(const struct zdx_model *m, const struct zdx_pgmap_info *pi,
		       struct zdx_compound_view *v)
{
	const struct zdx_layout *l = m->l;
	const struct zdx_pgmap *pg = &pi->pg;
	uint64_t pages;
	int i;

	memset(v, 0, sizeof(*v));
	v->seen = -1;
	v->nr = zdx_pgmap_vmemmap_nr(l, pg);
	v->rule = zdx_vmemmap_can_optimize(l, pg);
	zdx_pgmap_memmap_pages(l, pg, &v->mapped, &v->distinct);
	if (v->nr <= 1 || l->sz_page <= 0)
		return;
	for (i = 0; i < pg->nr_range; i++)
		if (zdx_pgmap_range_sane(l, pg, i)) {
			uint64_t n = zdx_pgmap_range_end_pfn(l, pg, i) - zdx_pgmap_pfn_first(l, pg, i);

			v->count += n / v->nr + (n % v->nr != 0);
		}
	if (!v->rule || !zdx_pgmap_range_sane(l, pg, 0))
		return;
	v->head_pfn = zdx_pgmap_pfn_first(l, pg, 0);
	pages = zdx_compound_memmap_pages(l, v->nr);
	if (zdx_pgmap_range_end_pfn(l, pg, 0) - v->head_pfn < v->nr)
		return;                 /* no whole compound page to check */
	v->seen_distinct = check_compound(m, v->head_pfn, pages, v);
	if (!v->seen_distinct) {
		v->distinct = 0;        /* the rule unchecked: no count stated */
		return;
	}
	v->seen = v->seen_distinct == ZDX_VMEMMAP_RESERVE_NR;
	if (!v->seen)
		v->distinct = 0;        /* the tables differ from the rule */
}
