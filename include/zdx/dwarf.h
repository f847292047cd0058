/* zdx DWARF variable recovery: given a PC, the registers at that PC and a
 * way to read memory, find the variables in scope (including those of
 * inlined callees) that matter to a pfn walker -- struct page / struct
 * folio pointers and pfns -- and evaluate their DWARF locations.
 *
 * Pure library: libdw/libdwfl only, no crash headers, no global state.
 * Every value comes with the location it was read from, in words, so a
 * reviewer can redo it by hand; every value that cannot be known says why
 * instead of guessing.  x86_64 only (DWARF register numbering below). */
#ifndef ZDX_DWARF_H
#define ZDX_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- registers and memory ------------------------------------------- */

/* x86_64 DWARF register numbers. */
enum zdx_reg {
	ZDX_RAX = 0, ZDX_RDX, ZDX_RCX, ZDX_RBX, ZDX_RSI, ZDX_RDI, ZDX_RBP,
	ZDX_RSP, ZDX_R8, ZDX_R9, ZDX_R10, ZDX_R11, ZDX_R12, ZDX_R13, ZDX_R14,
	ZDX_R15, ZDX_RIP, ZDX_NREGS
};

/* A register set; r[n] is meaningful only when bit n of valid is set
 * (a caller frame knows only what CFI could recover). */
struct zdx_regs {
	uint64_t r[ZDX_NREGS];
	uint32_t valid;
};

static inline void zdx_regs_set(struct zdx_regs *rs, int n, uint64_t v)
{
	rs->r[n] = v;
	rs->valid |= 1u << n;
}

/* "rax".."r15", "rip"; NULL for numbers outside 0..16. */
const char *zdx_reg_name(int dwarf_regno);

/* Read len bytes at addr into buf; return 0 on success, nonzero if the
 * memory is not available (not in the dump, filtered out...). */
