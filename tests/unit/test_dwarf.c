/* Unit tests for zdx's DWARF variable recovery and unwinding on real
 * compiled code (extension/dwarf_source.c, dwarf_vars.c, dwarf_cfi.c).
 *
 * Compiles tests/unit/dwarf_fixtures/fx_walk.c with gcc -g into a temp
 * dir (at -O2 and -O0; .debug_frame like the kernel, or .eh_frame;
 * DWARF 5 or 4), loads the shared object, runs its functions -- which
 * snapshot their real registers and stack -- and checks that the values
 * recovered from the debuginfo (of the .so, and of the relocatable .o
 * placed at the run-time .text address, as a module would be) are the
 * values the code really had.  Also: API errors, a file without usable
 * CFI, truncated and corrupted objects.  The expression decoder and
 * evaluator on hand-assembled bytes are tested in test_dwarf_expr.c;
 * building, loading and snapshotting the fixture is in dwarf_fixture.h. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "xorshift.h"
#include "zdx/dwarf.h"
#include "dwarf_fixture.h"

static const struct zdx_dwarf_var *find_var(const struct zdx_dwarf_frame_vars *fv,
					    const char *name, unsigned scope)
{
	for (size_t i = 0; i < fv->nvars; i++)
		if (!strcmp(fv->vars[i].name, name) && fv->vars[i].scope == scope)
			return &fv->vars[i];
	return NULL;
}

/* Assert variable `name` (in scope `scope`) is known and equals want. */
static void expect_var(const struct zdx_dwarf_frame_vars *fv, const char *name,
		       unsigned scope, uint64_t want, const char *ctx)
{
	const struct zdx_dwarf_var *v = find_var(fv, name, scope);

	ok(v != NULL, "%s: variable '%s' reported", ctx, name);
	if (!v)
		return;
	ok(v->val.status == ZDX_VAL_OK, "%s: %s recovered (%s: %s) at %s", ctx, name,
	   zdx_val_status_name(v->val.status), v->val.reason, v->val.where);
	is_u64(v->val.value, want, "%s: %s value (%s)", ctx, name, v->val.where);
}

static bool by_name(const struct zdx_dwarf_typeinfo *ti, void *arg)
{
	return ti->var_name && !strcmp(ti->var_name, arg);
}

#define PAGE_A 0xffffea0001812340ULL	/* a struct page (64-byte aligned) */
#define PFN_A ((PAGE_A - 0xffffea0000000000ULL) / 64)

/* A source: the .so (ET_DYN, bias) or the .o (ET_REL, .text placed). */
struct src_kind {
	const char *name;
	struct zdx_dwarf *src;
};

static void open_sources(const struct fixture *f, struct src_kind *k)
{
	struct zdx_dwarf_load so_load = { .bias = f->l_addr };
	struct zdx_dwarf_section text = { .name = ".text", .addr = 0 };
	struct zdx_dwarf_load o_load = { .sections = &text, .nsections = 1 };
	uint64_t off;
	void *fn = dlsym(f->dl, "fx_reg");

	k[0].name = "so";
	is_u64(zdx_dwarf_open(f->so, &so_load, &k[0].src), 0, "%s: open %s", f->tag, f->so);
	k[1].name = "ko-like .o";
	k[1].src = NULL;
	if (f->eh_only)		/* see test_no_cfi */
		return;
	if (!fn || !elf_sym(f->obj, "fx_reg", &off)) {
		ok(0, "%s: fx_reg located", f->tag);
		return;
	}
	text.addr = (uint64_t)(uintptr_t)fn - off;
	is_u64(zdx_dwarf_open(f->obj, &o_load, &k[1].src), 0, "%s: open %s (.text at 0x%"
	       PRIx64 ")", f->tag, f->obj, text.addr);
}

