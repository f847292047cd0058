/*
 * zdx pgmap: every dev_pagemap in pgmap_array with its altmap regions.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/format.h"
#include "zdx/json.h"
#include "zdx/vmemmap_dedup.h"

struct region_span {
	enum zdx_pgmap_region region;
	uint64_t first, end;            /* pfns [first, end) */
	const char *struct_pages;       /* what the kernel did to their struct pages */
};

/* The altmap regions of range 0, clipped to the range, in device order. */
static int pgmap_regions(const struct zdx_layout *l, const struct zdx_pgmap *pg,
			 struct region_span *r)
{
	uint64_t first = zdx_pgmap_range_first_pfn(l, pg, 0), end = zdx_pgmap_range_end_pfn(l, pg, 0);
	uint64_t res_end = pg->altmap.base_pfn + pg->altmap.reserve;
	uint64_t data = zdx_pgmap_pfn_first(l, pg, 0);
	int n = 0;

	if (!zdx_pgmap_regions_known(l, pg))
		return 0;        /* no region of an inconsistent range or altmap is a fact */
	if (pg->altmap.valid) {
		if (res_end > first)
			r[n++] = (struct region_span){ ZDX_REGION_RESERVE, first, res_end < end ? res_end : end,
				"never initialised (info-block reserve)" };
		if (data > res_end)
			r[n++] = (struct region_span){ ZDX_REGION_MEMMAP, res_end > first ? res_end : first,
				data < end ? data : end, "reserved ZONE_DEVICE, no pgmap" };
	}
	if (data < end)
		r[n++] = (struct region_span){ ZDX_REGION_DATA, data, end,
			"initialised, page->pgmap set" };
	return n;
}

/* Why range i is not a fact (see zdx_pgmap_range_sane). */
static const char *range_why(const struct zdx_layout *l, const struct zdx_pgmap *pg, int i,
			     char *buf, unsigned long n)
{
	if (pg->range[i].end < pg->range[i].start)
		snprintf(buf, n, "end below start");
	else
		snprintf(buf, n, "ends beyond MAX_PHYSMEM_BITS (%u)", l->max_physmem_bits);
	return buf;
}

static const char *home_text(const struct zdx_model *m, const struct zdx_pgmap_info *pi,
			     char *buf, unsigned long n)
{
	switch (pi->memmap_home) {
	case ZDX_HOME_RAM:
		snprintf(buf, n, "System RAM");
		break;
	case ZDX_HOME_DEVICE:
		snprintf(buf, n, "device memory of pgmap %llx (%s)%s",
			 (unsigned long long)m->pgm[pi->memmap_pgmap].pg.addr,
			 m->pgm[pi->memmap_pgmap].owner[0] ? m->pgm[pi->memmap_pgmap].owner : "?",
			 pi->memmap_pgmap == pi - m->pgm ? ", its own altmap" : ", another device's altmap");
		break;
	default:
		snprintf(buf, n, pi->memmap_undecided
			 ? "unknown (a pgmap's range or altmap is inconsistent: device or RAM cannot be told)"
			 : "unknown (the vmemmap address does not translate in this dump)");
	}
	return buf;
}

static const char *ib_state_text(const struct zdx_pgmap_info *pi)
{
	switch (pi->ib_state) {
	case ZDX_IB_READ:
		return "read";
	case ZDX_IB_NOT_IN_DUMP:
		return "not in this dump (the namespace's first pages were not captured)";
	case ZDX_IB_NO_SIGNATURE:
		return "no pfn/dax info block signature at the namespace's offset 4 KiB "
		       "(no pfn/dax device: the whole namespace is data)";
	default:
		return "not looked for (no namespace resource holds this pgmap in iomem)";
	}
}

