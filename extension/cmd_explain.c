/*
 * zdx explain: did a pfn walker touching ZONE_DEVICE memory or altmap
 * metadata cause this panic?  Candidates come only from the dump's data —
 * the oops' fault address, the exception registers, dump_page() lines, the
 * struct page holding a faulting garbage value, and DWARF variables at the
 * faulting pc and its callers — never from a function's or module's name.
 */
#include "defs.h"
#include <string.h>
#include "zdx/modsym.h"
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/explain.h"
#include "zdx/panic.h"
#include "zdx/debuginfo.h"
#include "zdx/explain_run.h"

static int mem_cb(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zdx_kread(addr, buf, len);
}

static struct zdx_candidate *add(struct zdx_explain_run *e, enum zdx_cand_source src,
				 enum zdx_cand_kind kind, uint64_t value)
{
	struct zdx_candidate *c;
	int i;

	for (i = 0; i < e->n; i++)
		if (e->cand[i].source == src && e->cand[i].value == value)
			return NULL;
	if (e->n >= ZDX_MAX_CANDIDATES) {
		e->cand_dropped++;
		return NULL;
	}
	c = &e->cand[e->n];
	memset(c, 0, sizeof(*c));
	c->source = src;
	c->kind = kind;
	c->value = value;
	c->exc = e->cur_exc;
	c->support_only = e->cur_support;
	if (zdx_candidate_to_pfn(e->m, c))
		return NULL;
	e->n++;
	return c;
}

static int is_vmemmap(const struct zdx_layout *l, uint64_t v)
{
	struct zdx_model dummy = { .l = l };
	struct zdx_candidate c = { .kind = ZDX_CAND_PAGE, .value = v };

	return zdx_candidate_to_pfn(&dummy, &c) == 0;
}

static void fault_candidate(struct zdx_explain_run *e, const struct zdx_report *r, int nested)
{
	const struct zdx_layout *l = e->m->l;
	struct zdx_candidate *c = NULL;

	if (is_vmemmap(l, r->fault_addr))
		c = add(e, ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, r->fault_addr);
	else if (l->page_offset_base && r->fault_addr >= l->page_offset_base &&
		 r->fault_addr - l->page_offset_base < (1ULL << l->max_physmem_bits))
		c = add(e, ZDX_SRC_FAULT_ADDR, ZDX_CAND_PHYS, r->fault_addr - l->page_offset_base);
	if (!c)
		return;
	snprintf(c->origin, sizeof(c->origin), "fault address %llx (%s)%s",
		 (unsigned long long)r->fault_addr, c->kind == ZDX_CAND_PAGE
		 ? "inside the struct page of this pfn" : "direct map of this pfn",
		 nested ? ", of the earlier oops in the same episode on this CPU: the deciding "
		 "fault hit while it was being handled" : "");
	snprintf(c->check, sizeof(c->check), "log | grep -i 'unable to handle'");
}

/* The oops' fault address: a struct page in the vmemmap, or a direct-map
 * address of a pfn.  A nested fault's panic names the inner fault; the
 * outer one, earlier in the same oops episode on the same CPU, is where
 * the walker faulted first. */
static void from_fault(struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	const struct zdx_report *d;
	int i;

	if (p->drep < 0)
		return;
	d = &p->rep[p->drep];
	e->cur_exc = p->dexc;
	if (d->have_fault_addr && d->kind != ZDX_REP_GPF)
		fault_candidate(e, d, 0);
	for (i = 0; i < p->drep; i++)
		if (p->rep[i].have_fault_addr && p->rep[i].kind == ZDX_REP_FAULT &&
		    p->rep[i].episode == d->episode && p->rep[i].cpu == d->cpu)
			fault_candidate(e, &p->rep[i], 1);
}

static void from_dump_page(struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	int i;

	e->cur_exc = p->dexc;
	for (i = 0; i < p->ndump_page; i++) {
		struct zdx_candidate *c;

		/* only the deciding report's episode: an older dump_page() is
		 * another story */
		if (p->drep >= 0 && p->dump_page[i].episode != p->rep[p->drep].episode)
			continue;
		if (!(c = add(e, ZDX_SRC_DUMP_PAGE, ZDX_CAND_PAGE, p->dump_page[i].page)))
			continue;
		snprintf(c->origin, sizeof(c->origin), "dump_page() of page %llx in the oops",
			 (unsigned long long)p->dump_page[i].page);
		snprintf(c->check, sizeof(c->check), "log | grep 'page:%llx'",
			 (unsigned long long)p->dump_page[i].page);
	}
}