/* ZDX_DWARF_VERBOSE=1 prints what was recovered, as TAP comments. */
static void dump_vars(uint64_t pc, const struct zdx_dwarf_frame_vars *fv)
{
	if (!getenv("ZDX_DWARF_VERBOSE"))
		return;
	printf("# pc 0x%" PRIx64 " %s:%u, frame base: %s\n", pc, fv->file, fv->line,
	       fv->frame_base);
	for (size_t i = 0; i < fv->nscopes; i++)
		printf("#   scope %zu: %s%s %s:%u\n", i, fv->scopes[i].name,
		       fv->scopes[i].inlined ? " (inlined from)" : "",
		       fv->scopes[i].call_file, fv->scopes[i].call_line);
	for (size_t i = 0; i < fv->nvars; i++) {
		const struct zdx_dwarf_var *v = &fv->vars[i];

		printf("#   [%u] %s %s %s = 0x%" PRIx64 " (%s) %s%s\n", v->scope,
		       v->kind == ZDX_VAR_PARAM ? "param" : "local", v->type, v->name,
		       v->val.value, v->val.where, zdx_val_status_name(v->val.status),
		       v->val.reason[0] ? ": " : "");
		if (v->val.reason[0])
			printf("#       %s\n", v->val.reason);
	}
}

static int vars_at_pc(struct zdx_dwarf *src, uint64_t pc, const struct zdx_regs *r,
		      const struct fx_snap *s, const struct zdx_dwarf_filter *flt,
		      struct zdx_dwarf_frame_vars *fv)
{
	int rc = zdx_dwarf_vars_at(src, pc, r, snap_read, (void *)s, flt, fv);

	if (rc == 0)
		dump_vars(pc, fv);
	return rc;
}

static int vars_at_snap(struct zdx_dwarf *src, const struct fx_snap *s,
			const struct zdx_dwarf_filter *flt,
			struct zdx_dwarf_frame_vars *fv)
{
	struct zdx_regs r = snap_regs(s);

	return vars_at_pc(src, s->regs[ZDX_RIP], &r, s, flt, fv);
}

static void run_reg(const struct fixture *f, void *arg)
{
	unsigned long (*fn)(uint64_t) = dlsym(f->dl, "fx_reg");

	(void)arg;
	f->reset();
	fn(PAGE_A);
}

static void check_reg(const struct fixture *f, struct zdx_dwarf *src, const char *sk)
{
	const struct fx_state *st = f->get_state();
	struct zdx_dwarf_frame_vars fv;
	const struct zdx_dwarf_var *v;
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "%s/%s fx_reg", f->tag, sk);
	is_u64(st->n, 1, "%s: one snapshot", ctx);
	if (st->n < 1)
		return;
	is_u64(vars_at_snap(src, &st->snap[0], NULL, &fv), 0, "%s: vars_at", ctx);
	ok(fv.nscopes == 1 && !strcmp(fv.scopes[0].name, "fx_reg") &&
	   !fv.scopes[0].inlined, "%s: scope is fx_reg", ctx);
	expect_var(&fv, "page", 0, PAGE_A, ctx);
	expect_var(&fv, "pfn", 0, PFN_A, ctx);
	v = find_var(&fv, "page", 0);
	if (v && f->optimized)
		ok(!strcmp(v->val.where, "rbx"), "%s: page where = rbx (%s)", ctx, v->val.where);
	else if (v)
		ok(!strncmp(v->val.where, "[fb-", 4), "%s: -O0 page in frame (%s)", ctx,
		   v->val.where);
	if (v)
		ok(!strcmp(v->type, "struct page *") && v->kind == ZDX_VAR_PARAM,
		   "%s: page is a struct page * param (%s)", ctx, v->type);
	zdx_dwarf_frame_vars_free(&fv);
}

static const struct zdx_dwarf_filter page_filter = { .fn = zdx_dwarf_filter_pages, .arg = NULL };

static void run_inline(const struct fixture *f, void *arg)
{
	unsigned long (*fn)(uint64_t, unsigned long) = dlsym(f->dl, "fx_inline");

	f->reset();
	fn((uint64_t)(uintptr_t)arg, 1);
}

