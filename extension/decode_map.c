/*
 * Ownership of pfns, from sections, pgmaps and zone spans alone.
 *
 * ZONE_DEVICE spans overlap NORMAL/MOVABLE, so a zone span never decides
 * between RAM and device memory: pgmap ranges do.  RAM is what has a
 * populated sub-section and no pgmap.  A section holding both is "mixed":
 * the collision 1f90a3477df3 ("mm: Teach pfn_to_online_page() about
 * ZONE_DEVICE section collisions") had to handle.
 */
#include <stdlib.h>
#include <string.h>
#include "zdx/model.h"

static int cmp_nr(const void *key, const void *elem)
{
	unsigned long nr = *(const unsigned long *)key;
	const struct zdx_section *s = elem;

	return nr < s->nr ? -1 : nr > s->nr;
}

const struct zdx_section *zdx_model_section(const struct zdx_model *m, unsigned long nr)
{
	if (!m->nsec)
		return NULL;      /* no section read: m->sec may be NULL */
	return bsearch(&nr, m->sec, m->nsec, sizeof(*m->sec), cmp_nr);
}

int zdx_model_pgmap_of(const struct zdx_model *m, uint64_t pfn)
{
	int i;

	for (i = 0; i < m->npgm; i++)
		if (zdx_pgmap_region_of(m->l, &m->pgm[i].pg, pfn) != ZDX_REGION_NONE)
			return i;
	return -1;
}

const struct zdx_zone *zdx_model_ram_zone(const struct zdx_model *m, uint64_t pfn)
{
	int i = zdx_model_memblock_of(m, pfn);

	/* Spans overlap (ZONE_MOVABLE inside DMA32's span after dax kmem): the
	 * memory block knows its single zone, and an offline block has none. */
	if (i >= 0 && m->mb[i].state == ZDX_MB_OFFLINE)
		return NULL;
	if (i >= 0 && m->mb[i].zone_idx >= 0) {
		const struct zdx_zone *z = &m->zones[m->mb[i].zone_idx];

		if (pfn >= z->start_pfn && pfn < z->start_pfn + z->spanned)
			return z;
	}

	for (i = 0; i < m->nzones; i++) {
		const struct zdx_zone *z = &m->zones[i];

		if (z->zone == m->l->zone_device || !z->spanned)
			continue;
		if (pfn >= z->start_pfn && pfn < z->start_pfn + z->spanned)
			return z;
	}
	return NULL;
}

const char *zdx_owner_name(enum zdx_owner o)
{
	return o == ZDX_OWN_RAM ? "ram" : o == ZDX_OWN_DEVICE ? "device" : "hole";
}

/* Owner of one pfn inside section s (s may be NULL). */
enum zdx_owner zdx_model_owner(const struct zdx_model *m, const struct zdx_section *s,
			       uint64_t pfn, int *pgmap)
{
	const struct zdx_layout *l = m->l;

	*pgmap = zdx_model_pgmap_of(m, pfn);
	if (*pgmap >= 0)
		return ZDX_OWN_DEVICE;
	if (!s || !zdx_valid_section(l, s))
		return ZDX_OWN_HOLE;
	return zdx_subsection_populated(l, s, zdx_subsection_idx(l, pfn)) ? ZDX_OWN_RAM
									   : ZDX_OWN_HOLE;
}

/* Which owners a section's sub-sections have: bit per enum zdx_owner. */
static unsigned section_owners(const struct zdx_model *m, const struct zdx_section *s)
{
	const struct zdx_layout *l = m->l;
	uint64_t pfn = zdx_section_nr_to_pfn(l, s->nr), step = zdx_pages_per_subsection(l);
	uint64_t end = pfn + zdx_pages_per_section(l), p;
	unsigned seen = 0;
	int pg;

	for (p = pfn; p < end; p += step)
		seen |= 1U << zdx_model_owner(m, s, p, &pg);
	return seen;
}

/* A section is mixed when some of its pfns are RAM and some device. */
static int section_mixed(const struct zdx_model *m, const struct zdx_section *s)
{
	unsigned seen = section_owners(m, s);

	return (seen >> ZDX_OWN_RAM & 1) && (seen >> ZDX_OWN_DEVICE & 1);
}

const char *zdx_model_section_owner(const struct zdx_model *m, const struct zdx_section *s)
{
	unsigned seen = section_owners(m, s);
	int ram = seen >> ZDX_OWN_RAM & 1, dev = seen >> ZDX_OWN_DEVICE & 1;

	return ram && dev ? "mixed" : ram ? "ram" : dev ? "device" : "hole";
}

