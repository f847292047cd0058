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

/* The catalogued walker nearest the fault in the deciding backtrace, if any. */
static const struct zdx_walker *known_walker(const struct zdx_explain_run *e, const char **fn)
{
	const struct zdx_panic *p = &e->panic;
	const struct zdx_walker *w;
	int i;

	if ((w = zdx_walker_find(p->exc_func))) {
		*fn = p->exc_func;
		return w;
	}
	for (i = p->dexc >= 0 ? p->dbt->exc[p->dexc].frame : 0; p->dbt && i < p->dbt->nframes; i++)
		if ((w = zdx_walker_find(p->dbt->frame[i].func))) {
			*fn = p->dbt->frame[i].func;
			return w;
		}
	return NULL;
}

/* "why crash's frame is not used" for an exception frame, "" if it is usable */
static const char *exc_unused(const struct zdx_exc *x)
{
	return x->not_text ? "bogus: its RIP is not kernel text"
	       : x->bogus ? "bogus: crash says \"possibly bogus exception frame\""
	       : x->user ? "user mode" : "";
}

/* The frame's symbol+offset; in text, where crash had none, its module
 * and where the name came from. */
static const char *exc_name(const struct zdx_exc *x, int text, char *buf, size_t n)
{
	if (x->func[0] && x->from_kallsyms && text)
		snprintf(buf, n, "%s+%#llx [%s] (from the dump's module kallsyms)", x->func,
			 (unsigned long long)x->off, x->module);
	else if (x->func[0])
		snprintf(buf, n, "%s+%#llx", x->func, (unsigned long long)x->off);
	else
		snprintf(buf, n, "%s", x->rip_text);
	return buf;
}

static void text_frames(const struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	const struct zdx_bt *b = p->dbt;
	char name[160];
	int i;

	if (!b || !b->nexc)
		return;
	fprintf(fp, "FRAMES      exception frames in crash's bt of pid %ld (%s) on CPU %d:\n",
		b->pid, b->comm, b->cpu);
	for (i = 0; i < b->nexc; i++) {
		const struct zdx_exc *x = &b->exc[i];

		fprintf(fp, "  %s %d. %s RIP %llx on the %s, %s%s%s%s\n", i == p->dexc ? "*" : "-", i + 1,
			exc_name(x, 1, name, sizeof(name)), (unsigned long long)x->regs.r[ZDX_RIP],
			b->seg[x->seg].name, zdx_ctx_name(x->ctx),
			x->boundary ? ", interrupted by the frames above it" : x->at_dump
			? ", the CPU's registers when the dump was taken" : "",
			exc_unused(x)[0] ? "; not used: " : "", exc_unused(x));
	}
}

static void text_decision(const struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	int reg;

	if (p->have_exception)
		fprintf(fp, "FAULTING    %s+%#llx%s%s%s (RIP %llx) in %s on CPU %d%s%s\n", p->exc_func,
			(unsigned long long)p->exc_off, p->exc_module[0] ? " [" : "", p->exc_module,
			p->exc_module[0] ? "]" : "", (unsigned long long)p->regs.r[ZDX_RIP],
			zdx_ctx_name(p->ctx), p->subject_cpu,
			p->subject_cpu != p->panic_cpu ? " (not the panicking CPU)" : "",
			p->exc_from_kallsyms ? "; crash has no symbol there: named from the dump's "
			"module kallsyms" : "");
	if (p->why[0])
		fprintf(fp, "FRAME       %s\n", p->why);
	if (p->dexc < 0 || p->dregs_rep < 0)
		return;
	if (!p->disagree) {
		fprintf(fp, "LOG REGS    the log's register dump agrees with crash's frame (%d registers)\n",
			p->compared);
		return;
	}
	fprintf(fp, "LOG REGS    the log's register dump DISAGREES with crash's frame:");
	for (reg = 0; reg < ZDX_RIP; reg++)
		if (p->disagree >> reg & 1)
			fprintf(fp, " %s crash %llx log %llx;", zdx_reg_name(reg),
				(unsigned long long)p->regs.r[reg],
				(unsigned long long)p->rep[p->dregs_rep].regs.r[reg]);
	fprintf(fp, "\n");
}

