/*
 * zdx pfn: everything about one pfn, and whether its struct page can be
 * trusted — with the reason zdx believes so.  "Not in this dump" and
 * "never initialised" are different answers.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/json.h"
#include "zdx/page.h"
#include "zdx/vmemmap_dedup.h"

enum pfn_input { IN_GUESS, IN_PHYS, IN_PAGE };

struct page_view {
	uint64_t vaddr, paddr;
	int mapped;                     /* vmemmap address translates */
	int in_dump;                    /* its bytes are readable */
	struct zdx_page page;
	const char *verdict;            /* initialised? in words */
	const char *why;
	/* a page of a compound pgmap (vmemmap_shift): cp.range -1 otherwise */
	struct zdx_compound_page cp;
	uint64_t nr;                    /* pfns per compound page */
	uint64_t head_vaddr;            /* the head's struct page, 0 unknown */
	int head_named;                 /* tail: compound_head names that head; -1 not a tail */
	int head_pgmap;                 /* the head's page->pgmap is the pgmap; -1 unread */
};

static uint64_t max_pfn(const struct zdx_model *m)
{
	return m->nsec ? zdx_section_nr_to_pfn(m->l, m->sec[m->nsec - 1].nr + 1) : 0;
}

/* Resolve the argument to a pfn; says how it was read.  0, or -1 with e
 * set when it is not one of this machine. */
static int to_pfn(const struct zdx_model *m, uint64_t v, enum pfn_input in, uint64_t *pfn,
		  const char **how, struct zdx_err *e)
{
	const struct zdx_layout *l = m->l;

	if (in == IN_PAGE || (in == IN_GUESS && v >= max_pfn(m) && l->vmemmap_base &&
			      v >= l->vmemmap_base)) {
		if (!l->vmemmap_base || v < l->vmemmap_base ||
		    (v - l->vmemmap_base) / l->sz_page >= max_pfn(m)) {
			zdx_err_set(e, ZDX_E_NOT_FOUND, NULL, 0, "%llx is not a struct page address in the "
				    "vmemmap (base %llx)", (unsigned long long)v,
				    (unsigned long long)l->vmemmap_base);
			return -1;
		}
		*pfn = (v - l->vmemmap_base) / l->sz_page;
		*how = "struct page address";
		return 0;
	}
	if (in == IN_PHYS || (in == IN_GUESS && v >= max_pfn(m))) {
		if ((v >> l->page_shift) >= max_pfn(m)) {
			zdx_err_set(e, ZDX_E_NOT_FOUND, NULL, 0, "%llx is beyond the last section (highest "
				    "pfn %llx): not a pfn, physical address or struct page of this machine",
				    (unsigned long long)v, (unsigned long long)max_pfn(m) - 1);
			return -1;
		}
		*pfn = v >> l->page_shift;
		*how = "physical address";
		return 0;
	}
	*pfn = v;
	*how = "pfn";
	return 0;
}

/* page->flags names a node that has no pglist_data in this dump. */
static int node_unknown(const struct zdx_model *m, int node)
{
	int i;

	for (i = 0; i < m->nzones; i++)
		if (m->zones[i].node == node)
			return 0;
	return m->nzones > 0;
}

