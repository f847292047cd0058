/*
 * Module code named from the dump itself (decode_modsym.c, pure): the
 * kernel's `modules` list, each module's text ranges and its kallsyms.
 * For when crash's module layer is off (`--no_modules`, which crash 9.0.2
 * needs on 7.x dumps) and crash has no symbol for an address in a module.
 * crash_modsym.c walks the list once per session through crash.
 */
#ifndef ZDX_MODSYM_H
#define ZDX_MODSYM_H

#include <stdint.h>
#include "zdx/layout.h"
#include "zdx/field.h"       /* zdx_read_fn */

#define ZDX_MODULE_NAME 64

/* One loaded module: text[0] its core text, text[1] its init text (size
 * 0 when freed or absent). */
struct zdx_module {
	uint64_t addr;                     /* struct module */
	char name[ZDX_MODULE_NAME];
	struct { uint64_t base, size; } text[2];
	uint64_t kallsyms;                 /* struct mod_kallsyms, 0 if none */
};

/* A symbol of a module's kallsyms: value its address, size up to the next
 * symbol or the end of its text, as the kernel's own oops line has it. */
struct zdx_modsym {
	char module[ZDX_MODULE_NAME];
	char name[128];
	uint64_t module_addr, value, offset, size;
};

/* Read the struct module at addr: 0, or -1 when it is not in the dump,
 * is still unformed (MODULE_STATE_UNFORMED: no kallsyms yet) or the
 * layout lacks its text fields. */
int zdx_module_read(const struct zdx_layout *l, uint64_t addr, zdx_read_fn rd, void *ctx,
		    struct zdx_module *m);

/* Walk the `modules` list (bounded) into out[max]: the count read, or -1
 * when the layout has no list.  *more: modules beyond max, or a walk cut
 * by an unreadable or endless list. */
int zdx_modules_walk(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, struct zdx_module *out,
		     int max, int *more);

/* Index of m's text range that holds addr (0 core, 1 init), -1 if none. */
int zdx_module_text_of(const struct zdx_module *m, uint64_t addr);

/* find_kallsyms_symbol() (kernel/module/kallsyms.c) on the dump: the
 * nearest named, defined symbol at or below addr in text, its offset and
 * the distance to the next one.  0, or -1 (addr not in m's text, no
 * kallsyms, or none readable). */
int zdx_find_kallsyms_symbol(const struct zdx_layout *l, const struct zdx_module *m, uint64_t addr,
			     zdx_read_fn rd, void *ctx, struct zdx_modsym *s);

/* The value of symbol `name` in m's kallsyms: 0 with *value, or -1. */
int zdx_module_kallsyms_lookup_name(const struct zdx_layout *l, const struct zdx_module *m,
				    const char *name, zdx_read_fn rd, void *ctx, uint64_t *value);

/* The crash side (crash_modsym.c): the dump's modules, walked once per
 * session; for addresses crash has no module for. */
const struct zdx_module *zdx_dump_module_of(uint64_t addr);
/* Kernel text as crash knows it, or a module's text in the dump. */
int zdx_is_code(uint64_t addr);
int zdx_dump_modsym(uint64_t addr, struct zdx_modsym *s);
int zdx_dump_module_symbol(const char *module, const char *name, uint64_t *value);

#endif