static const char *pgmap_desc(const struct zdx_explain_run *e, const struct zdx_candidate *c,
			      char *buf, size_t n)
{
	const struct zdx_pgmap_info *pi;

	if (c->facts.pgmap < 0 && c->facts.owner == ZDX_OWN_RAM) {
		char blk[96];
		const char *b = zdx_model_vmemmap_label(e->m, c->pfn, blk, sizeof(blk));

		if (!b)
			b = zdx_model_block_label(e->m, c->pfn, blk, sizeof(blk));
		snprintf(buf, n, "System RAM%s%s", b ? ", " : "", b ? b : "");
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

		fprintf(fp, "  %s [%s%s] pfn %llx: %s — %s\n", i == v->cause ? "*" : "-",
			c->support_only ? "support only, " : "",
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
	char why[1024], fix[512], own[160];

	fprintf(fp, "VERDICT     %s (confidence %s)\n", v->word, zdx_confidence_name(v->confidence));
	fprintf(fp, "PANIC       %s\n", e->panicmsg[0] ? e->panicmsg : "-");
	if (e->panic.oops[0])
		fprintf(fp, "OOPS        %s\n", e->panic.oops);
	text_decision(e);
	if (v->cause >= 0) {
		const struct zdx_candidate *c = &e->cand[v->cause];

		fprintf(fp, "PFN         %llx (phys %llx), section %lu\n", (unsigned long long)c->pfn,
			(unsigned long long)(c->pfn << e->m->l->page_shift),
			zdx_pfn_to_section_nr(e->m->l, c->pfn));
		fprintf(fp, "OWNER       %s\n", pgmap_desc(e, c, own, sizeof(own)));
		zdx_explain_why(e->m, c, why, sizeof(why));
		fprintf(fp, "WHY         %s\n", why);
		zdx_explain_fix(e->m, c->cls, fix, sizeof(fix));
		fprintf(fp, "FIX         %s\n", fix);
	} else {
		fprintf(fp, "WHY         no evidence ties this panic to ZONE_DEVICE memory, altmap "
			"metadata, memmap_on_memory pages, a memmap hole or offline memory\n");
	}
	if ((w = known_walker(e, &wfn)))
		fprintf(fp, "WALKER      %s (%s; guard in current kernels: %s)\n", wfn, w->what, w->guard);
	else if (e->walker_fn[0] && v->cause >= 0)
		fprintf(fp, "WALKER      %s: works on the pfn above at the fault (not in zdx's catalogue "
			"of kernel pfn walkers)\n", e->walker_fn);
	text_evidence(e, v);
	text_frames(e);
	zdx_incomplete_text(fp, &e->inc);
}

static void json_decision(struct zdx_json *j, const struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	char buf[32];
	int reg;

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)p->exc_off);
	zj_str(j, "faulting_offset", p->have_exception ? buf : NULL);
	zj_str(j, "faulting_symbol_source", !p->have_exception ? NULL : p->exc_from_kallsyms
	       ? "dump module kallsyms" : "crash");
	if (p->have_exception && (p->regs.valid >> ZDX_RIP & 1))
		zj_hex(j, "faulting_rip", p->regs.r[ZDX_RIP]);
	else
		zj_str(j, "faulting_rip", NULL);
	zj_str(j, "context", p->have_exception ? zdx_ctx_name(p->ctx) : NULL);
	zj_int(j, "panic_cpu", p->panic_cpu);
	zj_int(j, "cpu", p->subject_cpu);
	zj_int(j, "deciding_frame", p->dexc >= 0 ? p->dexc + 1 : 0);
	zj_str(j, "registers_from", p->dexc >= 0 ? (p->dbt == &p->bt ? "bt" : "bt -c")
	       : p->regs_from_log ? "log" : NULL);
	zj_str(j, "frame_choice", p->why);
	zj_str(j, "report", p->drep >= 0 ? zdx_rep_kind_name(p->rep[p->drep].kind) : NULL);
	zj_obj(j, "log_registers");
	zj_bool(j, "present", p->dregs_rep >= 0);
	zj_int(j, "compared", p->compared);
	zj_arr(j, "disagree");
	for (reg = 0; reg < ZDX_RIP; reg++)
		if (p->disagree >> reg & 1)
			zj_str(j, NULL, zdx_reg_name(reg));
	zj_end_arr(j);
	zj_end_obj(j);
}

