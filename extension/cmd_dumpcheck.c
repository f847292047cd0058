/*
 * zdx dumpcheck: does this dump hold what ZONE_DEVICE analysis needs?
 *
 * This file knows which kernel structures zdx reads and where they are:
 * the mem_section roots and usage blocks, the dev_pagemaps pgmap_array
 * names (as the model walked it: no second walk), the memmap of each RAM
 * zone and of each pgmap — split by where it physically lives: a pgmap's
 * on the device (altmap), a hot-plugged block's in the block itself
 * (memmap_on_memory) — and the printk log.  cmd_dumpcheck_probe.c asks the dump which of their pages it
 * holds and why a missing one is missing; cmd_dumpcheck_report.c says
 * what that costs and how to capture it next time.
 */
#include "defs.h"
#include <string.h>
#include <time.h>
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/dumpcheck_run.h"
#include "zdx/field.h"
#include "zdx/format.h"
#include "zdx/vmemmap_dedup.h"

/* --- classes --- */

static void check_roots(struct dc *d)
{
	const struct zdx_layout *l = d->l;
	uint64_t bytes = l->sections_per_root * l->sz_mem_section;
	unsigned long r, nroots = l->sparsemem_extreme ? l->nr_section_roots : 0;
	struct dc_class *c = dc_new_class(d, DC_ROOTS, "mem_section root array and root pages");

	if (!c)
		return;
	if (!nroots) {
		dc_probe_virt(d, c, l->mem_section_roots, l->mem_section_roots + bytes);
		return;
	}
	dc_probe_virt(d, c, l->mem_section_roots, l->mem_section_roots + nroots * sizeof(uint64_t));
	/* the roots the model read; none when the array itself is missing
	 * (counted above) */
	for (r = 0; d->m->section_roots && r < d->m->nsection_roots; r++)
		if (d->m->section_roots[r])
			dc_probe_virt(d, c, d->m->section_roots[r], d->m->section_roots[r] + bytes);
}

static void check_usage(struct dc *d)
{
	const struct zdx_layout *l = d->l;
	uint64_t len = zdx_section_usage_len(l);
	struct dc_class *c;
	size_t i;

	if (!l->has_subsection_map || l->off_ms_usage < 0 || !len)
		return;
	if (!(c = dc_new_class(d, DC_USAGE, "mem_section usage blocks (sub-section maps)")))
		return;
	for (i = 0; i < d->m->nsec; i++)
		if (d->m->sec[i].usage)
			dc_probe_virt(d, c, d->m->sec[i].usage, d->m->sec[i].usage + len);
}

/* Every dev_pagemap pgmap_array names, read or not (the model keeps the
 * addresses of its walk; its pgm[] holds only those it could read). */
static void check_pgmaps(struct dc *d)
{
	const struct zdx_model *m = d->m;
	struct dc_class *c;
	int i;

	if (!m->pgmaps_walked || !(c = dc_new_class(d, DC_PGMAP, "dev_pagemap structs")))
		return;
	for (i = 0; i < m->npgmap_named; i++)
		dc_probe_virt(d, c, m->pgmap_named[i], m->pgmap_named[i] + d->l->sz_dev_pagemap);
}

static struct dc_class *zone_class(struct dc *d, int node, int zone, int online)
{
	char name[160];
	struct dc_class *c;
	int i;

	for (i = 0; i < d->ncls; i++)
		if (d->cls[i].kind == DC_ZONE && d->cls[i].node == node && d->cls[i].zone == zone &&
		    d->cls[i].online == online)
			return &d->cls[i];
	if (zone >= 0 && zone < ZDX_MAX_ZONES)
		snprintf(name, sizeof(name), "memmap of RAM zone %s (node %d)%s",
			 d->l->zone_name[zone], node, online ? "" : ", offline sections");
	else
		snprintf(name, sizeof(name), "memmap of RAM in no zone span%s",
			 online ? "" : ", offline sections");
	if ((c = dc_new_class(d, DC_ZONE, name))) {
		c->node = node;
		c->zone = zone;
		c->online = online;
	}
	return c;
}

