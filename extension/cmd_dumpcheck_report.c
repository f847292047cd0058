/*
 * The report of `zdx dumpcheck`: the dump file (format, dump level, what
 * the capture source had), per class the pages needed, in the dump and
 * missing with the missing physical ranges and why, what the missing
 * pages cost each zdx command, and how to capture them next time; as a
 * table or as JSON.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/dumpcheck_run.h"
#include "zdx/format.h"
#include "zdx/json.h"
#include "zdx/xarray.h"

/* --- report: the file --- */

static const char *why_text(const struct dc *d, enum zdx_file_page why)
{
	switch (why) {
	case ZDX_FP_DUMPED:
		return "in the file, but crash cannot read it (corrupt or truncated dump)";
	case ZDX_FP_EXCLUDED:
		if (d->df && d->df->kind == ZDX_DUMP_ELF)
			return "outside the PT_LOAD file data (filtered)";
		return d->df && (d->df->status & ZDX_DH_EXCLUDED_VMEMMAP) ?
		       "left out by the dump level or by makedumpfile -e" : "left out by the dump level";
	case ZDX_FP_NOT_CAPTURED:
		return "not captured: the capture source did not have this memory";
	default:
		return "not readable (the file's metadata does not say why)";
	}
}

struct range_print {
	struct zdx_json *j;
	int n;
	uint64_t bytes;
	uint64_t start, end;            /* pending range: adjacent ones merge */
};

static void flush_captured(struct range_print *rp)
{
	if (rp->end <= rp->start)
		return;
	rp->bytes += rp->end - rp->start;
	if (rp->j) {
		zj_obj(rp->j, NULL);
		zj_hex(rp->j, "start", rp->start);
		zj_hex(rp->j, "end", rp->end);
		zj_end_obj(rp->j);
	} else if (rp->n < 8) {
		fprintf(fp, "%s%llx-%llx", rp->n ? ", " : "", (unsigned long long)rp->start,
			(unsigned long long)rp->end - 1);
	}
	rp->n++;
	rp->start = rp->end = 0;
}

static void add_captured(void *arg, uint64_t start, uint64_t end)
{
	struct range_print *rp = arg;

	if (rp->end > rp->start && start == rp->end) {
		rp->end = end;
		return;
	}
	flush_captured(rp);
	rp->start = start;
	rp->end = end;
}

/* Physical ranges the capture source had: the 1st kdump bitmap, or the
 * PT_LOADs of an ELF file. */
static void captured_ranges(const struct dc *d, struct range_print *rp)
{
	unsigned i;

	if (d->df->kind == ZDX_DUMP_KDUMP)
		zdx_dumpfile_bitmap_runs(d->df, 1, add_captured, rp);
	else
		for (i = 0; i < d->df->nload; i++)
			if (d->df->load[i].memsz)
				add_captured(rp, d->df->load[i].paddr,
					     d->df->load[i].paddr + d->df->load[i].memsz);
	flush_captured(rp);
}