static void check_inline(const struct fixture *f, struct zdx_dwarf *src, const char *sk)
{
	const struct fx_state *st = f->get_state();
	struct zdx_dwarf_frame_vars fv;
	unsigned line = marker_line("FX-INLINE-CALL");
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "%s/%s fx_inline", f->tag, sk);
	if (st->n < 1 || vars_at_snap(src, &st->snap[0], &page_filter, &fv) != 0) {
		ok(0, "%s: snapshot and vars_at", ctx);
		return;
	}
	is_u64(fv.nscopes, 2, "%s: two scopes (inlined helper, function)", ctx);
	if (fv.nscopes == 2) {
		ok(!strcmp(fv.scopes[0].name, "fx_pfn_of") && fv.scopes[0].inlined,
		   "%s: innermost scope is inlined fx_pfn_of (%s)", ctx, fv.scopes[0].name);
		is_u64(fv.scopes[0].call_line, line, "%s: inlined from the marked line", ctx);
		ok(strstr(fv.scopes[0].call_file, "fx_walk.c") != NULL,
		   "%s: call file %s", ctx, fv.scopes[0].call_file);
		ok(!strcmp(fv.scopes[1].name, "fx_inline") && !fv.scopes[1].inlined,
		   "%s: outer scope fx_inline", ctx);
	}
	/* The default filter keeps pages and pfns, drops n, sum and i. */
	expect_var(&fv, "pg", 0, PAGE_A, ctx);
	expect_var(&fv, "pfn", 0, PFN_A, ctx);
	ok(fv.nvars >= 1 && fv.vars[0].scope == 0, "%s: innermost scope's vars first", ctx);
	ok(!find_var(&fv, "sum", 1) && !find_var(&fv, "n", 1),
	   "%s: filter dropped unrelated locals", ctx);
	{
		const struct zdx_dwarf_var *folio = find_var(&fv, "folio", 1);

		ok(folio && !strcmp(folio->type, "struct folio *"),
		   "%s: folio param reported", ctx);
		/* When recovered, it must be right; at -O2 it may not be. */
		ok(!folio || folio->val.status != ZDX_VAL_OK || folio->val.value == PAGE_A,
		   "%s: folio value, if any, is right (%s)", ctx, folio ? folio->val.where : "-");
	}
	zdx_dwarf_frame_vars_free(&fv);
}

static void run_slot(const struct fixture *f, void *arg)
{
	unsigned long (*fn)(uint64_t) = dlsym(f->dl, "fx_slot");

	(void)arg;
	f->reset();
	fn(PAGE_A);
}

static void check_slot(const struct fixture *f, struct zdx_dwarf *src, const char *sk)
{
	const struct fx_state *st = f->get_state();
	struct zdx_dwarf_frame_vars fv;
	const struct zdx_dwarf_var *v;
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "%s/%s fx_slot", f->tag, sk);
	if (st->n < 1 || vars_at_snap(src, &st->snap[0], NULL, &fv) != 0) {
		ok(0, "%s: snapshot and vars_at", ctx);
		return;
	}
	expect_var(&fv, "pfn", 0, PFN_A, ctx);
	v = find_var(&fv, "pfn", 0);
	ok(v && !strncmp(v->val.where, "[fb-", 4), "%s: pfn read at a frame-base offset (%s)",
	   ctx, v ? v->val.where : "-");
	ok(!strncmp(fv.frame_base, "fb: cfa = 0x", 12) && strstr(fv.frame_base, "; cfa = r"),
	   "%s: frame base from CFA (%s)", ctx,
	   fv.frame_base);
	zdx_dwarf_frame_vars_free(&fv);
}

static void run_pieces(const struct fixture *f, void *arg)
{
	unsigned long (*fn)(unsigned long, unsigned long) = dlsym(f->dl, arg);

	f->reset();
	fn(0x12345678000ULL, 0x9abcdef0000ULL);
}