static struct dc_class *pgmap_class(struct dc *d, int pg, enum zdx_memmap_home home)
{
	const struct zdx_pgmap_info *pi = &d->m->pgm[pg];
	char name[160], sz[32];
	struct dc_class *c;
	int i;

	for (i = 0; i < d->ncls; i++)
		if (d->cls[i].kind == DC_PGMAP_MEMMAP && d->cls[i].pgmap == pg && d->cls[i].home == home)
			return &d->cls[i];
	snprintf(name, sizeof(name), "memmap of pgmap %llx (%s, %s, %s%s) %s",
		 (unsigned long long)pi->pg.addr, zdx_pgmap_type_word(&pi->pg),
		 pi->owner[0] ? pi->owner : "no iomem owner",
		 zdx_fmt_bytes(pi->pg.range[0].end - pi->pg.range[0].start + 1, sz, sizeof(sz)),
		 zdx_vmemmap_can_optimize(d->l, &pi->pg) ? ", deduplicated" : "",
		 home == ZDX_HOME_DEVICE ? "on the device" : "in System RAM");
	if ((c = dc_new_class(d, DC_PGMAP_MEMMAP, name))) {
		c->pgmap = pg;
		c->home = home;
	}
	return c;
}

/* A pgmap's memmap: each struct page page goes to the device-resident or
 * the RAM-resident class by where its physical page sits. */
static void probe_pgmap_memmap(struct dc *d, int pg, uint64_t vs, uint64_t ve)
{
	uint64_t ps = dc_page_size(d), v;

	for (v = vs & ~(ps - 1); v < ve; v += ps) {
		uint64_t p;
		int holder = -1;
		struct dc_class *c;

		if (!zdx_kvtop(v, &p))
			holder = zdx_model_pgmap_of(d->m, p >> d->l->page_shift);
		c = pgmap_class(d, pg, holder >= 0 ? ZDX_HOME_DEVICE : ZDX_HOME_RAM);
		if (!c)
			return;
		if (holder >= 0 && c->holder < 0)
			c->holder = holder;
		dc_probe_virt(d, c, v, v + ps);
	}
}

/* memmap_on_memory: the memmap a hot-plugged block stores in its own first
 * pages, one class per block. */
static struct dc_class *block_class(struct dc *d, int b)
{
	const struct zdx_memblock *mb = &d->m->mb[b];
	char name[160], bn[32];
	struct dc_class *c;
	int i;

	for (i = 0; i < d->ncls; i++)
		if (d->cls[i].kind == DC_BLOCK_MEMMAP && d->cls[i].mb == b)
			return &d->cls[i];
	snprintf(name, sizeof(name), "memmap_on_memory: %s (%s), its first %llu pages",
		 zdx_memblock_name(mb, bn, sizeof(bn)),
		 zdx_memblock_online_type(d->m, mb), (unsigned long long)mb->nr_vmemmap_pages);
	if ((c = dc_new_class(d, DC_BLOCK_MEMMAP, name)))
		c->mb = b;
	return c;
}

/* The memmap of RAM pfns [vs, ve) of a block hosting a memmap: each page
 * of struct pages goes to the class of the block whose vmemmap pages hold
 * it (where the page tables put it), else to the zone's class. */
static void probe_block_memmap(struct dc *d, const struct zdx_run *r, uint64_t vs, uint64_t ve)
{
	uint64_t ps = dc_page_size(d), v;

	for (v = vs & ~(ps - 1); v < ve; v += ps) {
		uint64_t p;
		int b = -1;
		struct dc_class *c;

		if (!zdx_kvtop(v, &p))
			b = zdx_model_vmemmap_block(d->m, p >> d->l->page_shift);
		c = b >= 0 ? block_class(d, b) : zone_class(d, r->node, r->zone, r->online);
		if (c)
			dc_probe_virt(d, c, v, v + ps);
	}
}

/* Address of pfn's struct page, 0 when its section has no memmap. */
static uint64_t page_vaddr(const struct dc *d, uint64_t pfn)
{
	const struct zdx_section *s = zdx_model_section(d->m, zdx_pfn_to_section_nr(d->l, pfn));

	return s && zdx_valid_section(d->l, s) ? zdx_section_page_addr(d->l, s, pfn) : 0;
}

