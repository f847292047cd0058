/* DWARF expression decoding and evaluation for zdx (x86_64).
 *
 * The evaluator is our own rather than libdw's because we need more than a
 * number: every result carries the location in words and, when the value
 * cannot be known, the precise reason (which register, which piece, which
 * operation), and unreadable dump memory must be an outcome, not a crash.
 * Bounded everywhere: fixed stack, step limit, checked branches. */
#include <dwarf.h>
#include <elfutils/known-dwarf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zdx/dwarf.h"

#define STACK_MAX 64
#define STEP_MAX 10000		/* loops via DW_OP_bra/skip must end */
#define TXT_MAX 80

static const char *const reg_names[ZDX_NREGS] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
};

const char *zdx_reg_name(int n)
{
	return n >= 0 && n < ZDX_NREGS ? reg_names[n] : NULL;
}

const char *zdx_dwarf_op_name(uint8_t atom)
{
	switch (atom) {
#define DWARF_ONE_KNOWN_DW_OP(NAME, CODE) case CODE: return #CODE;
	DWARF_ALL_KNOWN_DW_OP
#undef DWARF_ONE_KNOWN_DW_OP
	}
	return NULL;
}

const char *zdx_val_status_name(enum zdx_val_status s)
{
	switch (s) {
	case ZDX_VAL_OK: return "ok";
	case ZDX_VAL_OPTIMIZED_OUT: return "optimized out";
	case ZDX_VAL_NOT_RECOVERABLE: return "not recoverable at this pc";
	case ZDX_VAL_PARTIAL: return "partially known";
	case ZDX_VAL_MEM_ERROR: return "memory not readable";
	case ZDX_VAL_UNSUPPORTED: return "unsupported DWARF";
	case ZDX_VAL_MALFORMED: return "malformed DWARF";
	}
	return "?";
}

/* ---- decoding -------------------------------------------------------- */

/* Operand layouts of the operations we may meet in kernel DWARF. */
enum operands {
	O_NONE, O_U8, O_S8, O_U16, O_S16, O_U32, O_S32, O_U64, O_S64,
	O_ULEB, O_SLEB, O_ULEB_SLEB, O_ULEB_ULEB, O_BLOCK, O_OFF4_SLEB,
	O_U8_ULEB, O_CONST_TYPE, O_BAD,
};

static enum operands operands_of(uint8_t a)
{
	if ((a >= DW_OP_lit0 && a <= DW_OP_lit31) ||
	    (a >= DW_OP_reg0 && a <= DW_OP_reg31))
		return O_NONE;
	if (a >= DW_OP_breg0 && a <= DW_OP_breg31)
		return O_SLEB;
	switch (a) {
	case DW_OP_addr: case DW_OP_const8u: return O_U64;
	case DW_OP_const8s: return O_S64;
	case DW_OP_const1u: case DW_OP_pick: case DW_OP_deref_size:
	case DW_OP_xderef_size: return O_U8;
	case DW_OP_const1s: return O_S8;
	case DW_OP_const2u: case DW_OP_call2: return O_U16;
	case DW_OP_const2s: case DW_OP_bra: case DW_OP_skip: return O_S16;
	case DW_OP_const4u: case DW_OP_call4: case DW_OP_call_ref:
	case DW_OP_GNU_parameter_ref: case DW_OP_GNU_variable_value:
		return O_U32;
	case DW_OP_const4s: return O_S32;
	case DW_OP_constu: case DW_OP_plus_uconst: case DW_OP_regx:
	case DW_OP_piece: case DW_OP_addrx: case DW_OP_constx:
	case DW_OP_convert: case DW_OP_reinterpret: case DW_OP_GNU_convert:
	case DW_OP_GNU_reinterpret: case DW_OP_GNU_addr_index:
	case DW_OP_GNU_const_index: return O_ULEB;
	case DW_OP_consts: case DW_OP_fbreg: return O_SLEB;
	case DW_OP_bregx: return O_ULEB_SLEB;
	case DW_OP_bit_piece: case DW_OP_regval_type:
	case DW_OP_GNU_regval_type: return O_ULEB_ULEB;
	case DW_OP_implicit_value: case DW_OP_entry_value:
	case DW_OP_GNU_entry_value: return O_BLOCK;
	case DW_OP_implicit_pointer: case DW_OP_GNU_implicit_pointer:
		return O_OFF4_SLEB;
	case DW_OP_deref_type: case DW_OP_xderef_type:
	case DW_OP_GNU_deref_type: return O_U8_ULEB;
	case DW_OP_const_type: case DW_OP_GNU_const_type: return O_CONST_TYPE;
	case DW_OP_deref: case DW_OP_dup: case DW_OP_drop: case DW_OP_over:
	case DW_OP_swap: case DW_OP_rot: case DW_OP_xderef: case DW_OP_abs:
	case DW_OP_and: case DW_OP_div: case DW_OP_minus: case DW_OP_mod:
	case DW_OP_mul: case DW_OP_neg: case DW_OP_not: case DW_OP_or:
	case DW_OP_plus: case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
	case DW_OP_xor: case DW_OP_eq: case DW_OP_ge: case DW_OP_gt:
	case DW_OP_le: case DW_OP_lt: case DW_OP_ne: case DW_OP_nop:
	case DW_OP_push_object_address: case DW_OP_form_tls_address:
	case DW_OP_call_frame_cfa: case DW_OP_stack_value:
	case DW_OP_GNU_push_tls_address: case DW_OP_GNU_uninit:
		return O_NONE;
	}
	return O_BAD;
}

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t rd_fixed(struct reader *r, unsigned n, bool sign)
{
	uint64_t v = 0;

	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	if (sign && n < 8 && (v >> (8 * n - 1)) & 1)
		v |= ~0ULL << (8 * n);
	return v;
}