/* The driver's view: where the namespace's info block, padding and data lie. */
static void print_devgeom(const struct zdx_model *m, const struct zdx_pgmap_info *pi)
{
	const struct zdx_layout *l = m->l;
	const struct zdx_infoblock *ib = &pi->ib;
	uint64_t first = zdx_pgmap_range_first_pfn(l, &pi->pg, 0);
	uint64_t end = zdx_pgmap_range_end_pfn(l, &pi->pg, 0), p, cut[4];
	char b1[32];

	if (pi->ns < 0)
		return;
	fprintf(fp, "  namespace %s  phys %llx-%llx", pi->iopath[pi->ns].name,
		(unsigned long long)pi->iopath[pi->ns].start, (unsigned long long)pi->iopath[pi->ns].end);
	if (pi->data_res.name[0])
		fprintf(fp, "  holds %s %llx-%llx", pi->data_res.name,
			(unsigned long long)pi->data_res.start, (unsigned long long)pi->data_res.end);
	fprintf(fp, "\n  info block at phys %llx: %s\n", (unsigned long long)pi->ib_phys,
		ib_state_text(pi));
	if (pi->ib_state != ZDX_IB_READ)
		return;
	fprintf(fp, "    %s v%u.%u  mode %s  dataoff %#llx  start_pad %#x  end_trunc %#x  align %#x"
		"  npfns %llu  (layout: %s)\n", ib->kind[0] == 'p' ? "NVDIMM_PFN_INFO" : "NVDIMM_DAX_INFO",
		ib->version_major, ib->version_minor, zdx_infoblock_mode_name(ib->mode),
		(unsigned long long)ib->dataoff, ib->start_pad, ib->end_trunc, ib->align,
		(unsigned long long)ib->npfns, l->pfnsb_from_debuginfo ? "nvdimm module debuginfo"
		: "on-media format, drivers/nvdimm/pfn.h");
	fprintf(fp, "  %-15s  %-23s  %10s  %10s  %s\n", "DEVICE PART", "PFNS", "PAGES", "SIZE", "OWNER");
	cut[0] = zdx_infoblock_end(l, ib, pi->iopath[pi->ns].start) >> l->page_shift;
	cut[1] = pi->data_start >> l->page_shift;
	cut[2] = zdx_pgmap_pfn_first(l, &pi->pg, 0);
	cut[3] = end;
	for (p = first; p < end; ) {
		enum zdx_dev_part part = zdx_pgmap_dev_part(m, pi, p);
		uint64_t q = end;
		char pfns[48];
		int i;

		for (i = 0; i < 4; i++)          /* the nearest cut where the part changes */
			if (cut[i] > p && cut[i] < q && zdx_pgmap_dev_part(m, pi, cut[i]) != part)
				q = cut[i];
		snprintf(pfns, sizeof(pfns), "%llx-%llx", (unsigned long long)p, (unsigned long long)q - 1);
		fprintf(fp, "  %-15s  %-23s  %10llu  %10s  %s\n",
			part ? zdx_dev_part_name(part) : "(altmap region)", pfns,
			(unsigned long long)(q - p), zdx_fmt_bytes((q - p) << l->page_shift, b1, sizeof(b1)),
			zdx_dev_part_owner(pi, part) ? zdx_dev_part_owner(pi, part) : "-");
		p = q;
	}
}

static void json_devgeom(struct zdx_json *j, const struct zdx_pgmap_info *pi)
{
	const struct zdx_infoblock *ib = &pi->ib;

	zj_str(j, "namespace", pi->ns >= 0 ? pi->iopath[pi->ns].name : NULL);
	if (pi->ns >= 0)
		zj_hex(j, "namespace_start", pi->iopath[pi->ns].start);
	zj_str(j, "data_resource", pi->data_res.name[0] ? pi->data_res.name : NULL);
	if (pi->ib_state != ZDX_IB_READ) {
		zj_str(j, "info_block", NULL);
		zj_str(j, "info_block_note", pi->ns >= 0 ? ib_state_text(pi) : NULL);
		return;
	}
	zj_obj(j, "info_block");
	zj_hex(j, "phys", pi->ib_phys);
	zj_str(j, "signature", ib->kind[0] == 'p' ? "NVDIMM_PFN_INFO" : "NVDIMM_DAX_INFO");
	zj_int(j, "version_major", ib->version_major);
	zj_int(j, "version_minor", ib->version_minor);
	zj_str(j, "mode", zdx_infoblock_mode_name(ib->mode));
	zj_hex(j, "dataoff", ib->dataoff);
	zj_hex(j, "start_pad", ib->start_pad);
	zj_hex(j, "end_trunc", ib->end_trunc);
	zj_hex(j, "align", ib->align);
	zj_int(j, "npfns", (long long)ib->npfns);
	zj_end_obj(j);
	zj_hex(j, "data_start", pi->data_start);
}

