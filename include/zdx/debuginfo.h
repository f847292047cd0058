/* DWARF sources for pcs of the dumped kernel (crash side). */
#ifndef ZDX_DEBUGINFO_H
#define ZDX_DEBUGINFO_H

#include <stdint.h>
#include <limits.h>
#include "zdx/dwarf.h"
#include "zdx/error.h"
#include "zdx/buildid.h"

#define ZDX_MAX_REFUSED 4

struct zdx_debuginfo {
	struct zdx_dwarf *dw;     /* close with zdx_dwarf_close() */
	char path[PATH_MAX];
	char module[64];          /* "" for the kernel image */
	struct zdx_err err;       /* why no DWARF, when dw is NULL */
	char build_id[ZDX_BUILD_ID_HEX];  /* a module's, as the dump holds it; "" if unknown */
	char used[400];           /* a module's file: which one, its build-id, checked or not */
	char refused[ZDX_MAX_REFUSED][400];   /* candidates passed over, and why */
	int nrefused;
};

/* Open the DWARF that covers pc: vmlinux, or a module's .ko searched for
 * in dirs.  0 on success; -1 with di->err set. */
int zdx_debuginfo_for_pc(uint64_t addr, const char *const *dirs, int ndirs, struct zdx_debuginfo *di);

/* The object file of module `name` (struct module at `module`; `loaded`:
 * the file crash loaded with `mod -s`, or NULL) whose build-id is the one
 * the dump holds (crash_modfile.c): 1 with di->path and di->used set, 0
 * when none; di->refused says what was passed over either way. */
int zdx_module_file(const char *name, uint64_t module, const char *loaded, const char *const *dirs,
		    int ndirs, struct zdx_debuginfo *di);

#endif