static void check_pieces(const struct fixture *f, struct zdx_dwarf *src, const char *sk)
{
	const struct fx_state *st = f->get_state();
	struct zdx_dwarf_filter flt = { .fn = by_name, .arg = "range" };
	struct zdx_dwarf_frame_vars fv;
	const struct zdx_dwarf_var *v;
	uint64_t lo, hi;
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "%s/%s fx_pieces", f->tag, sk);
	if (st->n < 1 || vars_at_snap(src, &st->snap[0], &flt, &fv) != 0) {
		ok(0, "%s: snapshot and vars_at", ctx);
		return;
	}
	is_u64(fv.nvars, 1, "%s: custom filter keeps only 'range'", ctx);
	v = find_var(&fv, "range", 0);
	if (v) {
		is_u64(v->val.status, ZDX_VAL_OK, "%s: range recovered (%s) %s", ctx,
		       v->val.reason, v->val.where);
		memcpy(&lo, v->val.bytes, 8);
		memcpy(&hi, v->val.bytes + 8, 8);
		is_u64(lo, 0x12345678ULL, "%s: range.start_pfn", ctx);
		is_u64(hi, 0x9abcdef0ULL, "%s: range.end_pfn", ctx);
		is_u64(v->val.size, 16, "%s: 16-byte struct", ctx);
		if (f->optimized)
			ok(strstr(v->val.where, "[0..8] + ") != NULL,
			   "%s: assembled from pieces (%s)", ctx, v->val.where);
	}
	zdx_dwarf_frame_vars_free(&fv);
}

static void check_half(const struct fixture *f, struct zdx_dwarf *src, const char *sk)
{
	const struct fx_state *st = f->get_state();
	struct zdx_dwarf_filter flt = { .fn = by_name, .arg = "range" };
	struct zdx_dwarf_frame_vars fv;
	const struct zdx_dwarf_var *v;
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "%s/%s fx_half", f->tag, sk);
	if (st->n < 1 || vars_at_snap(src, &st->snap[0], &flt, &fv) != 0) {
		ok(0, "%s: snapshot and vars_at", ctx);
		return;
	}
	v = find_var(&fv, "range", 0);
	ok(v != NULL, "%s: range reported", ctx);
	if (v && f->optimized) {
		is_u64(v->val.status, ZDX_VAL_PARTIAL, "%s: partially known (%s)", ctx,
		       v->val.reason);
		ok(strstr(v->val.reason, "piece 2 (bytes 8..16)") != NULL,
		   "%s: names the missing piece: %s", ctx, v->val.reason);
		is_u64(v->val.value, 0x12345678ULL, "%s: known piece start_pfn", ctx);
		is_u64(v->val.known, 0xff, "%s: bytes 0..8 known", ctx);
	} else if (v) {
		uint64_t hi;

		memcpy(&hi, v->val.bytes + 8, 8);
		is_u64(v->val.status, ZDX_VAL_OK, "%s: -O0 keeps the whole struct", ctx);
		is_u64(hi, 0x9abcdef0ULL, "%s: -O0 end_pfn", ctx);
	}
	zdx_dwarf_frame_vars_free(&fv);
}

static void run_entry(const struct fixture *f, void *arg)
{
	void (*fn)(uint64_t, unsigned long) = dlsym(f->dl, "fx_entry");

	(void)arg;
	f->reset();
	fn(PAGE_A, PFN_A);
}