/* The CXL owner chain (zdx/cxl.h), window first; a link the dump does
 * not name says why. */
static void print_cxl(const struct zdx_pgmap_info *pi)
{
	const struct zdx_cxl *c = &pi->cxl;
	const struct zdx_res *w, *nd;

	if (c->window < 0)
		return;
	w = &pi->iopath[c->window];
	fprintf(fp, "  CXL window     %s  phys %llx-%llx\n", w->name, (unsigned long long)w->start,
		(unsigned long long)w->end);
	if (c->region < 0) {
		fprintf(fp, "  CXL region     unknown (%s)\n", c->why);
		return;
	}
	fprintf(fp, "  CXL region     %s  phys %llx-%llx  device parent (root decoder) %s\n",
		pi->iopath[c->region].name, (unsigned long long)pi->iopath[c->region].start,
		(unsigned long long)pi->iopath[c->region].end,
		c->root_decoder[0] ? c->root_decoder : "unknown");
	fprintf(fp, "  nvdimm region  %s", c->nd_region[0] ? c->nd_region : "unknown");
	if (c->nd_res >= 0) {   /* decode_cxl.c: no persistent-memory resource below the region */
		nd = &pi->iopath[c->nd_res];
		fprintf(fp, "  phys %llx-%llx (iomem \"%s\")", (unsigned long long)nd->start,
			(unsigned long long)nd->end, nd->name);
	} else {
		fprintf(fp, "  (no persistent-memory resource in iomem)");
	}
	fprintf(fp, "  bus %s\n", c->nd_bus[0] ? c->nd_bus : "unknown");
	if (c->why)
		fprintf(fp, "  (device model: %s)\n", c->why);
}

static void json_cxl(struct zdx_json *j, const struct zdx_pgmap_info *pi)
{
	const struct zdx_cxl *c = &pi->cxl;

	if (c->window < 0)
		return;
	zj_obj(j, "cxl");
	zj_str(j, "window", pi->iopath[c->window].name);
	zj_hex(j, "window_start", pi->iopath[c->window].start);
	zj_hex(j, "window_end", pi->iopath[c->window].end);
	zj_str(j, "region", c->region >= 0 ? pi->iopath[c->region].name : NULL);
	if (c->region >= 0) {
		zj_hex(j, "region_start", pi->iopath[c->region].start);
		zj_hex(j, "region_end", pi->iopath[c->region].end);
	}
	zj_str(j, "root_decoder", c->root_decoder[0] ? c->root_decoder : NULL);
	zj_str(j, "nvdimm_region", c->nd_region[0] ? c->nd_region : NULL);
	if (c->nd_res >= 0) {
		zj_hex(j, "nvdimm_region_start", pi->iopath[c->nd_res].start);
		zj_hex(j, "nvdimm_region_end", pi->iopath[c->nd_res].end);
	}
	zj_str(j, "nvdimm_bus", c->nd_bus[0] ? c->nd_bus : NULL);
	zj_str(j, "namespace", c->ns >= 0 ? pi->iopath[c->ns].name : NULL);
	zj_str(j, "unknown_why", c->why);
	zj_end_obj(j);
}

/* Compound pages (vmemmap_shift) and how many memmap pages back them:
 * with the dedup, tail struct pages past a compound page's first two
 * memmap pages are copies of its second one. */
