/* What the DWARF expression files share (x86_64): dwarf_expr_decode.c
 * (operand layouts, register names), dwarf_expr.c (the stack machine) and
 * dwarf_expr_piece.c (pieces and the values they compose).  Internal; the
 * commands use include/zdx/dwarf.h, not this. */
#ifndef ZDX_DWARF_EVAL_H
#define ZDX_DWARF_EVAL_H

#include "zdx/dwarf.h"

#define STACK_MAX 64
#define TXT_MAX 80

/* Operand layouts of the operations we may meet in kernel DWARF. */
enum operands {
	O_NONE, O_U8, O_S8, O_U16, O_S16, O_U32, O_S32, O_U64, O_S64,
	O_ULEB, O_SLEB, O_ULEB_SLEB, O_ULEB_ULEB, O_BLOCK, O_OFF4_SLEB,
	O_U8_ULEB, O_CONST_TYPE, O_BAD,
};

/* The operand layout of op a (O_BAD: not one we know). */
enum operands zdx_dwarf_operands_of(uint8_t a);

/* "rax" .. "rip", by DWARF register number. */
extern const char *const zdx_dwarf_reg_names[ZDX_NREGS];

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

/* Record why this piece cannot be known (the first reason is kept);
 * ZDX_VAL_MALFORMED marks the whole expression broken. */
void zdx_dwarf_fail(struct ev *e, enum zdx_val_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* General register n of the frame, or false with the reason in e. */
bool zdx_dwarf_get_reg(struct ev *e, uint64_t n, uint64_t *v);
/* Run the ops of one piece, from e->pc up to its piece op or the end. */
void zdx_dwarf_run_piece(struct ev *e);

#endif
