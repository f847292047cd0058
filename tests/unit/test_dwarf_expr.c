/* Unit tests for zdx's DWARF expression decoder and evaluator
 * (extension/dwarf_expr*.c): hand-assembled DW_OP byte sequences are
 * decoded and evaluated with a synthetic register set and fake memory,
 * including truncated, malformed and random ones.  No compiled code and
 * no debuginfo: test_dwarf.c covers variable recovery and unwinding on
 * real compiled fixtures. */
#include <stdint.h>
#include <string.h>

#include <dwarf.h>

#include "tap.h"
#include "xorshift.h"
#include "zdx/dwarf.h"

/* Fake memory: one window of bytes at a base address. */
struct fakemem {
	uint64_t base;
	const uint8_t *buf;
	size_t len;
};

static int fake_read(void *ctx, uint64_t addr, void *out, size_t len)
{
	const struct fakemem *m = ctx;

	if (addr < m->base || addr - m->base > m->len ||
	    len > m->len - (addr - m->base))
		return -1;
	memcpy(out, m->buf + (addr - m->base), len);
	return 0;
}

#define STACK_BASE 0xffffc90000a0f000ULL

static uint8_t stack_bytes[256];
static struct fakemem stack_mem = { .base = STACK_BASE, .buf = stack_bytes, .len = sizeof(stack_bytes) };
static struct zdx_regs regs;

static void put64(uint64_t addr, uint64_t v)
{
	memcpy(stack_bytes + (addr - STACK_BASE), &v, 8);
}

static void setup_regs(void)
{
	memset(&regs, 0, sizeof(regs));
	for (int i = 0; i < ZDX_NREGS; i++)	/* distinct, recognisable */
		zdx_regs_set(&regs, i, 0x1000000000000000ULL + 0x1111ULL * (i + 1));
	zdx_regs_set(&regs, ZDX_RBX, 0xffffea0001812340ULL);	/* a page */
	zdx_regs_set(&regs, ZDX_R12, 0x60048dULL);		/* a pfn */
	zdx_regs_set(&regs, ZDX_RSP, STACK_BASE + 0x40);
	put64(STACK_BASE + 0x58, 0xffffea0000400000ULL);	/* [rsp+0x18] */
	put64(STACK_BASE + 0x48, STACK_BASE + 0x80);		/* [rsp+8] */
	put64(STACK_BASE + 0x90, 0x1234);			/* [[rsp+8]+0x10] */
}

static struct zdx_dwarf_env env_basic(void)
{
	struct zdx_dwarf_env env = {
		.regs = &regs, .read_mem = fake_read, .ctx = &stack_mem,
		.have_fb = true, .fb = STACK_BASE + 0xa0, .fb_why = "test fb",
		.have_cfa = true, .cfa = STACK_BASE + 0x70, .cfa_why = "test cfa",
	};
	return env;
}

/* Decode bytes and evaluate them for an object of `size` bytes. */
static int eval_bytes(const uint8_t *b, size_t len, const struct zdx_dwarf_env *env,
		      unsigned size, struct zdx_val *v)
{
	struct zdx_dwarf_op ops[128];
	size_t n;
	int rc = zdx_dwarf_expr_decode(b, len, ops, 128, &n);

	if (rc == 0)
		zdx_dwarf_expr_eval(ops, n, env, size, v);
	return rc;
}

#define EVAL(env, size, v, ...) ({                                       \
	static const uint8_t b_[] = { __VA_ARGS__ };                     \
	eval_bytes(b_, sizeof(b_), env, size, v);                        \
})

static void check_ok(const struct zdx_val *v, uint64_t want, const char *where,
		     const char *what)
{
	is_u64(v->status, ZDX_VAL_OK, "%s: status ok (%s)", what, v->reason);
	is_u64(v->value, want, "%s: value", what);
	if (where)
		ok(!strcmp(v->where, where), "%s: where '%s' == '%s'", what,
		   v->where, where);
}

static void check_status(const struct zdx_val *v, enum zdx_val_status st,
			 const char *reason_part, const char *what)
{
	ok(v->status == st, "%s: status %s (got %s: %s)", what,
	   zdx_val_status_name(st), zdx_val_status_name(v->status), v->reason);
	if (reason_part)
		ok(strstr(v->reason, reason_part) != NULL,
		   "%s: reason '%s' mentions '%s'", what, v->reason, reason_part);
}