static void print_compound(const struct zdx_model *m, const struct zdx_pgmap_info *pi)
{
	const struct zdx_layout *l = m->l;
	struct zdx_compound_view v;
	char b1[32], b2[32];

	zdx_compound_view(m, pi, &v);
	if (v.nr <= 1)
		return;
	fprintf(fp, "  compound pages  %llu of %s (%llu pfns, vmemmap_shift %llu)\n",
		(unsigned long long)v.count, zdx_fmt_bytes(v.nr << l->page_shift, b1, sizeof(b1)),
		(unsigned long long)v.nr, (unsigned long long)pi->pg.vmemmap_shift);
	fprintf(fp, "  memmap pages    %llu mapped (%s of struct pages), ", (unsigned long long)v.mapped,
		zdx_fmt_bytes(v.mapped << l->page_shift, b2, sizeof(b2)));
	if (!v.rule)
		fprintf(fp, "all distinct (not deduplicated: %s)\n", pi->pg.altmap.valid
			? "the memmap is in the altmap" : "a compound page's struct pages fit in 2 pages");
	else if (v.seen == 1)
		fprintf(fp, "%llu distinct: deduplicated, struct pages from index %llu of each compound "
			"page on are shared copies (checked: the %llu memmap pages of the compound page "
			"at pfn %llx map %llu physical pages; page 2 %llx -> phys %llx = page 1's)\n",
			(unsigned long long)v.distinct,
			(unsigned long long)(ZDX_VMEMMAP_RESERVE_NR << l->page_shift) / l->sz_page,
			(unsigned long long)v.checked, (unsigned long long)v.head_pfn,
			(unsigned long long)v.seen_distinct, (unsigned long long)v.vaddr[1],
			(unsigned long long)v.phys[1]);
	else if (v.seen == 0)
		fprintf(fp, "distinct unknown: the page tables differ from the dedup rule (the %llu "
			"memmap pages of the compound page at pfn %llx map %llu physical pages, not %d)\n",
			(unsigned long long)v.checked, (unsigned long long)v.head_pfn,
			(unsigned long long)v.seen_distinct, ZDX_VMEMMAP_RESERVE_NR);
	else
		fprintf(fp, "distinct unknown: deduplicated by the kernel's rule, but the first "
			"compound page's memmap does not translate in this dump\n");
}

static void json_compound(struct zdx_json *j, const struct zdx_model *m, const struct zdx_pgmap_info *pi)
{
	struct zdx_compound_view v;
	int i;

	zdx_compound_view(m, pi, &v);
	zj_obj(j, "memmap_pages");
	zj_int(j, "mapped", (long long)v.mapped);
	if (v.distinct)
		zj_int(j, "distinct", (long long)v.distinct);
	else
		zj_str(j, "distinct", NULL);
	zj_bool(j, "deduplicated", v.rule);
	zj_end_obj(j);
	if (v.nr <= 1) {
		zj_str(j, "compound", NULL);
		return;
	}
	zj_obj(j, "compound");
	zj_int(j, "pfns", (long long)v.nr);
	zj_int(j, "count", (long long)v.count);
	zj_int(j, "shared_from_index", v.rule ? (long long)((ZDX_VMEMMAP_RESERVE_NR << m->l->page_shift) /
							   m->l->sz_page) : -1);
	if (v.seen >= 0) {
		zj_hex(j, "checked_head_pfn", v.head_pfn);
		zj_int(j, "checked_memmap_pages", (long long)v.checked);
		zj_int(j, "checked_distinct", (long long)v.seen_distinct);
		zj_bool(j, "dedup_seen", v.seen);
		zj_arr(j, "samples");      /* memmap pages 1, 2 and the last */
		for (i = 0; i < ZDX_COMPOUND_SAMPLES; i++) {
			zj_obj(j, NULL);
			zj_hex(j, "vaddr", v.vaddr[i]);
			zj_hex(j, "phys", v.phys[i]);
			zj_end_obj(j);
		}
		zj_end_arr(j);
	} else {
		zj_str(j, "dedup_seen", NULL);
	}
	zj_end_obj(j);
}

