/*
 * The dump's modules through crash (the pure part is decode_modsym.c):
 * walked once per session, for the addresses crash has no module for
 * (crash run with --no_modules, or a module crash's own module layer
 * could not read).
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/modsym.h"

/* Modules kept: more than a machine loads. */
#define MAX_MODULES 1024

static struct zdx_module mods[MAX_MODULES];
static int nmods = -1;

static int dump_modules(void)
{
	const struct zdx_layout *l;
	int more;

	if (nmods >= 0)
		return nmods;
	nmods = 0;
	if ((l = zdx_layout(NULL)) && (nmods = zdx_modules_walk(l, zdx_kread_cb, NULL, mods, MAX_MODULES,
								 &more)) < 0)
		nmods = 0;
	return nmods;
}

const struct zdx_module *zdx_dump_module_of(uint64_t addr)
{
	int i, n = dump_modules();

	for (i = 0; i < n; i++)
		if (zdx_module_text_of(&mods[i], addr) >= 0)
			return &mods[i];
	return NULL;
}

int zdx_is_code(uint64_t addr)
{
	return is_kernel_text(addr) || zdx_dump_module_of(addr) != NULL;
}

int zdx_dump_modsym(uint64_t addr, struct zdx_modsym *s)
{
	const struct zdx_module *m = zdx_dump_module_of(addr);
	const struct zdx_layout *l = zdx_layout(NULL);

	if (!m || !l)
		return -1;
	return zdx_find_kallsyms_symbol(l, m, addr, zdx_kread_cb, NULL, s);
}

int zdx_dump_module_symbol(const char *module, const char *name, uint64_t *value)
{
	const struct zdx_layout *l = zdx_layout(NULL);
	int i, n = dump_modules();

	for (i = 0; l && i < n; i++)
		if (!strcmp(mods[i].name, module))
			return zdx_module_kallsyms_lookup_name(l, &mods[i], name, zdx_kread_cb, NULL, value);
	return -1;
}