/* 1 when every memmap page of the compound page at head past its first
 * ZDX_VMEMMAP_RESERVE_NR maps where its second does, as far as the first
 * of them and the last show (the kernel maps them all alike). */
static int compound_shares(const struct dc *d, uint64_t head, uint64_t pages)
{
	uint64_t per_page = dc_page_size(d) / (uint64_t)d->l->sz_page, p1, p2, pl;
	uint64_t v1 = page_vaddr(d, head + per_page), v2 = page_vaddr(d, head + 2 * per_page);
	uint64_t vl = page_vaddr(d, head + (pages - 1) * per_page);

	return v1 && v2 && vl && !zdx_kvtop(v1, &p1) && !zdx_kvtop(v2, &p2) && !zdx_kvtop(vl, &pl) &&
	       p1 >> d->l->page_shift == p2 >> d->l->page_shift &&
	       p1 >> d->l->page_shift == pl >> d->l->page_shift;
}

/* A deduplicated compound pgmap's memmap, pfns [a, b) of one run: each
 * compound page whose head lies there counts its own memmap pages once —
 * the first ZDX_VMEMMAP_RESERVE_NR, where the page tables confirm the
 * rest are copies of the second; all of them where they do not. */
static void probe_dedup_memmap(struct dc *d, int pg, uint64_t a, uint64_t b)
{
	const struct zdx_pgmap *p = &d->m->pgm[pg].pg;
	uint64_t nr = zdx_pgmap_vmemmap_nr(d->l, p), ps = dc_page_size(d), pfn;
	struct zdx_compound_page c;

	for (pfn = a; pfn < b; pfn = c.head_pfn + nr) {
		uint64_t end, pages, v;

		if (zdx_compound_page_of(d->l, p, pfn, &c))
			return;
		end = zdx_pgmap_range_end_pfn(d->l, p, c.range);
		pages = zdx_compound_memmap_pages(d->l, (c.head_pfn + nr < end ? c.head_pfn + nr : end) -
						  c.head_pfn);
		if (c.head_pfn < a || !(v = page_vaddr(d, c.head_pfn)))
			continue;       /* counted with the run holding its head */
		if (pages > ZDX_VMEMMAP_RESERVE_NR && compound_shares(d, c.head_pfn, pages))
			pages = ZDX_VMEMMAP_RESERVE_NR;
		/* one compound page's memmap is virtually contiguous (vmemmap) */
		probe_pgmap_memmap(d, pg, v, v + pages * ps);
	}
}

/* The struct pages of pfns [a, b) of one owner run, section by section:
 * without VMEMMAP every section's memmap is its own array. */
static void probe_run(struct dc *d, const struct zdx_run *r)
{
	const struct zdx_layout *l = d->l;
	uint64_t a = r->start;

	if (r->owner == ZDX_OWN_DEVICE && zdx_vmemmap_can_optimize(l, &d->m->pgm[r->pgmap].pg)) {
		probe_dedup_memmap(d, r->pgmap, a, r->end);
		return;
	}
	while (a < r->end) {
		unsigned long nr = zdx_pfn_to_section_nr(l, a);
		uint64_t b = zdx_section_nr_to_pfn(l, nr + 1);
		const struct zdx_section *s = zdx_model_section(d->m, nr);

		b = b < r->end ? b : r->end;
		if (s && zdx_valid_section(l, s)) {
			uint64_t vs = zdx_section_page_addr(l, s, a);
			uint64_t ve = zdx_section_page_addr(l, s, b - 1) + l->sz_page;

			if (r->owner == ZDX_OWN_DEVICE)
				probe_pgmap_memmap(d, r->pgmap, vs, ve);
			else if (zdx_model_memblock_of(d->m, a) >= 0 &&
				 d->m->mb[zdx_model_memblock_of(d->m, a)].nr_vmemmap_pages)
				probe_block_memmap(d, r, vs, ve);
			else {
				struct dc_class *c = zone_class(d, r->node, r->zone, r->online);

				if (c)
					dc_probe_virt(d, c, vs, ve);
			}
		}
		a = b;
	}
}