static uint64_t rd_leb(struct reader *r, bool sign)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		if (r->p >= r->end || shift >= 70) {	/* truncated/absurd */
			r->bad = true;
			return 0;
		}
		b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (sign && shift < 64 && (b & 0x40))
		v |= ~0ULL << shift;
	return v;
}

static const uint8_t *rd_block(struct reader *r, uint64_t len)
{
	const uint8_t *b = r->p;

	if ((uint64_t)(r->end - r->p) < len) {
		r->bad = true;
		return NULL;
	}
	r->p += len;
	return b;
}

static void decode_operands(struct reader *r, enum operands k,
			    struct zdx_dwarf_op *op)
{
	switch (k) {
	case O_NONE: break;
	case O_U8: op->n1 = rd_fixed(r, 1, false); break;
	case O_S8: op->n1 = rd_fixed(r, 1, true); break;
	case O_U16: op->n1 = rd_fixed(r, 2, false); break;
	case O_S16: op->n1 = rd_fixed(r, 2, true); break;
	case O_U32: op->n1 = rd_fixed(r, 4, false); break;
	case O_S32: op->n1 = rd_fixed(r, 4, true); break;
	case O_U64: op->n1 = rd_fixed(r, 8, false); break;
	case O_S64: op->n1 = rd_fixed(r, 8, true); break;
	case O_ULEB: op->n1 = rd_leb(r, false); break;
	case O_SLEB: op->n1 = rd_leb(r, true); break;
	case O_ULEB_SLEB: op->n1 = rd_leb(r, false); op->n2 = rd_leb(r, true); break;
	case O_ULEB_ULEB: op->n1 = rd_leb(r, false); op->n2 = rd_leb(r, false); break;
	case O_BLOCK:
		op->n1 = rd_leb(r, false);
		if (!r->bad)
			op->block = rd_block(r, op->n1);
		break;
	case O_OFF4_SLEB: op->n1 = rd_fixed(r, 4, false); op->n2 = rd_leb(r, true); break;
	case O_U8_ULEB: op->n1 = rd_fixed(r, 1, false); op->n2 = rd_leb(r, false); break;
	case O_CONST_TYPE:
		op->n1 = rd_leb(r, false);
		op->n2 = rd_fixed(r, 1, false);
		if (!r->bad)
			op->block = rd_block(r, op->n2);
		break;
	case O_BAD: r->bad = true; break;
	}
}

int zdx_dwarf_expr_decode(const uint8_t *buf, size_t len,
			  struct zdx_dwarf_op *ops, size_t max, size_t *nops)
{
	struct reader r = { buf, buf + len, false };
	size_t n = 0;

	*nops = 0;
	if (!buf && len)
		return ZDX_DW_EINVAL;
	while (r.p < r.end) {
		struct zdx_dwarf_op op = { .offset = (uint64_t)(r.p - buf) };

		if (n == max)
			return ZDX_DW_ENOMEM;
		op.atom = *r.p++;
		decode_operands(&r, operands_of(op.atom), &op);
		if (r.bad)
			return ZDX_DW_EBADDWARF;
		ops[n++] = op;
		*nops = n;
	}
	return 0;
}

/* ---- evaluation ------------------------------------------------------ */

/* What the ops of one piece (or of the whole expression) describe. */
enum loc_kind { L_NONE, L_MEM, L_REG, L_VALUE, L_IMPLICIT };

struct ev {
	const struct zdx_dwarf_env *env;
	const struct zdx_dwarf_op *ops;
	size_t nops;
	size_t pc;			/* next op */
	unsigned steps;
	int sp;
	uint64_t st[STACK_MAX];
	char txt[STACK_MAX][TXT_MAX];	/* each entry in words */
	enum loc_kind kind;
	int reg;
	const uint8_t *imp;
	uint64_t implen;
	/* Why this piece cannot be known (status != OK), or, when the whole
	 * expression is broken, malformed = true. */
	enum zdx_val_status st_fail;
	char why[160];
	bool malformed;
};

static void fail(struct ev *e, enum zdx_val_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct ev *e, enum zdx_val_status s, const char *fmt, ...)
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
		fail(e, ZDX_VAL_MALFORMED, "DWARF stack overflow");
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
	fail(e, ZDX_VAL_MALFORMED, "stack underflow at %s", op_name(atom));
	return false;
}

