/*
 * zdx report: one escalation report for this dump, composed from what the
 * other zdx commands print (explain, pfn, map, pgmap, dumpcheck) plus the
 * session's facts (build-ids, features, backtrace), rendered by the pure
 * report_md.c / report_json.c.  Each command runs once per session: a
 * second `zdx report` (say, -j after the markdown) reuses the results.
 */
#include "defs.h"
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/buildid.h"
#include "zdx/json.h"
#include "zdx/panic.h"
#include "zdx/report.h"

#define REPORT_ARGV 24

struct report_cache {
	char key[512];                    /* explain's -m arguments */
	struct zdx_jv *meta, *explain, *pfn, *map, *pgmap, *dumpcheck;
	char errors[ZDX_REPORT_MAX_ERRORS][300];
	int nerrors;
	unsigned long errors_dropped;     /* beyond the table: counted, and said */
};

static struct report_cache cache;

static void forget(void)
{
	zdx_jv_free(cache.meta);
	zdx_jv_free(cache.explain);
	zdx_jv_free(cache.pfn);
	zdx_jv_free(cache.map);
	zdx_jv_free(cache.pgmap);
	zdx_jv_free(cache.dumpcheck);
	memset(&cache, 0, sizeof(cache));
}

static void add_error(const char *cmd, const char *why)
{
	if (cache.nerrors >= ZDX_REPORT_MAX_ERRORS)
		cache.errors_dropped++;
	else
		snprintf(cache.errors[cache.nerrors++], sizeof(cache.errors[0]), "%s: %.*s", cmd,
			 (int)strcspn(why, "\n"), why);
}

/* Run a zdx subcommand with crash's output going to a memory buffer, and
 * parse its JSON.  A failed command answers {"error": {..., "message"}}
 * (zdx/error.h): its message is recorded; so is whatever else it printed
 * that is not JSON. */
static struct zdx_jv *run_json(void (*fn)(int, char **), const char *cmdline)
{
	char line[512], *argv[REPORT_ARGV], *save = NULL, *buf = NULL, err[160];
	size_t len = 0;
	int argc = 0;
	FILE *saved = fp, *mem;
	struct zdx_jv *v;

	snprintf(line, sizeof(line), "%s", cmdline);
	for (argv[argc] = strtok_r(line, " ", &save); argv[argc] && argc < REPORT_ARGV - 1;)
		argv[++argc] = strtok_r(NULL, " ", &save);
	if (!(mem = open_memstream(&buf, &len)))
		return add_error(cmdline, "out of memory"), NULL;
	fp = mem;
	fn(argc - 1, argv + 1);      /* argv[0] is "zdx" */
	fflush(mem);
	fp = saved;
	fclose(mem);
	v = zdx_jv_parse(buf, err, sizeof(err));
	if (!v)
		add_error(cmdline, buf && *buf ? buf : "printed nothing");
	else if (zdx_err_json_message(v)) {
		add_error(cmdline, zdx_err_json_message(v));
		zdx_jv_free(v);
		v = NULL;
	}
	free(buf);
	return v;
}