static void test_simple_locations(void)
{
	struct zdx_dwarf_env env = env_basic();
	struct zdx_val v;

	EVAL(&env, 8, &v, DW_OP_reg3);
	check_ok(&v, 0xffffea0001812340ULL, "rbx", "DW_OP_reg3");
	EVAL(&env, 8, &v, DW_OP_regx, 12);
	check_ok(&v, 0x60048d, "r12", "DW_OP_regx 12");
	EVAL(&env, 8, &v, DW_OP_breg7, 0x18);
	check_ok(&v, 0xffffea0000400000ULL, "[rsp+0x18] @0xffffc90000a0f058",
		 "DW_OP_breg7 0x18 (memory)");
	EVAL(&env, 8, &v, DW_OP_bregx, 7, 0x18);
	check_ok(&v, 0xffffea0000400000ULL, NULL, "DW_OP_bregx 7 0x18");
	/* fbreg -0x48: fb = base+0xa0 -> base+0x58 */
	EVAL(&env, 8, &v, DW_OP_fbreg, 0xb8, 0x7f);
	check_ok(&v, 0xffffea0000400000ULL, "[fb-0x48] @0xffffc90000a0f058",
		 "DW_OP_fbreg -72");
	/* cfa - 0x18 = base+0x58 */
	EVAL(&env, 8, &v, DW_OP_call_frame_cfa, DW_OP_consts, 0x68, DW_OP_plus);
	check_ok(&v, 0xffffea0000400000ULL, NULL, "call_frame_cfa; consts -24; plus");
	/* rbx >> 12 as a computed value */
	EVAL(&env, 8, &v, DW_OP_breg3, 0, DW_OP_lit12, DW_OP_shr, DW_OP_stack_value);
	check_ok(&v, 0xffffea0001812340ULL >> 12, NULL, "breg3; lit12; shr; stack_value");
	ok(strstr(v.where, "computed") != NULL, "stack_value where says computed: %s", v.where);
	/* [[rsp+8]+0x10] */
	EVAL(&env, 8, &v, DW_OP_breg7, 8, DW_OP_deref, DW_OP_plus_uconst, 0x10);
	check_ok(&v, 0x1234, "[[rsp+0x8]+0x10] @0xffffc90000a0f090", "deref chain");
	/* ((r12 << 6) | 0xf) & 0xffff, minus 1, constants of every width */
	EVAL(&env, 8, &v, DW_OP_breg12, 0, DW_OP_lit6, DW_OP_shl, DW_OP_const1u, 0xf,
	     DW_OP_or, DW_OP_const2u, 0xff, 0xff, DW_OP_and, DW_OP_lit1, DW_OP_minus,
	     DW_OP_stack_value);
	check_ok(&v, (((0x60048dULL << 6) | 0xf) & 0xffff) - 1, NULL, "arith");
	EVAL(&env, 8, &v, DW_OP_const8u, 0x40, 0x23, 0x81, 0x01, 0x00, 0xea, 0xff, 0xff,
	     DW_OP_const4s, 0xc0, 0xff, 0xff, 0xff, DW_OP_plus, DW_OP_stack_value);
	check_ok(&v, 0xffffea0001812340ULL - 0x40, NULL, "const8u + const4s(-64)");
	EVAL(&env, 8, &v, DW_OP_addr, 0x00, 0x10, 0x00, 0x81, 0xff, 0xff, 0xff, 0xff,
	     DW_OP_stack_value);
	check_ok(&v, 0xffffffff81001000ULL, NULL, "DW_OP_addr (identity map)");
	EVAL(&env, 8, &v, DW_OP_implicit_value, 8, 0x40, 0x23, 0x81, 0x01, 0x00, 0xea,
	     0xff, 0xff);
	check_ok(&v, 0xffffea0001812340ULL, "implicit value", "implicit_value");
	/* bra: taken skips lit2, not taken does not */
	EVAL(&env, 8, &v, DW_OP_lit0, DW_OP_lit1, DW_OP_bra, 1, 0, DW_OP_lit2,
	     DW_OP_stack_value);
	check_ok(&v, 0, NULL, "bra taken");
	EVAL(&env, 8, &v, DW_OP_lit0, DW_OP_lit0, DW_OP_bra, 1, 0, DW_OP_lit2,
	     DW_OP_stack_value);
	check_ok(&v, 2, NULL, "bra not taken");
	/* swap/over/rot/pick: (7, 5) -> over -> (7,5,7) -> rot -> (7,7,5)
	 * -> minus -> (7, 2) -> pick 1 -> (7,2,7) -> mul -> (7,14) -> swap
	 * -> (14,7) -> drop -> 14 */
	EVAL(&env, 8, &v, DW_OP_lit7, DW_OP_lit5, DW_OP_over, DW_OP_rot, DW_OP_minus,
	     DW_OP_pick, 1, DW_OP_mul, DW_OP_swap, DW_OP_drop, DW_OP_stack_value);
	check_ok(&v, 14, NULL, "stack ops");
	/* 4-byte object in a register: low bytes only */
	EVAL(&env, 4, &v, DW_OP_reg3);
	check_ok(&v, 0x01812340, NULL, "4-byte object in rbx");
}

