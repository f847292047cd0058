/* DWARF expression evaluation for zdx (x86_64): the stack machine that
 * runs the ops of one piece.
 *
 * The evaluator is our own rather than libdw's because we need more than a
 * number: every result carries the location in words and, when the value
 * cannot be known, the precise reason (which register, which piece, which
 * operation), and unreadable dump memory must be an outcome, not a crash.
 * Bounded everywhere: fixed stack, step limit, checked branches. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zdx/dwarf_eval.h"

#define STEP_MAX 10000		/* loops via DW_OP_bra/skip must end */

void zdx_dwarf_fail(struct ev *e, enum zdx_val_status s, const char *fmt, ...)
{
	va_list ap;

	if (e->st_fail != ZDX_VAL_OK)	/* keep the first reason */
		return;
	e->st_fail = s;
	if (s == ZDX_VAL_MALFORMED)
		e->malformed = true;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

static const char *op_name(uint8_t a)
{
	const char *n = zdx_dwarf_op_name(a);
	static const char unknown[] = "unknown DW_OP";

	return n ? n : unknown;
}

static bool push(struct ev *e, uint64_t v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool push(struct ev *e, uint64_t v, const char *fmt, ...)
{
	va_list ap;

	if (e->sp >= STACK_MAX) {
		zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "DWARF stack overflow");
		return false;
	}
	e->st[e->sp] = v;
	va_start(ap, fmt);
	vsnprintf(e->txt[e->sp], TXT_MAX, fmt, ap);
	va_end(ap);
	e->sp++;
	return true;
}

static bool need(struct ev *e, int n, uint8_t atom)
{
	if (e->sp >= n)
		return true;
	zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "stack underflow at %s", op_name(atom));
	return false;
}

bool zdx_dwarf_get_reg(struct ev *e, uint64_t n, uint64_t *v)
{
	const struct zdx_regs *rs = e->env->regs;

	if (n >= ZDX_NREGS) {
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE,
			       "DWARF register %" PRIu64 " is not a general register", n);
		return false;
	}
	if (!rs || !(rs->valid & (1u << n))) {
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE, "%s unknown in this frame",
			       zdx_dwarf_reg_names[n]);
		return false;
	}
	*v = rs->r[n];
	return true;
}

static bool read_mem(struct ev *e, uint64_t addr, unsigned n, uint64_t *v)
{
	uint8_t b[8] = { 0 };

	*v = 0;
	if (!e->env->read_mem || e->env->read_mem(e->env->ctx, addr, b, n)) {
		zdx_dwarf_fail(e, ZDX_VAL_MEM_ERROR, "cannot read %u bytes at 0x%" PRIx64,
			       n, addr);
		return false;
	}
	for (unsigned i = 0; i < n; i++)
		*v |= (uint64_t)b[i] << (8 * i);
	return true;
}

/* "rsp+0x18", "rsp-0x8", "rsp" */
static void fmt_off(char *buf, const char *base, int64_t off)
{
	if (off == 0)
		snprintf(buf, TXT_MAX, "%s", base);
	else if (off > 0)
		snprintf(buf, TXT_MAX, "%s+0x%" PRIx64, base, (uint64_t)off);
	else
		snprintf(buf, TXT_MAX, "%s-0x%" PRIx64, base, -(uint64_t)off);
}

static bool op_breg(struct ev *e, uint64_t reg, int64_t off)
{
	char t[TXT_MAX];
	uint64_t v;

	if (!zdx_dwarf_get_reg(e, reg, &v))
		return false;
	fmt_off(t, zdx_dwarf_reg_names[reg], off);
	return push(e, v + (uint64_t)off, "%s", t);
}

static bool op_fbreg(struct ev *e, int64_t off)
{
	char t[TXT_MAX];

	if (!e->env->have_fb) {
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE, "frame base unknown: %s",
			       e->env->fb_why ? e->env->fb_why : "no frame base");
		return false;
	}
	fmt_off(t, "fb", off);
	return push(e, e->env->fb + (uint64_t)off, "%s", t);
}

static bool op_cfa(struct ev *e)
{
	if (!e->env->have_cfa) {
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE, "CFA unknown: %s",
			       e->env->cfa_why ? e->env->cfa_why : "no CFI");
		return false;
	}
	return push(e, e->env->cfa, "cfa");
}

