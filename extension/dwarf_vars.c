/* Variables at a pc for zdx: the scopes holding the pc (the function, its
 * lexical blocks and inlined subroutines), each variable's type described
 * for a filter (zdx_dwarf_filter_pages: struct page / folio pointers and
 * pfns), and its location evaluated. */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdx/dwarf_source.h"

#define MAX_DEPTH 32		/* nesting of blocks/inlines we follow */
#define MAX_VARS 4096		/* variables reported at one pc */

/* ---- types ----------------------------------------------------------- */

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, type) != NULL;
}

static bool is_qualifier(int tag)
{
	return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
	       tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type;
}

/* Render a type the way C declares it, well enough for a report line:
 * "struct page *", "const unsigned long", "pfn_t". */
static void render_type(Dwarf_Die *t, char *buf, size_t len, int depth)
{
	Dwarf_Die inner;
	const char *name = dwarf_diename(t);
	int tag = dwarf_tag(t);
	bool has_inner = type_of(t, &inner);
	char sub[128];

	if (depth > 8) {
		snprintf(buf, len, "...");
		return;
	}
	switch (tag) {
	case DW_TAG_pointer_type:
		if (has_inner)
			render_type(&inner, sub, sizeof(sub), depth + 1);
		snprintf(buf, len, "%.110s *", has_inner ? sub : "void");
		return;
	case DW_TAG_const_type: case DW_TAG_volatile_type:
		if (has_inner)
			render_type(&inner, sub, sizeof(sub), depth + 1);
		snprintf(buf, len, "%s %.110s",
			 tag == DW_TAG_const_type ? "const" : "volatile",
			 has_inner ? sub : "void");
		return;
	case DW_TAG_array_type:
		if (has_inner)
			render_type(&inner, sub, sizeof(sub), depth + 1);
		snprintf(buf, len, "%.110s[]", has_inner ? sub : "?");
		return;
	case DW_TAG_structure_type:
		snprintf(buf, len, "struct %s", name ? name : "<anon>");
		return;
	case DW_TAG_union_type:
		snprintf(buf, len, "union %s", name ? name : "<anon>");
		return;
	case DW_TAG_enumeration_type:
		snprintf(buf, len, "enum %s", name ? name : "<anon>");
		return;
	case DW_TAG_subroutine_type:
		snprintf(buf, len, "function");
		return;
	}
	if (!name && is_qualifier(tag) && has_inner) {
		render_type(&inner, buf, len, depth + 1);
		return;
	}
	snprintf(buf, len, "%s", name ? name : "?");
}

/* Peel typedefs and qualifiers (recording typedef names) up to 16 deep. */
static bool peel(Dwarf_Die *t, struct zdx_dwarf_typeinfo *ti)
{
	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(t);

		if (tag == DW_TAG_typedef && ti && ti->ntypedefs < 4)
			ti->typedefs[ti->ntypedefs++] = dwarf_diename(t);
		if (tag != DW_TAG_typedef && !is_qualifier(tag))
			return true;
		if (!type_of(t, t))
			return false;		/* typedef of void */
	}
	return false;
}

