/*
 * DWARF for a pc of the dumped kernel: the vmlinux crash was started with
 * (placed at the KASLR offset), or a module's object file placed at the
 * section addresses the dump records in struct module's sect_attrs.
 *
 * The module file is looked for the way crash looks for it (kernel.c,
 * find_module_objfile): first the file the user already gave crash with
 * `mod -s NAME FILE` / `mod -S` (load_module.mod_namelist), then
 * CRASH_MODULE_PATH, the distribution's debug tree
 * /usr/lib/debug/lib/modules/<release>, /lib/modules/<release>/updates and
 * /lib/modules/<release>, crash's --mod directory and the vmlinux's own
 * directory; then zdx's -m directories and ZDX_MODULE_PATH.  A file without
 * DWARF (a stripped .ko in /lib/modules) is skipped, and said so.
 */
#include "defs.h"
#include <string.h>
#include <gelf.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <libgen.h>
#include <stdlib.h>
#include "zdx/crash_glue.h"
#include "zdx/debuginfo.h"

#define MAX_SECTIONS 128
#define SEARCH_DEPTH 6
#define MAX_CACHED 16

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

/* Find a file called want under dir (bounded depth). */
static int find_file(const char *dir, const char *want, char *out, size_t n, int depth)
{
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (depth > SEARCH_DEPTH || !(d = opendir(dir)))
		return 0;
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!strcmp(de->d_name, want)) {
			snprintf(out, n, "%s", path);
			found = 1;
		} else if (de->d_type == DT_DIR) {
			found = find_file(path, want, out, n, depth + 1);
		}
	}
	closedir(d);
	return found;
}

static int find_ko(const char *dir, const char *name, char *out, size_t n, int depth)
{
	char want[128];

	snprintf(want, sizeof(want), "%s.ko", name);
	return find_file(dir, want, out, n, depth);
}

/* Find NAME.ko or NAME.ko.debug under one directory; crash names modules
 * with '_' where the file may use '-'. */
static int find_in_dir(const char *dir, const char *mod, char *out, size_t n)
{
	char alt[64], name[80];
	int i;

	snprintf(alt, sizeof(alt), "%s", mod);
	for (i = 0; alt[i]; i++)
		if (alt[i] == '_')
			alt[i] = '-';
	if (find_ko(dir, mod, out, n, 0) || find_ko(dir, alt, out, n, 0))
		return 1;
	snprintf(name, sizeof(name), "%s.ko.debug", mod);
	return find_file(dir, name, out, n, 0);
}

/* The search directories, in crash's order, then zdx's own. */
static int module_dirs(const char *const *dirs, int ndirs, char list[][PATH_MAX], int max)
{
	const char *env = getenv("CRASH_MODULE_PATH");
	char *vml;
	int n = 0, i;

	if (env && n < max)
		snprintf(list[n++], PATH_MAX, "%s", env);
	snprintf(list[n++], PATH_MAX, "/usr/lib/debug/lib/modules/%s", kt->utsname.release);
	snprintf(list[n++], PATH_MAX, "/lib/modules/%s/updates", kt->utsname.release);
	snprintf(list[n++], PATH_MAX, "/lib/modules/%s", kt->utsname.release);
	if (kt->module_tree)
		snprintf(list[n++], PATH_MAX, "%s", kt->module_tree);
	if ((vml = realpath(pc->namelist_orig ? pc->namelist_orig : pc->namelist, NULL))) {
		snprintf(list[n++], PATH_MAX, "%s", dirname(vml));
		free(vml);
	}
	for (i = 0; i < ndirs && n < max; i++)
		snprintf(list[n++], PATH_MAX, "%s", dirs[i]);
	return n;
}

/* Does this ELF file carry DWARF for its code? */
static int has_dwarf(const char *path)
{
	int fd = open(path, O_RDONLY), found = 0;
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (fd < 0)
		return 0;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && !elf_getshdrstrndx(e, &shstrndx))
		while (!found && (scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;
			const char *nm;

			found = gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
				(nm = elf_strptr(e, shstrndx, sh.sh_name)) && !strcmp(nm, ".debug_info");
		}
	if (e)
		elf_end(e);
	close(fd);
	return found;
}