static void print_pgmap(const struct zdx_model *m, const struct zdx_pgmap_info *pi)
{
	const struct zdx_layout *l = m->l;
	const struct zdx_pgmap *pg = &pi->pg;
	struct region_span r[3];
	char b1[32], home[160], why[64];
	int i, n;

	if (pg->type_known)
		fprintf(fp, "PGMAP %llx  %s (%s)  owner %s\n", (unsigned long long)pg->addr,
			pg->type_name, zdx_pgmap_type_word(pg),
			pi->owner[0] ? pi->owner : "(no iomem resource)");
	else
		fprintf(fp, "PGMAP %llx  type %d INCONSISTENT (no value of enum memory_type)  "
			"owner %s\n", (unsigned long long)pg->addr, pg->type,
			pi->owner[0] ? pi->owner : "(no iomem resource)");
	for (i = 0; i < pg->nr_range; i++)
		if (!zdx_pgmap_range_sane(l, pg, i))
			fprintf(fp, "  range %d  phys %llx-%llx  INCONSISTENT: %s; corrupt pgmap, "
				"range left out of every answer\n", i,
				(unsigned long long)pg->range[i].start,
				(unsigned long long)pg->range[i].end, range_why(l, pg, i, why, sizeof(why)));
		else
			fprintf(fp, "  range %d  phys %llx-%llx  pfn %llx-%llx  %s\n", i,
				(unsigned long long)pg->range[i].start,
				(unsigned long long)pg->range[i].end,
				(unsigned long long)zdx_pgmap_range_first_pfn(l, pg, i),
				(unsigned long long)zdx_pgmap_range_end_pfn(l, pg, i) - 1,
				zdx_fmt_bytes(pg->range[i].end - pg->range[i].start + 1, b1, sizeof(b1)));
	fprintf(fp, "  flags %#x  vmemmap_shift %llu  ref %llx  ops %llx  owner-ptr %llx  "
		"pgmap_array runs %llu\n", pg->flags, (unsigned long long)pg->vmemmap_shift,
		(unsigned long long)pg->ref, (unsigned long long)pg->ops,
		(unsigned long long)pg->owner, (unsigned long long)pi->xa_entries);
	if (pg->altmap.valid || pg->altmap.inconsistent)
		fprintf(fp, "  altmap%s base_pfn %llx%s%llx  reserve %#llx  free %#llx  align %#llx  "
			"alloc %#llx\n", pg->altmap.inconsistent ? " INCONSISTENT (not an altmap of "
			"range 0; its regions are unknown)" : "", (unsigned long long)pg->altmap.base_pfn,
			pg->altmap.has_end_pfn ? "  end_pfn " : "",
			(unsigned long long)(pg->altmap.has_end_pfn ? pg->altmap.end_pfn : 0),
			(unsigned long long)pg->altmap.reserve, (unsigned long long)pg->altmap.free,
			(unsigned long long)pg->altmap.align, (unsigned long long)pg->altmap.alloc);
	else
		fprintf(fp, "  altmap none (memmap in System RAM)\n");
	fprintf(fp, "  %-15s  %-23s  %10s  %10s  %s\n", "REGION", "PFNS", "PAGES", "SIZE",
		"STRUCT PAGES");
	n = pgmap_regions(l, pg, r);
	for (i = 0; i < n; i++) {
		char pfns[48];

		snprintf(pfns, sizeof(pfns), "%llx-%llx", (unsigned long long)r[i].first,
			 (unsigned long long)r[i].end - 1);
		fprintf(fp, "  %-15s  %-23s  %10llu  %10s  %s\n", zdx_region_name(r[i].region), pfns,
			(unsigned long long)(r[i].end - r[i].first),
			zdx_fmt_bytes((r[i].end - r[i].first) << l->page_shift, b1, sizeof(b1)),
			r[i].struct_pages);
	}
	fprintf(fp, "  memmap of pfn_first at phys %llx: %s; %s in this dump\n",
		(unsigned long long)pi->memmap_phys, home_text(m, pi, home, sizeof(home)),
		pi->memmap_readable ? "present" : "NOT present");
	print_compound(m, pi);
	print_devgeom(m, pi);
	print_cxl(pi);
}