static void text_file(const struct dc *d)
{
	const struct zdx_dumpfile *df = d->df;
	char b[256];
	struct range_print rp = { .j = NULL };

	fprintf(fp, "DUMP FILE  %s  (%s)\n", d->path ? d->path : "?",
		zdx_fmt_bytes(d->bytes, b, sizeof(b)));
	if (!df) {
		fprintf(fp, "  format      not recognised: zdx reads ELF64 and kdump-compressed "
			"headers only; page verdicts come from crash alone\n");
		return;
	}
	fprintf(fp, "  format      %s", zdx_dump_kind_name(df->kind, df->flattened));
	if (df->kind == ZDX_DUMP_KDUMP)
		fprintf(fp, ", %s compression, header version %d", zdx_dumpfile_compression(df->status),
			df->header_version);
	else
		fprintf(fp, ", %u PT_LOAD segments", df->nload);
	fprintf(fp, "\n");
	if (df->kind == ZDX_DUMP_KDUMP && df->dump_level == 0)
		fprintf(fp, "  dump level  0: keeps every page the capture source had\n");
	else if (df->kind == ZDX_DUMP_KDUMP && df->dump_level > 0)
		fprintf(fp, "  dump level  %d: leaves out %s\n", df->dump_level,
			zdx_dump_level_classes(df->dump_level, b, sizeof(b)));
	else
		fprintf(fp, "  dump level  not recorded (%s)\n",
			df->kind == ZDX_DUMP_ELF ? "ELF files carry no dump level" : "no sub-header");
	if (df->kind == ZDX_DUMP_KDUMP && (df->status & (ZDX_DH_INCOMPLETE | ZDX_DH_EXCLUDED_VMEMMAP)))
		fprintf(fp, "  flags      %s%s\n",
			df->status & ZDX_DH_INCOMPLETE ? " INCOMPLETE (the capture ran out of space)" : "",
			df->status & ZDX_DH_EXCLUDED_VMEMMAP ?
			" unused memmap excluded (makedumpfile -e)" : "");
	if (df->error[0])
		fprintf(fp, "  note        %s\n", df->error);
	fprintf(fp, "  captured    ");
	captured_ranges(d, &rp);
	fprintf(fp, "%s (%d range%s, %s)\n", rp.n > 8 ? ", ..." : rp.n ? "" : "nothing known",
		rp.n, rp.n == 1 ? "" : "s", zdx_fmt_bytes(rp.bytes, b, sizeof(b)));
	if (d->zero_excluded)
		fprintf(fp, "  crash       --zero_excluded is on: crash reads left-out pages as zeros; "
			"zdx counts them as missing from the file's bitmap\n");
}

/* --- report: consequences and advice --- */

static uint64_t missing_with(const struct dc_class *c, enum zdx_file_page why)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < c->missing_r.n; i++)
		if (c->missing_r.r[i].why == why)
			n += c->missing_r.r[i].end - c->missing_r.r[i].start;
	return n;
}

static void say(struct zdx_json *j, const char *text)
{
	if (j)
		zj_str(j, NULL, text);
	else
		fprintf(fp, "  - %s\n", text);
}

static void pgmap_consequence(const struct dc *d, const struct dc_class *c, struct zdx_json *j)
{
	const struct zdx_pgmap_info *pi = &d->m->pgm[c->pgmap];
	const struct dc_range *r = c->missing_r.r;
	char t[640], sz[32];

	snprintf(t, sizeof(t), "the memmap of pgmap %llx (%s, %s, %s) lives %s at %llx-%llx%s and "
		 "%s in this dump (%llu of %llu pages missing): zdx pfn and zdx explain cannot check "
		 "struct pages of pfns %llx-%llx; zdx sections, pgmap and map still work",
		 (unsigned long long)pi->pg.addr, zdx_pgmap_type_word(&pi->pg),
		 pi->owner[0] ? pi->owner : "no iomem owner",
		 zdx_fmt_bytes(pi->pg.range[0].end - pi->pg.range[0].start + 1, sz, sizeof(sz)),
		 c->home == ZDX_HOME_DEVICE ? "on the device" : "in System RAM",
		 (unsigned long long)r[0].start, (unsigned long long)r[c->missing_r.n - 1].end - 1,
		 c->missing_r.n > 1 ? " (several ranges)" : "",
		 c->missing == c->needed ? "is not" : "is only partly",
		 (unsigned long long)c->missing, (unsigned long long)c->needed,
		 (unsigned long long)(pi->pg.range[0].start >> d->l->page_shift),
		 (unsigned long long)(pi->pg.range[0].end >> d->l->page_shift));
	say(j, t);
}

static void block_consequence(const struct dc *d, const struct dc_class *c, struct zdx_json *j)
{
	const struct zdx_memblock *mb = &d->m->mb[c->mb];
	char t[512], bn[32];

	snprintf(t, sizeof(t), "the memmap of %s (%s), stored by memmap_on_memory in the block's "
		 "own first %llu pages, %s in this dump (%llu of %llu pages missing): zdx pfn, zdx "
		 "explain and crash kmem -p cannot read the struct pages of pfns %llx-%llx",
		 zdx_memblock_name(mb, bn, sizeof(bn)), zdx_memblock_online_type(d->m, mb),
		 (unsigned long long)mb->nr_vmemmap_pages,
		 c->missing == c->needed ? "is not" : "is only partly",
		 (unsigned long long)c->missing, (unsigned long long)c->needed,
		 (unsigned long long)zdx_memblock_start_pfn(d->m, mb),
		 (unsigned long long)zdx_memblock_end_pfn(d->m, mb) - 1);
	say(j, t);
}