static void test_pieces(void)
{
	struct zdx_dwarf_env env = env_basic();
	struct zdx_regs partial;
	struct zdx_val v;

	EVAL(&env, 16, &v, DW_OP_reg3, DW_OP_piece, 8, DW_OP_reg12, DW_OP_piece, 8);
	is_u64(v.status, ZDX_VAL_OK, "rbx|r12 pieces: ok (%s)", v.reason);
	is_u64(v.value, 0xffffea0001812340ULL, "pieces: first 8 bytes from rbx");
	{
		uint64_t hi;

		memcpy(&hi, v.bytes + 8, 8);
		is_u64(hi, 0x60048d, "pieces: bytes 8..16 from r12");
	}
	ok(!strcmp(v.where, "rbx[0..8] + r12[8..16]"), "pieces where: %s", v.where);
	/* a u64 split into two 4-byte halves: low of rbx, low of r12 */
	EVAL(&env, 8, &v, DW_OP_reg3, DW_OP_piece, 4, DW_OP_reg12, DW_OP_piece, 4);
	check_ok(&v, 0x0060048d01812340ULL, NULL, "u64 from two 4-byte pieces");
	/* memory piece + register piece */
	EVAL(&env, 16, &v, DW_OP_breg7, 0x18, DW_OP_piece, 8, DW_OP_reg3, DW_OP_piece, 8);
	is_u64(v.value, 0xffffea0000400000ULL, "memory piece first");
	is_u64(v.status, ZDX_VAL_OK, "memory+register pieces ok");
	/* first piece optimized out */
	EVAL(&env, 16, &v, DW_OP_piece, 8, DW_OP_reg3, DW_OP_piece, 8);
	check_status(&v, ZDX_VAL_PARTIAL, "piece 1 (bytes 0..8) missing", "empty first piece");
	is_u64(v.known, 0xff00, "only bytes 8..16 known");
	/* second piece in a register this frame does not know */
	partial = regs;
	partial.valid &= ~(1u << ZDX_R12);
	env.regs = &partial;
	EVAL(&env, 16, &v, DW_OP_reg3, DW_OP_piece, 8, DW_OP_reg12, DW_OP_piece, 8);
	check_status(&v, ZDX_VAL_PARTIAL, "piece 2 (bytes 8..16) missing: r12 unknown",
		     "unknown register piece");
	is_u64(v.value, 0xffffea0001812340ULL, "known piece still assembled");
	/* both pieces missing, for different reasons */
	EVAL(&env, 16, &v, DW_OP_piece, 8, DW_OP_reg12, DW_OP_piece, 8);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "piece 2", "no piece known");
	EVAL(&env, 16, &v, DW_OP_piece, 8, DW_OP_piece, 8);
	check_status(&v, ZDX_VAL_OPTIMIZED_OUT, NULL, "all pieces empty");
	env.regs = &regs;
	/* pieces that cover less than the object */
	EVAL(&env, 16, &v, DW_OP_reg3, DW_OP_piece, 8);
	check_status(&v, ZDX_VAL_PARTIAL, NULL, "pieces shorter than object");
	/* an entry value inside one piece does not spoil the other */
	EVAL(&env, 16, &v, DW_OP_reg3, DW_OP_piece, 8, DW_OP_entry_value, 1, DW_OP_reg4,
	     DW_OP_stack_value, DW_OP_piece, 8);
	check_status(&v, ZDX_VAL_PARTIAL, "function entry", "entry value piece");
	is_u64(v.value, 0xffffea0001812340ULL, "piece beside entry value known");
}