static void check_entry(const struct fixture *f, struct zdx_dwarf *src, const char *sk)
{
	const struct fx_state *st = f->get_state();
	struct zdx_dwarf_frame_vars fv;
	const char *names[] = { "page", "pfn" };
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "%s/%s fx_entry", f->tag, sk);
	if (st->n < 1 || vars_at_snap(src, &st->snap[0], NULL, &fv) != 0) {
		ok(0, "%s: snapshot and vars_at", ctx);
		return;
	}
	for (int i = 0; i < 2; i++) {
		const struct zdx_dwarf_var *v = find_var(&fv, names[i], 0);

		ok(v != NULL, "%s: %s reported", ctx, names[i]);
		if (v && f->optimized && i == 1) {
			/* pfn survived the first call in a callee-saved
			 * register: known and right, or honestly not. */
			ok(v->val.status == ZDX_VAL_NOT_RECOVERABLE ||
			   (v->val.status == ZDX_VAL_OK && v->val.value == PFN_A),
			   "%s: pfn right or not recoverable (%s %s)", ctx,
			   zdx_val_status_name(v->val.status), v->val.where);
		} else if (v && f->optimized) {
			is_u64(v->val.status, ZDX_VAL_NOT_RECOVERABLE,
			       "%s: %s not recoverable (%s)", ctx, names[i], v->val.reason);
			ok(strstr(v->val.reason, "entry") != NULL,
			   "%s: %s says entry value: %s", ctx, names[i], v->val.reason);
		} else if (v) {
			is_u64(v->val.value, i ? PFN_A : PAGE_A, "%s: -O0 %s in frame", ctx,
			       names[i]);
		}
	}
	zdx_dwarf_frame_vars_free(&fv);
}

static void run_outer(const struct fixture *f, void *arg)
{
	unsigned long (*fn)(uint64_t) = dlsym(f->dl, "fx_outer");

	(void)arg;
	f->reset();
	fn(PAGE_A);
}

/* Unwind from fx_leaf's snapshot to fx_outer and read fx_outer's page and
 * pfn there; the second snapshot (taken in fx_outer after the call) gives
 * the truth for rsp. */
static void check_outer(const struct fixture *f, struct zdx_dwarf *src, const char *sk)
{
	const struct fx_state *st = f->get_state();
	const struct fx_snap *leaf = &st->snap[0], *outer = &st->snap[1];
	struct zdx_regs r, caller;
	struct zdx_dwarf_frame_vars fv;
	char why[160], ctx[64];
	unsigned line = marker_line("FX-OUTER-CALL");

	snprintf(ctx, sizeof(ctx), "%s/%s fx_outer", f->tag, sk);
	if (st->n < 2) {
		ok(0, "%s: two snapshots", ctx);
		return;
	}
	r = snap_regs(leaf);
	is_u64(zdx_dwarf_unwind(src, leaf->regs[ZDX_RIP], &r, snap_read, (void *)leaf,
				&caller, why, sizeof(why)), 0, "%s: unwind (%s)", ctx, why);
	is_u64(caller.r[ZDX_RSP], outer->regs[ZDX_RSP], "%s: caller rsp = CFA", ctx);
	ok(caller.valid & (1u << ZDX_RIP), "%s: return address recovered", ctx);
	ok(caller.r[ZDX_RIP] < outer->regs[ZDX_RIP] &&
	   outer->regs[ZDX_RIP] - caller.r[ZDX_RIP] < 64,
	   "%s: return address just before fx_outer's own capture", ctx);
	ok(!(caller.valid & (1u << ZDX_RAX)) && !(caller.valid & (1u << ZDX_RDI)),
	   "%s: caller-saved registers left unknown", ctx);
	if (vars_at_pc(src, caller.r[ZDX_RIP] - 1, &caller, leaf, NULL, &fv) != 0) {
		ok(0, "%s: vars_at caller", ctx);
		return;
	}
	is_u64(fv.line, line, "%s: caller pc-1 is on the call line", ctx);
	ok(fv.nscopes >= 1 && !strcmp(fv.scopes[fv.nscopes - 1].name, "fx_outer"),
	   "%s: caller function is fx_outer", ctx);
	expect_var(&fv, "page", fv.nscopes - 1, PAGE_A, ctx);
	expect_var(&fv, "pfn", fv.nscopes - 1, PFN_A, ctx);
	zdx_dwarf_frame_vars_free(&fv);
}