static bool op_addr(struct ev *e, uint64_t a)
{
	uint64_t v = a;

	if (e->env->map_addr && e->env->map_addr(e->env->map_ctx, a, &v)) {
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE,
			       "link address 0x%" PRIx64 " has no run-time address", a);
		return false;
	}
	return push(e, v, "0x%" PRIx64, v);
}

static bool op_deref(struct ev *e, uint8_t atom, uint64_t size)
{
	char t[TXT_MAX];
	uint64_t v;

	if (!need(e, 1, atom))
		return false;
	if (size == 0 || size > 8) {
		zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "deref size %" PRIu64, size);
		return false;
	}
	if (!read_mem(e, e->st[e->sp - 1], (unsigned)size, &v))
		return false;
	snprintf(t, sizeof(t), "[%s]", e->txt[e->sp - 1]);
	e->sp--;
	return push(e, v, "%s", t);
}

static bool binop(struct ev *e, uint8_t atom)
{
	uint64_t b, a, r;
	const char *sym;
	char t[TXT_MAX];

	if (!need(e, 2, atom))
		return false;
	b = e->st[e->sp - 1];
	a = e->st[e->sp - 2];
	switch (atom) {
	case DW_OP_and: r = a & b; sym = "&"; break;
	case DW_OP_or: r = a | b; sym = "|"; break;
	case DW_OP_xor: r = a ^ b; sym = "^"; break;
	case DW_OP_plus: r = a + b; sym = "+"; break;
	case DW_OP_minus: r = a - b; sym = "-"; break;
	case DW_OP_mul: r = a * b; sym = "*"; break;
	case DW_OP_shl: r = b >= 64 ? 0 : a << b; sym = "<<"; break;
	case DW_OP_shr: r = b >= 64 ? 0 : a >> b; sym = ">>"; break;
	case DW_OP_shra:
		r = (uint64_t)((int64_t)a >> (b >= 64 ? 63 : b));
		sym = ">>";
		break;
	case DW_OP_div:
	case DW_OP_mod:
		if (b == 0) {
			zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "division by zero");
			return false;
		}
		if (atom == DW_OP_mod)
			r = a % b;
		else if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
			r = a;	/* the one overflowing signed division */
		else
			r = (uint64_t)((int64_t)a / (int64_t)b);
		sym = atom == DW_OP_div ? "/" : "%";
		break;
	case DW_OP_eq: r = a == b; sym = "=="; break;
	case DW_OP_ne: r = a != b; sym = "!="; break;
	case DW_OP_lt: r = (int64_t)a < (int64_t)b; sym = "<"; break;
	case DW_OP_gt: r = (int64_t)a > (int64_t)b; sym = ">"; break;
	case DW_OP_le: r = (int64_t)a <= (int64_t)b; sym = "<="; break;
	case DW_OP_ge: r = (int64_t)a >= (int64_t)b; sym = ">="; break;
	default: return false;
	}
	snprintf(t, sizeof(t), "(%.36s%s%.36s)", e->txt[e->sp - 2], sym,
		 e->txt[e->sp - 1]);
	e->sp -= 2;
	return push(e, r, "%s", t);
}

static bool is_binop(uint8_t a)
{
	switch (a) {
	case DW_OP_and: case DW_OP_or: case DW_OP_xor: case DW_OP_plus:
	case DW_OP_minus: case DW_OP_mul: case DW_OP_shl: case DW_OP_shr:
	case DW_OP_shra: case DW_OP_div: case DW_OP_mod: case DW_OP_eq:
	case DW_OP_ne: case DW_OP_lt: case DW_OP_gt: case DW_OP_le:
	case DW_OP_ge:
		return true;
	}
	return false;
}

/* DW_OP_skip / DW_OP_bra: the target is a byte offset relative to the
 * end of the 3-byte branch op; it must land on an op boundary. */
static bool jump(struct ev *e, const struct zdx_dwarf_op *op)
{
	uint64_t target = op->offset + 3 + op->n1;

	for (size_t i = 0; i < e->nops; i++)
		if (e->ops[i].offset == target) {
			e->pc = i;
			return true;
		}
	/* Landing just past the last op ends the expression. */
	if (e->nops && target == e->ops[e->nops - 1].offset + 1 &&
	    zdx_dwarf_operands_of(e->ops[e->nops - 1].atom) == O_NONE) {
		e->pc = e->nops;
		return true;
	}
	zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "branch to 0x%" PRIx64 " is not an op",
		       target);
	return false;
}