static void consequences(const struct dc *d, struct zdx_json *j)
{
	char t[512];
	int i, any = 0;

	for (i = 0; i < d->ncls; i++) {
		const struct dc_class *c = &d->cls[i];

		if (!c->missing)
			continue;
		any = 1;
		if (c->missing_r.n == 0 && c->kind == DC_PGMAP_MEMMAP) {
			snprintf(t, sizeof(t), "%s: %llu pages are not mapped by the dump's page tables",
				 c->name, (unsigned long long)c->unmapped);
			say(j, t);
			continue;
		}
		switch (c->kind) {
		case DC_ROOTS:
			say(j, "mem_section roots are missing: the sections they hold are unknown to "
			    "every zdx command (and to crash's kmem -n)");
			break;
		case DC_USAGE:
			say(j, "usage blocks are missing: pfn_valid() of those sections' sub-sections "
			    "is unknown ('?' in zdx sections, 'unknown' in zdx pfn)");
			break;
		case DC_PGMAP:
			say(j, "dev_pagemap structs are missing: their device pfns cannot be attributed "
			    "and zdx pgmap/map/pfn/explain miss them");
			break;
		case DC_ZONE:
			snprintf(t, sizeof(t), "%s: %llu memmap pages missing: zdx pfn and crash kmem -p "
				 "cannot show the struct pages they hold", c->name,
				 (unsigned long long)c->missing);
			say(j, t);
			break;
		case DC_PGMAP_MEMMAP:
			pgmap_consequence(d, c, j);
			break;
		case DC_BLOCK_MEMMAP:
			block_consequence(d, c, j);
			break;
		case DC_LOG:
			say(j, "the printk log is not (all) in this dump: crash's log and zdx explain's "
			    "panic text (oops, dump_page output) may be lost");
			break;
		}
	}
	if (!any && d->inc.n)
		say(j, "no page of the classes checked is missing, but not everything could be "
		    "checked: see incomplete");
	else if (!any)
		say(j, "every structure zdx reads is in this dump");
}

/* Physical ranges (merged over classes of one home) that a capture would
 * need to add: those never captured. */
static void needed_ranges(const struct dc *d, char *t, size_t n)
{
	size_t used = 0;
	int i, k, shown = 0;

	t[0] = 0;
	for (i = 0; i < d->ncls; i++)
		for (k = 0; k < d->cls[i].missing_r.n && shown < 6; k++) {
			const struct dc_range *r = &d->cls[i].missing_r.r[k];

			if (r->why != ZDX_FP_NOT_CAPTURED)
				continue;
			used += snprintf(t + used, used < n ? n - used : 0, "%s%llx-%llx",
					 shown ? ", " : "", (unsigned long long)r->start,
					 (unsigned long long)r->end - 1);
			shown++;
		}
}

static void advice_not_captured(const struct dc *d, struct zdx_json *j, int device, int block)
{
	char t[1024], ranges[400];

	needed_ranges(d, ranges, sizeof(ranges));
	snprintf(t, sizeof(t), "a capture would need to add physical %s", ranges);
	say(j, t);
	if (block)
		say(j, "a memory block hot-plugged with memmap_on_memory keeps its memmap in its own "
		    "first pages: kdump captures them only if the capture kernel was loaded (kexec "
		    "-p) after the block was added; reload it on every memory hot-plug event (the "
		    "kdump service's udev rule does)");
	if (!device)
		return;
	say(j, "kexec-tools builds /proc/vmcore's PT_LOADs from System RAM only, so a memmap "
	    "stored on the device (ndctl --map=dev, the altmap) is in no kdump vmcore, at any "
	    "dump level; today's kexec-tools and makedumpfile cannot add it (the 2023-24 patch "
	    "series to dump pmem-resident memmap were never merged)");
	say(j, "to keep it: create the namespace with --map=mem (the memmap then sits in RAM, "
	    "64 bytes per 4 KiB page, and kdump captures it), or, for a guest, take a hypervisor "
	    "dump (virsh dump --memory-only, QMP dump-guest-memory), which holds all guest memory "
	    "including emulated pmem");
}