/* pfn_to_online_page(): 5.12+ semantics when `fixed`, else the 4.13–5.11
 * macro (section online is enough). */
static int online_page(const struct zdx_model *m, const struct zdx_pfn_facts *f, int fixed)
{
	const struct zdx_layout *l = m->l;

	if (!f->sec || !zdx_online_section(l, f->sec))
		return 0;
	if (!fixed)
		return 1;
	if (f->subsection_populated != 1)
		return f->subsection_populated;          /* 0, or -1 unknown */
	if (zdx_section_tainted(l, f->sec) || !zdx_sflag_known(l, ZDX_SF_TAINT_ZONE_DEVICE))
		return f->pgmap < 0;                     /* get_dev_pagemap() */
	return 1;
}

void zdx_model_pfn_facts(const struct zdx_model *m, uint64_t pfn, struct zdx_pfn_facts *f)
{
	const struct zdx_layout *l = m->l;

	memset(f, 0, sizeof(*f));
	f->pfn = pfn;
	f->sec = zdx_model_section(m, zdx_pfn_to_section_nr(l, pfn));
	f->subsection = zdx_subsection_idx(l, pfn);
	f->zone = NULL;
	f->owner = zdx_model_owner(m, f->sec, pfn, &f->pgmap);
	if (f->sec) {
		f->subsection_populated = l->has_subsection_map &&
			f->sec->usage_state == ZDX_USAGE_MISSING ? -1 :
			zdx_subsection_populated(l, f->sec, f->subsection);
		f->pfn_valid = zdx_pfn_valid(l, f->sec, pfn);
		f->mixed = section_mixed(m, f->sec);
	}
	if (f->pgmap >= 0) {
		f->region = zdx_pgmap_region_of(l, &m->pgm[f->pgmap].pg, pfn);
		f->pgmap_pfn_valid = zdx_pgmap_pfn_valid(l, &m->pgm[f->pgmap].pg, pfn);
	}
	if (f->owner == ZDX_OWN_RAM)
		f->zone = zdx_model_ram_zone(m, pfn);
	f->online_page_fixed = online_page(m, f, 1);
	f->online_page_this_kernel = online_page(m, f, l->has_pfn_to_online_page_fn);
}

/* --- the owner map --- */


static int same_owner(const struct zdx_run *a, const struct zdx_run *b)
{
	return a->owner == b->owner && a->online == b->online && a->early == b->early &&
	       a->node == b->node && a->zone == b->zone && a->pgmap == b->pgmap &&
	       a->region == b->region && a->mixed == b->mixed;
}

