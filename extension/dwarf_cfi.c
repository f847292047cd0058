/* CFI unwinding for zdx (x86_64): the CFA at a pc and the caller's
 * registers, by the rules of a source's call frame information. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdx/dwarf_source.h"

static int frame_at(struct zdx_dwarf *src, uint64_t pc, Dwarf_Frame **frame,
		    char *why, size_t whylen)
{
	Dwarf_Addr a;

	if (zdx_dwarf_run_to_dwarf(src, pc, &a)) {
		snprintf(why, whylen, "pc 0x%" PRIx64 " is outside the file", pc);
		return ZDX_DW_ENOPC;
	}
	for (int i = 0; i < 2; i++) {
		Dwarf_Addr m = a + src->dw_bias - src->cfi_bias[i];

		if (src->cfi[i] && dwarf_cfi_addrframe(src->cfi[i], m, frame) == 0)
			return 0;
	}
	snprintf(why, whylen, "no CFI covers pc 0x%" PRIx64, pc);
	return ZDX_DW_ENOCFI;
}

static int frame_cfa(Dwarf_Frame *frame, const struct zdx_dwarf_env *env,
		     uint64_t *cfa, char *why, size_t whylen)
{
	struct zdx_dwarf_op ops[MAX_OPS];
	Dwarf_Op *dops;
	size_t n;
	int rc;

	if (dwarf_frame_cfa(frame, &dops, &n) || n == 0) {
		snprintf(why, whylen, "CFA not defined by CFI here");
		return ZDX_DW_ENOCFI;
	}
	n = zdx_dwarf_convert_ops(NULL, dops, n, ops);
	rc = zdx_dwarf_expr_value(ops, n, env, cfa, why, whylen);
	if (rc == 0) {
		char tmp[160];

		snprintf(tmp, sizeof(tmp), "cfa = %s", why);
		snprintf(why, whylen, "%s", tmp);
	}
	return rc;
}

int zdx_dwarf_cfa(struct zdx_dwarf *src, uint64_t pc,
		  const struct zdx_regs *regs, zdx_read_mem_fn read_mem,
		  void *ctx, uint64_t *cfa, char *why, size_t whylen)
{
	struct zdx_dwarf_env env = { .regs = regs, .read_mem = read_mem, .ctx = ctx };
	Dwarf_Frame *frame = NULL;
	int rc;

	if (!src || !regs || !cfa || !why)
		return ZDX_DW_EINVAL;
	rc = frame_at(src, pc, &frame, why, whylen);
	if (rc == 0)
		rc = frame_cfa(frame, &env, cfa, why, whylen);
	free(frame);
	return rc;
}

/* The caller's value of register r as the CFI rule says; false if the
 * rule makes it unknowable (undefined, or saved where we cannot read). */
static bool recover_reg(Dwarf_Frame *frame, int r, const struct zdx_dwarf_env *env,
			uint64_t *v, char *why, size_t whylen)
{
	struct zdx_dwarf_op ops[MAX_OPS];
	Dwarf_Op mem[3], *dops;
	struct zdx_val val;
	size_t n;

	if (dwarf_frame_register(frame, r, mem, &dops, &n)) {
		snprintf(why, whylen, "CFI: %s", dwarf_errmsg(-1));
		return false;
	}
	if (n == 0 && dops == NULL) {			/* same value */
		snprintf(why, whylen, "unchanged, and unknown in this frame");
		if (!(env->regs->valid & (1u << r)))
			return false;
		*v = env->regs->r[r];
		return true;
	}
	if (n == 0) {					/* undefined */
		snprintf(why, whylen, "CFI says undefined");
		return false;
	}
	n = zdx_dwarf_convert_ops(NULL, dops, n, ops);
	zdx_dwarf_expr_eval(ops, n, env, 8, &val);
	*v = val.value;
	snprintf(why, whylen, "%s", val.reason);
	return val.status == ZDX_VAL_OK;
}

int zdx_dwarf_unwind(struct zdx_dwarf *src, uint64_t pc,
		     const struct zdx_regs *regs,
		     zdx_read_mem_fn read_mem, void *ctx,
		     struct zdx_regs *caller, char *why, size_t whylen)
{
	/* Registers the x86_64 ABI makes the callee preserve; the others
	 * were the callee's to clobber, so the caller's are gone. */
	static const int saved[] = { ZDX_RBX, ZDX_RBP, ZDX_R12, ZDX_R13,
				     ZDX_R14, ZDX_R15 };
	struct zdx_dwarf_env env = { .regs = regs, .read_mem = read_mem, .ctx = ctx };
	Dwarf_Frame *frame = NULL;
	char rwhy[160];
	uint64_t ra;
	int rc, ra_reg;

	if (!src || !regs || !caller || !why)
		return ZDX_DW_EINVAL;
	memset(caller, 0, sizeof(*caller));
	rc = frame_at(src, pc, &frame, why, whylen);
	if (rc == 0)
		rc = frame_cfa(frame, &env, &env.cfa, why, whylen);
	if (rc) {
		free(frame);
		return rc;
	}
	env.have_cfa = true;
	zdx_regs_set(caller, ZDX_RSP, env.cfa);	/* x86_64: CFA = caller's rsp */
	for (size_t i = 0; i < sizeof(saved) / sizeof(saved[0]); i++) {
		uint64_t v;

		if (recover_reg(frame, saved[i], &env, &v, rwhy, sizeof(rwhy)))
			zdx_regs_set(caller, saved[i], v);
	}
	ra_reg = dwarf_frame_info(frame, NULL, NULL, NULL);
	rc = 0;
	snprintf(rwhy, sizeof(rwhy), "no return address column");
	if (ra_reg < 0 || !recover_reg(frame, ra_reg, &env, &ra, rwhy, sizeof(rwhy))) {
		snprintf(why, whylen, "return address not recoverable at 0x%" PRIx64
			 ": %.100s", pc, rwhy);
		rc = ZDX_DW_ENOTREC;
	} else if (ra == 0) {
		snprintf(why, whylen, "return address 0: outermost frame");
		rc = ZDX_DW_ENOTREC;
	} else {
		zdx_regs_set(caller, ZDX_RIP, ra);
		snprintf(why, whylen, "cfa 0x%" PRIx64 ", return address 0x%" PRIx64,
			 env.cfa, ra);
	}
	free(frame);
	return rc;
}