/* Judge the struct page from where it sits and what it holds. */
static void judge_page(const struct zdx_model *m, const struct zdx_pfn_facts *f, struct page_view *pv)
{
	const struct zdx_layout *l = m->l;
	const struct zdx_page *p = &pv->page;

	if (!pv->mapped) {
		pv->verdict = "no struct page";
		pv->why = "the vmemmap address is not mapped: no memmap for this sub-section";
		return;
	}
	if (!pv->in_dump) {
		pv->verdict = "unknown: not in this dump";
		pv->why = "the page holding this struct page is not in the dump (kdump filtering, "
			  "or a memmap on device memory outside the dump's ranges)";
		return;
	}
	if (p->state == ZDX_PAGE_UNDECODABLE) {
		pv->verdict = "unknown: struct page not decodable";
		pv->why = zdx_page_state_name(p->state);
		return;
	}
	if (f->owner == ZDX_OWN_DEVICE && f->region == ZDX_REGION_UNKNOWN) {
		/* reserve (never initialised), memmap storage (no pgmap) or data:
		 * each reads differently, and the altmap that says which is bad */
		pv->verdict = "unknown: region unknown";
		pv->why = zdx_region_why(f->region);
		return;
	}
	if (f->owner == ZDX_OWN_DEVICE && f->region == ZDX_REGION_RESERVE) {
		pv->verdict = "NEVER INITIALISED";
		pv->why = p->state == ZDX_PAGE_PLAUSIBLE
			? "altmap reserve (info block): memmap_init_zone_device() starts at pfn_first; "
			  "the bytes only look plausible by chance"
			: "altmap reserve (info block): memmap_init_zone_device() starts at pfn_first, "
			  "and the bytes confirm it";
		return;
	}
	if (p->state != ZDX_PAGE_PLAUSIBLE) {
		pv->verdict = "not initialised";
		pv->why = zdx_page_state_name(p->state);
		return;
	}
	if (f->owner == ZDX_OWN_DEVICE) {
		int zone_ok = p->zone == l->zone_device;
		int pg_ok = p->pgmap_word == m->pgm[f->pgmap].pg.addr ||
			    (p->tail && (pv->cp.range < 0 || (pv->head_named == 1 && pv->head_pgmap != 0)));

		if (f->region == ZDX_REGION_MEMMAP) {
			pv->verdict = zone_ok && p->reserved ? "initialised, no pgmap" : "inconsistent";
			pv->why = "altmap memmap storage: initialised by memmap_init_range() as a "
				  "reserved ZONE_DEVICE page; page->pgmap is not a dev_pagemap";
		} else {
			pv->verdict = zone_ok && pg_ok ? "initialised" : "inconsistent";
			pv->why = zone_ok && pg_ok ? (p->tail && pv->cp.range >= 0
				  ? "zone is ZONE_DEVICE and compound_head names the compound page's head"
				  : "zone is ZONE_DEVICE and page->pgmap points back to its pgmap")
				  : p->tail && pv->cp.range >= 0
				  ? "a tail page's compound_head should name its compound page's head, whose "
				    "page->pgmap is the pgmap"
				  : "a data page should be ZONE_DEVICE with page->pgmap == its pgmap";
		}
		return;
	}
	if (f->owner == ZDX_OWN_RAM && f->zone) {
		int ok = p->zone == f->zone->zone && p->node == f->zone->node;

		pv->verdict = ok ? "initialised" : "inconsistent";
		pv->why = ok ? "page->flags zone/node match the zone span holding it"
			     : "page->flags zone/node differ from the zone span holding it";
		return;
	}
	pv->verdict = "unknown";
	pv->why = f->owner == ZDX_OWN_RAM ? "RAM outside every zone span (offline or never onlined): "
		  "its memmap is initialised only when onlined" : "no owner to check against";
}

/* A tail struct page holds no pgmap: its word is compound_head | 1 and
 * the pgmap is the head's (prep_compound_tail()); with the memmap
 * deduplicated its bytes are also those of every tail at the same offset
 * of the compound's later memmap pages. */
static void read_compound(const struct zdx_model *m, const struct zdx_pfn_facts *f, struct page_view *pv)
{
	const struct zdx_layout *l = m->l;
	const struct zdx_section *hs;
	uint64_t w;

	pv->cp.range = -1;
	pv->head_named = pv->head_pgmap = -1;
	if (f->owner != ZDX_OWN_DEVICE || f->pgmap < 0)
		return;
	pv->nr = zdx_pgmap_vmemmap_nr(l, &m->pgm[f->pgmap].pg);
	if (pv->nr <= 1 || zdx_compound_page_of(l, &m->pgm[f->pgmap].pg, f->pfn, &pv->cp))
		return;
	hs = zdx_model_section(m, zdx_pfn_to_section_nr(l, pv->cp.head_pfn));
	if (hs && zdx_valid_section(l, hs))
		pv->head_vaddr = zdx_section_page_addr(l, hs, pv->cp.head_pfn);
	if (pv->in_dump && pv->page.tail)
		pv->head_named = pv->page.pgmap_word - 1 == pv->head_vaddr;
	if (pv->head_vaddr && !zdx_kread_field(pv->head_vaddr, l->off_page_pgmap, 8, &w))
		pv->head_pgmap = w == m->pgm[f->pgmap].pg.addr;
}

