/*
 * zdx explain: did a pfn walker touching ZONE_DEVICE memory or altmap
 * metadata cause this panic?  Candidates come only from the dump's data —
 * the oops' fault address, the exception registers, dump_page() lines, the
 * struct page holding a faulting garbage value, and DWARF variables at the
 * faulting pc and its callers — never from a function's or module's name.
 */
#include "defs.h"
#include <string.h>
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
	if (e->n >= ZDX_MAX_CANDIDATES)
		return NULL;
	c = &e->cand[e->n];
	memset(c, 0, sizeof(*c));
	c->source = src;
	c->kind = kind;
	c->value = value;
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

/* The oops' fault address: a struct page in the vmemmap, or a direct-map
 * address of a pfn. */
static void from_fault(struct zdx_explain_run *e)
{
	const struct zdx_layout *l = e->m->l;
	const struct zdx_panic *p = &e->panic;
	struct zdx_candidate *c = NULL;

	if (!p->have_fault_addr || p->gpf)
		return;
	if (is_vmemmap(l, p->fault_addr))
		c = add(e, ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, p->fault_addr);
	else if (l->page_offset_base && p->fault_addr >= l->page_offset_base &&
		 p->fault_addr - l->page_offset_base < (1ULL << l->max_physmem_bits))
		c = add(e, ZDX_SRC_FAULT_ADDR, ZDX_CAND_PHYS, p->fault_addr - l->page_offset_base);
	if (!c)
		return;
	snprintf(c->origin, sizeof(c->origin), "fault address %llx (%s)",
		 (unsigned long long)p->fault_addr, c->kind == ZDX_CAND_PAGE
		 ? "inside the struct page of this pfn" : "direct map of this pfn");
	snprintf(c->check, sizeof(c->check), "log | grep -i 'unable to handle'");
}

static void from_dump_page(struct zdx_explain_run *e)
{
	int i;

	for (i = 0; i < e->panic.ndump_page; i++) {
		struct zdx_candidate *c = add(e, ZDX_SRC_DUMP_PAGE, ZDX_CAND_PAGE,
					      e->panic.dump_page[i].page);

		if (!c)
			continue;
		snprintf(c->origin, sizeof(c->origin), "dump_page() of page %llx in the oops",
			 (unsigned long long)e->panic.dump_page[i].page);
		snprintf(c->check, sizeof(c->check), "log | grep 'page:%llx'",
			 (unsigned long long)e->panic.dump_page[i].page);
	}
}

static void from_registers(struct zdx_explain_run *e)
{
	const struct zdx_regs *r = &e->panic.regs;
	int reg;

	for (reg = 0; reg < ZDX_RIP; reg++) {
		struct zdx_candidate *c;

		if (!(r->valid >> reg & 1) || !is_vmemmap(e->m->l, r->r[reg]) ||
		    !(c = add(e, ZDX_SRC_REGISTER, ZDX_CAND_PAGE, r->r[reg])))
			continue;
		snprintf(c->origin, sizeof(c->origin), "%s = %llx at %s+%llu", zdx_reg_name(reg),
			 (unsigned long long)r->r[reg], e->panic.exc_func,
			 (unsigned long long)e->panic.exc_off);
		snprintf(c->check, sizeof(c->check), "bt");
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
		snprintf(c->origin, sizeof(c->origin), "%.32s %.24s = %llx (%.40s) in %.40s()%s",
			 v->type, v->name, (unsigned long long)v->val.value, v->val.where,
			 fv->scopes[v->scope].name, frame ? " (caller frame)" : "");
		snprintf(c->check, sizeof(c->check), "dis -l %llx", (unsigned long long)pc);
		/* The walker is the function iterating pfns: the innermost one
		 * holding a pfn variable, else the one holding the page. */
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
	if (e->nnotes < 4)
		snprintf(e->dwarf_note[e->nnotes++], sizeof(e->dwarf_note[0]), fmt, a, b);
}

/* Variables at the faulting pc, then at each caller's return address. */
static void from_dwarf(struct zdx_explain_run *e)
{
	static const struct zdx_dwarf_filter pages_only = { zdx_dwarf_filter_pages, NULL };
	struct zdx_regs regs = e->panic.regs;
	uint64_t pc;
	int frame;

	if (!e->panic.have_exception || !(regs.valid >> ZDX_RIP & 1)) {
		note(e, "no exception frame (the kernel called panic() directly): %s%s",
		     "no registers to evaluate DWARF locations against", "");
		return;
	}
	pc = regs.r[ZDX_RIP];
	for (frame = 0; frame < MAX_UNWIND && pc; frame++) {
		struct zdx_debuginfo di;
		struct zdx_dwarf_frame_vars fv;
		struct zdx_regs caller;
		uint64_t lookup = frame ? pc - 1 : pc;
		char why[160];
		int rc;

		if (zdx_debuginfo_for_pc(lookup, e->dirs, e->ndirs, &di)) {
			note(e, "frame at %.60s: %.200s", value_to_symstr(lookup, why, 0) ? why : "?", di.why);
			return;
		}
		if (zdx_dwarf_vars_at(di.dw, lookup, &regs, mem_cb, NULL, &pages_only, &fv) == 0) {
			add_dwarf_vars(e, &fv, lookup, frame);
			zdx_dwarf_frame_vars_free(&fv);
		}
		rc = zdx_dwarf_unwind(di.dw, lookup, &regs, mem_cb, NULL, &caller, why, sizeof(why));
		zdx_dwarf_close(di.dw);
		if (rc || !(caller.valid >> ZDX_RIP & 1) || !is_kernel_text(caller.r[ZDX_RIP]))
			return;
		regs = caller;
		pc = caller.r[ZDX_RIP];
	}
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

static void parse_opts(struct zdx_explain_run *e, int *argc, char **argv, int *json)
{
	static char env_dirs[1024];
	char *s, *save = NULL;
	int i;

	*json = zdx_take_flag(argc, argv, "-j");
	for (i = 1; i + 1 < *argc; i++)
		if (!strcmp(argv[i], "-m") && e->ndirs < MAX_DIRS)
			e->dirs[e->ndirs++] = argv[i + 1];
	snprintf(env_dirs, sizeof(env_dirs), "%s", getenv("ZDX_MODULE_PATH") ? getenv("ZDX_MODULE_PATH") : "");
	for (s = strtok_r(env_dirs, ":", &save); s && e->ndirs < MAX_DIRS; s = strtok_r(NULL, ":", &save))
		e->dirs[e->ndirs++] = s;
}

void zdx_cmd_explain(int argc, char **argv)
{
	static struct zdx_explain_run e;
	struct zdx_verdict v;
	int json;

	memset(&e, 0, sizeof(e));
	if (!(e.m = zdx_model()))
		return;
	parse_opts(&e, &argc, argv, &json);
	if (zdx_panic_context(&e.panic, e.panicmsg, sizeof(e.panicmsg))) {
		error(INFO, "explain: this dump has no panic task: nothing to explain\n");
		return;
	}
	gather(&e);
	zdx_explain_decide(e.cand, e.n, &v);
	if (json)
		zdx_explain_report_json(&e, &v);
	else
		zdx_explain_report_text(&e, &v);
}