static void json_frames(struct zdx_json *j, const struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	char name[96];
	int i;

	zj_arr(j, "exception_frames");
	for (i = 0; p->dbt && i < p->dbt->nexc; i++) {
		const struct zdx_exc *x = &p->dbt->exc[i];

		zj_obj(j, NULL);
		zj_int(j, "n", i + 1);
		zj_bool(j, "deciding", i == p->dexc);
		zj_str(j, "rip_symbol", exc_name(x, 0, name, sizeof(name)));
		zj_str(j, "rip_module", x->module[0] ? x->module : NULL);
		zj_str(j, "symbol_source", x->from_kallsyms ? "dump module kallsyms" : "crash");
		zj_hex(j, "rip", x->regs.r[ZDX_RIP]);
		zj_str(j, "stack", p->dbt->seg[x->seg].name);
		zj_str(j, "context", zdx_ctx_name(x->ctx));
		zj_bool(j, "interrupted", x->boundary);
		zj_bool(j, "bogus", x->bogus);
		zj_bool(j, "at_dump", x->at_dump);
		zj_str(j, "not_used", exc_unused(x)[0] ? exc_unused(x) : NULL);
		zj_end_obj(j);
	}
	zj_end_arr(j);
}

void zdx_explain_report_json(const struct zdx_explain_run *e, const struct zdx_verdict *v)
{
	const struct zdx_walker *w;
	const char *wfn = NULL;
	struct zdx_json j;
	char why[1024], fix[512], own[160], blk[32];
	int i;

	zj_init(&j, fp);
	zj_obj(&j, NULL);
	zj_str(&j, "verdict", v->word);
	zj_str(&j, "confidence", zdx_confidence_name(v->confidence));
	zj_str(&j, "panic", e->panicmsg);
	zj_str(&j, "oops", e->panic.oops[0] ? e->panic.oops : NULL);
	zj_str(&j, "faulting_function", e->panic.have_exception ? e->panic.exc_func : NULL);
	json_decision(&j, e);
	if (v->cause >= 0) {
		const struct zdx_candidate *c = &e->cand[v->cause];

		zj_hex(&j, "pfn", c->pfn);
		zj_str(&j, "owner", pgmap_desc(e, c, own, sizeof(own)));
		zj_str(&j, "device", c->facts.pgmap >= 0 && e->m->pgm[c->facts.pgmap].owner[0]
		       ? e->m->pgm[c->facts.pgmap].owner : NULL);
		zj_str(&j, "memory_block", zdx_model_block_name(e->m, c->pfn, blk, sizeof(blk)));
		zj_str(&j, "memory_block_online", zdx_model_memblock_of(e->m, c->pfn) >= 0
		       ? zdx_memblock_online_type(e->m, &e->m->mb[zdx_model_memblock_of(e->m, c->pfn)])
		       : NULL);
		zj_bool(&j, "memmap_on_memory", zdx_model_vmemmap_block(e->m, c->pfn) >= 0);
		if (c->facts.pgmap >= 0)
			zj_hex(&j, "pgmap", e->m->pgm[c->facts.pgmap].pg.addr);
		zj_str(&j, "region", c->facts.pgmap >= 0 ? zdx_region_name(c->facts.region) : NULL);
		zdx_explain_why(e->m, c, why, sizeof(why));
		zj_str(&j, "why", why);
		zdx_explain_fix(e->m, c->cls, fix, sizeof(fix));
		zj_str(&j, "fix", fix);
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
		zj_bool(&j, "support_only", c->support_only);
		zj_hex(&j, "value", c->value);
		zj_hex(&j, "pfn", c->pfn);
		zj_str(&j, "class", zdx_class_name(c->cls));
		zj_str(&j, "verdict_if_cause", zdx_class_verdict(c->cls));
		zj_str(&j, "origin", c->origin);
		zj_str(&j, "check", c->check);
		zj_end_obj(&j);
	}
	zj_end_arr(&j);
	json_frames(&j, e);
	zj_arr(&j, "notes");
	for (i = 0; i < e->nnotes; i++)
		zj_str(&j, NULL, e->dwarf_note[i]);
	zj_end_arr(&j);
	zdx_incomplete_json(&j, &e->inc);
	zj_end_obj(&j);
	zj_done(&j);
}