struct scenario {
	const char *fn;
	runner run;
	void *arg;
	void (*check)(const struct fixture *, struct zdx_dwarf *, const char *);
};

static void run_fixture(struct fixture *f)
{
	static const struct scenario sc[] = {
		{ .fn = "fx_reg", .run = run_reg, .arg = NULL, .check = check_reg },
		{ .fn = "fx_inline", .run = run_inline, .arg = (void *)(uintptr_t)PAGE_A, .check = check_inline },
		{ .fn = "fx_slot", .run = run_slot, .arg = NULL, .check = check_slot },
		{ .fn = "fx_pieces", .run = run_pieces, .arg = "fx_pieces", .check = check_pieces },
		{ .fn = "fx_half", .run = run_pieces, .arg = "fx_half", .check = check_half },
		{ .fn = "fx_entry", .run = run_entry, .arg = NULL, .check = check_entry },
		{ .fn = "fx_outer", .run = run_outer, .arg = NULL, .check = check_outer },
	};
	struct src_kind k[2] = { { 0 } };

	if (!build_fixture(f)) {
		ok(0, "%s: fixture built and loaded (%s)", f->tag, dlerror());
		return;
	}
	open_sources(f, k);
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		with_stack(sc[i].run, f, sc[i].arg);
		for (int j = 0; j < 2; j++)
			if (k[j].src)
				sc[i].check(f, k[j].src, k[j].name);
	}
	zdx_dwarf_close(k[0].src);
	zdx_dwarf_close(k[1].src);
}

static void test_api_errors(const struct fixture *f)
{
	struct zdx_dwarf *src = NULL;
	struct zdx_dwarf_frame_vars fv;
	struct zdx_regs r = { .valid = 0 };
	char why[128];
	uint64_t cfa;

	is_u64(zdx_dwarf_open("/nonexistent/vmlinux", NULL, &src), (uint64_t)ZDX_DW_EOPEN,
	       "open of a missing file fails cleanly");
	ok(src == NULL, "no source on failure");
	is_u64(zdx_dwarf_open(fixture_src, NULL, &src), (uint64_t)ZDX_DW_EOPEN,
	       "open of a non-ELF file fails cleanly");
	if (zdx_dwarf_open(f->so, NULL, &src) != 0) {
		ok(0, "reopen fixture");
		return;
	}
	is_u64(zdx_dwarf_vars_at(src, 0x10, &r, NULL, NULL, NULL, &fv),
	       (uint64_t)ZDX_DW_ENOPC, "pc outside any function: ENOPC");
	is_u64(fv.nvars, 0, "no vars on error");
	is_u64(zdx_dwarf_cfa(src, 0x10, &r, NULL, NULL, &cfa, why, sizeof(why)),
	       (uint64_t)ZDX_DW_ENOCFI, "no CFI outside the code (%s)", why);
	zdx_dwarf_close(src);
	ok(!strcmp(zdx_dwarf_strerror(ZDX_DW_ENOPC), "no debuginfo covers this pc"),
	   "strerror");
}

/* Without CFI (an ET_REL file whose only CFI is .eh_frame, which libdwfl
 * does not relocate), frame-base variables must say so, not guess. */
static void test_no_cfi(struct fixture *f)
{
	struct zdx_dwarf_section text = { .name = ".text", .addr = 0 };
	struct zdx_dwarf_load load = { .sections = &text, .nsections = 1 };
	struct zdx_dwarf_frame_vars fv;
	struct zdx_dwarf *src;
	const struct zdx_dwarf_var *v;
	uint64_t off;
	void *fn = dlsym(f->dl, "fx_slot");

	if (!fn || !elf_sym(f->obj, "fx_slot", &off) ||
	    (text.addr = (uint64_t)(uintptr_t)fn - off,
	     zdx_dwarf_open(f->obj, &load, &src) != 0)) {
		ok(0, "no-CFI object opened");
		return;
	}
	with_stack(run_slot, f, NULL);
	if (vars_at_snap(src, &f->get_state()->snap[0], NULL, &fv) != 0) {
		ok(0, "no-CFI vars_at");
		zdx_dwarf_close(src);
		return;
	}
	v = find_var(&fv, "pfn", 0);
	ok(v && v->val.status == ZDX_VAL_NOT_RECOVERABLE &&
	   strstr(v->val.reason, "no CFI") != NULL,
	   "fbreg without CFI: not recoverable (%s)", v ? v->val.reason : "-");
	zdx_dwarf_frame_vars_free(&fv);
	zdx_dwarf_close(src);
}

