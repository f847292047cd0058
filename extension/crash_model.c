/*
 * Build the model of this dump once per crash session: the mem_section
 * roots (each root page read once), each usage block, each dev_pagemap in
 * pgmap_array, and each node's zones.  Nothing is read twice.
 */
#include "defs.h"
#include <string.h>
#include <time.h>
#include "zdx/crash_glue.h"
#include "zdx/field.h"
#include "zdx/xarray.h"
#include "zdx/page.h"

static struct zdx_model model;
static struct zdx_cached model_built;   /* built yet? why it is unusable */

/* --- sections --- */

static int add_section(struct zdx_model *m, size_t *cap, const struct zdx_section *s)
{
	if (m->nsec == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct zdx_section *v = realloc(m->sec, ncap * sizeof(*v));

		if (!v)
			return -1;
		m->sec = v;
		*cap = ncap;
	}
	m->sec[m->nsec++] = *s;
	return 0;
}

static void read_usage(struct zdx_model *m, struct zdx_section *s)
{
	const struct zdx_layout *l = m->l;
	unsigned char buf[256];
	unsigned long len = zdx_section_usage_len(l);

	if (!s->usage || !l->has_subsection_map || !len || len > sizeof(buf))
		return;
	if (zdx_kread(s->usage, buf, len))
		s->usage_state = ZDX_USAGE_MISSING;
	else
		zdx_section_set_usage(l, s, buf, len);
	if (s->usage_state == ZDX_USAGE_MISSING)
		zdx_incomplete_add(&m->inc, "mem_section_usage", s->usage,
				   "not readable: sub-sections of section %lu unknown", s->nr);
}

static int read_root(struct zdx_model *m, size_t *cap, unsigned long root, uint64_t addr,
		     unsigned char *buf)
{
	const struct zdx_layout *l = m->l;
	unsigned long i, spr = l->sections_per_root;

	if (zdx_kread(addr, buf, spr * l->sz_mem_section)) {
		m->roots_unreadable++;
		zdx_incomplete_add(&m->inc, "mem_section root", addr,
				   "not in this dump: sections %lu-%lu unknown", root * spr,
				   (root + 1) * spr - 1);
		return 0;
	}
	for (i = 0; i < spr; i++) {
		struct zdx_section s;

		zdx_section_decode(l, root * spr + i, buf + i * l->sz_mem_section, &s);
		if (!s.coded)
			continue;
		if (!zdx_section_memmap_consistent(l, &s))
			zdx_incomplete_add(&m->inc, "mem_section", addr + i * l->sz_mem_section,
					   "section %lu: section_mem_map %llx is not vmemmap %llx | flags: "
					   "corrupt, its memmap and flags are not facts", s.nr,
					   (unsigned long long)s.coded,
					   (unsigned long long)l->vmemmap_base);
		read_usage(m, &s);
		if (add_section(m, cap, &s))
			return -1;
	}
	return 0;
}

static int read_sections(struct zdx_model *m, struct zdx_err *e)
{
	const struct zdx_layout *l = m->l;
	unsigned long nroots = l->nr_section_roots, r;
	uint64_t *roots = calloc(nroots, sizeof(*roots));
	unsigned char *buf = malloc(l->sections_per_root * l->sz_mem_section);
	size_t cap = 0;
	int rc = 0;

	if (!roots || !buf) {
		rc = zdx_err_set(e, ZDX_E_NOMEM, "mem_section roots", 0, "out of memory for %lu roots",
				 nroots);
		goto out;
	}
	if (!l->sparsemem_extreme) {
		rc = read_root(m, &cap, 0, l->mem_section_roots, buf);
		goto out;
	}
	if (zdx_kread(l->mem_section_roots, roots, nroots * sizeof(*roots))) {
		rc = zdx_err_set(e, ZDX_E_NOT_IN_DUMP, "mem_section root array", l->mem_section_roots,
				 "not in this dump (%lu roots): no section can be found", nroots);
		goto out;
	}
	m->section_roots = roots;
	m->nsection_roots = nroots;
	roots = NULL;
	for (r = 0; r < nroots && rc == 0; r++)
		if (m->section_roots[r])
			rc = read_root(m, &cap, r, m->section_roots[r], buf);
out:
	if (rc && !e->code)     /* read_root() fails only growing the section array */
		zdx_err_set(e, ZDX_E_NOMEM, "mem_section", 0, "out of memory for the section list");
	free(roots);
	free(buf);
	return rc;
}