static void test_unrecoverable(void)
{
	struct zdx_dwarf_env env = env_basic();
	struct zdx_regs none = { .valid = 0 };
	struct zdx_val v;

	EVAL(&env, 8, &v, DW_OP_entry_value, 1, DW_OP_reg5, DW_OP_stack_value);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "DW_OP_entry_value", "entry_value");
	EVAL(&env, 8, &v, DW_OP_GNU_entry_value, 2, DW_OP_breg5, 0, DW_OP_stack_value);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "DW_OP_GNU_entry_value", "GNU_entry_value");
	EVAL(&env, 8, &v, DW_OP_GNU_parameter_ref, 0x2a, 0, 0, 0, DW_OP_stack_value);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "call site", "GNU_parameter_ref");
	EVAL(&env, 8, &v, DW_OP_implicit_pointer, 0x10, 0, 0, 0, 0);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "optimized-out object", "implicit_pointer");
	v.status = ZDX_VAL_OK;
	zdx_dwarf_expr_eval(NULL, 0, &env, 8, &v);
	check_status(&v, ZDX_VAL_OPTIMIZED_OUT, "empty", "empty expression");
	env.regs = &none;
	EVAL(&env, 8, &v, DW_OP_reg3);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "rbx unknown in this frame", "unknown rbx");
	EVAL(&env, 8, &v, DW_OP_breg7, 8);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "rsp unknown", "unknown rsp");
	env = env_basic();
	EVAL(&env, 8, &v, DW_OP_regx, 17);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "not a general register", "xmm0");
	env.have_fb = false;
	env.fb_why = "no CFI covers pc";
	EVAL(&env, 8, &v, DW_OP_fbreg, 0x10);
	check_status(&v, ZDX_VAL_NOT_RECOVERABLE, "no CFI covers pc", "fbreg without frame base");
	env = env_basic();
	EVAL(&env, 8, &v, DW_OP_breg7, 0x80, 0x20);	/* rsp+0x1000: off the map */
	check_status(&v, ZDX_VAL_MEM_ERROR, "0xffffc90000a10040", "unreadable memory");
	ok(strstr(v.where, "[rsp+0x1000]") != NULL, "unreadable: where still says it: %s", v.where);
	EVAL(&env, 8, &v, DW_OP_convert, 0x30, DW_OP_stack_value);
	check_status(&v, ZDX_VAL_UNSUPPORTED, "DW_OP_convert", "typed op unsupported");
}

static void test_malformed(void)
{
	struct zdx_dwarf_env env = env_basic();
	struct zdx_dwarf_op ops[8];
	struct zdx_val v;
	size_t n;
	static const uint8_t trunc_breg[] = { DW_OP_breg0 };
	static const uint8_t trunc_c8[] = { DW_OP_const8u, 1, 2, 3 };
	static const uint8_t endless_leb[] = { DW_OP_constu, 0x80, 0x80, 0x80 };
	static const uint8_t bad_op[] = { DW_OP_lit1, 0x01 };
	static const uint8_t trunc_block[] = { DW_OP_implicit_value, 8, 1, 2 };
	static const uint8_t many[] = { DW_OP_lit0, DW_OP_lit0, DW_OP_lit0,
					DW_OP_lit0, DW_OP_lit0 };
	uint8_t overflow[70];

	is_u64(zdx_dwarf_expr_decode(trunc_breg, 1, ops, 8, &n), (uint64_t)ZDX_DW_EBADDWARF,
	       "truncated breg operand rejected");
	is_u64(zdx_dwarf_expr_decode(trunc_c8, 4, ops, 8, &n), (uint64_t)ZDX_DW_EBADDWARF,
	       "truncated const8u rejected");
	is_u64(zdx_dwarf_expr_decode(endless_leb, 4, ops, 8, &n), (uint64_t)ZDX_DW_EBADDWARF,
	       "unterminated LEB128 rejected");
	is_u64(zdx_dwarf_expr_decode(bad_op, 2, ops, 8, &n), (uint64_t)ZDX_DW_EBADDWARF,
	       "unknown opcode rejected");
	is_u64(n, 1, "ops before the bad one counted");
	is_u64(zdx_dwarf_expr_decode(trunc_block, 4, ops, 8, &n), (uint64_t)ZDX_DW_EBADDWARF,
	       "implicit_value block past the end rejected");
	is_u64(zdx_dwarf_expr_decode(many, 5, ops, 4, &n), (uint64_t)ZDX_DW_ENOMEM,
	       "more ops than room reported");

	EVAL(&env, 8, &v, DW_OP_plus);
	check_status(&v, ZDX_VAL_MALFORMED, "underflow", "plus on empty stack");
	EVAL(&env, 8, &v, DW_OP_deref);
	check_status(&v, ZDX_VAL_MALFORMED, "underflow", "deref on empty stack");
	EVAL(&env, 8, &v, DW_OP_reg3, DW_OP_lit1);
	check_status(&v, ZDX_VAL_MALFORMED, "not followed by a piece", "reg then more ops");
	EVAL(&env, 8, &v, DW_OP_skip, 0xfd, 0xff);	/* jumps to itself */
	check_status(&v, ZDX_VAL_MALFORMED, "steps", "endless loop bounded");
	EVAL(&env, 8, &v, DW_OP_lit1, DW_OP_bra, 0x01, 0x00, DW_OP_const2u, 1, 2,
	     DW_OP_stack_value);			/* into const2u's operand */
	check_status(&v, ZDX_VAL_MALFORMED, "not an op", "branch into an operand");
	EVAL(&env, 8, &v, DW_OP_lit1, DW_OP_lit0, DW_OP_div, DW_OP_stack_value);
	check_status(&v, ZDX_VAL_MALFORMED, "division by zero", "div by zero");
	EVAL(&env, 8, &v, DW_OP_reg3, DW_OP_piece, 8, DW_OP_lit1);
	check_status(&v, ZDX_VAL_MALFORMED, "after the last piece", "ops after last piece");
	EVAL(&env, 8, &v, DW_OP_lit1, DW_OP_deref_size, 9);
	check_status(&v, ZDX_VAL_MALFORMED, "deref size", "deref_size 9");
	memset(overflow, DW_OP_lit1, sizeof(overflow));
	eval_bytes(overflow, sizeof(overflow), &env, 8, &v);
	check_status(&v, ZDX_VAL_MALFORMED, "overflow", "stack overflow");
	EVAL(&env, 64, &v, DW_OP_reg3);
	check_status(&v, ZDX_VAL_UNSUPPORTED, "64 bytes", "object too large");
}