static void regs_candidates(struct zdx_explain_run *e, const struct zdx_regs *r, enum zdx_cand_source src,
			    const char *where, const char *check)
{
	int reg;

	for (reg = 0; reg < ZDX_RIP; reg++) {
		struct zdx_candidate *c;

		if (!(r->valid >> reg & 1) || !is_vmemmap(e->m->l, r->r[reg]) ||
		    !(c = add(e, src, ZDX_CAND_PAGE, r->r[reg])))
			continue;
		snprintf(c->origin, sizeof(c->origin), "%s = %llx %s", zdx_reg_name(reg),
			 (unsigned long long)r->r[reg], where);
		snprintf(c->check, sizeof(c->check), "%s", check);
	}
}

static void from_registers(struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	char where[160], check[64];
	int i, reg;

	if (p->dbt && p->dbt != &p->bt)
		snprintf(check, sizeof(check), "bt -c %d", p->dbt->cpu);
	else
		snprintf(check, sizeof(check), "bt");
	for (i = 0; p->dbt && i < p->dbt->nexc; i++) {
		const struct zdx_exc *x = &p->dbt->exc[i];
		int role = zdx_panic_exc_role(p, i);

		if (role == ZDX_EXC_UNUSABLE)
			continue;
		e->cur_exc = i;
		e->cur_support = role == ZDX_EXC_INTERRUPTED;
		snprintf(where, sizeof(where), "at %s+%#llx (exception frame %d, %s%s)",
			 x->func[0] ? x->func : x->rip_text, (unsigned long long)x->off, i + 1,
			 zdx_ctx_name(x->ctx), role == ZDX_EXC_OUTER ? "; an outer fault the deciding one interrupted"
			 : role == ZDX_EXC_INTERRUPTED ? "; a context the faulting code interrupted" : "");
		regs_candidates(e, &x->regs, ZDX_SRC_REGISTER, where, check);
	}
	e->cur_exc = p->dexc;
	e->cur_support = 0;
	if (p->dregs_rep < 0)
		return;
	if (p->regs_from_log) {
		snprintf(where, sizeof(where), "at %s+%#llx in the log's %s report", p->exc_func,
			 (unsigned long long)p->exc_off, zdx_rep_kind_name(p->rep[p->dregs_rep].kind));
		regs_candidates(e, &p->regs, ZDX_SRC_LOG_REGISTER, where, "log");
		return;
	}
	/* where the log disagrees with crash's frame, its value is evidence too */
	for (reg = 0; reg < ZDX_RIP; reg++) {
		struct zdx_regs one = { .valid = 0 };

		if (!(p->disagree >> reg & 1))
			continue;
		zdx_regs_set(&one, reg, p->rep[p->dregs_rep].regs.r[reg]);
		snprintf(where, sizeof(where), "in the log's %s report (crash's frame has %llx)",
			 zdx_rep_kind_name(p->rep[p->dregs_rep].kind), (unsigned long long)p->regs.r[reg]);
		regs_candidates(e, &one, ZDX_SRC_LOG_REGISTER, where, "log");
	}
}

/* A general protection fault reports the non-canonical address it
 * dereferenced: find the struct page among the candidates whose bytes hold
 * that garbage (the value, or a base a few bytes below it). */
