/* DWARF expressions: decode any bytes, then evaluate them as a location
 * and as a value against registers and a small readable stack. */
#include <stdlib.h>
#include "fuzz.h"
#include "zdx/dwarf.h"

#define STACK 0xffffc90000010000ULL

static uint8_t stack[256];

static int stack_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	if (addr < STACK || addr - STACK > sizeof(stack) || len > sizeof(stack) - (addr - STACK))
		return -1;
	memcpy(buf, stack + (addr - STACK), len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zdx_regs regs = { .valid = 0 };
	struct zdx_dwarf_op ops[64];
	struct zdx_dwarf_env env;
	struct zdx_val v;
	size_t nops = 0;
	uint64_t value;
	unsigned sz;
	char why[128];
	int i;

	if (size < 1)
		return 0;
	sz = data[0] % (ZDX_VAL_MAX_BYTES + 2);    /* includes 0 and one too many */
	for (i = 0; i < ZDX_NREGS; i++)
		if (i != 5)                            /* rdi unknown */
			zdx_regs_set(&regs, i, STACK + 16 * i);
	for (i = 0; i < (int)sizeof(stack); i++)
		stack[i] = (uint8_t)(i * 37);
	env = (struct zdx_dwarf_env){ .regs = &regs, .read_mem = stack_read,
		.have_fb = data[0] & 1, .fb = STACK + 64, .fb_why = "fuzz",
		.have_cfa = data[0] & 2, .cfa = STACK + 128, .cfa_why = "fuzz" };
	if (zdx_dwarf_expr_decode(data + 1, size - 1, ops, 64, &nops) == 0) {
		zdx_dwarf_expr_eval(ops, nops, &env, sz, &v);
		zdx_dwarf_expr_value(ops, nops, &env, &value, why, sizeof(why));
	}
	return 0;
}