/* --- pgmaps --- */

struct pgmap_collect {
	struct zdx_model *m;
	uint64_t *addr;
	uint64_t *runs;
	int n, cap;
};

/* Every run's entry is appended during the walk and folded afterwards
 * (sort, count duplicates): a lookup per run made a hostile tree with
 * many distinct entries quadratic. */
static void collect_entry(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	struct pgmap_collect *c = arg;

	if (c->n == c->cap) {
		int ncap = c->cap ? c->cap * 2 : 16;
		uint64_t *a = ncap > c->cap ? realloc(c->addr, (size_t)ncap * sizeof(*a)) : NULL;

		if (!a) {
			zdx_incomplete_add(&c->m->inc, "pgmap_array entry", entry,
					   "dropped: out of memory collecting pgmaps");
			return;
		}
		c->addr = a;
		c->cap = ncap;
	}
	c->addr[c->n++] = entry;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* addr[] becomes the distinct entries, runs[] how many runs named each. */
static int fold_entries(struct pgmap_collect *c)
{
	int i, n = 0;

	if (!c->n)
		return 0;
	if (!(c->runs = calloc((size_t)c->n, sizeof(*c->runs))))
		return -1;
	qsort(c->addr, (size_t)c->n, sizeof(*c->addr), cmp_u64);
	for (i = 0; i < c->n; i++) {
		if (n && c->addr[n - 1] == c->addr[i]) {
			c->runs[n - 1]++;
			continue;
		}
		c->addr[n] = c->addr[i];
		c->runs[n++] = 1;
	}
	c->n = n;
	return 0;
}

static int read_pgmap(const struct zdx_layout *l, uint64_t addr, struct zdx_pgmap *pg)
{
	unsigned char buf[4096];
	unsigned long len = l->sz_dev_pagemap;
	int nr = 1;

	if (len > sizeof(buf) || zdx_kread(addr, buf, len))
		return -1;
	if (l->pgmap_has_ranges) {
		nr = (int)zdx_field_or0(buf, len, l->off_pgmap_nr_range, 4);
		if (nr > 1 && nr <= ZDX_PGMAP_MAX_RANGES) {
			len = zdx_pgmap_size(l, nr);
			if (len > sizeof(buf) || zdx_kread(addr, buf, len))
				return -1;
		}
	}
	return zdx_pgmap_decode(l, addr, buf, len, pg);
}

/* Where the memmap of pg's first data pfn physically lives. */
static void locate_memmap(struct zdx_model *m, struct zdx_pgmap_info *pi)
{
	const struct zdx_layout *l = m->l;
	uint64_t pfn = zdx_pgmap_pfn_first(l, &pi->pg, 0), vaddr, paddr, ppfn;
	const struct zdx_section *s = zdx_model_section(m, zdx_pfn_to_section_nr(l, pfn));
	unsigned char page[512];
	int i;

	pi->memmap_home = ZDX_HOME_UNKNOWN;
	pi->memmap_pgmap = -1;
	if (!s || !zdx_valid_section(l, s))
		return;
	vaddr = zdx_section_page_addr(l, s, pfn);
	if (zdx_kvtop(vaddr, &paddr))
		return;
	pi->memmap_phys = paddr;
	pi->memmap_readable = l->sz_page <= (long)sizeof(page) &&
			      zdx_kread(vaddr, page, l->sz_page) == 0;
	ppfn = paddr >> l->page_shift;
	pi->memmap_home = ZDX_HOME_RAM;
	for (i = 0; i < m->npgm; i++)
		if (zdx_pgmap_region_of(l, &m->pgm[i].pg, ppfn) != ZDX_REGION_NONE) {
			pi->memmap_home = ZDX_HOME_DEVICE;
			pi->memmap_pgmap = i;
		}
	/* Outside every sane pgmap is "System RAM" only when no pgmap's range
	 * or altmap is inconsistent: such a pgmap may well hold it. */
	for (i = 0; i < m->npgm && pi->memmap_home == ZDX_HOME_RAM; i++)
		if (!zdx_pgmap_regions_known(l, &m->pgm[i].pg)) {
			pi->memmap_home = ZDX_HOME_UNKNOWN;
			pi->memmap_undecided = 1;
		}
}

static int pgmap_cmp(const void *a, const void *b)
{
	const struct zdx_pgmap_info *x = a, *y = b;

	return x->pg.range[0].start < y->pg.range[0].start ? -1 :
	       x->pg.range[0].start > y->pg.range[0].start;
}

/* What a pgmap says that the kernel could not have written is named once
 * here: a type outside enum memory_type, an altmap that is no altmap of
 * its range, ranges no answer uses (zdx_pgmap_range_sane). */
static void note_inconsistent(struct zdx_model *m)
{
	int i, r;

	for (i = 0; i < m->npgm; i++) {
		const struct zdx_pgmap *pg = &m->pgm[i].pg;

		if (!pg->type_known)
			zdx_incomplete_add(&m->inc, "dev_pagemap type", pg->addr,
					   "type %d is no value of this kernel's enum memory_type: "
					   "inconsistent", pg->type);
		if (pg->altmap.inconsistent)
			zdx_incomplete_add(&m->inc, "dev_pagemap altmap", pg->addr,
					   "base_pfn %llx reserve %llx free %llx does not fit range 0 "
					   "%llx-%llx: inconsistent, no altmap region is a fact",
					   (unsigned long long)pg->altmap.base_pfn,
					   (unsigned long long)pg->altmap.reserve,
					   (unsigned long long)pg->altmap.free,
					   (unsigned long long)pg->range[0].start,
					   (unsigned long long)pg->range[0].end);
	}
	for (i = 0; i < m->npgm; i++)
		for (r = 0; r < m->pgm[i].pg.nr_range; r++)
			if (!zdx_pgmap_range_sane(m->l, &m->pgm[i].pg, r))
				zdx_incomplete_add(&m->inc, "dev_pagemap range", m->pgm[i].pg.addr,
						   "range %d %llx-%llx beyond MAX_PHYSMEM_BITS %u or "
						   "reversed: inconsistent, left out", r,
						   (unsigned long long)m->pgm[i].pg.range[r].start,
						   (unsigned long long)m->pgm[i].pg.range[r].end,
						   m->l->max_physmem_bits);
}

static int read_pgmaps(struct zdx_model *m)
{
	const struct zdx_layout *l = m->l;
	struct pgmap_collect c = { .m = m };
	uint64_t bad = 0;
	int i, rc;

	if (!l->pgmap_container || !l->pgmap_container_is_xarray || l->sz_dev_pagemap <= 0)
		return 0;   /* no ZONE_DEVICE support: nothing to find */
	rc = zdx_xa_for_each(l, zdx_kread_cb, NULL, l->pgmap_container, collect_entry, &c, &bad);
	m->pgmaps_walked = 1;
	m->pgmap_xa_status = rc;
	m->pgmap_xa_bad = rc ? bad : 0;
	if (rc)   /* a partial walk is a fact of the answer, not a failure */
		zdx_incomplete_add(&m->inc, "pgmap_array node", bad, "%s: walk stopped, pgmaps "
				   "after it may be missing", zdx_xa_strerror(rc));
	if (fold_entries(&c)) {
		zdx_incomplete_add(&m->inc, "pgmap_array", l->pgmap_container, "out of memory "
				   "folding %d runs: no pgmap kept", c.n);
		c.n = 0;
	}
	m->pgm = calloc(c.n ? c.n : 1, sizeof(*m->pgm));
	if (!m->pgm) {
		zdx_incomplete_add(&m->inc, "dev_pagemap", 0, "out of memory: %d pgmaps dropped", c.n);
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		struct zdx_pgmap_info *pi = &m->pgm[m->npgm];

		if (read_pgmap(l, c.addr[i], &pi->pg)) {
			zdx_incomplete_add(&m->inc, "dev_pagemap", c.addr[i],
					   "not in this dump or corrupt: skipped");
			continue;
		}
		pi->xa_entries = c.runs[i];
		/* an inconsistent range names no iomem resource (its end is
		 * not the device's) */
		if (zdx_pgmap_range_sane(l, &pi->pg, 0))
			zdx_iomem_owner(pi->pg.range[0].start, pi->pg.range[0].end, pi->owner,
					sizeof(pi->owner), &m->inc);
		m->npgm++;
	}
	qsort(m->pgm, m->npgm, sizeof(*m->pgm), pgmap_cmp);
	note_inconsistent(m);
	for (i = 0; i < m->npgm; i++)
		locate_memmap(m, &m->pgm[i]);
out:
	m->pgmap_named = c.addr;        /* kept: dumpcheck probes every one named */
	m->npgmap_named = c.n;
	free(c.runs);
	return 0;
}

/* --- zones --- */

static void read_node_zones(struct zdx_model *m, int node, uint64_t pgdat, int *cap)
{
	const struct zdx_layout *l = m->l;
	unsigned char *buf = malloc(l->sz_zone);
	int z;

	if (!buf)
		return;
	for (z = 0; z < l->nr_zone_types; z++) {
		uint64_t zaddr = zdx_field_addr(pgdat, l->off_pgdat_node_zones) +
				 (uint64_t)z * l->sz_zone;
		struct zdx_zone *zi;

		if (zdx_kread(zaddr, buf, l->sz_zone)) {
			zdx_incomplete_add(&m->inc, "zone", zaddr, "not in this dump: zone %s of "
					   "node %d skipped", l->zone_name[z], node);
			continue;
		}
		if (m->nzones == *cap) {
			int ncap = *cap ? *cap * 2 : 16;
			struct zdx_zone *v = realloc(m->zones, ncap * sizeof(*v));

			if (!v) {
				zdx_incomplete_add(&m->inc, "zone", zaddr, "out of memory: zones "
						   "from %s of node %d dropped", l->zone_name[z], node);
				break;
			}
			m->zones = v;
			*cap = ncap;
		}
		zi = &m->zones[m->nzones++];
		memset(zi, 0, sizeof(*zi));
		zi->node = node;
		zi->zone = z;
		snprintf(zi->name, sizeof(zi->name), "%s", l->zone_name[z]);
		/* unsigned long / atomic_long_t: 8 bytes on x86_64 */
		zi->start_pfn = zdx_field_or0(buf, l->sz_zone, l->off_zone_start_pfn, 8);
		zi->spanned = zdx_field_or0(buf, l->sz_zone, l->off_zone_spanned_pages, 8);
		zi->present = zdx_field_or0(buf, l->sz_zone, l->off_zone_present_pages, 8);
		zi->managed = zdx_field_or0(buf, l->sz_zone, l->off_zone_managed_pages, 8);
		zi->addr = zaddr;
	}
	free(buf);
}

static void read_zones(struct zdx_model *m)
{
	const struct zdx_layout *l = m->l;
	int node, cap = 0;

	if (l->sz_zone <= 0 || l->off_pgdat_node_zones < 0 || !l->node_data_addr)
		return;
	if (!l->node_data_is_array) {
		read_node_zones(m, 0, l->node_data_addr, &cap);
		return;
	}
	for (node = 0; node < l->max_numnodes; node++) {
		uint64_t pgdat;

		if (zdx_kread(l->node_data_addr + 8ULL * node, &pgdat, 8)) {
			zdx_incomplete_add(&m->inc, "node_data[]", l->node_data_addr + 8ULL * node,
					   "not in this dump: node %d's zones unknown", node);
			continue;
		}
		if (!pgdat)
			continue;
		read_node_zones(m, node, pgdat, &cap);
	}
}

/* --- page->flags zone/node shifts, checked on real pages --- */

/* ZONES_PGSHIFT and NODES_PGSHIFT are computed by the preprocessor
 * (include/linux/page-flags-layout.h, include/linux/mm.h) and no
 * VMCOREINFO entry or DWARF type carries them, so crash_layout.c computes
 * them from the widths: confirm them on online RAM pages whose zone is
 * known from the zone spans.  Returns the number of pages that agreed, or
 * -1 when one disagreed. */
static int check_page_flags(const struct zdx_model *m)
{
	const struct zdx_layout *l = m->l;
	unsigned char buf[512];
	int i, agreed = 0;

	if (l->sz_page > (long)sizeof(buf))
		return 0;
	for (i = 0; i < m->nzones; i++) {
		const struct zdx_zone *z = &m->zones[i];
		uint64_t pfn = z->start_pfn + z->spanned / 2;
		struct zdx_pfn_facts f;
		struct zdx_page p;

		if (z->zone == l->zone_device || !z->present)
			continue;
		zdx_model_pfn_facts(m, pfn, &f);
		if (f.owner != ZDX_OWN_RAM || f.online_page_fixed != 1 || f.zone != z ||
		    zdx_kread(zdx_section_page_addr(l, f.sec, pfn), buf, l->sz_page))
			continue;
		zdx_page_decode(l, buf, &p);
		if (p.state != ZDX_PAGE_PLAUSIBLE)
			continue;
		if (p.zone != z->zone || p.node != z->node)
			return -1;
		agreed++;
	}
	return agreed;
}

/* Before 5.18 (memory_block.zone) the kernel records no zone per block:
 * sysfs's valid_zones of an online block is the zone of its pages
 * (test_pages_in_a_zone()), so read it, as page_zone() does, from the
 * block's first struct page, once the zone/node shifts are confirmed. */
static void memblock_zones_from_pages(struct zdx_model *m)
{
	const struct zdx_layout *l = m->l;
	unsigned char buf[512];
	int b, z;

	for (b = 0; b < m->nmb && l->sz_page <= (long)sizeof(buf); b++) {
		struct zdx_memblock *mb = &m->mb[b];
		uint64_t pfn = zdx_section_nr_to_pfn(l, (unsigned long)mb->start_section_nr);
		struct zdx_pfn_facts f;
		struct zdx_page p;

		if (mb->state != ZDX_MB_ONLINE || mb->zone_idx >= 0)
			continue;
		zdx_model_pfn_facts(m, pfn, &f);
		if (f.owner != ZDX_OWN_RAM || !f.sec ||
		    zdx_kread(zdx_section_page_addr(l, f.sec, pfn), buf, l->sz_page))
			continue;
		zdx_page_decode(l, buf, &p);
		for (z = 0; p.state == ZDX_PAGE_PLAUSIBLE && z < m->nzones; z++)
			if (m->zones[z].node == p.node && m->zones[z].zone == p.zone) {
				mb->zone_idx = z;
				mb->zone_from_page = 1;
			}
	}
}

/* --- the model --- */

/* ZDX_TIMING=1 in the environment prints how long each phase took. */
static void phase(const char *what)
{
	static struct timespec last;
	struct timespec now;

	if (!getenv("ZDX_TIMING"))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (what)
		fprintf(fp, "zdx timing: %-10s %.3f s\n", what, (now.tv_sec - last.tv_sec) +
			(now.tv_nsec - last.tv_nsec) / 1e9);
	last = now;
}

/* 0 with *m built, or -1 with e saying why (the layout's reason, or the
 * mem_section roots'). */
static int build_model(struct zdx_model *m, struct zdx_err *e)
{
	const struct zdx_layout *l;

	phase(NULL);
	if (!(l = zdx_layout(e)))
		return -1;
	phase("layout");
	memset(m, 0, sizeof(*m));
	m->l = l;
	if (read_sections(m, e))
		return -1;
	phase("sections");
	read_zones(m);
	zdx_model_read_memblocks(m);
	read_pgmaps(m);
	zdx_model_read_devgeom(m);
	zdx_model_read_cxl(m);
	phase("pgmaps");
	m->page_flags_agreed = check_page_flags(m);
	phase("page-flags");
	if (m->page_flags_agreed < 0)
		zdx_incomplete_add(&m->inc, "page->flags layout", 0, "zone/node shifts disagree "
				   "with the zone spans: zone and node of struct pages not trusted");
	else if (m->page_flags_agreed > 0 && m->l->off_mb_zone < 0)
		memblock_zones_from_pages(m);
	return 0;
}

const struct zdx_model *zdx_model(struct zdx_err *e)
{
	if (!zdx_cached_tried(&model_built))
		zdx_cached_set(&model_built, build_model(&model, &model_built.err));
	return zdx_cached_get(&model_built, &model, e);
}

void zdx_model_forget(void)
{
	free(model.sec);
	free(model.section_roots);
	free(model.pgm);
	free(model.pgmap_named);
	free(model.zones);
	free(model.mb);
	memset(&model, 0, sizeof(model));
	zdx_cached_forget(&model_built);
}

/* --- queries of the model that need the dump --- */

const char *zdx_memmap_home_of(uint64_t vaddr, char *buf, unsigned long n)
{
	const struct zdx_model *m = zdx_model(NULL);   /* no model: "?" says it */
	uint64_t paddr;
	int pg;

	if (!m || zdx_kvtop(vaddr, &paddr)) {
		snprintf(buf, n, "?");
		return buf;
	}
	pg = zdx_model_pgmap_of(m, paddr >> m->l->page_shift);
	if (pg < 0)
		snprintf(buf, n, "ram");
	else
		snprintf(buf, n, "dev:%s", m->pgm[pg].owner[0] ? m->pgm[pg].owner : "pgmap");
	return buf;
}