static void check_memmaps(struct dc *d)
{
	struct zdx_run *runs = NULL;
	long n = zdx_map_build(d->m, &runs), i;

	if (n < 0)
		zdx_incomplete_add(&d->inc, "owner map", 0, "out of memory building the owner map: "
				   "the memmap of RAM zones and pgmaps was not checked");
	for (i = 0; i < n; i++)
		if (runs[i].owner != ZDX_OWN_HOLE)
			probe_run(d, &runs[i]);
	free(runs);
}

/* A variable or field the log class is found through (what: the variable
 * or struct, field: NULL or its field; at at, of size bytes), read with
 * result rc (zdx_kread_field()): rc back, and when it is not 0 an
 * incomplete entry saying what could not be read and what that costs.  A
 * variable the dump does not hold is the class's own loss: its page is
 * probed into c, so the table, the consequences and the advice count it
 * and say why it is missing. */
static int log_read(struct dc *d, struct dc_class *c, const char *what, const char *field,
		    uint64_t at, long size, int rc)
{
	if (!rc)
		return 0;
	zdx_incomplete_add(&d->inc, what, at, "%s%s%s: the printk log cannot be found through "
			   "it, so %s not checked (crash's log needs it too)", field ? field : "",
			   field ? " " : "", zdx_field_status_word(rc),
			   c->needed ? "the rest of it was" : "its pages were");
	if (rc == ZDX_FIELD_UNREADABLE)
		dc_probe_virt(d, c, at, at + (uint64_t)size);
	return rc;
}

/* A pointer or integer variable of the log: log_read() of it. */
static int log_var(struct dc *d, struct dc_class *c, const char *name, uint64_t sym, long size,
		   uint64_t *v)
{
	return log_read(d, c, name, NULL, sym, size,
			zdx_kread_field(sym, 0, size > 0 ? (unsigned)size : 0, v));
}

/* The 5.10+ lockless ring buffer's descriptor and info arrays: without
 * them the text cannot be cut into records. */
static void check_log_ring(struct dc *d, struct dc_class *c)
{
	const struct zdx_layout *l = d->l;
	uint64_t prb, rb, bits, descs, infos;

	snprintf(c->name, sizeof(c->name), "printk log (text, descriptors, infos)");
	if (log_var(d, c, "prb", l->sym_prb, 8, &prb))
		return;
	/* &prb->desc_ring: a struct prb_desc_ring embedded in *prb */
	rb = zdx_field_addr(prb, l->off_prb_desc_ring);
	if (log_read(d, c, "prb_desc_ring", "count_bits", zdx_field_addr(rb, l->off_descring_count_bits),
		     4, zdx_kread_field(rb, l->off_descring_count_bits, 4, &bits)) ||
	    log_read(d, c, "prb_desc_ring", "descs", zdx_field_addr(rb, l->off_descring_descs), 8,
		     zdx_kread_field(rb, l->off_descring_descs, 8, &descs)) ||
	    log_read(d, c, "prb_desc_ring", "infos", zdx_field_addr(rb, l->off_descring_infos), 8,
		     zdx_kread_field(rb, l->off_descring_infos, 8, &infos)))
		return;
	/* count_bits sizes both arrays (1 << bits entries): beyond 31 it is
	 * no ring a kernel allocates, and would make the probe unbounded */
	if (!bits || bits >= 32 || !descs || !infos) {
		zdx_incomplete_add(&d->inc, "prb_desc_ring", rb, "count_bits %llu, descs %llx, infos "
				   "%llx: not a descriptor ring (corrupt), its arrays were not checked",
				   (unsigned long long)bits, (unsigned long long)descs,
				   (unsigned long long)infos);
		return;
	}
	dc_probe_virt(d, c, descs, descs + (l->sz_prb_desc << bits));
	dc_probe_virt(d, c, infos, infos + (l->sz_printk_info << bits));
}

