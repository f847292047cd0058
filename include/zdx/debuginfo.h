/* DWARF sources for pcs of the dumped kernel (crash side). */
#ifndef ZDX_DEBUGINFO_H
#define ZDX_DEBUGINFO_H

#include <stdint.h>
#include <limits.h>
#include "zdx/dwarf.h"
#include "zdx/error.h"

struct zdx_debuginfo {
	struct zdx_dwarf *dw;     /* close with zdx_dwarf_close() */
	char path[PATH_MAX];
	char module[64];          /* "" for the kernel image */
	struct zdx_err err;       /* why no DWARF, when dw is NULL */
	char note[256];           /* which file, when it was not the first choice */
};

/* Open the DWARF that covers pc: vmlinux, or a module's .ko searched for
 * in dirs.  0 on success; -1 with di->err set. */
int zdx_debuginfo_for_pc(uint64_t addr, const char *const *dirs, int ndirs, struct zdx_debuginfo *di);

#endif