typedef int (*zdx_read_mem_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/* ---- errors and value statuses -------------------------------------- */

/* Function results: 0 or one of these (negative). */
enum zdx_dwarf_err {
	ZDX_DW_OK = 0,
	ZDX_DW_EINVAL = -1,	/* bad argument */
	ZDX_DW_ENOMEM = -2,
	ZDX_DW_EOPEN = -3,	/* file missing or not ELF */
	ZDX_DW_ENODWARF = -4,	/* no DWARF debuginfo in the file */
	ZDX_DW_ENOPC = -5,	/* no CU / function covers this pc */
	ZDX_DW_ENOCFI = -6,	/* no call frame information for pc */
	ZDX_DW_EBADDWARF = -7,	/* malformed or unsupported DWARF */
	ZDX_DW_ENOTREC = -8,	/* unwind: return address not recoverable */
};
const char *zdx_dwarf_strerror(int err);

/* What is known about one variable's value. */
enum zdx_val_status {
	ZDX_VAL_OK = 0,		/* value known (all bytes) */
	ZDX_VAL_OPTIMIZED_OUT,	/* no location at this pc */
	ZDX_VAL_NOT_RECOVERABLE,/* lives somewhere we cannot see from here:
				 * entry value, register not saved in this
				 * frame, pointer to optimized-out object... */
	ZDX_VAL_PARTIAL,	/* some pieces known, some not (see reason) */
	ZDX_VAL_MEM_ERROR,	/* location known, memory unreadable */
	ZDX_VAL_UNSUPPORTED,	/* DWARF operation we do not evaluate */
	ZDX_VAL_MALFORMED,	/* broken expression: underflow, truncation... */
};
const char *zdx_val_status_name(enum zdx_val_status s);

#define ZDX_VAL_MAX_BYTES 32

struct zdx_val {
	enum zdx_val_status status;
	uint64_t value;			/* bytes[0..7], little endian */
	uint8_t bytes[ZDX_VAL_MAX_BYTES];
	uint32_t known;			/* bit i: bytes[i] is known */
	unsigned size;			/* bytes the variable occupies */
	char where[192];		/* "rbx", "[fb-0x28] @0xffffc9...",
					 * "rbx[0..8] + r12[8..16]"... */
	char reason[160];		/* why not OK; empty when OK */
};

/* ---- DWARF expressions (exported for tests and odd callers) --------- */

/* One decoded operation.  n1/n2 are the operands (sign-extended for
 * signed forms); block/n1 is the byte block of implicit_value and
 * entry_value; offset is the op's byte offset (branch targets). */
struct zdx_dwarf_op {
	uint8_t atom;
	uint64_t n1, n2;
	uint64_t offset;
	const uint8_t *block;
};

/* Decode a raw DWARF expression (x86_64: 8-byte addresses, 32-bit
 * DWARF).  Returns 0, or ZDX_DW_EBADDWARF for truncated/unknown ops, or
 * ZDX_DW_ENOMEM when more than max ops.  *nops is set in all cases to the
 * number of ops decoded. */
int zdx_dwarf_expr_decode(const uint8_t *buf, size_t len,
			  struct zdx_dwarf_op *ops, size_t max, size_t *nops);

/* Everything an expression may refer to. */
struct zdx_dwarf_env {
	const struct zdx_regs *regs;
	zdx_read_mem_fn read_mem;
	void *ctx;
	bool have_fb;		/* frame base (DW_OP_fbreg) */
	uint64_t fb;
	const char *fb_why;	/* how fb was found, or why it is unknown */
	bool have_cfa;		/* DW_OP_call_frame_cfa */
	uint64_t cfa;
	const char *cfa_why;
	/* Map a link-time address from DW_OP_addr to run time; NULL means
	 * identity.  Return nonzero when the address has no run-time home. */
	int (*map_addr)(void *map_ctx, uint64_t addr, uint64_t *out);
	void *map_ctx;
};

/* Evaluate a location description for an object of `size` bytes (at most
 * ZDX_VAL_MAX_BYTES) and read its value.  Never fails: the outcome is in
 * out->status / out->reason. */
void zdx_dwarf_expr_eval(const struct zdx_dwarf_op *ops, size_t nops,
			 const struct zdx_dwarf_env *env, unsigned size,
			 struct zdx_val *out);

/* Evaluate a DWARF *expression* (not a location): the value left on top
 * of the stack, e.g. a CFA rule or a frame base.  A register location
 * (DW_OP_regN) yields the register's content.  Returns 0 or fills why. */
int zdx_dwarf_expr_value(const struct zdx_dwarf_op *ops, size_t nops,
			 const struct zdx_dwarf_env *env, uint64_t *value,
			 char *why, size_t whylen);

/* "DW_OP_breg7" etc., or NULL. */
const char *zdx_dwarf_op_name(uint8_t atom);

/* ---- a DWARF source (vmlinux or module) ----------------------------- */

struct zdx_dwarf;

/* Where a relocatable module's section was loaded (from crash's module
 * list: ".text" -> 0xffffffffc0a3c000, ".init.text", ".data"...). */
struct zdx_dwarf_section {
	const char *name;
	uint64_t addr;
};

/* How the file sits in the target's address space:
 *  - ET_EXEC / ET_DYN (vmlinux): run-time address = link address + bias
 *    (the KASLR offset for vmlinux; 0 when not randomised);
 *  - ET_REL (.ko): each section at the address given in sections[];
 *    addresses in sections not listed are treated as unmapped. */
struct zdx_dwarf_load {
	uint64_t bias;
	const struct zdx_dwarf_section *sections;
	size_t nsections;
};

/* Open an ELF file carrying DWARF; load may be NULL (bias 0). */
int zdx_dwarf_open(const char *path, const struct zdx_dwarf_load *load,
		   struct zdx_dwarf **out);
void zdx_dwarf_close(struct zdx_dwarf *src);

/* ---- variables at a pc ---------------------------------------------- */

/* What the filter sees of a variable's type, after typedefs and
 * const/volatile were peeled off. */
struct zdx_dwarf_typeinfo {
	const char *var_name;
	const char *type_name;		/* as declared: "struct page *" */
	const char *pointee_struct;	/* "page" for (const) struct page *,
					 * through typedefs; else NULL */
	const char *typedefs[4];	/* typedef names crossed, outermost
					 * first: {"pfn_t"} */
	unsigned ntypedefs;
	bool is_pointer, is_integer;
	uint64_t size;
};

/* Return true to evaluate and report the variable. */
typedef bool (*zdx_dwarf_filter_fn)(const struct zdx_dwarf_typeinfo *ti,
				    void *arg);

struct zdx_dwarf_filter {
	zdx_dwarf_filter_fn fn;
	void *arg;
};

/* The default filter: pointers to struct page / struct folio, anything
 * typed through a pfn_t typedef, and integers whose name says pfn
 * ("pfn", "start_pfn", "end_pfn"...). */
bool zdx_dwarf_filter_pages(const struct zdx_dwarf_typeinfo *ti, void *arg);

enum zdx_var_kind { ZDX_VAR_PARAM, ZDX_VAR_LOCAL };

/* A function or inlined-function scope containing pc. */
struct zdx_dwarf_scope {
	char name[128];
	bool inlined;
	char call_file[192];	/* inlined: where it was inlined from */
	unsigned call_line;
};

struct zdx_dwarf_var {
	char name[96];
	enum zdx_var_kind kind;
	char type[128];
	unsigned scope;		/* index into zdx_dwarf_frame_vars.scopes */
	struct zdx_val val;
};

struct zdx_dwarf_frame_vars {
	struct zdx_dwarf_scope *scopes;	/* innermost first; last is the
					 * out-of-line function */
	size_t nscopes;
	struct zdx_dwarf_var *vars;	/* innermost scope first */
	size_t nvars;
	char file[192];			/* source position of pc */
	unsigned line;
	char frame_base[160];		/* "cfa = rsp+0x20 = 0x..." or why not */
};

/* Collect and evaluate the variables in scope at pc.
 *  pc:     the address to look up -- the faulting rip for the exception
 *          frame, return address - 1 for caller frames;
 *  regs:   registers in that frame (rip need not be set);
 *  filter: NULL reports every parameter and local.
 * Returns 0 (out filled; free with zdx_dwarf_frame_vars_free) or an
 * error.  A variable that cannot be evaluated is not an error. */
int zdx_dwarf_vars_at(struct zdx_dwarf *src, uint64_t pc,
		      const struct zdx_regs *regs,
		      zdx_read_mem_fn read_mem, void *ctx,
		      const struct zdx_dwarf_filter *filter,
		      struct zdx_dwarf_frame_vars *out);
void zdx_dwarf_frame_vars_free(struct zdx_dwarf_frame_vars *fv);

/* ---- unwinding ------------------------------------------------------- */

/* Unwind one frame with CFI (.debug_frame, else .eh_frame).
 *  pc:     lookup address as for zdx_dwarf_vars_at;
 *  regs:   registers at pc;
 *  caller: filled with the caller's rip (the return address), rsp (the
 *          CFA) and the callee-saved registers (rbx, rbp, r12-r15) the
 *          CFI recovers.  Caller-saved registers are left invalid: their
 *          values at the call are gone.
 * Returns 0, ZDX_DW_ENOCFI, ZDX_DW_ENOTREC... with why filled. */
int zdx_dwarf_unwind(struct zdx_dwarf *src, uint64_t pc,
		     const struct zdx_regs *regs,
		     zdx_read_mem_fn read_mem, void *ctx,
		     struct zdx_regs *caller, char *why, size_t whylen);

/* Compute the CFA at pc (exported for callers that walk stacks). */
int zdx_dwarf_cfa(struct zdx_dwarf *src, uint64_t pc,
		  const struct zdx_regs *regs, zdx_read_mem_fn read_mem,
		  void *ctx, uint64_t *cfa, char *why, size_t whylen);

#endif
