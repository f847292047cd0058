/*
 * DWARF for a pc of the dumped kernel: the vmlinux crash was started with
 * (placed at the KASLR offset), or a module's .ko found in the module
 * search path and placed at the section addresses the dump records in
 * struct module's sect_attrs.
 */
#include "defs.h"
#include <string.h>
#include <gelf.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include "zdx/crash_glue.h"
#include "zdx/debuginfo.h"

#define MAX_SECTIONS 128
#define SEARCH_DEPTH 6

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

/* Find NAME.ko under dir (bounded depth), or NAME.ko.debug. */
static int find_ko(const char *dir, const char *name, char *out, size_t n, int depth)
{
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (depth > SEARCH_DEPTH || !(d = opendir(dir)))
		return 0;
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX], want[128];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(want, sizeof(want), "%s.ko", name);
		if (!strcmp(de->d_name, want)) {
			snprintf(out, n, "%s", path);
			found = 1;
		} else if (de->d_type == DT_DIR) {
			found = find_ko(path, name, out, n, depth + 1);
		}
	}
	closedir(d);
	return found;
}

/* crash names modules with '_' where the file may use '-'. */
static int find_module_file(const char *const *dirs, int ndirs, const char *mod, char *out, size_t n)
{
	char alt[64];
	int i;

	snprintf(alt, sizeof(alt), "%s", mod);
	for (i = 0; alt[i]; i++)
		if (alt[i] == '_')
			alt[i] = '-';
	for (i = 0; i < ndirs; i++)
		if (find_ko(dirs[i], mod, out, n, 0) || find_ko(dirs[i], alt, out, n, 0))
			return 1;
	return 0;
}

/* The section addresses the dump records for a module. */
static int module_sections(const struct zdx_layout *l, uint64_t module, char names[][64],
			   struct zdx_dwarf_section *sec)
{
	uint64_t attrs;
	unsigned int nsec = 0, i;
	int n = 0;

	if (l->off_module_sect_attrs < 0 || l->off_msa_address < 0 || l->off_msa_name < 0 ||
	    l->off_msas_attrs < 0 || l->sz_module_sect_attr <= 0 ||
	    zdx_kread(module + l->off_module_sect_attrs, &attrs, 8) || !attrs ||
	    zdx_kread(attrs + l->off_msas_nsections, &nsec, 4))
		return 0;
	/* nsections counts sections of the module's ELF file, whose indices
	 * stop below SHN_LORESERVE: a larger count read from the dump is
	 * corrupt, and is not allowed to become 2^32 failing reads. */
	if (nsec >= SHN_LORESERVE)
		return 0;
	for (i = 0; i < nsec && n < MAX_SECTIONS; i++) {
		uint64_t a = attrs + l->off_msas_attrs + (uint64_t)i * l->sz_module_sect_attr, name, addr;

		/* attrs[] is one allocation: past an unreadable entry, the
		 * rest is not in the dump either. */
		if (zdx_kread(a + l->off_msa_name, &name, 8) || zdx_kread(a + l->off_msa_address, &addr, 8))
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
	const struct zdx_layout *l = zdx_layout();
	struct load_module *lm;
	static char names[MAX_SECTIONS][64];
	static struct zdx_dwarf_section sec[MAX_SECTIONS];
	struct zdx_dwarf_load load = { 0 };
	int rc;

	memset(di, 0, sizeof(*di));
	if (!l)
		return -1;
	if ((lm = module_of(addr))) {
		snprintf(di->module, sizeof(di->module), "%s", lm->mod_name);
		if (!find_module_file(dirs, ndirs, lm->mod_name, di->path, sizeof(di->path))) {
			snprintf(di->why, sizeof(di->why), "no %s.ko with debuginfo in the module path "
				 "(zdx explain -m DIR, or ZDX_MODULE_PATH)", lm->mod_name);
			return -1;
		}
		load.sections = sec;
		load.nsections = module_sections(l, lm->module_struct, names, sec);
		if (!load.nsections) {
			snprintf(di->why, sizeof(di->why), "the section addresses of module %s "
				 "(struct module.sect_attrs) are not in this dump", lm->mod_name);
			return -1;
		}
	} else {
		snprintf(di->path, sizeof(di->path), "%s", pc->namelist_debug ? pc->namelist_debug : pc->namelist);
		load.bias = symbol_value("_stext") - elf_symbol(di->path, "_stext");
	}
	if ((rc = zdx_dwarf_open(di->path, &load, &di->dw))) {
		snprintf(di->why, sizeof(di->why), "cannot read DWARF of %.150s: %s", di->path,
			 zdx_dwarf_strerror(rc));
		return -1;
	}
	return 0;
}