static void advice_excluded(const struct dc *d, struct zdx_json *j)
{
	const struct zdx_dumpfile *df = d->df;
	char t[768];

	if (df && (df->status & ZDX_DH_EXCLUDED_VMEMMAP))
		say(j, "the dump was made with makedumpfile -e, which also drops the memmap pages "
		    "describing excluded pages: capture without -e (measured on the corpus: -d 31 -e "
		    "lost 7656 of 8194 RAM memmap pages, -d 31 alone none)");
	if (df && df->kind == ZDX_DUMP_KDUMP && df->dump_level >= 0) {
		snprintf(t, sizeof(t), "pages were left out by dump level %d; the file does not record "
			 "which class each page fell in. Pages holding kernel structures are reserved "
			 "or slab pages, which of makedumpfile's classes only 'zero pages' (bit 1) "
			 "drops: a level without bit 1 (-d %d) keeps them, -d 0 keeps every page the "
			 "source had", df->dump_level, df->dump_level & ~ZDX_DL_ZERO);
		say(j, t);
	} else {
		say(j, "pages inside the captured memory were filtered out: capture without "
		    "filtering (makedumpfile -d 0, or -d without bit 1)");
	}
}

static void advice(const struct dc *d, struct zdx_json *j)
{
	int i, not_captured = 0, device_nc = 0, block_nc = 0, excluded = 0, other = 0;

	for (i = 0; i < d->ncls; i++) {
		const struct dc_class *c = &d->cls[i];
		uint64_t nc = missing_with(c, ZDX_FP_NOT_CAPTURED);

		not_captured |= nc > 0;
		device_nc |= nc > 0 && c->kind == DC_PGMAP_MEMMAP && c->home == ZDX_HOME_DEVICE;
		block_nc |= nc > 0 && c->kind == DC_BLOCK_MEMMAP;
		excluded |= missing_with(c, ZDX_FP_EXCLUDED) > 0;
		other |= c->missing > 0 && !nc && !missing_with(c, ZDX_FP_EXCLUDED);
	}
	if (not_captured)
		advice_not_captured(d, j, device_nc, block_nc);
	if (excluded)
		advice_excluded(d, j);
	if (other)
		say(j, "some pages are unreadable for reasons the file does not record (unmapped "
		    "virtual addresses or a damaged file): check crash's messages when reading them");
	if (!not_captured && !excluded && !other)
		say(j, "nothing to change for ZONE_DEVICE analysis");
	if (d->df && d->df->kind == ZDX_DUMP_KDUMP && (d->df->status & ZDX_DH_INCOMPLETE))
		say(j, "the dump is INCOMPLETE: give the capture target more space");
}

/* --- report: text --- */

