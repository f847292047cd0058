/* DWARF location pieces for zdx (x86_64): each piece's bytes stored into
 * the value and described, the pieces' outcomes folded into one status,
 * and the two evaluations: of a location (zdx_dwarf_expr_eval) and of a
 * number (zdx_dwarf_expr_value). */
#include <dwarf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zdx/dwarf_eval.h"

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Store a piece's bytes [off, off+n) into out and describe it. */
static void store_piece(struct ev *e, struct zdx_val *out, unsigned off,
			unsigned n, bool composite)
{
	uint8_t b[ZDX_VAL_MAX_BYTES] = { 0 };
	char w[TXT_MAX + 40] = "";
	uint64_t v;

	switch (e->kind) {
	case L_NONE:
		zdx_dwarf_fail(e, ZDX_VAL_OPTIMIZED_OUT, "no location");
		snprintf(w, sizeof(w), "optimized out");
		break;
	case L_REG:
		if (n > 8) {
			zdx_dwarf_fail(e, ZDX_VAL_UNSUPPORTED,
				       "%u bytes from one register", n);
			break;
		}
		if (!zdx_dwarf_get_reg(e, (uint64_t)e->reg, &v))
			break;
		memcpy(b, &v, n);	/* x86_64: little endian, low bytes */
		snprintf(w, sizeof(w), "%s", zdx_dwarf_reg_names[e->reg]);
		break;
	case L_VALUE:
		v = e->st[e->sp - 1];
		memcpy(b, &v, n < 8 ? n : 8);
		snprintf(w, sizeof(w), "%s (computed)", e->txt[e->sp - 1]);
		break;
	case L_IMPLICIT:
		memcpy(b, e->imp, e->implen < n ? e->implen : n);
		snprintf(w, sizeof(w), "implicit value");
		break;
	case L_MEM: {
		uint64_t a = e->st[e->sp - 1];

		snprintf(w, sizeof(w), "[%s] @0x%" PRIx64, e->txt[e->sp - 1], a);
		if (!e->env->read_mem ||
		    e->env->read_mem(e->env->ctx, a, b, n))
			zdx_dwarf_fail(e, ZDX_VAL_MEM_ERROR,
				       "cannot read %u bytes at 0x%" PRIx64, n, a);
		break;
	}
	}
	if (e->st_fail == ZDX_VAL_OK) {
		memcpy(out->bytes + off, b, n);
		for (unsigned i = 0; i < n; i++)
			out->known |= 1u << (off + i);
	} else if (!w[0]) {
		snprintf(w, sizeof(w), "?");
	}
	if (out->where[0])
		append(out->where, sizeof(out->where), " + ");
	if (composite)
		append(out->where, sizeof(out->where), "%s[%u..%u]", w, off, off + n);
	else
		append(out->where, sizeof(out->where), "%s", w);
}

static void describe_missing(struct zdx_val *out, unsigned off, unsigned n,
			     bool composite)
{
	if (out->where[0])
		append(out->where, sizeof(out->where), " + ");
	if (composite)
		append(out->where, sizeof(out->where), "?[%u..%u]", off, off + n);
	else
		append(out->where, sizeof(out->where), "?");
}