static void json_pgmap(struct zdx_json *j, const struct zdx_model *m, const struct zdx_pgmap_info *pi)
{
	const struct zdx_layout *l = m->l;
	const struct zdx_pgmap *pg = &pi->pg;
	struct region_span r[3];
	char home[160], why[64];
	int i, n;

	zj_obj(j, NULL);
	zj_hex(j, "addr", pg->addr);
	zj_int(j, "type", pg->type);
	zj_str(j, "type_name", pg->type_name);
	zj_str(j, "kind", zdx_pgmap_type_word(pg));
	zj_str(j, "owner", pi->owner[0] ? pi->owner : NULL);
	zj_hex(j, "flags", pg->flags);
	zj_int(j, "vmemmap_shift", (long long)pg->vmemmap_shift);
	zj_hex(j, "ref", pg->ref);
	zj_hex(j, "ops", pg->ops);
	zj_int(j, "pgmap_array_runs", (long long)pi->xa_entries);
	zj_arr(j, "ranges");
	for (i = 0; i < pg->nr_range; i++) {
		zj_obj(j, NULL);
		zj_hex(j, "start", pg->range[i].start);
		zj_hex(j, "end", pg->range[i].end);
		if (!zdx_pgmap_range_sane(l, pg, i))
			zj_str(j, "inconsistent", range_why(l, pg, i, why, sizeof(why)));
		zj_end_obj(j);
	}
	zj_end_arr(j);
	if (pg->altmap.valid || pg->altmap.inconsistent) {
		zj_obj(j, "altmap");
		if (pg->altmap.inconsistent)
			zj_str(j, "inconsistent", "not an altmap of range 0: its regions are unknown");
		zj_hex(j, "base_pfn", pg->altmap.base_pfn);
		if (pg->altmap.has_end_pfn)
			zj_hex(j, "end_pfn", pg->altmap.end_pfn);
		zj_hex(j, "reserve", pg->altmap.reserve);
		zj_hex(j, "free", pg->altmap.free);
		zj_hex(j, "align", pg->altmap.align);
		zj_hex(j, "alloc", pg->altmap.alloc);
		zj_end_obj(j);
	} else {
		zj_str(j, "altmap", NULL);
	}
	zj_hex(j, "pfn_first", zdx_pgmap_pfn_first(l, pg, 0));
	zj_arr(j, "regions");
	n = pgmap_regions(l, pg, r);
	for (i = 0; i < n; i++) {
		zj_obj(j, NULL);
		zj_str(j, "region", zdx_region_name(r[i].region));
		zj_hex(j, "first_pfn", r[i].first);
		zj_hex(j, "end_pfn", r[i].end);
		zj_int(j, "bytes", (long long)((r[i].end - r[i].first) << l->page_shift));
		zj_str(j, "struct_pages", r[i].struct_pages);
		zj_end_obj(j);
	}
	zj_end_arr(j);
	zj_hex(j, "memmap_phys", pi->memmap_phys);
	zj_str(j, "memmap_home", pi->memmap_home == ZDX_HOME_RAM ? "ram" :
	       pi->memmap_home == ZDX_HOME_DEVICE ? "device" : NULL);
	zj_str(j, "memmap_home_text", home_text(m, pi, home, sizeof(home)));
	if (pi->memmap_home == ZDX_HOME_DEVICE)
		zj_hex(j, "memmap_pgmap", m->pgm[pi->memmap_pgmap].pg.addr);
	zj_bool(j, "memmap_in_dump", pi->memmap_readable);
	json_compound(j, m, pi);
	json_devgeom(j, pi);
	json_cxl(j, pi);
	zj_end_obj(j);
}

/* The ADDR|PFN argument, when given: parsed before the dump is read,
 * looked up in the model by select_pgmap(). */