static void text_class(const struct dc *d, const struct dc_class *c)
{
	int i;

	fprintf(fp, "%-72s %8llu %8llu %8llu\n", c->name, (unsigned long long)c->needed,
		(unsigned long long)c->present, (unsigned long long)c->missing);
	if (c->kind == DC_PGMAP_MEMMAP && c->home == ZDX_HOME_DEVICE && c->holder >= 0 &&
	    c->present_r.n + c->missing_r.n) {
		const struct dc_range *f = c->present_r.n ? &c->present_r.r[0] : &c->missing_r.r[0];

		fprintf(fp, "    stored in the altmap of pgmap %llx (%s) from phys %llx\n",
			(unsigned long long)d->m->pgm[c->holder].pg.addr,
			d->m->pgm[c->holder].owner[0] ? d->m->pgm[c->holder].owner : "?",
			(unsigned long long)f->start);
	}
	if (c->kind == DC_BLOCK_MEMMAP && c->present_r.n + c->missing_r.n) {
		const struct dc_range *f = c->present_r.n ? &c->present_r.r[0] : &c->missing_r.r[0];

		fprintf(fp, "    stored in the block itself from phys %llx (block starts at %llx)\n",
			(unsigned long long)f->start,
			(unsigned long long)(zdx_memblock_start_pfn(d->m, &d->m->mb[c->mb]) <<
					     d->l->page_shift));
	}
	for (i = 0; i < c->missing_r.n; i++)
		fprintf(fp, "    missing phys %llx-%llx (%llu pages): %s\n",
			(unsigned long long)c->missing_r.r[i].start,
			(unsigned long long)c->missing_r.r[i].end - 1,
			(unsigned long long)((c->missing_r.r[i].end - c->missing_r.r[i].start) >>
					     d->l->page_shift), why_text(d, c->missing_r.r[i].why));
	if (c->missing_r.more)
		fprintf(fp, "    ... and %llu more missing ranges\n",
			(unsigned long long)c->missing_r.more);
	for (i = 0; i < c->unmapped_r.n; i++)
		fprintf(fp, "    unmapped virt %llx-%llx: the dump's page tables do not map it\n",
			(unsigned long long)c->unmapped_r.r[i].start,
			(unsigned long long)c->unmapped_r.r[i].end - 1);
}

void dc_report_text(const struct dc *d)
{
	int i;

	text_file(d);
	fprintf(fp, "\n%-72s %8s %8s %8s\n", "WHAT ZDX READS (pages of the dump)", "NEEDED",
		"IN DUMP", "MISSING");
	for (i = 0; i < d->ncls; i++)
		text_class(d, &d->cls[i]);
	if (d->classes_dropped)
		fprintf(fp, "(more kinds of data than the first %d: the others were not checked)\n",
			DC_MAX_CLASSES);
	if (d->m->pgmap_xa_status)
		fprintf(fp, "pgmap_array node %llx is %s: the pgmap list may be incomplete\n",
			(unsigned long long)d->m->pgmap_xa_bad, zdx_xa_strerror(d->m->pgmap_xa_status));
	fprintf(fp, "\nCONSEQUENCES\n");
	consequences(d, NULL);
	fprintf(fp, "\nADVICE\n");
	advice(d, NULL);
	zdx_incomplete_text(fp, &d->inc);
}

/* --- report: JSON --- */

static void json_list(struct zdx_json *j, const char *key, const struct dc_list *L, int phys)
{
	int i;

	zj_arr(j, key);
	for (i = 0; i < L->n; i++) {
		zj_obj(j, NULL);
		zj_hex(j, "start", L->r[i].start);
		zj_hex(j, "end", L->r[i].end);
		if (phys)
			zj_str(j, "file", zdx_file_page_name(L->r[i].why));
		zj_end_obj(j);
	}
	zj_end_arr(j);
}

static const char *kind_key(enum dc_kind k)
{
	static const char *const names[] = {
		[DC_ROOTS] = "section_roots", [DC_USAGE] = "section_usage",
		[DC_PGMAP] = "dev_pagemap", [DC_ZONE] = "zone_memmap",
		[DC_PGMAP_MEMMAP] = "pgmap_memmap", [DC_LOG] = "log",
		[DC_BLOCK_MEMMAP] = "memmap_on_memory",
	};

	return names[k];
}