static bool stack_op(struct ev *e, const struct zdx_dwarf_op *op)
{
	char t[TXT_MAX];
	uint64_t v;
	int n;

	switch (op->atom) {
	case DW_OP_dup:
		return need(e, 1, op->atom) &&
		       push(e, e->st[e->sp - 1], "%s", e->txt[e->sp - 1]);
	case DW_OP_drop:
		if (!need(e, 1, op->atom))
			return false;
		e->sp--;
		return true;
	case DW_OP_over:
		return need(e, 2, op->atom) &&
		       push(e, e->st[e->sp - 2], "%s", e->txt[e->sp - 2]);
	case DW_OP_pick:
		if (op->n1 >= STACK_MAX) {
			zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "pick %" PRIu64, op->n1);
			return false;
		}
		n = (int)op->n1;
		if (!need(e, n + 1, op->atom))
			return false;
		return push(e, e->st[e->sp - 1 - n], "%s", e->txt[e->sp - 1 - n]);
	case DW_OP_swap:
		if (!need(e, 2, op->atom))
			return false;
		v = e->st[e->sp - 1];
		e->st[e->sp - 1] = e->st[e->sp - 2];
		e->st[e->sp - 2] = v;
		memcpy(t, e->txt[e->sp - 1], TXT_MAX);
		memcpy(e->txt[e->sp - 1], e->txt[e->sp - 2], TXT_MAX);
		memcpy(e->txt[e->sp - 2], t, TXT_MAX);
		return true;
	case DW_OP_rot: {
		/* top three (a b c, c on top) become (c a b) */
		uint64_t c;

		if (!need(e, 3, op->atom))
			return false;
		c = e->st[e->sp - 1];
		e->st[e->sp - 1] = e->st[e->sp - 2];
		e->st[e->sp - 2] = e->st[e->sp - 3];
		e->st[e->sp - 3] = c;
		memcpy(t, e->txt[e->sp - 1], TXT_MAX);
		memcpy(e->txt[e->sp - 1], e->txt[e->sp - 2], TXT_MAX);
		memcpy(e->txt[e->sp - 2], e->txt[e->sp - 3], TXT_MAX);
		memcpy(e->txt[e->sp - 3], t, TXT_MAX);
		return true;
	}
	}
	return false;
}

static bool unary_op(struct ev *e, const struct zdx_dwarf_op *op)
{
	uint64_t *top;
	char t[TXT_MAX];

	if (!need(e, 1, op->atom))
		return false;
	top = &e->st[e->sp - 1];
	switch (op->atom) {
	case DW_OP_abs:
		if ((int64_t)*top < 0)
			*top = -*top;
		snprintf(t, sizeof(t), "abs(%.70s)", e->txt[e->sp - 1]);
		break;
	case DW_OP_neg:
		*top = -*top;
		snprintf(t, sizeof(t), "-%.70s", e->txt[e->sp - 1]);
		break;
	case DW_OP_not:
		*top = ~*top;
		snprintf(t, sizeof(t), "~%.70s", e->txt[e->sp - 1]);
		break;
	case DW_OP_plus_uconst:
		*top += op->n1;
		snprintf(t, sizeof(t), "%.60s+0x%" PRIx64, e->txt[e->sp - 1],
			 op->n1);
		break;
	default:
		return false;
	}
	memcpy(e->txt[e->sp - 1], t, TXT_MAX);
	return true;
}

/* Ops that describe where the value is rather than compute an address;
 * they must end the piece. */
static bool location_op(struct ev *e, const struct zdx_dwarf_op *op)
{
	uint8_t a = op->atom;

	if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
		e->kind = L_REG;
		e->reg = a - DW_OP_reg0;
	} else if (a == DW_OP_regx) {
		e->kind = L_REG;
		e->reg = op->n1 > 1000 ? 1000 : (int)op->n1;
	} else if (a == DW_OP_stack_value) {
		if (!need(e, 1, a))
			return false;
		e->kind = L_VALUE;
	} else if (a == DW_OP_implicit_value) {
		if (!op->block && op->n1) {
			zdx_dwarf_fail(e, ZDX_VAL_MALFORMED,
				       "implicit value without data");
			return false;
		}
		e->kind = L_IMPLICIT;
		e->imp = op->block;
		e->implen = op->n1;
	} else {
		return false;
	}
	/* Only a piece (or the end) may follow. */
	if (e->pc < e->nops && e->ops[e->pc].atom != DW_OP_piece &&
	    e->ops[e->pc].atom != DW_OP_bit_piece) {
		zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "%s not followed by a piece",
			       op_name(a));
		return false;
	}
	return true;
}

