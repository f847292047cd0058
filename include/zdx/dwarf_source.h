/* The libdw glue shared by the dwarf_*.c files (dwarf_source.c,
 * dwarf_cfi.c, dwarf_vars.c): what a source holds, the mapping between
 * run-time and DWARF addresses, and libdw's ops as zdx ops.  Internal;
 * the commands use include/zdx/dwarf.h, not this. */
#ifndef ZDX_DWARF_SOURCE_H
#define ZDX_DWARF_SOURCE_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "zdx/dwarf.h"

#define MAX_OPS 256		/* ops in one location expression */

struct sect {
	char *name;
	uint64_t link, size;	/* libdwfl's layout (ET_REL) */
	uint64_t run;
	bool mapped;
};

struct zdx_dwarf {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf_Addr dw_bias;	/* module address = DWARF address + dw_bias */
	Dwarf_CFI *cfi[2];	/* .debug_frame, .eh_frame (either may be NULL) */
	Dwarf_Addr cfi_bias[2];
	bool is_rel;
	uint64_t bias;		/* ET_EXEC/ET_DYN: run = link + bias */
	struct sect *secs;
	size_t nsecs;
};

/* Run-time address to DWARF address; -1 if, in an ET_REL file, no mapped
 * section holds it. */
int zdx_dwarf_run_to_dwarf(const struct zdx_dwarf *src, uint64_t run,
			   Dwarf_Addr *a);
/* DWARF address back to run time (a zdx_dwarf_env map_addr, ctx the
 * struct zdx_dwarf); -1 if, in an ET_REL file, no mapped section holds it. */
int zdx_dwarf_to_run(void *ctx, uint64_t a, uint64_t *run);
/* Up to MAX_OPS of libdw's n ops into out; returns how many. */
size_t zdx_dwarf_convert_ops(Dwarf_Attribute *attr, const Dwarf_Op *in,
			     size_t n, struct zdx_dwarf_op *out);

#endif