static void describe_type(Dwarf_Die *var, struct zdx_dwarf_typeinfo *ti,
			  char *tname, size_t tlen)
{
	Dwarf_Die t, target;
	Dwarf_Word size;
	int tag;

	memset(ti, 0, sizeof(*ti));
	ti->var_name = dwarf_diename(var);
	ti->type_name = tname;
	snprintf(tname, tlen, "?");
	if (!type_of(var, &t))
		return;
	render_type(&t, tname, tlen, 0);
	if (dwarf_aggregate_size(&t, &size) == 0)
		ti->size = size;
	if (!peel(&t, ti))
		return;
	tag = dwarf_tag(&t);
	if (tag == DW_TAG_base_type || tag == DW_TAG_enumeration_type) {
		Dwarf_Attribute a;
		Dwarf_Word enc = 0;

		if (dwarf_attr(&t, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		ti->is_integer = tag == DW_TAG_enumeration_type ||
			(enc != DW_ATE_float && enc != DW_ATE_complex_float);
	} else if (tag == DW_TAG_pointer_type) {
		ti->is_pointer = true;
		if (type_of(&t, &target) && peel(&target, NULL) &&
		    (dwarf_tag(&target) == DW_TAG_structure_type ||
		     dwarf_tag(&target) == DW_TAG_union_type))
			ti->pointee_struct = dwarf_diename(&target);
	}
}

bool zdx_dwarf_filter_pages(const struct zdx_dwarf_typeinfo *ti, void *arg)
{
	(void)arg;
	if (ti->is_pointer && ti->pointee_struct &&
	    (!strcmp(ti->pointee_struct, "page") ||
	     !strcmp(ti->pointee_struct, "folio")))
		return true;
	for (unsigned i = 0; i < ti->ntypedefs; i++)
		if (ti->typedefs[i] && !strcmp(ti->typedefs[i], "pfn_t"))
			return true;
	return ti->is_integer && ti->size == 8 && ti->var_name &&
	       strstr(ti->var_name, "pfn");
}

/* ---- scopes at a pc -------------------------------------------------- */

static bool is_function(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/* First child of parent with a wanted tag whose ranges contain a. */
static bool child_at(Dwarf_Die *parent, Dwarf_Addr a, bool top, Dwarf_Die *out)
{
	Dwarf_Die c;

	if (dwarf_child(parent, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);
		bool want = top ? tag == DW_TAG_subprogram :
			(tag == DW_TAG_lexical_block ||
			 tag == DW_TAG_inlined_subroutine);

		if (want && dwarf_haspc(&c, a) > 0) {
			*out = c;
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* path[0] = the out-of-line function containing a, then each nested
 * lexical block / inlined subroutine containing it.  Returns the depth,
 * 0 when no function covers a. */
static int scope_path(Dwarf_Die *cu, Dwarf_Addr a, Dwarf_Die *path)
{
	int n = 0;

	if (!child_at(cu, a, true, &path[0]))
		return 0;
	for (n = 1; n < MAX_DEPTH && child_at(&path[n - 1], a, false, &path[n]); n++)
		;
	return n;
}

static const char *call_file(Dwarf_Die *cu, Dwarf_Die *inl)
{
	Dwarf_Attribute a;
	Dwarf_Word idx;
	Dwarf_Files *files;
	size_t nfiles;

	if (!dwarf_attr(inl, DW_AT_call_file, &a) || dwarf_formudata(&a, &idx) ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) || idx >= nfiles)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

static void fill_scope(Dwarf_Die *cu, Dwarf_Die *d, struct zdx_dwarf_scope *s)
{
	const char *name = dwarf_diename(d), *file;
	Dwarf_Attribute a;
	Dwarf_Word line = 0;

	snprintf(s->name, sizeof(s->name), "%s", name ? name : "<anon>");
	s->inlined = dwarf_tag(d) == DW_TAG_inlined_subroutine;
	if (!s->inlined)
		return;
	file = call_file(cu, d);
	snprintf(s->call_file, sizeof(s->call_file), "%s", file ? file : "?");
	if (dwarf_attr(d, DW_AT_call_line, &a) && dwarf_formudata(&a, &line) == 0)
		s->call_line = (unsigned)line;
}

/* ---- variables ------------------------------------------------------- */

/* Per-call state of zdx_dwarf_vars_at. */
struct walk {
	struct zdx_dwarf *src;
	Dwarf_Addr a;			/* pc as a DWARF address */
	struct zdx_dwarf_env env;
	const struct zdx_dwarf_filter *filter;
	struct zdx_dwarf_frame_vars *out;
	size_t cap;
	char fb_why[160], cfa_why[160];
};

static struct zdx_dwarf_var *new_var(struct walk *w)
{
	struct zdx_dwarf_frame_vars *o = w->out;

	if (o->nvars == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct zdx_dwarf_var *v;

		if (cap > MAX_VARS)
			return NULL;
		v = realloc(o->vars, cap * sizeof(*v));
		if (!v)
			return NULL;
		o->vars = v;
		w->cap = cap;
	}
	memset(&o->vars[o->nvars], 0, sizeof(o->vars[0]));
	return &o->vars[o->nvars++];
}

/* A compile-time constant: DW_AT_const_value instead of a location. */
static bool const_value(Dwarf_Attribute *cv, unsigned size, struct zdx_val *val)
{
	Dwarf_Word u;
	Dwarf_Block b;

	val->size = size;
	snprintf(val->where, sizeof(val->where), "constant");
	if (dwarf_formudata(cv, &u) == 0) {
		val->value = u;
		memcpy(val->bytes, &u, 8);
	} else if (dwarf_formblock(cv, &b) == 0 && b.length <= ZDX_VAL_MAX_BYTES) {
		memcpy(val->bytes, b.data, b.length);
		memcpy(&val->value, val->bytes, 8);
	} else {
		return false;
	}
	val->known = size >= 32 ? ~0u : (1u << size) - 1;
	val->status = ZDX_VAL_OK;
	return true;
}

static void eval_var(struct walk *w, Dwarf_Die *die, unsigned size,
		     struct zdx_val *val)
{
	struct zdx_dwarf_op ops[MAX_OPS];
	Dwarf_Attribute loc, cv;
	Dwarf_Op *dops;
	size_t n;
	int rc;

	memset(val, 0, sizeof(*val));
	if (!dwarf_attr_integrate(die, DW_AT_location, &loc)) {
		if (dwarf_attr_integrate(die, DW_AT_const_value, &cv) &&
		    const_value(&cv, size, val))
			return;
		val->status = ZDX_VAL_OPTIMIZED_OUT;
		snprintf(val->reason, sizeof(val->reason), "no DW_AT_location");
		snprintf(val->where, sizeof(val->where), "optimized out");
		return;
	}
	rc = dwarf_getlocation_addr(&loc, w->a, &dops, &n, 1);
	if (rc < 0) {
		val->status = ZDX_VAL_MALFORMED;
		snprintf(val->reason, sizeof(val->reason), "location: %s",
			 dwarf_errmsg(-1));
		return;
	}
	if (rc == 0) {
		val->status = ZDX_VAL_OPTIMIZED_OUT;
		snprintf(val->reason, sizeof(val->reason),
			 "no location covers this pc");
		snprintf(val->where, sizeof(val->where), "optimized out");
		return;
	}
	if (n > MAX_OPS) {
		val->status = ZDX_VAL_UNSUPPORTED;
		snprintf(val->reason, sizeof(val->reason),
			 "location of %zu operations", n);
		return;
	}
	n = zdx_dwarf_convert_ops(&loc, dops, n, ops);
	zdx_dwarf_expr_eval(ops, n, &w->env, size, val);
}

static void add_var(struct walk *w, Dwarf_Die *die, unsigned scope)
{
	struct zdx_dwarf_typeinfo ti;
	struct zdx_dwarf_var *v;
	Dwarf_Attribute a;
	char tname[128];
	bool decl = false;

	if (dwarf_attr_integrate(die, DW_AT_declaration, &a))
		dwarf_formflag(&a, &decl);
	if (decl)			/* "extern int x;" inside a function */
		return;
	describe_type(die, &ti, tname, sizeof(tname));
	if (w->filter && w->filter->fn && !w->filter->fn(&ti, w->filter->arg))
		return;
	v = new_var(w);
	if (!v)
		return;
	snprintf(v->name, sizeof(v->name), "%s", ti.var_name ? ti.var_name : "<anon>");
	snprintf(v->type, sizeof(v->type), "%s", tname);
	v->kind = dwarf_tag(die) == DW_TAG_formal_parameter ? ZDX_VAR_PARAM :
							     ZDX_VAR_LOCAL;
	v->scope = scope;
	eval_var(w, die, ti.size ? (unsigned)(ti.size > 1024 ? 1024 : ti.size) : 8,
		 &v->val);
}

static void add_vars_of(struct walk *w, Dwarf_Die *scope_die, unsigned scope)
{
	Dwarf_Die c;

	if (dwarf_child(scope_die, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable)
			add_var(w, &c, scope);
	} while (dwarf_siblingof(&c, &c) == 0);
}

/* Frame base of the out-of-line function (DW_OP_call_frame_cfa in
 * practice), evaluated once; fbreg variables refer to it. */
static void frame_base(struct walk *w, Dwarf_Die *fn)
{
	struct zdx_dwarf_op ops[MAX_OPS];
	Dwarf_Attribute a;
	Dwarf_Op *dops;
	size_t n;

	w->env.fb_why = w->fb_why;
	if (!dwarf_attr(fn, DW_AT_frame_base, &a)) {
		snprintf(w->fb_why, sizeof(w->fb_why), "function has no frame base");
		return;
	}
	if (dwarf_getlocation_addr(&a, w->a, &dops, &n, 1) <= 0) {
		snprintf(w->fb_why, sizeof(w->fb_why), "no frame base at this pc");
		return;
	}
	n = zdx_dwarf_convert_ops(&a, dops, n, ops);
	w->env.have_fb = zdx_dwarf_expr_value(ops, n, &w->env, &w->env.fb,
					      w->fb_why, sizeof(w->fb_why)) == 0;
}

static void pc_source(Dwarf_Die *cu, Dwarf_Addr a, struct zdx_dwarf_frame_vars *o)
{
	Dwarf_Line *l = dwarf_getsrc_die(cu, a);
	const char *f = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
	int line = 0;

	if (l)
		dwarf_lineno(l, &line);
	snprintf(o->file, sizeof(o->file), "%s", f ? f : "?");
	o->line = line > 0 ? (unsigned)line : 0;
}

/* Scopes innermost first; owner[i] = index of the scope path[i] is in. */
static int collect_scopes(Dwarf_Die *cu, Dwarf_Die *path, int depth,
			  struct zdx_dwarf_frame_vars *o, unsigned *owner)
{
	unsigned nfn = 0, k;

	for (int i = 0; i < depth; i++)
		nfn += is_function(dwarf_tag(&path[i]));
	o->scopes = calloc(nfn, sizeof(*o->scopes));
	if (!o->scopes)
		return ZDX_DW_ENOMEM;
	o->nscopes = nfn;
	k = nfn;
	for (int i = 0; i < depth; i++) {
		if (is_function(dwarf_tag(&path[i]))) {
			k--;
			fill_scope(cu, &path[i], &o->scopes[k]);
		}
		owner[i] = k;
	}
	return 0;
}

static void init_env(struct walk *w, uint64_t pc, const struct zdx_regs *regs,
		     zdx_read_mem_fn read_mem, void *ctx)
{
	w->env.regs = regs;
	w->env.read_mem = read_mem;
	w->env.ctx = ctx;
	w->env.map_addr = zdx_dwarf_to_run;
	w->env.map_ctx = w->src;
	w->env.cfa_why = w->cfa_why;
	w->env.have_cfa = zdx_dwarf_cfa(w->src, pc, regs, read_mem, ctx,
					&w->env.cfa, w->cfa_why,
					sizeof(w->cfa_why)) == 0;
}

int zdx_dwarf_vars_at(struct zdx_dwarf *src, uint64_t pc,
		      const struct zdx_regs *regs,
		      zdx_read_mem_fn read_mem, void *ctx,
		      const struct zdx_dwarf_filter *filter,
		      struct zdx_dwarf_frame_vars *out)
{
	struct walk w = { .src = src, .filter = filter, .out = out };
	Dwarf_Die path[MAX_DEPTH], *cu;
	unsigned owner[MAX_DEPTH];
	Dwarf_Addr cubias;
	int depth, rc;

	if (!src || !regs || !out)
		return ZDX_DW_EINVAL;
	memset(out, 0, sizeof(*out));
	if (zdx_dwarf_run_to_dwarf(src, pc, &w.a))
		return ZDX_DW_ENOPC;
	cu = dwfl_module_addrdie(src->mod, w.a + src->dw_bias, &cubias);
	if (!cu)
		return ZDX_DW_ENOPC;
	depth = scope_path(cu, w.a, path);
	if (depth == 0)
		return ZDX_DW_ENOPC;
	rc = collect_scopes(cu, path, depth, out, owner);
	if (rc)
		return rc;
	pc_source(cu, w.a, out);
	init_env(&w, pc, regs, read_mem, ctx);
	frame_base(&w, &path[0]);
	/* "fb: cfa = 0x...; cfa = rsp+0x20 = 0x..." -- both steps, so the
	 * reviewer can redo the arithmetic from the registers. */
	snprintf(out->frame_base, sizeof(out->frame_base), "fb: %.70s; %.80s",
		 w.fb_why[0] ? w.fb_why : "unknown",
		 w.env.have_cfa ? w.cfa_why : "CFA unknown");
	for (int i = depth - 1; i >= 0; i--)
		add_vars_of(&w, &path[i], owner[i]);
	return 0;
}

void zdx_dwarf_frame_vars_free(struct zdx_dwarf_frame_vars *fv)
{
	if (!fv)
		return;
	free(fv->scopes);
	free(fv->vars);
	memset(fv, 0, sizeof(*fv));
}
