/*
 * A module's object file for DWARF, and the proof that it is the build the
 * dump ran: the .ko's GNU build-id note must equal the one the kernel kept
 * in the module's memory (decode_modnotes.c).  A .ko of another build (the
 * same module for another kernel, or the same source rebuilt) places
 * variables at other registers and stack slots: its DWARF would give wrong
 * values without a sign, so it is refused, naming both ids.
 *
 * Candidates, in crash's order (kernel.c, find_module_objfile): the file
 * the user gave crash with `mod -s NAME FILE` / `mod -S`
 * (load_module.mod_namelist), then CRASH_MODULE_PATH, the distribution's
 * debug tree /usr/lib/debug/lib/modules/<release>,
 * /lib/modules/<release>/updates and /lib/modules/<release>, crash's --mod
 * directory and the vmlinux's own directory; then zdx's -m directories
 * and ZDX_MODULE_PATH; last, when none matches, debuginfod by the dump's
 * build-id (DEBUGINFOD_URLS).  A file without DWARF (a stripped .ko in
 * /lib/modules) is skipped, and said so.
 */
#include "defs.h"
#include <string.h>
#include <gelf.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <libgen.h>
#include <stdlib.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/wait.h>
#include "zdx/crash_glue.h"
#include "zdx/debuginfo.h"
#include "zdx/dumpfile.h"
#include "zdx/modnotes.h"

#define SEARCH_DEPTH 6
#define MAX_CACHED 16
#define MAX_DIRS 16
#define KEY_MAX 2048

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

/* The GNU build-id of an ELF file, "" with why when it has none. */
static void file_build_id(const char *path, char *id, size_t n, char *why, size_t wn)
{
	struct zdx_file_ids ids;
	int fd = open(path, O_RDONLY);

	id[0] = 0;
	if (fd < 0) {
		snprintf(why, wn, "cannot be opened");
		return;
	}
	if (zdx_file_ids(zdx_fd_read, &fd, &ids) == 0 && ids.kind == ZDX_ID_VMLINUX)
		snprintf(id, n, "%s", ids.build_id);
	else
		snprintf(why, wn, "%s", ids.why[0] ? ids.why : "no GNU build-id note");
	close(fd);
}

/* Say why a candidate was passed over (the first ZDX_MAX_REFUSED). */
static void refuse(struct zdx_debuginfo *di, const char *fmt, ...)
{
	va_list ap;

	if (di->nrefused == ZDX_MAX_REFUSED)
		return;
	va_start(ap, fmt);
	vsnprintf(di->refused[di->nrefused++], sizeof(di->refused[0]), fmt, ap);
	va_end(ap);
}

/* Take path when it has DWARF and, the dump's id known, the same id;
 * say which file and id were used, or why it was passed over. */
static int try_file(const char *path, const char *from, const struct zdx_module_id *want,
		    struct zdx_debuginfo *di)
{
	char id[ZDX_BUILD_ID_HEX], why[160] = "";

	if (!has_dwarf(path))
		return refuse(di, "%.200s has no DWARF", path), 0;
	file_build_id(path, id, sizeof(id), why, sizeof(why));
	if (want->build_id[0] && !zdx_build_id_same(id, want->build_id)) {
		refuse(di, "refused %.200s: build-id %.64s, the dump's module has %.64s", path,
		       id[0] ? id : "(none)", want->build_id);
		return 0;
	}
	snprintf(di->path, sizeof(di->path), "%s", path);
	if (want->build_id[0])
		snprintf(di->used, sizeof(di->used), "%.40s: DWARF from %.200s (%.12s), build-id %.64s = the "
			 "dump's", di->module, path, from, id);
	else
		snprintf(di->used, sizeof(di->used), "%.40s: DWARF from %.120s (%.12s), build-id %.64s NOT "
			 "checked: %.110s", di->module, path, from, id[0] ? id : "(none)", want->why);
	return 1;
}

/* debuginfod-find debuginfo ID into out: 0, or -1 with why.  One query
 * per build-id at a time on this machine (the lock zdx-triage takes too):
 * libdebuginfod (elfutils 0.188) answers ENOENT at once to a client asking
 * for a build-id another process is still downloading. */
