/*
 * The report of `zdx explain`: verdict, confidence, the evidence chain with
 * the crash command that shows each piece by hand, the walker, why the
 * kernel allowed it and what would have prevented it.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/explain_run.h"
#include "zdx/walkers.h"
#include "zdx/json.h"

/* The catalogued walker nearest the fault in the backtrace, if any. */
static const struct zdx_walker *known_walker(const struct zdx_explain_run *e, const char **fn)
{
	const struct zdx_walker *w;
	int i;

	if ((w = zdx_walker_find(e->panic.exc_func))) {
		*fn = e->panic.exc_func;
		return w;
	}
	for (i = e->panic.exc_frame >= 0 ? e->panic.exc_frame : 0; i < e->panic.nframes; i++)
		if ((w = zdx_walker_find(e->panic.frame[i].func))) {
			*fn = e->panic.frame[i].func;
			return w;
		}
	return NULL;
}

static const char *pgmap_desc(const struct zdx_explain_run *e, const struct zdx_candidate *c,
			      char *buf, size_t n)
{
	const struct zdx_pgmap_info *pi;

	if (c->facts.pgmap < 0 && c->facts.owner == ZDX_OWN_RAM) {
		char blk[64];

		snprintf(buf, n, "System RAM%s%s", zdx_model_block_label(e->m, c->pfn, blk, sizeof(blk))
			 ? ", " : "", zdx_model_block_label(e->m, c->pfn, blk, sizeof(blk)) ? blk : "");
		return buf;
	}
	if (c->facts.pgmap < 0) {
		if (c->facts.sec)
			snprintf(buf, n, "none: sub-section %u of section %lu has no memmap", c->facts.subsection,
				 c->facts.sec->nr);
		else
			snprintf(buf, n, "none: no section");
		return buf;
	}
	pi = &e->m->pgm[c->facts.pgmap];
	snprintf(buf, n, "pgmap %llx (%s, %s, %s)", (unsigned long long)pi->pg.addr,
		 zdx_pgmap_type_word(&pi->pg), pi->owner[0] ? pi->owner : "no iomem owner",
		 zdx_region_name(c->facts.region));
	return buf;
}

static void text_evidence(const struct zdx_explain_run *e, const struct zdx_verdict *v)
{
	int i;

	fprintf(fp, "EVIDENCE\n");
	if (!e->n)
		fprintf(fp, "  no struct page or pfn candidate in the fault address, the exception "
			"registers, dump_page() output or DWARF variables\n");
	for (i = 0; i < e->n; i++) {
		const struct zdx_candidate *c = &e->cand[i];
		char own[160];

		fprintf(fp, "  %s [%s] pfn %llx: %s — %s\n", i == v->cause ? "*" : "-",
			zdx_source_name(c->source), (unsigned long long)c->pfn, c->origin,
			zdx_class_name(c->cls));
		fprintf(fp, "      owner %s; check: %s; zdx pfn %#llx\n",
			pgmap_desc(e, c, own, sizeof(own)), c->check, (unsigned long long)c->pfn);
	}
	for (i = 0; i < e->nnotes; i++)
		fprintf(fp, "  note: %s\n", e->dwarf_note[i]);
}