static void json_class(struct zdx_json *j, const struct dc *d, const struct dc_class *c)
{
	zj_obj(j, NULL);
	zj_str(j, "class", kind_key(c->kind));
	zj_str(j, "name", c->name);
	if (c->kind == DC_ZONE) {
		zj_int(j, "node", c->node);
		zj_str(j, "zone", c->zone >= 0 && c->zone < ZDX_MAX_ZONES ? d->l->zone_name[c->zone] : NULL);
		zj_bool(j, "online", c->online);
	}
	if (c->kind == DC_BLOCK_MEMMAP) {
		char bn[32];
		const struct zdx_memblock *mb = &d->m->mb[c->mb];

		zj_str(j, "memory_block", zdx_memblock_name(mb, bn, sizeof(bn)));
		zj_str(j, "memory_block_online", zdx_memblock_online_type(d->m, mb));
		zj_hex(j, "block_start", zdx_memblock_start_pfn(d->m, mb) << d->l->page_shift);
		zj_int(j, "vmemmap_pages", (long long)mb->nr_vmemmap_pages);
	}
	if (c->kind == DC_PGMAP_MEMMAP) {
		zj_hex(j, "pgmap", d->m->pgm[c->pgmap].pg.addr);
		zj_str(j, "home", c->home == ZDX_HOME_DEVICE ? "device" : "ram");
		if (c->holder >= 0)
			zj_hex(j, "stored_in_pgmap", d->m->pgm[c->holder].pg.addr);
	}
	zj_int(j, "needed_pages", (long long)c->needed);
	zj_int(j, "present_pages", (long long)c->present);
	zj_int(j, "missing_pages", (long long)c->missing);
	zj_int(j, "unmapped_pages", (long long)c->unmapped);
	json_list(j, "present", &c->present_r, 1);
	zj_int(j, "present_ranges_not_listed", (long long)c->present_r.more);
	json_list(j, "missing", &c->missing_r, 1);
	zj_int(j, "missing_ranges_not_listed", (long long)c->missing_r.more);
	json_list(j, "unmapped_virt", &c->unmapped_r, 0);
	zj_end_obj(j);
}

static void json_file(struct zdx_json *j, const struct dc *d)
{
	const struct zdx_dumpfile *df = d->df;
	struct range_print rp = { .j = j };
	char b[256];

	zj_obj(j, "dumpfile");
	zj_str(j, "path", d->path);
	zj_int(j, "bytes", (long long)d->bytes);
	zj_bool(j, "crash_zero_excluded", d->zero_excluded);
	if (!df) {
		zj_str(j, "format", "unknown");
		zj_end_obj(j);
		return;
	}
	zj_str(j, "format", df->kind == ZDX_DUMP_ELF ? "elf" : "kdump-compressed");
	zj_bool(j, "flattened", df->flattened);
	zj_str(j, "note", df->error[0] ? df->error : NULL);
	if (df->kind == ZDX_DUMP_ELF) {
		zj_int(j, "pt_load", df->nload);
	} else {
		zj_int(j, "header_version", df->header_version);
		zj_str(j, "compression", zdx_dumpfile_compression(df->status));
		zj_bool(j, "incomplete", !!(df->status & ZDX_DH_INCOMPLETE));
		zj_bool(j, "excluded_vmemmap", !!(df->status & ZDX_DH_EXCLUDED_VMEMMAP));
		if (df->dump_level >= 0)
			zj_int(j, "dump_level", df->dump_level);
		else
			zj_str(j, "dump_level", NULL);
		zj_str(j, "excluded_classes", df->dump_level >= 0 ?
		       zdx_dump_level_classes(df->dump_level, b, sizeof(b)) : NULL);
		zj_int(j, "max_mapnr", (long long)df->max_mapnr);
	}
	zj_arr(j, "captured");
	captured_ranges(d, &rp);
	zj_end_arr(j);
	zj_end_obj(j);
}

void dc_report_json(const struct dc *d)
{
	struct zdx_json j;
	int i;

	zj_init(&j, fp);
	zj_obj(&j, NULL);
	json_file(&j, d);
	zj_int(&j, "page_size", (long long)dc_page_size(d));
	zj_arr(&j, "classes");
	for (i = 0; i < d->ncls; i++)
		json_class(&j, d, &d->cls[i]);
	zj_end_arr(&j);
	zj_bool(&j, "classes_not_checked", d->classes_dropped);
	zj_str(&j, "pgmap_array", d->m->pgmap_xa_status == 0 ? "ok" : d->m->pgmap_xa_status == ZDX_XA_UNREADABLE ?
	       "node not in dump" : d->m->pgmap_xa_status == ZDX_XA_BUDGET ? "over node budget" : "corrupt");
	zj_arr(&j, "consequences");
	consequences(d, &j);
	zj_end_arr(&j);
	zj_arr(&j, "advice");
	advice(d, &j);
	zj_end_arr(&j);
	zdx_incomplete_json(&j, &d->inc);
	zj_end_obj(&j);
	zj_done(&j);
}
