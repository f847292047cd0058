/* DWARF expression decoding for zdx (x86_64): the names of registers,
 * operations and value statuses, and the operand layout of each operation,
 * to turn expression bytes into struct zdx_dwarf_op. */
#include <dwarf.h>
#include <elfutils/known-dwarf.h>

#include "zdx/dwarf_eval.h"

const char *const zdx_dwarf_reg_names[ZDX_NREGS] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
};

const char *zdx_reg_name(int n)
{
	return n >= 0 && n < ZDX_NREGS ? zdx_dwarf_reg_names[n] : NULL;
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

enum operands zdx_dwarf_operands_of(uint8_t a)
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
		decode_operands(&r, zdx_dwarf_operands_of(op.atom), &op);
		if (r.bad)
			return ZDX_DW_EBADDWARF;
		ops[n++] = op;
		*nops = n;
	}
	return 0;
}
