/* Compiled-fixture machinery for test_dwarf.c: builds
 * tests/unit/dwarf_fixtures/fx_walk.c with gcc -g into a temp dir (as a
 * relocatable .o and a shared object, with the fixture's cflags), loads
 * the .so, and gives the snapshot its functions take of their real
 * registers and stack (struct fx_snap) as zdx registers and a memory read
 * callback.  Also reads the built ELF files (symbol values, section
 * offsets, marker lines of the source), copies and truncates files, and
 * removes what was built.  The includer defines _GNU_SOURCE (dlinfo)
 * before any include. */
#ifndef ZDX_DWARF_FIXTURE_H
#define ZDX_DWARF_FIXTURE_H
#include <dlfcn.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdx/dwarf.h"

#define FX_NSNAP 4
#define FX_STACK 2048
struct fx_snap {
	uint64_t regs[17];
	unsigned char stack[FX_STACK];
};
struct fx_state {
	int n;
	struct fx_snap snap[FX_NSNAP];
};

struct fixture {
	const char *tag;		/* "O2", "O0", ... */
	const char *cflags;
	bool optimized;
	bool eh_only;			/* no .debug_frame: skip the ET_REL load */
	char obj[512], so[512];
	void *dl;
	uint64_t l_addr;
	struct fx_state *(*get_state)(void);
	void (*reset)(void);
};

static char tmpdir[256];
static char fixture_src[512];

static int snap_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct fx_snap *s = ctx;
	uint64_t sp = s->regs[ZDX_RSP];

	if (addr < sp || addr - sp > FX_STACK || len > FX_STACK - (addr - sp))
		return -1;
	memcpy(buf, s->stack + (addr - sp), len);
	return 0;
}

static struct zdx_regs snap_regs(const struct fx_snap *s)
{
	struct zdx_regs r = { .valid = 0 };

	for (int i = 0; i < ZDX_NREGS; i++)
		zdx_regs_set(&r, i, s->regs[i]);
	return r;
}

static bool find_fixture_source(void)
{
	char exe[512];
	const char *env = getenv("ZDX_DWARF_FIXTURES");
	ssize_t n;

	if (env) {
		snprintf(fixture_src, sizeof(fixture_src), "%s/fx_walk.c", env);
		return access(fixture_src, R_OK) == 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		snprintf(fixture_src, sizeof(fixture_src),
			 "%s/dwarf_fixtures/fx_walk.c", dirname(exe));
		if (access(fixture_src, R_OK) == 0)
			return true;
	}
	snprintf(fixture_src, sizeof(fixture_src), "tests/unit/dwarf_fixtures/fx_walk.c");
	return access(fixture_src, R_OK) == 0;
}

static bool build_fixture(struct fixture *f)
{
	const char *cc = getenv("CC") ? getenv("CC") : "gcc";
	char cmd[2048];
	struct link_map *lm;

	snprintf(f->obj, sizeof(f->obj), "%s/fx_%s.o", tmpdir, f->tag);
	snprintf(f->so, sizeof(f->so), "%s/fx_%s.so", tmpdir, f->tag);
	snprintf(cmd, sizeof(cmd),
		 "%s %s -g -fPIC -mno-red-zone -ffreestanding "
		 "-fno-tree-loop-distribute-patterns -c '%s' -o '%s' && "
		 "%s -shared -nostdlib -o '%s' '%s'",
		 cc, f->cflags, fixture_src, f->obj, cc, f->so, f->obj);
	if (system(cmd) != 0)
		return false;
	f->dl = dlopen(f->so, RTLD_NOW | RTLD_LOCAL);
	if (!f->dl || dlinfo(f->dl, RTLD_DI_LINKMAP, &lm) != 0)
		return false;
	f->l_addr = lm->l_addr;
	f->get_state = (struct fx_state *(*)(void))dlsym(f->dl, "fx_get_state");
	f->reset = (void (*)(void))dlsym(f->dl, "fx_reset");
	return f->get_state && f->reset;
}

/* st_value of a symbol in an ELF file (its offset in .text for a .o). */
static bool elf_sym(const char *path, const char *name, uint64_t *val)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	bool found = false;

	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && !found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *n;

			if (!gelf_getsym(d, (int)i, &s))
				continue;
			n = elf_strptr(elf, sh.sh_link, s.st_name);
			if (n && !strcmp(n, name)) {
				*val = s.st_value;
				found = true;
				break;
			}
		}
	}
	elf_end(elf);
	close(fd);
	return found;
}

/* Line of the fixture source carrying a marker comment. */
static unsigned marker_line(const char *marker)
{
	FILE *fp = fopen(fixture_src, "r");
	char line[512];
	unsigned n = 0;

	while (fp && fgets(line, sizeof(line), fp)) {
		n++;
		if (strstr(line, marker)) {
			fclose(fp);
			return n;
		}
	}
	if (fp)
		fclose(fp);
	return 0;
}

/* Alignment of the test's own stack must leave FX_STACK bytes above every
 * capture; a deep caller frame guarantees it. */
typedef void (*runner)(const struct fixture *, void *);
static __attribute__((noinline)) void with_stack(runner r, const struct fixture *f,
						 void *arg)
{
	volatile char pad[3 * FX_STACK];

	pad[0] = 0;
	r(f, arg);
	pad[sizeof(pad) - 1] = 0;
}

/* Offset and size of a section in an ELF file. */
static bool elf_section(const char *path, const char *name, uint64_t *off,
			uint64_t *size)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool found = false;

	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_getshdrstrndx(elf, &shstrndx) == 0)
		while (!found && (scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *n;

			if (!gelf_getshdr(scn, &sh))
				continue;
			n = elf_strptr(elf, shstrndx, sh.sh_name);
			if (n && !strcmp(n, name)) {
				*off = sh.sh_offset;
				*size = sh.sh_size;
				found = true;
			}
		}
	elf_end(elf);
	close(fd);
	return found;
}

static bool copy_file(const char *from, const char *to, uint64_t len)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[4096];
	size_t n;
	uint64_t done = 0;

	while (in && out && done < len && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (n > len - done)
			n = (size_t)(len - done);
		fwrite(buf, 1, n, out);
		done += n;
	}
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	return in && out;
}

static void cleanup(struct fixture *fx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fx[i].dl)
			dlclose(fx[i].dl);
		unlink(fx[i].obj);
		unlink(fx[i].so);
	}
	rmdir(tmpdir);
}
#endif