static void read_page_view(const struct zdx_model *m, const struct zdx_pfn_facts *f, struct page_view *pv)
{
	const struct zdx_layout *l = m->l;
	unsigned char buf[512];

	memset(pv, 0, sizeof(*pv));
	if (!f->sec || !zdx_valid_section(l, f->sec) || l->sz_page > (long)sizeof(buf)) {
		pv->verdict = "no struct page";
		pv->why = "the section has no memmap";
		return;
	}
	pv->vaddr = zdx_section_page_addr(l, f->sec, f->pfn);
	pv->mapped = zdx_kvtop(pv->vaddr, &pv->paddr) == 0;
	pv->in_dump = pv->mapped && zdx_kread(pv->vaddr, buf, l->sz_page) == 0;
	if (pv->in_dump) {
		zdx_page_decode(l, buf, &pv->page);
		if (pv->page.state == ZDX_PAGE_PLAUSIBLE && node_unknown(m, pv->page.node))
			pv->page.state = ZDX_PAGE_GARBAGE;
	}
	read_compound(m, f, pv);
	judge_page(m, f, pv);
}

static const char *yes_no(int v)
{
	return v < 0 ? "unknown (not in this dump)" : v ? "yes" : "no";
}

/* The memory block (memoryN) of a RAM pfn, as sysfs shows it. */
static void print_block(const struct zdx_model *m, uint64_t pfn)
{
	int b = zdx_model_memblock_of(m, pfn);
	const struct zdx_memblock *mb;
	const char *gap;
	char label[64];
	int listed;

	if (b < 0) {
		gap = zdx_memblock_gap(m, &listed);
		fprintf(fp, "  memory block: %s\n", gap ? gap : "none holds this pfn");
		return;
	}
	mb = &m->mb[b];
	/* online_type only carries a request into the online path and is reset
	 * after it (drivers/base/memory.c): not shown. */
	fprintf(fp, "  memory block %s  nid %d  zone %s%s  group %s\n",
		zdx_memblock_label(mb, 1, label, sizeof(label)), mb->nid,
		mb->zone_idx >= 0 ? m->zones[mb->zone_idx].name : mb->zone ? "?" : "-",
		mb->zone_from_page ? " (its first struct page's)" : "",
		!mb->group ? "-" : mb->group_dynamic == 1 ? "dynamic" : mb->group_dynamic == 0 ? "static" : "?");
	if (mb->nr_vmemmap_pages)
		fprintf(fp, "  memmap_on_memory: the first %llu pages of %s hold its memmap%s\n",
			(unsigned long long)mb->nr_vmemmap_pages, label,
			zdx_memblock_hosts_memmap(m, mb, pfn) ? "; this pfn is one of them "
			"(altmap metadata of RAM, not a page the allocator hands out)" : "");
}

static void json_block(struct zdx_json *j, const struct zdx_model *m, uint64_t pfn)
{
	int b = zdx_model_memblock_of(m, pfn);
	const struct zdx_memblock *mb;
	char name[32];

	if (b < 0)
		return;
	mb = &m->mb[b];
	zj_str(j, "memory_block", zdx_memblock_name(mb, name, sizeof(name)));
	zj_str(j, "memory_block_state", zdx_memblock_state_name(mb->state));
	zj_int(j, "memory_block_nid", mb->nid);
	zj_str(j, "memory_block_zone", mb->zone_idx >= 0 ? m->zones[mb->zone_idx].name : NULL);
	zj_str(j, "memory_block_zone_from", mb->zone_idx < 0 ? NULL : mb->zone_from_page ? "page" : "memory_block");
	zj_int(j, "memory_block_vmemmap_pages", (long long)mb->nr_vmemmap_pages);
	if (zdx_memblock_hosts_memmap(m, mb, pfn))
		zj_str(j, "region", "block-memmap");
}