/* Ops whose value exists only somewhere we cannot see. */
static bool unrecoverable_op(struct ev *e, const struct zdx_dwarf_op *op)
{
	switch (op->atom) {
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE,
			       "value at function entry (%s); not kept at this pc",
			       op_name(op->atom));
		return true;
	case DW_OP_GNU_parameter_ref:
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE,
			       "value known only at the call site (DW_OP_GNU_parameter_ref)");
		return true;
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		zdx_dwarf_fail(e, ZDX_VAL_NOT_RECOVERABLE,
			       "pointer to an optimized-out object (%s)",
			       op_name(op->atom));
		return true;
	}
	return false;
}

static bool const_op(struct ev *e, const struct zdx_dwarf_op *op)
{
	uint8_t a = op->atom;

	if (a >= DW_OP_lit0 && a <= DW_OP_lit31)
		return push(e, a - DW_OP_lit0, "%d", a - DW_OP_lit0);
	switch (a) {
	case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
	case DW_OP_const8u: case DW_OP_constu:
		return push(e, op->n1, "0x%" PRIx64, op->n1);
	case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
	case DW_OP_const8s: case DW_OP_consts:
		return push(e, op->n1, "%" PRId64, (int64_t)op->n1);
	}
	return false;
}

/* One op; false stops the piece (reason in e). */
static bool step(struct ev *e, const struct zdx_dwarf_op *op)
{
	uint8_t a = op->atom;

	if (a >= DW_OP_breg0 && a <= DW_OP_breg31)
		return op_breg(e, a - DW_OP_breg0, (int64_t)op->n1);
	if ((a >= DW_OP_lit0 && a <= DW_OP_lit31) ||
	    (a >= DW_OP_const1u && a <= DW_OP_consts))
		return const_op(e, op);
	if (is_binop(a))
		return binop(e, a);
	switch (a) {
	case DW_OP_bregx: return op_breg(e, op->n1, (int64_t)op->n2);
	case DW_OP_fbreg: return op_fbreg(e, (int64_t)op->n1);
	case DW_OP_call_frame_cfa: return op_cfa(e);
	case DW_OP_addr: return op_addr(e, op->n1);
	case DW_OP_deref: return op_deref(e, a, 8);
	case DW_OP_deref_size: return op_deref(e, a, op->n1);
	case DW_OP_nop: return true;
	case DW_OP_skip: return jump(e, op);
	case DW_OP_bra:
		if (!need(e, 1, a))
			return false;
		return e->st[--e->sp] == 0 || jump(e, op);
	case DW_OP_dup: case DW_OP_drop: case DW_OP_over: case DW_OP_pick:
	case DW_OP_swap: case DW_OP_rot:
		return stack_op(e, op);
	case DW_OP_abs: case DW_OP_neg: case DW_OP_not: case DW_OP_plus_uconst:
		return unary_op(e, op);
	}
	if (location_op(e, op) || e->st_fail != ZDX_VAL_OK)
		return e->st_fail == ZDX_VAL_OK;
	if (!unrecoverable_op(e, op))
		zdx_dwarf_fail(e, ZDX_VAL_UNSUPPORTED, "%s (0x%02x) not supported",
			       op_name(a), a);
	return false;
}

/* Run ops from e->pc up to the next piece op or the end.  On a failure
 * that only affects this piece, skip to the piece op so the others can
 * still be read. */
void zdx_dwarf_run_piece(struct ev *e)
{
	e->sp = 0;
	e->kind = L_NONE;
	e->st_fail = ZDX_VAL_OK;
	e->why[0] = 0;
	while (e->pc < e->nops) {
		const struct zdx_dwarf_op *op = &e->ops[e->pc];

		if (op->atom == DW_OP_piece || op->atom == DW_OP_bit_piece)
			break;
		if (++e->steps > STEP_MAX) {
			zdx_dwarf_fail(e, ZDX_VAL_MALFORMED, "more than %d steps",
				       STEP_MAX);
			return;
		}
		e->pc++;
		if (!step(e, op))
			break;
	}
	if (e->malformed)
		return;
	while (e->pc < e->nops && e->ops[e->pc].atom != DW_OP_piece &&
	       e->ops[e->pc].atom != DW_OP_bit_piece)
		e->pc++;
	if (e->st_fail == ZDX_VAL_OK && e->kind == L_NONE && e->sp > 0)
		e->kind = L_MEM;
}