/* Truncated files and scribbled-over DWARF must give errors or honest
 * statuses, never a crash.  The snapshot pc is inside fx_reg. */
static void test_corrupt(const struct fixture *f)
{
	const struct fx_state *st;
	struct zdx_dwarf_section text = { .name = ".text", .addr = 0 };
	struct zdx_dwarf_load load = { .sections = &text, .nsections = 1 };
	char bad[600];
	uint64_t off, size, dioff, disize;
	void *fn = dlsym(f->dl, "fx_reg");
	struct stat sb;
	unsigned tries = 0, survived = 0;

	if (!fn || !elf_sym(f->obj, "fx_reg", &off) || stat(f->obj, &sb) ||
	    !elf_section(f->obj, ".debug_info", &dioff, &disize)) {
		ok(0, "corrupt: fixture located");
		return;
	}
	text.addr = (uint64_t)(uintptr_t)fn - off;
	with_stack(run_reg, f, NULL);
	st = f->get_state();
	snprintf(bad, sizeof(bad), "%s/bad.o", tmpdir);
	for (int i = 0; i < 40; i++) {
		struct zdx_dwarf *src;
		struct zdx_dwarf_frame_vars fv;
		FILE *fp;

		size = (uint64_t)sb.st_size;
		if (i < 8) {		/* truncations */
			copy_file(f->obj, bad, size * (uint64_t)(i + 1) / 9);
		} else {		/* random bytes over .debug_info */
			copy_file(f->obj, bad, size);
			fp = fopen(bad, "r+b");
			for (int j = 0; fp && j < 16; j++) {
				fseek(fp, (long)(dioff + rnd() % disize), SEEK_SET);
				fputc((int)(rnd() & 0xff), fp);
			}
			if (fp)
				fclose(fp);
		}
		tries++;
		if (zdx_dwarf_open(bad, &load, &src) == 0) {
			if (vars_at_snap(src, &st->snap[0], NULL, &fv) == 0)
				zdx_dwarf_frame_vars_free(&fv);
			zdx_dwarf_close(src);
		}
		survived++;
	}
	unlink(bad);
	is_u64(survived, tries, "%u truncated/corrupted objects handled", tries);
}

int main(void)
{
	struct fixture fx[] = {
		{ .tag = "O2", .optimized = true,
		  .cflags = "-O2 -fno-asynchronous-unwind-tables" },
		{ .tag = "O0", .cflags = "-O0 -fno-asynchronous-unwind-tables" },
		{ .tag = "O2-dwarf4-eh", .optimized = true, .eh_only = true,
		  .cflags = "-O2 -gdwarf-4" },
	};
	size_t nfx = sizeof(fx) / sizeof(fx[0]);

	if (!find_fixture_source()) {
		ok(0, "fixture source found (%s)", fixture_src);
		return tap_done();
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zdx-dwarf-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		ok(0, "temp dir");
		return tap_done();
	}
	for (size_t i = 0; i < nfx; i++)
		run_fixture(&fx[i]);
	if (fx[0].dl) {
		test_api_errors(&fx[0]);
		test_corrupt(&fx[0]);
	}
	if (fx[2].dl)
		test_no_cfi(&fx[2]);
	cleanup(fx, nfx);
	return tap_done();
}