static const char *tri_text(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "NO";
}

static void print_compound(const struct page_view *pv)
{
	if (pv->cp.range < 0)
		return;
	fprintf(fp, "  compound page  head pfn %llx (struct page %llx), index %llu of %llu\n",
		(unsigned long long)pv->cp.head_pfn, (unsigned long long)pv->head_vaddr,
		(unsigned long long)pv->cp.index, (unsigned long long)pv->nr);
	if (pv->cp.shared)
		fprintf(fp, "  memmap dedup   this struct page is a shared copy: its memmap page is the "
			"compound's second one again, the bytes of pfn %llx's struct page\n",
			(unsigned long long)pv->cp.canonical_pfn);
	if (pv->head_named >= 0)
		fprintf(fp, "  tail page      compound_head names the head: %s; the head's page->pgmap is "
			"the pgmap: %s\n", tri_text(pv->head_named), tri_text(pv->head_pgmap));
}

static void print_facts(const struct zdx_model *m, const struct zdx_pfn_facts *f,
			const struct page_view *pv, const char *how)
{
	const struct zdx_layout *l = m->l;
	char flags[16] = "-", home[80];

	if (f->sec)
		zdx_section_flag_letters(l, f->sec->flags, flags);
	fprintf(fp, "PFN %llx  PHYS %llx  (argument read as a %s)\n", (unsigned long long)f->pfn,
		(unsigned long long)(f->pfn << l->page_shift), how);
	if (f->sec)
		fprintf(fp, "  section %lu [%s]  sub-section %u: %s\n", f->sec->nr, flags, f->subsection,
			f->subsection_populated < 0 ? "unknown (usage map not in dump)"
			: f->subsection_populated ? "populated" : "not populated");
	else
		fprintf(fp, "  section %lu: not initialised (no memory here)\n",
			zdx_pfn_to_section_nr(l, f->pfn));
	fprintf(fp, "  pfn_valid()                 %s\n", yes_no(f->pfn_valid));
	fprintf(fp, "  pfn_to_online_page()        %s (this kernel%s), %s (with 1f90a3477df3)\n",
		f->online_page_this_kernel < 0 ? "unknown" : f->online_page_this_kernel ? "page" : "NULL",
		l->has_pfn_to_online_page_fn ? ", has the fix" : ", LACKS the ZONE_DEVICE fix",
		f->online_page_fixed < 0 ? "unknown" : f->online_page_fixed ? "page" : "NULL");
	if (f->pgmap >= 0) {
		const struct zdx_pgmap_info *pi = &m->pgm[f->pgmap];

		enum zdx_dev_part part = zdx_pgmap_dev_part(m, pi, f->pfn);
		const char *own = zdx_dev_part_owner(pi, part);
		char cxl[200];

		fprintf(fp, "  pgmap_pfn_valid()           %s\n", f->pgmap_pfn_valid < 0
			? "unknown (the pgmap's altmap is inconsistent)" : f->pgmap_pfn_valid ? "yes" : "no");
		fprintf(fp, "  owner   device: pgmap %llx %s %s, region %s%s%s\n",
			(unsigned long long)pi->pg.addr, zdx_pgmap_type_word(&pi->pg),
			own ? own : "-", zdx_region_name(f->region), part ? ", device part " : "",
			part ? zdx_dev_part_name(part) : "");
		if (pi->cxl.window >= 0)
			fprintf(fp, "          cxl: %s\n", zdx_cxl_chain_text(pi, cxl, sizeof(cxl)));
	} else if (f->owner == ZDX_OWN_RAM) {
		fprintf(fp, "  owner   RAM: %s %s, node %d zone %s\n",
			zdx_early_section(l, f->sec) ? "early" : "hot-plugged",
			zdx_online_section(l, f->sec) ? "online" : "offline",
			f->zone ? f->zone->node : -1, f->zone ? f->zone->name : "none");
		print_block(m, f->pfn);
	} else {
		fprintf(fp, "  owner   hole\n");
	}
	if (f->mixed)
		fprintf(fp, "  section shared by System RAM and device memory\n");
	if (pv->vaddr)
		fprintf(fp, "  struct page %llx  phys %s  %s\n", (unsigned long long)pv->vaddr,
			pv->mapped ? (snprintf(home, sizeof(home), "%llx", (unsigned long long)pv->paddr), home)
				   : "unmapped",
			pv->mapped ? zdx_memmap_home_of(pv->vaddr, home + 40, sizeof(home) - 40) : "");
	if (pv->in_dump)
		fprintf(fp, "  page->flags %llx (zone %d %s, node %d%s)  pgmap/compound_head %llx  "
			"_refcount %d\n", (unsigned long long)pv->page.flags, pv->page.zone,
			pv->page.zone < l->nr_zone_types ? l->zone_name[pv->page.zone] : "invalid",
			pv->page.node, pv->page.reserved ? ", PG_reserved" : "",
			(unsigned long long)pv->page.pgmap_word, pv->page.refcount);
	print_compound(pv);
	fprintf(fp, "  struct page: %s — %s\n", pv->verdict, pv->why);
}