int zdx_runs_append(struct zdx_runs *r, const struct zdx_run *x)
{
	if (r->n == r->cap) {
		long cap = r->cap ? r->cap * 2 : 64;
		struct zdx_run *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *x;
	return 0;
}

/* Append x, or extend the last run when x continues it with the same owner. */
static int push(struct zdx_runs *r, const struct zdx_run *x)
{
	if (r->n && r->v[r->n - 1].end == x->start && same_owner(&r->v[r->n - 1], x)) {
		r->v[r->n - 1].end = x->end;
		return 0;
	}
	return zdx_runs_append(r, x);
}

/* Next pfn > pfn where a pgmap range or region starts or ends. */
static uint64_t next_pgmap_cut(const struct zdx_model *m, uint64_t pfn, uint64_t limit)
{
	int i, r;

	for (i = 0; i < m->npgm; i++) {
		const struct zdx_pgmap *pg = &m->pgm[i].pg;
		uint64_t cuts[4];
		int k;

		for (r = 0; r < pg->nr_range; r++) {
			if (!zdx_pgmap_range_sane(m->l, pg, r))
				continue;
			cuts[0] = zdx_pgmap_range_first_pfn(m->l, pg, r);
			cuts[1] = zdx_pgmap_range_end_pfn(m->l, pg, r);
			cuts[2] = r == 0 && pg->altmap.valid ? pg->altmap.base_pfn + pg->altmap.reserve : 0;
			cuts[3] = r == 0 ? zdx_pgmap_pfn_first(m->l, pg, 0) : 0;
			for (k = 0; k < 4; k++)
				if (cuts[k] > pfn && cuts[k] < limit)
					limit = cuts[k];
		}
	}
	return limit;
}

/* Next zone span edge after pfn (RAM zones name runs). */
static uint64_t next_zone_cut(const struct zdx_model *m, uint64_t pfn, uint64_t limit)
{
	int i;

	for (i = 0; i < m->nzones; i++) {
		uint64_t a = m->zones[i].start_pfn, b = a + m->zones[i].spanned;

		if (!m->zones[i].spanned)
			continue;
		if (a > pfn && a < limit)
			limit = a;
		if (b > pfn && b < limit)
			limit = b;
	}
	return limit;
}

/* Next pfn where the owner may change: a sub-section edge, a zone edge or
 * a pgmap cut. */
static uint64_t next_cut(const struct zdx_model *m, const struct zdx_section *s, uint64_t pfn,
			 uint64_t sec_end)
{
	uint64_t step = zdx_pages_per_subsection(m->l), next = sec_end;

	if (s && m->l->has_subsection_map) {
		int pop = zdx_subsection_populated(m->l, s, zdx_subsection_idx(m->l, pfn));
		uint64_t p = (pfn / step + 1) * step;

		while (p < sec_end && zdx_subsection_populated(m->l, s, zdx_subsection_idx(m->l, p)) == pop)
			p += step;
		next = p;
	}
	return next_pgmap_cut(m, pfn, next_zone_cut(m, pfn, next));
}

static void describe(const struct zdx_model *m, const struct zdx_section *s, uint64_t pfn,
		     int mixed, struct zdx_run *x)
{
	const struct zdx_zone *z;

	memset(x, 0, sizeof(*x));
	x->node = x->zone = x->pgmap = -1;
	x->owner = zdx_model_owner(m, s, pfn, &x->pgmap);
	x->mixed = mixed;
	if (x->owner == ZDX_OWN_DEVICE) {
		x->region = zdx_pgmap_region_of(m->l, &m->pgm[x->pgmap].pg, pfn);
	} else if (x->owner == ZDX_OWN_RAM) {
		x->online = zdx_online_section(m->l, s);
		x->early = zdx_early_section(m->l, s);
		if ((z = zdx_model_ram_zone(m, pfn))) {
			x->node = z->node;
			x->zone = z->zone;
		}
	}
}

/* One past the last pfn the kernel can address: 2^(MAX_PHYSMEM_BITS -
 * PAGE_SHIFT).  Nothing read from the dump extends the map beyond it. */
static uint64_t pfn_limit(const struct zdx_layout *l)
{
	unsigned bits = l->max_physmem_bits > l->page_shift ? l->max_physmem_bits - l->page_shift : 0;

	return bits < 64 ? 1ULL << bits : ~0ULL;
}

static uint64_t max_pfn(const struct zdx_model *m)
{
	uint64_t end = m->nsec ? zdx_section_nr_to_pfn(m->l, m->sec[m->nsec - 1].nr + 1) : 0;
	int i, r;

	for (i = 0; i < m->npgm; i++)
		for (r = 0; r < m->pgm[i].pg.nr_range; r++)
			if (zdx_pgmap_range_sane(m->l, &m->pgm[i].pg, r) &&
			    zdx_pgmap_range_end_pfn(m->l, &m->pgm[i].pg, r) > end)
				end = zdx_pgmap_range_end_pfn(m->l, &m->pgm[i].pg, r);
	return end < pfn_limit(m->l) ? end : pfn_limit(m->l);
}

int zdx_model_inconsistent_ranges(const struct zdx_model *m)
{
	int i, r, n = 0;

	for (i = 0; i < m->npgm; i++)
		for (r = 0; r < m->pgm[i].pg.nr_range; r++)
			n += !zdx_pgmap_range_sane(m->l, &m->pgm[i].pg, r);
	return n;
}

long zdx_map_build(const struct zdx_model *m, struct zdx_run **out)
{
	struct zdx_runs r = { 0 };
	uint64_t pfn = 0, end = max_pfn(m), per = zdx_pages_per_section(m->l);

	while (pfn < end) {
		unsigned long nr = zdx_pfn_to_section_nr(m->l, pfn);
		const struct zdx_section *s = zdx_model_section(m, nr);
		uint64_t sec_end = zdx_section_nr_to_pfn(m->l, nr) + per;
		uint64_t cut;
		int mixed;
		struct zdx_run x;

		if (sec_end > end)
			sec_end = end;
		/* A section that is one piece cannot be mixed: only sections that
		 * split pay for the per-sub-section owner scan. */
		cut = next_cut(m, s, pfn, sec_end);
		mixed = s && cut < sec_end ? section_mixed(m, s) : 0;
		while (pfn < sec_end) {
			describe(m, s, pfn, mixed, &x);
			x.start = pfn;
			x.end = cut;
			if (push(&r, &x)) {
				free(r.v);
				return -1;
			}
			pfn = cut;
			if (pfn < sec_end)
				cut = next_cut(m, s, pfn, sec_end);
		}
	}
	*out = r.v;
	return r.n;
}