static void link_garbage(struct zdx_explain_run *e)
{
	const struct zdx_layout *l = e->m->l;
	uint64_t bad = e->panic.fault_addr;
	int i, n = e->n;

	if (!e->panic.gpf || !e->panic.have_fault_addr || l->sz_page > 512)
		return;
	for (i = 0; i < n; i++) {
		unsigned char page[512];
		uint64_t addr = l->vmemmap_base + e->cand[i].pfn * l->sz_page, v;
		long off;
		struct zdx_candidate *c;

		if (zdx_kread(addr, page, l->sz_page))
			continue;
		for (off = 0; off + 8 <= l->sz_page; off += 8) {
			memcpy(&v, page + off, 8);
			/* the faulting address is the value itself, a field of it, or
			 * the value with its low flag bits cleared (page->mapping) */
			if ((v > bad ? v - bad : bad - v) >= 4096 || v < 4096)
				continue;
			e->cur_exc = e->cand[i].exc;
			e->cur_support = e->cand[i].support_only;
			if (!(c = add(e, ZDX_SRC_GARBAGE_LINK, ZDX_CAND_PAGE, addr)))
				break;
			snprintf(c->origin, sizeof(c->origin), "struct page %llx holds %llx at +%#lx, "
				 "%lld bytes from the GPF address %llx", (unsigned long long)addr,
				 (unsigned long long)v, off, (long long)(bad - v), (unsigned long long)bad);
			snprintf(c->check, sizeof(c->check), "rd -64 %llx %ld", (unsigned long long)addr,
				 l->sz_page / 8);
			break;
		}
	}
}

static int is_page_pointer(const struct zdx_dwarf_var *v)
{
	return strstr(v->type, "page *") || strstr(v->type, "folio *");
}

static void add_dwarf_vars(struct zdx_explain_run *e, const struct zdx_dwarf_frame_vars *fv, uint64_t pc,
			   int frame)
{
	size_t i;

	for (i = 0; i < fv->nvars; i++) {
		const struct zdx_dwarf_var *v = &fv->vars[i];
		int page = is_page_pointer(v);
		struct zdx_candidate *c;

		if (v->val.status != ZDX_VAL_OK || !v->val.value ||
		    (page && !is_vmemmap(e->m->l, v->val.value)))
			continue;
		c = add(e, ZDX_SRC_DWARF, page ? ZDX_CAND_PAGE : ZDX_CAND_PFN, v->val.value);
		if (!c)
			continue;
		c->frame = frame;
		snprintf(c->origin, sizeof(c->origin), "%.32s %.24s = %llx (%.40s) in %.40s()%s%s",
			 v->type, v->name, (unsigned long long)v->val.value, v->val.where,
			 fv->scopes[v->scope].name, frame ? " (caller frame)" : "",
			 e->cur_support ? " (interrupted context)" : e->cur_exc != e->panic.dexc
			 ? " (outer exception frame)" : "");
		snprintf(c->check, sizeof(c->check), "dis -l %llx", (unsigned long long)pc);
		/* The walker is the function iterating pfns: the innermost one
		 * holding a pfn variable, else the one holding the page. */
		if (e->cur_support)
			continue;
		if (!page && !e->walker_is_loop) {
			snprintf(e->walker_fn, sizeof(e->walker_fn), "%.63s", fv->scopes[v->scope].name);
			e->walker_is_loop = 1;
		} else if (page && !e->walker_fn[0]) {
			snprintf(e->walker_fn, sizeof(e->walker_fn), "%.63s", fv->scopes[v->scope].name);
		}
	}
}

static void note(struct zdx_explain_run *e, const char *fmt, const char *a, const char *b)
{
	char buf[sizeof(e->dwarf_note[0])];
	int i;

	snprintf(buf, sizeof(buf), fmt, a, b);
	for (i = 0; i < e->nnotes; i++)
		if (!strcmp(e->dwarf_note[i], buf))
			return;
	if (e->nnotes < (int)(sizeof(e->dwarf_note) / sizeof(e->dwarf_note[0])))
		snprintf(e->dwarf_note[e->nnotes++], sizeof(e->dwarf_note[0]), "%s", buf);
	else
		e->notes_dropped++;
}

/* An address of code as crash names it, else from the dump's module
 * kallsyms (crash run with --no_modules), else "?". */
static const char *code_name(uint64_t addr, char *buf, size_t n)
{
	struct zdx_modsym s;

	if (value_to_symstr(addr, buf, 0) && buf[0])
		return buf;
	if (!zdx_dump_modsym(addr, &s)) {
		snprintf(buf, n, "%.60s+%#llx [%.40s]", s.name, (unsigned long long)s.offset, s.module);
		return buf;
	}
	return "?";
}

/* Variables at an exception frame's pc, then at each caller's return
 * address, as far as CFI unwinds (it stops at the entry code). */