static void json_compound(struct zdx_json *j, const struct page_view *pv)
{
	if (pv->cp.range < 0) {
		zj_str(j, "compound", NULL);
		return;
	}
	zj_obj(j, "compound");
	zj_hex(j, "head_pfn", pv->cp.head_pfn);
	zj_hex(j, "head_struct_page", pv->head_vaddr);
	zj_int(j, "index", (long long)pv->cp.index);
	zj_int(j, "pfns", (long long)pv->nr);
	zj_bool(j, "shared_copy", pv->cp.shared);
	zj_hex(j, "canonical_pfn", pv->cp.canonical_pfn);
	zj_tri(j, "tail_names_head", pv->head_named);
	zj_tri(j, "head_pgmap_ok", pv->head_pgmap);
	zj_end_obj(j);
}

static void json_facts(const struct zdx_model *m, const struct zdx_pfn_facts *f,
		       const struct page_view *pv, const char *how)
{
	const struct zdx_layout *l = m->l;
	struct zdx_json j;

	zj_init(&j, fp);
	zj_obj(&j, NULL);
	zj_hex(&j, "pfn", f->pfn);
	zj_str(&j, "argument_read_as", how);
	zj_int(&j, "section", (long long)zdx_pfn_to_section_nr(l, f->pfn));
	zj_bool(&j, "section_initialised", f->sec != NULL);
	if (f->sec)
		zj_hex(&j, "section_flags", f->sec->flags);
	zj_int(&j, "subsection", f->subsection);
	zj_tri(&j, "subsection_populated", f->sec ? f->subsection_populated : 0);
	zj_tri(&j, "pfn_valid", f->pfn_valid);
	zj_tri(&j, "pfn_to_online_page", f->online_page_this_kernel);
	zj_tri(&j, "pfn_to_online_page_fixed", f->online_page_fixed);
	zj_bool(&j, "kernel_has_online_page_fix", l->has_pfn_to_online_page_fn);
	zj_str(&j, "owner", zdx_owner_name(f->owner));
	zj_bool(&j, "mixed_section", f->mixed);
	if (f->pgmap >= 0) {
		zj_hex(&j, "pgmap", m->pgm[f->pgmap].pg.addr);
		zj_str(&j, "kind", zdx_pgmap_type_word(&m->pgm[f->pgmap].pg));
		enum zdx_dev_part part = zdx_pgmap_dev_part(m, &m->pgm[f->pgmap], f->pfn);

		zj_str(&j, "device", zdx_dev_part_owner(&m->pgm[f->pgmap], part));
		if (m->pgm[f->pgmap].cxl.window >= 0) {
			char cxl[200];

			zj_str(&j, "cxl", zdx_cxl_chain_text(&m->pgm[f->pgmap], cxl, sizeof(cxl)));
		}
		zj_str(&j, "region", zdx_region_name(f->region));
		zj_str(&j, "region_unknown_why", zdx_region_why(f->region));
		zj_str(&j, "device_part", zdx_dev_part_name(part));
		zj_tri(&j, "pgmap_pfn_valid", f->pgmap_pfn_valid);
	}
	if (f->zone) {
		zj_int(&j, "node", f->zone->node);
		zj_str(&j, "zone", f->zone->name);
	}
	if (f->sec && f->owner == ZDX_OWN_RAM) {
		zj_bool(&j, "online", zdx_online_section(l, f->sec));
		zj_bool(&j, "early", zdx_early_section(l, f->sec));
		json_block(&j, m, f->pfn);
	}
	zj_hex(&j, "struct_page", pv->vaddr);
	zj_bool(&j, "struct_page_mapped", pv->mapped);
	if (pv->mapped)
		zj_hex(&j, "struct_page_phys", pv->paddr);
	zj_bool(&j, "struct_page_in_dump", pv->in_dump);
	if (pv->in_dump) {
		zj_hex(&j, "page_flags", pv->page.flags);
		zj_int(&j, "page_zone", pv->page.zone);
		zj_int(&j, "page_node", pv->page.node);
		zj_str(&j, "page_state", zdx_page_state_name(pv->page.state));
	}
	json_compound(&j, pv);
	zj_str(&j, "struct_page_verdict", pv->verdict);
	zj_str(&j, "why", pv->why);
	zdx_incomplete_json(&j, &m->inc);
	zj_end_obj(&j);
	zj_done(&j);
}