/* The module's object file with DWARF; note says what was passed over. */
static int find_module_file(const struct load_module *lm, const char *const *dirs, int ndirs,
			    char *out, size_t n, char *note, size_t nn)
{
	static char list[16][PATH_MAX];
	static struct { char mod[64], path[PATH_MAX], note[256]; int found; } cache[MAX_CACHED];
	static int ncached;
	char path[PATH_MAX];
	int i, nd, found = 0;

	note[0] = 0;
	if ((lm->mod_flags & MOD_LOAD_SYMS) && lm->mod_namelist[0]) {
		if (has_dwarf(lm->mod_namelist)) {
			snprintf(out, n, "%s", lm->mod_namelist);
			return 1;
		}
		snprintf(note, nn, "%.160s, which crash loaded for %.40s, has no DWARF", lm->mod_namelist,
			 lm->mod_name);
	}
	/* the directory walk is slow on a full module tree: a module found
	 * once is not searched for again (a later `mod -s` is seen above) */
	for (i = 0; i < ncached; i++)
		if (!strcmp(cache[i].mod, lm->mod_name)) {
			snprintf(out, n, "%s", cache[i].path);
			if (!note[0])
				snprintf(note, nn, "%s", cache[i].note);
			return cache[i].found;
		}
	nd = module_dirs(dirs, ndirs, list, 16);
	for (i = 0; i < nd && !found; i++) {
		if (!find_in_dir(list[i], lm->mod_name, path, sizeof(path)))
			continue;
		if ((found = has_dwarf(path)))
			snprintf(out, n, "%s", path);
		else if (!note[0])
			snprintf(note, nn, "%.200s has no DWARF", path);
	}
	if (found && ncached < MAX_CACHED) {
		snprintf(cache[ncached].mod, sizeof(cache[0].mod), "%s", lm->mod_name);
		snprintf(cache[ncached].path, sizeof(cache[0].path), "%s", found ? out : "");
		snprintf(cache[ncached].note, sizeof(cache[0].note), "%s", note);
		cache[ncached++].found = 1;
	}
	return found;
}

/* The section addresses the dump records for a module. */
static int module_sections(const struct zdx_layout *l, uint64_t module, char names[][64],
			   struct zdx_dwarf_section *sec)
{
	uint64_t attrs, nsec;
	unsigned int i;
	int n = 0;

	if (l->off_module_sect_attrs < 0 || l->off_msa_address < 0 || l->off_msa_name < 0 ||
	    l->off_msas_attrs < 0 || l->sz_module_sect_attr <= 0 ||
	    zdx_kread_field(module, l->off_module_sect_attrs, 8, &attrs) || !attrs ||
	    zdx_kread_field(attrs, l->off_msas_nsections, 4, &nsec))
		return 0;
	/* nsections counts sections of the module's ELF file, whose indices
	 * stop below SHN_LORESERVE: a larger count read from the dump is
	 * corrupt, and is not allowed to become 2^32 failing reads. */
	if (nsec >= SHN_LORESERVE)
		return 0;
	for (i = 0; i < nsec && n < MAX_SECTIONS; i++) {
		uint64_t a = zdx_field_addr(attrs, l->off_msas_attrs) + (uint64_t)i * l->sz_module_sect_attr;
		uint64_t name, addr;

		/* attrs[] is one allocation: past an unreadable entry, the
		 * rest is not in the dump either. */
		if (zdx_kread_field(a, l->off_msa_name, 8, &name) || zdx_kread_field(a, l->off_msa_address, 8, &addr))
			break;
		if (zdx_kread_str(name, names[n], 64))
			continue;
		sec[n].name = names[n];
		sec[n].addr = addr;
		n++;
	}
	return n;
}

static struct load_module *module_of(uint64_t addr)
{
	int i;

	for (i = 0; i < st->mods_installed; i++) {
		struct load_module *lm = &st->load_modules[i];

		if (addr >= lm->mod_base && addr < lm->mod_base + lm->mod_size)
			return lm;
	}
	return NULL;
}

int zdx_debuginfo_for_pc(uint64_t addr, const char *const *dirs, int ndirs, struct zdx_debuginfo *di)
{
	const struct zdx_layout *l;
	struct load_module *lm;
	static char names[MAX_SECTIONS][64];
	static struct zdx_dwarf_section sec[MAX_SECTIONS];
	struct zdx_dwarf_load load = { 0 };
	int rc;

	memset(di, 0, sizeof(*di));
	if (!(l = zdx_layout(&di->err)))
		return -1;
	if ((lm = module_of(addr))) {
		snprintf(di->module, sizeof(di->module), "%s", lm->mod_name);
		if (!find_module_file(lm, dirs, ndirs, di->path, sizeof(di->path), di->note,
				      sizeof(di->note)))
			return zdx_err_set(&di->err, ZDX_E_NO_DEBUGINFO, NULL, 0, "no %.40s.ko with DWARF: "
					   "not loaded with crash's `mod -s %.40s FILE`, not in crash's "
					   "module search path nor in /usr/lib/debug/lib/modules/%.40s (or "
					   "zdx explain -m DIR, ZDX_MODULE_PATH)%s%.60s", lm->mod_name,
					   lm->mod_name, kt->utsname.release, di->note[0] ? "; " : "",
					   di->note);
		load.sections = sec;
		load.nsections = module_sections(l, lm->module_struct, names, sec);
		if (!load.nsections)
			return zdx_err_set(&di->err, ZDX_E_NOT_IN_DUMP, "struct module.sect_attrs",
					   lm->module_struct, "the section addresses of module %s are not "
					   "in this dump", lm->mod_name);
	} else {
		snprintf(di->path, sizeof(di->path), "%s", pc->namelist_debug ? pc->namelist_debug : pc->namelist);
		load.bias = symbol_value("_stext") - elf_symbol(di->path, "_stext");
	}
	if ((rc = zdx_dwarf_open(di->path, &load, &di->dw)))
		return zdx_err_from_dw(&di->err, rc, di->path);
	return 0;
}