static void set_reason(struct zdx_val *out, enum zdx_val_status s,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_reason(struct zdx_val *out, enum zdx_val_status s,
		       const char *fmt, ...)
{
	va_list ap;

	out->status = s;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

/* Fold per-piece outcomes into the value's status. */
struct piece_tally {
	unsigned npieces, nknown;
	bool all_optout;
	int first_bad;			/* piece index, -1 if none */
	unsigned bad_off, bad_len;
	enum zdx_val_status bad_st;
	char bad_why[160];
	int first_real;			/* first piece failing for a reason
					 * other than "optimized out" */
	unsigned real_off, real_len;
	enum zdx_val_status real_st;
	char real_why[160];
};

static void tally(struct piece_tally *t, struct ev *e, unsigned off, unsigned n)
{
	if (e->st_fail == ZDX_VAL_OK) {
		t->nknown++;
	} else {
		if (e->st_fail != ZDX_VAL_OPTIMIZED_OUT && t->first_real < 0) {
			t->all_optout = false;
			t->first_real = (int)t->npieces;
			t->real_off = off;
			t->real_len = n;
			t->real_st = e->st_fail;
			snprintf(t->real_why, sizeof(t->real_why), "%s", e->why);
		}
		if (t->first_bad < 0) {
			t->first_bad = (int)t->npieces;
			t->bad_off = off;
			t->bad_len = n;
			t->bad_st = e->st_fail;
			snprintf(t->bad_why, sizeof(t->bad_why), "%s", e->why);
		}
	}
	t->npieces++;
}

static void finish(struct zdx_val *out, struct piece_tally *t, bool composite)
{
	uint32_t all = out->size >= 32 ? ~0u : (1u << out->size) - 1;

	memcpy(&out->value, out->bytes, 8);
	if (t->first_bad < 0 && (out->known & all) == all) {
		out->status = ZDX_VAL_OK;
		return;
	}
	if (t->first_bad < 0) {
		set_reason(out, ZDX_VAL_PARTIAL,
			   "pieces cover only part of the %u bytes", out->size);
		return;
	}
	if (!composite) {
		set_reason(out, t->bad_st, "%s", t->bad_why);
		return;
	}
	if (t->nknown == 0 && t->all_optout)
		set_reason(out, ZDX_VAL_OPTIMIZED_OUT, "all pieces optimized out");
	else if (t->nknown == 0)	/* the informative failure */
		set_reason(out, t->real_st, "piece %d (bytes %u..%u): %s",
			   t->first_real + 1, t->real_off,
			   t->real_off + t->real_len, t->real_why);
	else
		set_reason(out, ZDX_VAL_PARTIAL,
			   "piece %d (bytes %u..%u) missing: %s", t->first_bad + 1,
			   t->bad_off, t->bad_off + t->bad_len, t->bad_why);
}

static bool piece_size(struct ev *e, const struct zdx_dwarf_op *op,
		       struct zdx_val *out, unsigned *n)
{
	if (op->atom == DW_OP_bit_piece && (op->n1 % 8 || op->n2 != 0)) {
		set_reason(out, ZDX_VAL_UNSUPPORTED,
			   "bit piece of %" PRIu64 " bits at bit %" PRIu64,
			   op->n1, op->n2);
		return false;
	}
	*n = (unsigned)(op->atom == DW_OP_bit_piece ? op->n1 / 8 :
			op->n1 > ZDX_VAL_MAX_BYTES ? ZDX_VAL_MAX_BYTES + 1 : op->n1);
	return true;
}

void zdx_dwarf_expr_eval(const struct zdx_dwarf_op *ops, size_t nops,
			 const struct zdx_dwarf_env *env, unsigned size,
			 struct zdx_val *out)
{
	struct ev e = { .env = env, .ops = ops, .nops = nops };
	struct piece_tally t = { .all_optout = true, .first_bad = -1,
				  .first_real = -1 };
	bool composite = false;
	unsigned off = 0;

	memset(out, 0, sizeof(*out));
	out->size = size;
	if (nops == 0) {
		set_reason(out, ZDX_VAL_OPTIMIZED_OUT, "empty location");
		snprintf(out->where, sizeof(out->where), "optimized out");
		return;
	}
	for (size_t i = 0; i < nops; i++)
		if (ops[i].atom == DW_OP_piece || ops[i].atom == DW_OP_bit_piece)
			composite = true;
	if (size == 0 || size > ZDX_VAL_MAX_BYTES) {
		if (!composite) {
			set_reason(out, ZDX_VAL_UNSUPPORTED,
				   "object of %u bytes (at most %d read)", size,
				   ZDX_VAL_MAX_BYTES);
			return;
		}
	}
	while (e.pc < nops || (!composite && t.npieces == 0)) {
		unsigned n = size;

		zdx_dwarf_run_piece(&e);
		if (e.malformed) {
			set_reason(out, ZDX_VAL_MALFORMED, "%s", e.why);
			return;
		}
		if (composite) {
			if (e.pc >= nops) {	/* ops after the last piece */
				set_reason(out, ZDX_VAL_MALFORMED,
					   "operations after the last piece");
				return;
			}
			if (!piece_size(&e, &ops[e.pc], out, &n))
				return;
			e.pc++;
			if (n == 0 || off + n > ZDX_VAL_MAX_BYTES) {
				set_reason(out, ZDX_VAL_UNSUPPORTED,
					   "piece at byte %u of %u bytes", off, n);
				return;
			}
		}
		if (e.st_fail == ZDX_VAL_OK)
			store_piece(&e, out, off, n, composite);
		else
			describe_missing(out, off, n, composite);
		tally(&t, &e, off, n);
		off += n;
	}
	if (composite) {
		if (off > out->size)
			out->size = off;
	}
	finish(out, &t, composite);
}

int zdx_dwarf_expr_value(const struct zdx_dwarf_op *ops, size_t nops,
			 const struct zdx_dwarf_env *env, uint64_t *value,
			 char *why, size_t whylen)
{
	struct ev e = { .env = env, .ops = ops, .nops = nops };

	if (nops == 0) {
		snprintf(why, whylen, "empty expression");
		return ZDX_DW_EBADDWARF;
	}
	zdx_dwarf_run_piece(&e);
	if (e.st_fail == ZDX_VAL_OK && e.pc < nops) {
		snprintf(why, whylen, "pieces in an expression");
		return ZDX_DW_EBADDWARF;
	}
	if (e.st_fail == ZDX_VAL_OK && e.kind == L_REG)
		zdx_dwarf_get_reg(&e, (uint64_t)e.reg, value);
	else if (e.st_fail == ZDX_VAL_OK && (e.kind == L_MEM || e.kind == L_VALUE))
		*value = e.st[e.sp - 1];
	else if (e.st_fail == ZDX_VAL_OK)
		zdx_dwarf_fail(&e, ZDX_VAL_UNSUPPORTED, "not a value expression");
	if (e.st_fail != ZDX_VAL_OK) {
		snprintf(why, whylen, "%s", e.why);
		return e.malformed ? ZDX_DW_EBADDWARF : ZDX_DW_ENOTREC;
	}
	snprintf(why, whylen, "%s = 0x%" PRIx64,
		 e.kind == L_REG ? zdx_dwarf_reg_names[e.reg] : e.txt[e.sp - 1], *value);
	return 0;
}