static bool get_reg(struct ev *e, uint64_t n, uint64_t *v)
{
	const struct zdx_regs *rs = e->env->regs;

	if (n >= ZDX_NREGS) {
		fail(e, ZDX_VAL_NOT_RECOVERABLE,
		     "DWARF register %" PRIu64 " is not a general register", n);
		return false;
	}
	if (!rs || !(rs->valid & (1u << n))) {
		fail(e, ZDX_VAL_NOT_RECOVERABLE, "%s unknown in this frame",
		     reg_names[n]);
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
		fail(e, ZDX_VAL_MEM_ERROR, "cannot read %u bytes at 0x%" PRIx64,
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

	if (!get_reg(e, reg, &v))
		return false;
	fmt_off(t, reg_names[reg], off);
	return push(e, v + (uint64_t)off, "%s", t);
}

static bool op_fbreg(struct ev *e, int64_t off)
{
	char t[TXT_MAX];

	if (!e->env->have_fb) {
		fail(e, ZDX_VAL_NOT_RECOVERABLE, "frame base unknown: %s",
		     e->env->fb_why ? e->env->fb_why : "no frame base");
		return false;
	}
	fmt_off(t, "fb", off);
	return push(e, e->env->fb + (uint64_t)off, "%s", t);
}

static bool op_cfa(struct ev *e)
{
	if (!e->env->have_cfa) {
		fail(e, ZDX_VAL_NOT_RECOVERABLE, "CFA unknown: %s",
		     e->env->cfa_why ? e->env->cfa_why : "no CFI");
		return false;
	}
	return push(e, e->env->cfa, "cfa");
}

static bool op_addr(struct ev *e, uint64_t a)
{
	uint64_t v = a;

	if (e->env->map_addr && e->env->map_addr(e->env->map_ctx, a, &v)) {
		fail(e, ZDX_VAL_NOT_RECOVERABLE,
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
		fail(e, ZDX_VAL_MALFORMED, "deref size %" PRIu64, size);
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
			fail(e, ZDX_VAL_MALFORMED, "division by zero");
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
	    operands_of(e->ops[e->nops - 1].atom) == O_NONE) {
		e->pc = e->nops;
		return true;
	}
	fail(e, ZDX_VAL_MALFORMED, "branch to 0x%" PRIx64 " is not an op",
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
			fail(e, ZDX_VAL_MALFORMED, "pick %" PRIu64, op->n1);
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
			fail(e, ZDX_VAL_MALFORMED, "implicit value without data");
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
		fail(e, ZDX_VAL_MALFORMED, "%s not followed by a piece",
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
		fail(e, ZDX_VAL_NOT_RECOVERABLE,
		     "value at function entry (%s); not kept at this pc",
		     op_name(op->atom));
		return true;
	case DW_OP_GNU_parameter_ref:
		fail(e, ZDX_VAL_NOT_RECOVERABLE,
		     "value known only at the call site (DW_OP_GNU_parameter_ref)");
		return true;
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		fail(e, ZDX_VAL_NOT_RECOVERABLE,
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
		fail(e, ZDX_VAL_UNSUPPORTED, "%s (0x%02x) not supported",
		     op_name(a), a);
	return false;
}

/* Run ops from e->pc up to the next piece op or the end.  On a failure
 * that only affects this piece, skip to the piece op so the others can
 * still be read. */
static void run_piece(struct ev *e)
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
			fail(e, ZDX_VAL_MALFORMED, "more than %d steps", STEP_MAX);
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
		fail(e, ZDX_VAL_OPTIMIZED_OUT, "no location");
		snprintf(w, sizeof(w), "optimized out");
		break;
	case L_REG:
		if (n > 8) {
			fail(e, ZDX_VAL_UNSUPPORTED, "%u bytes from one register", n);
			break;
		}
		if (!get_reg(e, (uint64_t)e->reg, &v))
			break;
		memcpy(b, &v, n);	/* x86_64: little endian, low bytes */
		snprintf(w, sizeof(w), "%s", reg_names[e->reg]);
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
			fail(e, ZDX_VAL_MEM_ERROR,
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

		run_piece(&e);
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
	run_piece(&e);
	if (e.st_fail == ZDX_VAL_OK && e.pc < nops) {
		snprintf(why, whylen, "pieces in an expression");
		return ZDX_DW_EBADDWARF;
	}
	if (e.st_fail == ZDX_VAL_OK && e.kind == L_REG)
		get_reg(&e, (uint64_t)e.reg, value);
	else if (e.st_fail == ZDX_VAL_OK && (e.kind == L_MEM || e.kind == L_VALUE))
		*value = e.st[e.sp - 1];
	else if (e.st_fail == ZDX_VAL_OK)
		fail(&e, ZDX_VAL_UNSUPPORTED, "not a value expression");
	if (e.st_fail != ZDX_VAL_OK) {
		snprintf(why, whylen, "%s", e.why);
		return e.malformed ? ZDX_DW_EBADDWARF : ZDX_DW_ENOTREC;
	}
	snprintf(why, whylen, "%s = 0x%" PRIx64,
		 e.kind == L_REG ? reg_names[e.reg] : e.txt[e.sp - 1], *value);
	return 0;
}