static void test_expr_value(void)
{
	struct zdx_dwarf_env env = env_basic();
	struct zdx_dwarf_op ops[4];
	uint64_t val = 0;
	size_t n;
	char why[160];
	static const uint8_t cfa_rule[] = { DW_OP_bregx, 7, 0x20 };
	static const uint8_t reg_rule[] = { DW_OP_reg6 };

	zdx_dwarf_expr_decode(cfa_rule, sizeof(cfa_rule), ops, 4, &n);
	is_u64(zdx_dwarf_expr_value(ops, n, &env, &val, why, sizeof(why)), 0,
	       "CFA rule evaluates");
	is_u64(val, STACK_BASE + 0x60, "CFA = rsp+0x20");
	ok(!strcmp(why, "rsp+0x20 = 0xffffc90000a0f060"), "CFA in words: %s", why);
	zdx_dwarf_expr_decode(reg_rule, 1, ops, 4, &n);
	zdx_dwarf_expr_value(ops, n, &env, &val, why, sizeof(why));
	is_u64(val, regs.r[ZDX_RBP], "register frame base yields its content");
	ok(!strcmp(zdx_reg_name(ZDX_R12), "r12") && zdx_reg_name(17) == NULL,
	   "register names");
	ok(!strcmp(zdx_dwarf_op_name(DW_OP_fbreg), "DW_OP_fbreg"), "op names");
}

/* Random expressions (biased toward real opcodes) must never crash, hang
 * or leave an unterminated string; every outcome is a status. */
static void test_fuzz(void)
{
	static const uint8_t common[] = {
		DW_OP_reg3, DW_OP_breg7, DW_OP_fbreg, DW_OP_piece, DW_OP_stack_value,
		DW_OP_lit1, DW_OP_plus, DW_OP_deref, DW_OP_bra, DW_OP_skip,
		DW_OP_entry_value, DW_OP_implicit_value, DW_OP_call_frame_cfa,
		DW_OP_pick, DW_OP_regx, DW_OP_bregx, DW_OP_const8u, DW_OP_dup,
	};
	struct zdx_dwarf_env env = env_basic();
	unsigned decoded = 0, sane = 0, runs = 20000;

	for (unsigned i = 0; i < runs; i++) {
		uint8_t b[24];
		size_t len = rnd() % sizeof(b);
		struct zdx_val v;

		for (size_t j = 0; j < len; j++)
			b[j] = rnd() & 1 ? common[rnd() % sizeof(common)] : (uint8_t)rnd();
		if (eval_bytes(b, len, &env, 1 + rnd() % 16, &v) != 0) {
			sane++;
			continue;
		}
		decoded++;
		sane += v.status <= ZDX_VAL_MALFORMED &&
			strlen(v.where) < sizeof(v.where) &&
			strlen(v.reason) < sizeof(v.reason) &&
			(v.status == ZDX_VAL_OK) == (v.reason[0] == 0);
	}
	is_u64(sane, runs, "%u random expressions (%u decodable): sane outcomes", runs,
	       decoded);
}

int main(void)
{
	setup_regs();
	test_simple_locations();
	test_pieces();
	test_unrecoverable();
	test_malformed();
	test_expr_value();
	test_fuzz();
	return tap_done();
}
