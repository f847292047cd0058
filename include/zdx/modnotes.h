/*
 * A loaded module's GNU build-id, read from the dump (pure): the notes the
 * kernel keeps for /sys/module/NAME/notes.  Compared with a .ko's own note
 * before its DWARF is trusted (crash_modfile.c).
 */
#ifndef ZDX_MODNOTES_H
#define ZDX_MODNOTES_H

#include <stdint.h>
#include "zdx/buildid.h"
#include "zdx/layout.h"
#include "zdx/field.h"       /* zdx_read_fn */

struct zdx_module_id {
	char build_id[ZDX_BUILD_ID_HEX];   /* lower-case hex, "" if none */
	uint64_t note;                     /* address of the note read, 0 if none */
	char why[200];                     /* why build_id is empty */
};

/* The build-id of the struct module at `module`; 0, or -1 with id->why
 * (the kernel keeps no notes_attrs, the module has none, the dump lacks
 * them, no GNU build-id note among them). */
int zdx_module_build_id(const struct zdx_layout *l, uint64_t module, zdx_read_fn rd, void *ctx,
			struct zdx_module_id *id);

#endif