static void dwarf_from(struct zdx_explain_run *e, const struct zdx_regs *start)
{
	static const struct zdx_dwarf_filter pages_only = { zdx_dwarf_filter_pages, NULL };
	struct zdx_regs regs = *start;
	uint64_t pc = regs.r[ZDX_RIP];
	int frame;

	for (frame = 0; frame < MAX_UNWIND && pc; frame++) {
		struct zdx_debuginfo di;
		struct zdx_dwarf_frame_vars fv;
		struct zdx_regs caller;
		uint64_t lookup = frame ? pc - 1 : pc;
		char why[160], msg[600];
		int rc, i;

		rc = zdx_debuginfo_for_pc(lookup, e->dirs, e->ndirs, &di);
		for (i = 0; i < di.nrefused; i++)
			note(e, "%s%.390s", "", di.refused[i]);
		if (rc) {
			note(e, "frame at %.60s: %.320s", code_name(lookup, why, sizeof(why)),
			     zdx_err_message(&di.err, msg, sizeof(msg)));
			return;
		}
		if (di.used[0])
			note(e, "%s%.390s", "", di.used);
		if (zdx_dwarf_vars_at(di.dw, lookup, &regs, mem_cb, NULL, &pages_only, &fv) == 0) {
			add_dwarf_vars(e, &fv, lookup, frame);
			zdx_dwarf_frame_vars_free(&fv);
		}
		rc = zdx_dwarf_unwind(di.dw, lookup, &regs, mem_cb, NULL, &caller, why, sizeof(why));
		zdx_dwarf_close(di.dw);
		if (rc || !(caller.valid >> ZDX_RIP & 1) || !zdx_is_code(caller.r[ZDX_RIP]))
			return;
		regs = caller;
		pc = caller.r[ZDX_RIP];
	}
	e->unwind_capped |= pc != 0;
}

/* DWARF at the deciding frame and at outer exception frames of a nested
 * fault; not at interrupted contexts (their registers only support, and
 * each unwind costs a DWARF open). */
static void from_dwarf(struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	int i;

	if (!p->have_exception) {
		note(e, "no exception frame (the kernel called panic() directly): %s%s",
		     "no registers to evaluate DWARF locations against", "");
		return;
	}
	if (!(p->regs.valid >> ZDX_RIP & 1)) {
		note(e, "the log names the faulting code %.60s but crash has no symbol of that name: %s",
		     p->exc_func, "no pc to evaluate DWARF locations at");
		return;
	}
	e->cur_exc = p->dexc;
	e->cur_support = 0;
	dwarf_from(e, &p->regs);
	for (i = 0; p->dbt && i < p->dbt->nexc; i++) {
		int role = zdx_panic_exc_role(p, i);

		if (role != ZDX_EXC_OUTER || !(p->dbt->exc[i].regs.valid >> ZDX_RIP & 1))
			continue;
		e->cur_exc = i;
		e->cur_support = 0;
		dwarf_from(e, &p->dbt->exc[i].regs);
	}
	e->cur_exc = p->dexc;
	e->cur_support = 0;
}

static void gather(struct zdx_explain_run *e)
{
	int i;

	from_fault(e);
	from_dump_page(e);
	from_dwarf(e);
	from_registers(e);
	for (i = 0; i < e->n; i++)
		zdx_explain_classify(e->m, &e->cand[i]);
	link_garbage(e);
	for (i = 0; i < e->n; i++)
		zdx_explain_classify(e->m, &e->cand[i]);
}

/* A module directory more than MAX_DIRS would go unsearched: refused,
 * rather than dropped without a word. */
static int add_dir(struct zdx_explain_run *e, const char *dir, const char *from, struct zdx_err *err)
{
	if (e->ndirs == MAX_DIRS)
		return zdx_err_set(err, ZDX_E_USAGE, NULL, 0, "at most %d module directories (-m and "
				   "ZDX_MODULE_PATH together): %.200s from %s would not be searched",
				   MAX_DIRS, dir, from);
	e->dirs[e->ndirs++] = dir;
	return 0;
}

static const char synopsis[] = "zdx " ZDX_SYN_EXPLAIN;