/* The log text (log_buf, all kernels) and, with the 5.10+ lockless ring
 * buffer, its descriptor and info arrays.  What cannot be read on the way
 * is named (incomplete), never taken as "no log". */
static void check_log(struct dc *d)
{
	const struct zdx_layout *l = d->l;
	struct dc_class *c = dc_new_class(d, DC_LOG, "printk log buffer");
	uint64_t buf, len;

	if (!c)
		return;
	if (log_var(d, c, "log_buf", l->sym_log_buf, 8, &buf) |
	    log_var(d, c, "log_buf_len", l->sym_log_buf_len, l->sz_log_buf_len, &len))
		return;
	/* the kernel sizes the buffer to a power of two (log_buf_len_update()
	 * rounds up; the static __log_buf is 1 << CONFIG_LOG_BUF_SHIFT):
	 * anything else is no length the kernel set, and would bound the page
	 * by page probe by nothing but its 32 bits */
	if (!buf || !len || (len & (len - 1))) {
		zdx_incomplete_add(&d->inc, "log_buf", l->sym_log_buf, "log_buf %llx, log_buf_len %llu: "
				   "no log buffer the kernel could have set (corrupt), the printk log "
				   "was not checked", (unsigned long long)buf, (unsigned long long)len);
		return;
	}
	dc_probe_virt(d, c, buf, buf + len);
	if (l->sym_prb && l->off_prb_desc_ring >= 0 && l->off_descring_descs >= 0 &&
	    l->off_descring_infos >= 0 && l->off_descring_count_bits >= 0 && l->sz_prb_desc > 0 &&
	    l->sz_printk_info > 0)
		check_log_ring(d, c);
}

/* The caps of the probe tables, hit: said in the incomplete list. */
static void note_caps(struct dc *d)
{
	int i;

	if (d->classes_dropped)
		zdx_incomplete_add(&d->inc, "dumpcheck classes", 0, "more kinds of data than the "
				   "first %d: the others were not checked", DC_MAX_CLASSES);
	for (i = 0; i < d->ncls; i++) {
		const struct dc_class *c = &d->cls[i];
		uint64_t more = c->present_r.more + c->missing_r.more + c->unmapped_r.more;

		if (more)
			zdx_incomplete_add(&d->inc, "dumpcheck ranges", 0, "%s: %llu ranges beyond the "
					   "first %d of a list not listed (the page counts are whole)",
					   c->name, (unsigned long long)more, DC_MAX_RANGES);
	}
}

static const struct zdx_cmd_args dumpcheck_args = { .synopsis = "zdx " ZDX_SYN_DUMPCHECK, .max = 0 };

void zdx_cmd_dumpcheck(int argc, char **argv)
{
	struct dc d = { 0 };
	struct zdx_err e = { 0 };
	int json = zdx_take_flag(&argc, argv, "-j");
	clock_t t0 = clock();

	if (!(d.m = zdx_cmd_preamble(&dumpcheck_args, argc, argv, NULL, &e)))
		goto fail;
	d.l = d.m->l;
	d.inc = d.m->inc;       /* the model's losses, then this command's own */
	d.df = zdx_dumpfile_of_session(&d.path, &d.bytes);
	d.zero_excluded = zdx_crash_zero_excluded();
	d.cls = calloc(DC_MAX_CLASSES, sizeof(*d.cls));
	d.buf = malloc(DC_BATCH_PAGES * dc_page_size(&d));
	if (!d.cls || !d.buf) {
		zdx_err_set(&e, ZDX_E_NOMEM, NULL, 0, "out of memory for the probes");
		goto fail;
	}
	check_roots(&d);
	check_usage(&d);
	check_pgmaps(&d);
	check_memmaps(&d);
	check_log(&d);
	note_caps(&d);
	if (getenv("ZDX_TIMING"))
		fprintf(fp, "zdx timing: dumpcheck probes %.3f s\n",
			(double)(clock() - t0) / CLOCKS_PER_SEC);
	if (json)
		dc_report_json(&d);
	else
		dc_report_text(&d);
	goto out;
fail:
	zdx_err_print(fp, "dumpcheck", json, &e);
out:
	free(d.cls);
	free(d.buf);
}
