/*
 * DWARF for a pc of the dumped kernel: the vmlinux crash was started with
 * (placed at the KASLR offset), or a module's object file placed at the
 * section addresses the dump records in struct module's sect_attrs.
 *
 * Which module file, and the check that it is the dump's build, is
 * crash_modfile.c's.
 */
#include "defs.h"
#include <string.h>
#include <gelf.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include "zdx/crash_glue.h"
#include "zdx/debuginfo.h"
#include "zdx/modsym.h"

#define MAX_SECTIONS 128

/* st_value of a symbol in an ELF file's symtab, 0 if absent. */
static uint64_t elf_symbol(const char *path, const char *name)
{
	int fd = open(path, O_RDONLY);
	Elf *e;
	Elf_Scn *scn = NULL;
	uint64_t v = 0;

	if (fd < 0)
		return 0;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	while (e && !v && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !(d = elf_getdata(scn, NULL)))
			continue;
		for (i = 0; i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); i++) {
			GElf_Sym sym;
			const char *n;

			if (gelf_getsym(d, (int)i, &sym) && (n = elf_strptr(e, sh.sh_link, sym.st_name)) &&
			    !strcmp(n, name)) {
				v = sym.st_value;
				break;
			}
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return v;
}

/* One section of sect_attrs: its name and address; 0, or -1 when the
 * dump lacks them. */
static int section_at(uint64_t name_at, uint64_t addr_at, char *name, uint64_t *addr)
{
	uint64_t np;

	if (zdx_kread_field(name_at, 0, 8, &np) || zdx_kread_field(addr_at, 0, 8, addr))
		return -1;
	return zdx_kread_str(np, name, 64) ? -1 : 0;
}

/* The section addresses the dump records for a module: attrs[nsections]
 * of struct module_sect_attr up to 6.14; from 6.15 (no module_sect_attr)
 * the group's NULL-terminated bin_attrs, each bin_attribute's private the
 * address (7.2). */
static int module_sections(const struct zdx_layout *l, uint64_t module, char names[][64],
			   struct zdx_dwarf_section *sec)
{
	uint64_t attrs, nsec = 0, list = 0;
	unsigned int i;
	int n = 0, arr = l->sz_module_sect_attr > 0 && l->off_msa_address >= 0 && l->off_msa_name >= 0 &&
		l->off_msas_attrs >= 0;

	if (!arr && (l->off_msas_bin_attrs < 0 || l->off_battr_name < 0 || l->off_battr_private < 0))
		return 0;
	if (zdx_kread_field(module, l->off_module_sect_attrs, 8, &attrs) || !attrs ||
	    (arr ? zdx_kread_field(attrs, l->off_msas_nsections, 4, &nsec)
	     : zdx_kread_field(attrs, l->off_msas_bin_attrs, 8, &list) || !list))
		return 0;
	/* a module's ELF file has fewer sections than SHN_LORESERVE: a larger
	 * count read from the dump is corrupt, and is not allowed to become
	 * 2^32 failing reads; an unterminated list stops there too */
	if (arr && nsec >= SHN_LORESERVE)
		return 0;
	for (i = 0; (arr ? i < nsec : i < SHN_LORESERVE) && n < MAX_SECTIONS; i++) {
		uint64_t a, addr;
		int rc;

		if (arr) {
			a = zdx_field_addr(attrs, l->off_msas_attrs) + (uint64_t)i * l->sz_module_sect_attr;
			rc = section_at(zdx_field_addr(a, l->off_msa_name), zdx_field_addr(a, l->off_msa_address),
					names[n], &addr);
		} else {
			if (zdx_kread_field(list, (long)i * 8, 8, &a) || !a)
				break;
			rc = section_at(zdx_field_addr(a, l->off_battr_name),
					zdx_field_addr(a, l->off_battr_private), names[n], &addr);
		}
		/* attrs[] is one allocation: past an unreadable entry, the
		 * rest is not in the dump either */
		if (rc)
			break;
		sec[n].name = names[n];
		sec[n].addr = addr;
		n++;
	}
	return n;
}

/* crash's record of a module: the one whose struct module is at mod, or,
 * with mod 0, the one whose span holds addr; NULL when crash has none. */
static struct load_module *crash_module(uint64_t mod, uint64_t addr)
{
	int i;

	for (i = 0; i < st->mods_installed; i++) {
		struct load_module *lm = &st->load_modules[i];

		if (mod ? lm->module_struct == mod
			: lm->mod_size > 0 && addr - lm->mod_base < (uint64_t)lm->mod_size)
			return lm;
	}
	return NULL;
}

int zdx_debuginfo_for_pc(uint64_t addr, const char *const *dirs, int ndirs, struct zdx_debuginfo *di)
{
	const struct zdx_layout *l;
	struct load_module *lm;
	const struct zdx_module *dm;
	const char *loaded = NULL;
	uint64_t mod = 0;
	static char names[MAX_SECTIONS][64];
	static struct zdx_dwarf_section sec[MAX_SECTIONS];
	struct zdx_dwarf_load load = { 0 };
	int rc;

	memset(di, 0, sizeof(*di));
	if (!(l = zdx_layout(&di->err)))
		return -1;
	/* crash's module, else the dump's own (crash run with --no_modules) */
	if ((dm = zdx_dump_module_of(addr))) {
		/* The dump's module list first: it knows each text region
		 * (and init text), where crash's mod_base/mod_size is one span
		 * that on 6.4+ (separate mem[] regions) can cover another
		 * module's text (seen on 6.12: zdx_walker's RIP inside
		 * virtio_blk's span).  crash may hold the module's symbols
		 * (mod -s): that file. */
		snprintf(di->module, sizeof(di->module), "%s", dm->name);
		mod = dm->addr;
		if ((lm = crash_module(mod, 0)) && (lm->mod_flags & MOD_LOAD_SYMS))
			loaded = lm->mod_namelist;
	} else if ((lm = crash_module(0, addr))) {
		snprintf(di->module, sizeof(di->module), "%s", lm->mod_name);
		mod = lm->module_struct;
		loaded = (lm->mod_flags & MOD_LOAD_SYMS) ? lm->mod_namelist : NULL;
	}
	if (mod) {
		if (!zdx_module_file(di->module, mod, loaded, dirs, ndirs, di))
			return zdx_err_set(&di->err, ZDX_E_NO_DEBUGINFO, NULL, 0, "no %.40s.ko with DWARF "
					   "and build-id %.64s (crash's mod -s file, its module search "
					   "path, /usr/lib/debug/lib/modules/%.40s, -m, ZDX_MODULE_PATH, "
					   "debuginfod)", di->module, di->build_id[0] ? di->build_id :
					   "(unknown)", kt->utsname.release);
		load.sections = sec;
		load.nsections = module_sections(l, mod, names, sec);
		if (!load.nsections)
			return zdx_err_set(&di->err, ZDX_E_NOT_IN_DUMP, "struct module.sect_attrs",
					   mod, "the section addresses of module %s are not "
					   "in this dump", di->module);
	} else {
		snprintf(di->path, sizeof(di->path), "%s", pc->namelist_debug ? pc->namelist_debug : pc->namelist);
		load.bias = symbol_value("_stext") - elf_symbol(di->path, "_stext");
	}
	if ((rc = zdx_dwarf_open(di->path, &load, &di->dw)))
		return zdx_err_from_dw(&di->err, rc, di->path);
	return 0;
}