/* -m DIR..., then ZDX_MODULE_PATH, into the struct zdx_explain_run out. */
static int parse_opts(int argc, char **argv, void *out, struct zdx_err *err)
{
	static char env_dirs[1024];
	struct zdx_explain_run *e = out;
	char *s, *save = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			if (add_dir(e, argv[++i], "-m", err))
				return -1;
			continue;
		}
		return zdx_err_unexpected(err, argv[i], synopsis);
	}
	snprintf(env_dirs, sizeof(env_dirs), "%s", getenv("ZDX_MODULE_PATH") ? getenv("ZDX_MODULE_PATH") : "");
	for (s = strtok_r(env_dirs, ":", &save); s; s = strtok_r(NULL, ":", &save))
		if (add_dir(e, s, "ZDX_MODULE_PATH", err))
			return -1;
	return 0;
}

static void note_bt_caps(struct zdx_explain_run *e, const struct zdx_bt *b, const char *which)
{
	if (b->frames_dropped || b->exc_dropped)
		zdx_incomplete_add(&e->inc, "backtrace", b->task, "%s: %lu frames beyond the first %d "
				   "and %lu exception frames beyond the first %d not searched for "
				   "candidates", which, b->frames_dropped, ZDX_MAX_FRAMES, b->exc_dropped,
				   ZDX_MAX_EXC);
}

/* The caps of explain's tables, hit: said in the incomplete list, so a
 * verdict never silently stands on a cut search. */
static void note_caps(struct zdx_explain_run *e)
{
	const struct zdx_panic *p = &e->panic;
	unsigned long trace = 0;
	int i;

	note_bt_caps(e, &p->bt, "the panic task");
	note_bt_caps(e, &p->other, "the CPU the report is about");
	for (i = 0; i < p->nrep; i++)
		trace += p->rep[i].trace_dropped;
	if (p->reports_dropped || p->dump_pages_dropped || trace)
		zdx_incomplete_add(&e->inc, "kernel log", 0, "%lu older reports beyond the last %d, "
				   "%lu dump_page() lines beyond the first %d and %lu Call Trace frames "
				   "beyond %d per report not read", p->reports_dropped, ZDX_MAX_REPORTS,
				   p->dump_pages_dropped, ZDX_MAX_DUMP_PAGES, trace, ZDX_MAX_LOG_FRAMES);
	if (e->cand_dropped)
		zdx_incomplete_add(&e->inc, "candidates", 0, "%lu candidate pages/pfns beyond the "
				   "first %d not judged", e->cand_dropped, ZDX_MAX_CANDIDATES);
	if (e->unwind_capped)
		zdx_incomplete_add(&e->inc, "unwind", 0, "callers beyond %d frames of an exception "
				   "frame not searched for DWARF variables", MAX_UNWIND);
	if (e->notes_dropped)
		zdx_incomplete_add(&e->inc, "notes", 0, "%lu notes beyond the first %d not kept",
				   e->notes_dropped, (int)(sizeof(e->dwarf_note) / sizeof(e->dwarf_note[0])));
}

static const struct zdx_cmd_args explain_args = {
	.synopsis = synopsis, .max = -1, .parse = parse_opts
};

void zdx_cmd_explain(int argc, char **argv)
{
	static struct zdx_explain_run e;
	struct zdx_verdict v;
	struct zdx_err err = { 0 };
	int json = zdx_take_flag(&argc, argv, "-j");

	memset(&e, 0, sizeof(e));
	if (!(e.m = zdx_cmd_preamble(&explain_args, argc, argv, &e, &err)))
		goto fail;
	if (zdx_panic_context(&e.panic, e.panicmsg, sizeof(e.panicmsg))) {
		zdx_err_set(&err, ZDX_E_NOT_FOUND, NULL, 0, "this dump has no panic task: nothing to explain");
		goto fail;
	}
	e.cur_exc = e.panic.dexc;
	e.inc = e.m->inc;       /* the model's losses, then explain's own */
	gather(&e);
	note_caps(&e);
	zdx_explain_decide(e.cand, e.n, &v);
	if (json)
		zdx_explain_report_json(&e, &v);
	else
		zdx_explain_report_text(&e, &v);
	return;
fail:
	zdx_err_print(fp, "explain", json, &err);
}