static int file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return pread(*(int *)ctx, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static int ids_of(const char *path, struct zdx_file_ids *ids)
{
	int fd = path ? open(path, O_RDONLY) : -1, rc;

	memset(ids, 0, sizeof(*ids));
	if (fd < 0) {
		snprintf(ids->why, sizeof(ids->why), "cannot open %s", path ? path : "(no file)");
		return -1;
	}
	rc = zdx_file_ids(file_read, &fd, ids);
	close(fd);
	return rc;
}

static void meta_files(struct zdx_json *j)
{
	struct zdx_file_ids d, v;
	struct stat st;

	ids_of(pc->dumpfile, &d);
	ids_of(pc->namelist, &v);
	zj_obj(j, "dump");
	zj_str(j, "path", pc->dumpfile);
	zj_int(j, "bytes", pc->dumpfile && !stat(pc->dumpfile, &st) ? (long long)st.st_size : -1);
	zj_str(j, "build_id", d.build_id[0] ? d.build_id : NULL);
	zj_str(j, "osrelease", d.osrelease[0] ? d.osrelease : NULL);
	zj_str(j, "build_id_error", d.build_id[0] ? NULL : d.why);
	zj_end_obj(j);
	zj_obj(j, "kernel");
	zj_str(j, "release", kt->utsname.release);
	zj_str(j, "vmlinux", pc->namelist);
	zj_str(j, "vmlinux_build_id", v.build_id[0] ? v.build_id : NULL);
	zj_str(j, "crash", pc->program_version);
	zj_end_obj(j);
}

static void feature(struct zdx_json *j, const char *name, int present, const char *commit, const char *what)
{
	zj_obj(j, NULL);
	zj_str(j, "name", name);
	zj_tri(j, "present", present);
	zj_str(j, "commit", commit);
	zj_str(j, "what", what);
	zj_end_obj(j);
}

/* What this kernel has, detected from its debuginfo (crash_layout.c). */
static void meta_features(struct zdx_json *j, const struct zdx_layout *l)
{
	zj_arr(j, "features");
	feature(j, "pfn_to_online_page() knows ZONE_DEVICE section collisions", l->has_pfn_to_online_page_fn,
		"1f90a3477df3", "pfn_to_online_page() returns NULL for device pfns in a section shared with "
		"System RAM (v5.12); detected by the out-of-line pfn_to_online_page symbol");
	feature(j, "pgmap_pfn_valid()", l->has_pgmap_pfn_valid, "34dc45be4563",
		"tells altmap metadata pfns (info block, memmap storage) from data pfns after "
		"get_dev_pagemap(); memory_failure() uses it");
	feature(j, "sub-section memory map", l->has_subsection_map, "f1eca35a0dc7",
		"pfn_valid() answers per 2 MiB sub-section, so a section can hold RAM and device memory");
	zj_end_arr(j);
}

static void bt_frame(struct zdx_json *j, const char *func, const char *module, const char *source)
{
	zj_obj(j, NULL);
	zj_str(j, "func", func);
	zj_str(j, "module", module && module[0] ? module : NULL);
	zj_str(j, "source", source);
	zj_end_obj(j);
}

/* The frames of the kernel log's Call Trace that stand in for crash's
 * bt (zdx_panic_log_bt() says when and which). */
static void log_frames(struct zdx_json *j, const struct zdx_log_bt *lb)
{
	int i;

	if (lb->with_rip)
		bt_frame(j, lb->r->rip_func, lb->r->rip_mod, "kernel log");
	for (i = lb->from; i < lb->r->ntrace; i++)
		bt_frame(j, lb->r->trace[i].func, lb->r->trace[i].mod, "kernel log");
}

/* The backtrace holding the deciding exception frame (crash's bt of the
 * panic task, or of the CPU the report is about), from that frame out;
 * all of it when no exception frame decided (panic() called directly);
 * the kernel log's Call Trace where crash's is cut short. */
static void meta_backtrace(struct zdx_json *j)
{
	static struct zdx_panic p;
	struct zdx_log_bt lb;
	const struct zdx_bt *b;
	char msg[256];
	int i = 0;

	zj_arr(j, "backtrace");
	if (zdx_panic_context(&p, msg, sizeof(msg)) == 0) {
		b = p.dbt ? p.dbt : &p.bt;
		if (p.dbt && p.dexc >= 0 && p.dexc < b->nexc)
			i = b->exc[p.dexc].frame;
		if (zdx_panic_log_bt(&p, b, &lb))
			log_frames(j, &lb);
		else
			for (; i >= 0 && i < b->nframes; i++)
				bt_frame(j, b->frame[i].func, b->frame[i].module, "crash bt");
	}
	zj_end_arr(j);
}

static struct zdx_jv *session_meta(const struct zdx_model *m)
{
	char *buf = NULL, err[160];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct zdx_json j;
	struct zdx_jv *v;

	if (!f)
		return NULL;
	zj_init(&j, f);
	zj_obj(&j, NULL);
	meta_files(&j);
	meta_features(&j, m->l);
	meta_backtrace(&j);
	zj_end_obj(&j);
	zj_done(&j);
	fclose(f);
	if (!(v = zdx_jv_parse(buf, err, sizeof(err))))
		add_error("session facts", err);
	free(buf);
	return v;
}

/* The commands, once per session and -m arguments. */
static void gather(const struct zdx_model *m, const char *mdirs)
{
	char cmd[600];

	if (cache.meta && !strcmp(cache.key, mdirs))
		return;
	forget();
	snprintf(cache.key, sizeof(cache.key), "%s", mdirs);
	cache.meta = session_meta(m);
	snprintf(cmd, sizeof(cmd), "zdx explain -j%s", mdirs);
	cache.explain = run_json(zdx_cmd_explain, cmd);
	if (zdx_jv_str(cache.explain, "pfn")) {
		snprintf(cmd, sizeof(cmd), "zdx pfn -j %s", zdx_jv_str(cache.explain, "pfn"));
		cache.pfn = run_json(zdx_cmd_pfn, cmd);
		cache.map = run_json(zdx_cmd_map, "zdx map -j");
	}
	if (zdx_jv_str(cache.explain, "pgmap")) {
		snprintf(cmd, sizeof(cmd), "zdx pgmap -j %s", zdx_jv_str(cache.explain, "pgmap"));
		cache.pgmap = run_json(zdx_cmd_pgmap, cmd);
	}
	cache.dumpcheck = run_json(zdx_cmd_dumpcheck, "zdx dumpcheck -j");
}

static const char synopsis[] = "zdx " ZDX_SYN_REPORT;

/* explain's -m arguments, as zdx report passes them on */
struct report_opts {
	char mdirs[512];
};

static int parse_opts(int argc, char **argv, void *out, struct zdx_err *e)
{
	struct report_opts *o = out;
	char *mdirs = o->mdirs;
	size_t used = 0, n = sizeof(o->mdirs);
	int i;

	mdirs[0] = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			used += snprintf(mdirs + used, used < n ? n - used : 0, " -m %s", argv[++i]);
			continue;
		}
		return zdx_err_unexpected(e, argv[i], synopsis);
	}
	if (used >= n)   /* explain would be run with a truncated directory */
		return zdx_err_set(e, ZDX_E_USAGE, NULL, 0, "the -m directories take %zu characters, "
				   "more than the %zu zdx report passes on to zdx explain", used, n - 1);
	return 0;
}

static const struct zdx_cmd_args report_args = { .synopsis = synopsis, .max = -1, .parse = parse_opts };

void zdx_cmd_report(int argc, char **argv)
{
	int json = zdx_take_flag(&argc, argv, "-j"), i;
	const struct zdx_model *m;
	struct zdx_err e = { 0 };
	struct zdx_report_in in;
	struct report_opts o;

	if (!(m = zdx_cmd_preamble(&report_args, argc, argv, &o, &e))) {
		zdx_err_print(fp, "report", json, &e);
		return;
	}
	gather(m, o.mdirs);
	memset(&in, 0, sizeof(in));
	in.meta = cache.meta;
	in.explain = cache.explain;
	in.pfn = cache.pfn;
	in.map = cache.map;
	in.pgmap = cache.pgmap;
	in.dumpcheck = cache.dumpcheck;
	for (i = 0; i < cache.nerrors; i++)
		in.errors[in.nerrors++] = cache.errors[i];
	in.errors_dropped = cache.errors_dropped;
	if (json)
		zdx_report_json(fp, &in);
	else
		zdx_report_markdown(fp, &in);
}

/* `extend -u`: drop the session's results. */
void __attribute__((destructor)) zdx_report_fini(void)
{
	forget();
}