void zdx_explain_report_text(const struct zdx_explain_run *e, const struct zdx_verdict *v)
{
	const struct zdx_walker *w;
	const char *wfn = NULL;
	char why[1024], own[160];

	fprintf(fp, "VERDICT     %s (confidence %s)\n", v->word, zdx_confidence_name(v->confidence));
	fprintf(fp, "PANIC       %s\n", e->panicmsg[0] ? e->panicmsg : "-");
	if (e->panic.oops[0])
		fprintf(fp, "OOPS        %s\n", e->panic.oops);
	if (e->panic.have_exception)
		fprintf(fp, "FAULTING    %s+%llu (RIP %llx)\n", e->panic.exc_func,
			(unsigned long long)e->panic.exc_off,
			(unsigned long long)e->panic.regs.r[ZDX_RIP]);
	if (v->cause >= 0) {
		const struct zdx_candidate *c = &e->cand[v->cause];

		fprintf(fp, "PFN         %llx (phys %llx), section %lu\n", (unsigned long long)c->pfn,
			(unsigned long long)(c->pfn << e->m->l->page_shift),
			zdx_pfn_to_section_nr(e->m->l, c->pfn));
		fprintf(fp, "OWNER       %s\n", pgmap_desc(e, c, own, sizeof(own)));
		zdx_explain_why(e->m, c, why, sizeof(why));
		fprintf(fp, "WHY         %s\n", why);
		fprintf(fp, "FIX         %s\n", zdx_explain_fix(e->m, c->cls));
	} else {
		fprintf(fp, "WHY         no evidence ties this panic to ZONE_DEVICE memory, altmap "
			"metadata, a memmap hole or offline memory\n");
	}
	if ((w = known_walker(e, &wfn)))
		fprintf(fp, "WALKER      %s (%s; guard in current kernels: %s)\n", wfn, w->what, w->guard);
	else if (e->walker_fn[0] && v->cause >= 0)
		fprintf(fp, "WALKER      %s: works on the pfn above at the fault (not in zdx's catalogue "
			"of kernel pfn walkers)\n", e->walker_fn);
	text_evidence(e, v);
}

void zdx_explain_report_json(const struct zdx_explain_run *e, const struct zdx_verdict *v)
{
	const struct zdx_walker *w;
	const char *wfn = NULL;
	struct zdx_json j;
	char why[1024], own[160], blk[32];
	int i;

	zj_init(&j, fp);
	zj_obj(&j, NULL);
	zj_str(&j, "verdict", v->word);
	zj_str(&j, "confidence", zdx_confidence_name(v->confidence));
	zj_str(&j, "panic", e->panicmsg);
	zj_str(&j, "oops", e->panic.oops[0] ? e->panic.oops : NULL);
	zj_str(&j, "faulting_function", e->panic.have_exception ? e->panic.exc_func : NULL);
	if (v->cause >= 0) {
		const struct zdx_candidate *c = &e->cand[v->cause];

		zj_hex(&j, "pfn", c->pfn);
		zj_str(&j, "owner", pgmap_desc(e, c, own, sizeof(own)));
		zj_str(&j, "device", c->facts.pgmap >= 0 && e->m->pgm[c->facts.pgmap].owner[0]
		       ? e->m->pgm[c->facts.pgmap].owner : NULL);
		zj_str(&j, "memory_block", zdx_model_block_name(e->m, c->pfn, blk, sizeof(blk)));
		if (c->facts.pgmap >= 0)
			zj_hex(&j, "pgmap", e->m->pgm[c->facts.pgmap].pg.addr);
		zj_str(&j, "region", c->facts.pgmap >= 0 ? zdx_region_name(c->facts.region) : NULL);
		zdx_explain_why(e->m, c, why, sizeof(why));
		zj_str(&j, "why", why);
		zj_str(&j, "fix", zdx_explain_fix(e->m, c->cls));
	} else {
		zj_str(&j, "pfn", NULL);
	}
	w = known_walker(e, &wfn);
	zj_str(&j, "walker", w ? wfn : e->walker_fn[0] ? e->walker_fn : NULL);
	zj_bool(&j, "walker_in_catalogue", w != NULL);
	zj_arr(&j, "evidence");
	for (i = 0; i < e->n; i++) {
		const struct zdx_candidate *c = &e->cand[i];

		zj_obj(&j, NULL);
		zj_bool(&j, "cause", i == v->cause);
		zj_str(&j, "source", zdx_source_name(c->source));
		zj_hex(&j, "value", c->value);
		zj_hex(&j, "pfn", c->pfn);
		zj_str(&j, "class", zdx_class_name(c->cls));
		zj_str(&j, "verdict_if_cause", zdx_class_verdict(c->cls));
		zj_str(&j, "origin", c->origin);
		zj_str(&j, "check", c->check);
		zj_end_obj(&j);
	}
	zj_end_arr(&j);
	zj_arr(&j, "notes");
	for (i = 0; i < e->nnotes; i++)
		zj_str(&j, NULL, e->dwarf_note[i]);
	zj_end_arr(&j);
	zj_end_obj(&j);
	zj_done(&j);
}