struct pgmap_arg {
	const char *text;         /* NULL: every pgmap */
	uint64_t v;
};

static int parse_pgmap_arg(int argc, char **argv, void *out, struct zdx_err *e)
{
	struct pgmap_arg *a = out;

	a->text = argc > 1 ? argv[1] : NULL;
	if (a->text && zdx_parse_u64(a->text, &a->v))
		return zdx_err_set(e, ZDX_E_USAGE, NULL, 0, "\"%s\" is not an address or pfn", a->text);
	return 0;
}

static const struct zdx_cmd_args pgmap_args = {
	.synopsis = "zdx " ZDX_SYN_PGMAP, .max = 1, .parse = parse_pgmap_arg
};

/* ADDR selects a pgmap by address, a smaller value selects the one holding
 * that pfn; its index, or -1 with e set. */
static int select_pgmap(const struct zdx_model *m, const struct pgmap_arg *a, struct zdx_err *e)
{
	int i;

	for (i = 0; i < m->npgm; i++)
		if (m->pgm[i].pg.addr == a->v)
			return i;
	if ((i = zdx_model_pgmap_of(m, a->v)) >= 0)
		return i;
	return zdx_err_set(e, ZDX_E_NOT_FOUND, NULL, 0, "%s is neither a dev_pagemap in pgmap_array "
			   "nor a pfn of one", a->text);
}

void zdx_cmd_pgmap(int argc, char **argv)
{
	int json = zdx_take_flag(&argc, argv, "-j"), only = -1, i;
	const struct zdx_model *m;
	struct zdx_err e = { 0 };
	struct pgmap_arg arg;
	struct zdx_json j;

	if (!(m = zdx_cmd_preamble(&pgmap_args, argc, argv, &arg, &e)))
		goto fail;
	if (!m->l->pgmap_container) {
		zdx_err_set(&e, ZDX_E_UNSUPPORTED, NULL, 0, "this kernel has no pgmap_array or pgmap_radix "
			    "(built without CONFIG_ZONE_DEVICE?)");
		goto fail;
	}
	if (!ZDX_NEED(m->l->sz_dev_pagemap, "struct dev_pagemap", &e) ||
	    !ZDX_NEED(m->l->off_pgmap_range, "dev_pagemap.range (or .res)", &e) ||
	    !ZDX_NEED(m->l->off_pgmap_type, "dev_pagemap.type", &e) ||
	    !ZDX_NEED(m->l->off_xa_node_slots, "xa_node.slots (pgmap_array is an XArray)", &e))
		goto fail;
	if (arg.text && (only = select_pgmap(m, &arg, &e)) < 0)
		goto fail;
	if (json) {
		zj_init(&j, fp);
		zj_obj(&j, NULL);
		zj_arr(&j, "pgmaps");
	} else if (!m->npgm && (m->npgmap_named || m->pgmap_xa_status)) {
		/* pgmaps named but none read, or the walk stopped: not a dump
		 * without ZONE_DEVICE memory */
		fprintf(fp, "no dev_pagemap could be read from pgmap_array (%d named%s): see INCOMPLETE\n",
			m->npgmap_named, m->pgmap_xa_status ? ", its walk stopped at a corrupt node" : "");
	} else if (!m->npgm) {
		fprintf(fp, "no dev_pagemap in pgmap_array: this dump has no ZONE_DEVICE memory\n");
	}
	for (i = 0; i < m->npgm; i++) {
		if (only >= 0 && i != only)
			continue;
		if (json)
			json_pgmap(&j, m, &m->pgm[i]);
		else
			print_pgmap(m, &m->pgm[i]);
		if (!json && i + 1 < m->npgm && only < 0)
			fprintf(fp, "\n");
	}
	if (json) {
		zj_end_arr(&j);
		zdx_incomplete_json(&j, &m->inc);
		zj_end_obj(&j);
		zj_done(&j);
	} else {
		zdx_incomplete_text(fp, &m->inc);
	}
	return;
fail:
	zdx_err_print(fp, "pgmap", json, &e);
}