/* The one number the command takes, into a uint64_t; 0, or -1 with e. */
static int parse_number(int argc, char **argv, void *out, struct zdx_err *e)
{
	if (argc < 2 || zdx_parse_u64(argv[1], out))
		return zdx_err_set(e, ZDX_E_USAGE, NULL, 0, "give a pfn, a physical address (-p) or a "
				   "struct page address (-s)");
	return 0;
}

static const struct zdx_cmd_args pfn_args = {
	.synopsis = "zdx " ZDX_SYN_PFN, .max = 1, .parse = parse_number
};

void zdx_cmd_pfn(int argc, char **argv)
{
	int json = zdx_take_flag(&argc, argv, "-j");
	enum pfn_input in = zdx_take_flag(&argc, argv, "-p") ? IN_PHYS
			    : zdx_take_flag(&argc, argv, "-s") ? IN_PAGE : IN_GUESS;
	const struct zdx_model *m;
	struct zdx_err e = { 0 };
	struct zdx_pfn_facts f;
	struct page_view pv;
	const char *how;
	uint64_t v, pfn;

	if (!(m = zdx_cmd_preamble(&pfn_args, argc, argv, &v, &e)))
		goto fail;
	if (!ZDX_NEED(m->l->off_page_flags, "page.flags", &e) ||
	    !ZDX_NEED(m->l->off_page_pgmap, "page.pgmap", &e) ||
	    !ZDX_NEED(m->l->off_page_mapping, "page.mapping", &e))
		goto fail;
	if (to_pfn(m, v, in, &pfn, &how, &e))
		goto fail;
	zdx_model_pfn_facts(m, pfn, &f);
	read_page_view(m, &f, &pv);
	if (json)
		json_facts(m, &f, &pv, how);
	else {
		print_facts(m, &f, &pv, how);
		zdx_incomplete_text(fp, &m->inc);
	}
	return;
fail:
	zdx_err_print(fp, "pfn", json, &e);
}