static int debuginfod_find(const char *id, char *out, size_t n, char *why, size_t wn)
{
	const char *urls = getenv("DEBUGINFOD_URLS"), *tmp = getenv("TMPDIR");
	char cmd[256], line[PATH_MAX], last[PATH_MAX] = "", lock[PATH_MAX];
	FILE *p;
	int fd, st;

	if (!urls || !urls[0])
		return snprintf(why, wn, "DEBUGINFOD_URLS is not set"), -1;
	if (!zdx_build_id_valid(id))      /* it goes into a shell command */
		return snprintf(why, wn, "no valid build-id to ask for"), -1;
	snprintf(lock, sizeof(lock), "%s/zdx-triage-debuginfod-%s.lock", tmp && tmp[0] ? tmp : "/tmp", id);
	if ((fd = open(lock, O_RDWR | O_CREAT, 0666)) >= 0)
		flock(fd, LOCK_EX);
	snprintf(cmd, sizeof(cmd), "debuginfod-find debuginfo %s 2>&1", id);
	if ((p = popen(cmd, "r"))) {
		while (fgets(line, sizeof(line), p))
			if (line[0] != '\n')
				snprintf(last, sizeof(last), "%.*s", (int)strcspn(line, "\n"), line);
		st = pclose(p);
	} else {
		st = -1;
	}
	if (fd >= 0)
		close(fd);
	if (st == 0 && last[0] == '/' && !access(last, R_OK))
		return snprintf(out, n, "%s", last), 0;
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return snprintf(why, wn, "debuginfod-find is not installed (Debian package debuginfod)"), -1;
	return snprintf(why, wn, "debuginfod (%.100s): %.150s", urls, last[0] ? last : "no answer"), -1;
}

/* Search the directories, then debuginfod. */
static int search(const char *name, const struct zdx_module_id *want, const char *const *dirs, int ndirs,
		  struct zdx_debuginfo *di)
{
	static char list[MAX_DIRS][PATH_MAX];
	char path[PATH_MAX], why[300];
	int i, nd = module_dirs(dirs, ndirs, list, MAX_DIRS);

	for (i = 0; i < nd; i++)
		if (find_in_dir(list[i], name, path, sizeof(path)) && try_file(path, "search path", want, di))
			return 1;
	if (!want->build_id[0])
		return 0;
	if (debuginfod_find(want->build_id, path, sizeof(path), why, sizeof(why))) {
		refuse(di, "%.250s", why);
		return 0;
	}
	return try_file(path, "debuginfod", want, di);
}

/* What a search depends on: the module and the -m directories. */
static void search_key(const char *name, const char *const *dirs, int ndirs, char *key, size_t n)
{
	size_t len;
	int i;

	snprintf(key, n, "%s", name);
	for (i = 0; i < ndirs && (len = strlen(key)) < n; i++)
		snprintf(key + len, n - len, ":%s", dirs[i]);
}

int zdx_module_file(const char *name, uint64_t module, const char *loaded, const char *const *dirs,
		    int ndirs, struct zdx_debuginfo *di)
{
	static struct { char key[KEY_MAX]; struct zdx_debuginfo di; int found; } cache[MAX_CACHED];
	static int ncached;
	const struct zdx_layout *l = zdx_layout(NULL);
	struct zdx_module_id want;
	char key[KEY_MAX];
	int i, found;

	if (!l || zdx_module_build_id(l, module, zdx_kread_cb, NULL, &want))
		snprintf(want.why, sizeof(want.why), "%s", l ? want.why : "no layout");
	snprintf(di->build_id, sizeof(di->build_id), "%s", want.build_id);
	if (loaded && loaded[0] && try_file(loaded, "crash mod -s", &want, di))
		return 1;
	/* the directory walk is slow on a full module tree, and debuginfod
	 * may wait for a server: a module looked for once in the same
	 * directories is not looked for again (a later `mod -s` is seen
	 * above) */
	search_key(name, dirs, ndirs, key, sizeof(key));
	for (i = 0; i < ncached; i++)
		if (!strcmp(cache[i].key, key)) {
			*di = cache[i].di;
			return cache[i].found;
		}
	found = search(name, &want, dirs, ndirs, di);
	if (ncached < MAX_CACHED && strlen(key) < sizeof(key) - 1) {
		snprintf(cache[ncached].key, sizeof(cache[0].key), "%s", key);
		cache[ncached].di = *di;
		cache[ncached++].found = found;
	}
	return found;
}
