/*
 * zdx report, JSON form (schema zdx-report/1, docs/report.schema.json),
 * and the selections both forms share.  Pure: parsed command outputs in.
 */
#include <string.h>
#include "zdx/report.h"
#include "zdx/json.h"

long zdx_report_run_of(const struct zdx_jv *map, uint64_t pfn)
{
	const struct zdx_jv *runs = zdx_jv_get(map, "runs"), *r;
	long i = 0;

	for (r = runs ? runs->child : NULL; r; r = r->next, i++) {
		uint64_t s, e;

		if (!zdx_jv_u64(r, "start_pfn", &s) && !zdx_jv_u64(r, "end_pfn", &e) && pfn >= s && pfn < e)
			return i;
	}
	return -1;
}

int zdx_report_build_id_match(const struct zdx_jv *meta)
{
	const char *d = zdx_jv_str(zdx_jv_get(meta, "dump"), "build_id");
	const char *v = zdx_jv_str(zdx_jv_get(meta, "kernel"), "vmlinux_build_id");

	if (!d || !v)
		return -1;
	return !strcmp(d, v);
}

const struct zdx_jv *zdx_report_pgmap(const struct zdx_report_in *in)
{
	return zdx_jv_at(zdx_jv_get(in->pgmap, "pgmaps"), 0);
}

int zdx_report_lacking(const struct zdx_jv *dumpcheck, const struct zdx_jv **out, int max)
{
	const struct zdx_jv *c = zdx_jv_get(dumpcheck, "classes");
	int n = 0;

	for (c = c ? c->child : NULL; c; c = c->next)
		if (zdx_jv_int(c, "missing_pages", 0) > 0 && n < max)
			out[n++] = c;
	return n;
}

static int same_entry(const struct zdx_jv *a, const struct zdx_jv *b)
{
	static const char *const keys[] = { "what", "addr", "why" };
	unsigned i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *x = zdx_jv_str(a, keys[i]), *y = zdx_jv_str(b, keys[i]);

		if (!x || !y || strcmp(x, y))
			return 0;
	}
	return 1;
}

/* Was entry listed by an input before input k (or earlier in k's own list)? */
static int seen_before(const struct zdx_jv *const *inputs, int k, const struct zdx_jv *entry)
{
	const struct zdx_jv *e;
	int i;

	for (i = 0; i <= k; i++) {
		const struct zdx_jv *l = zdx_jv_get(inputs[i], "incomplete");

		for (e = l ? l->child : NULL; e && e != entry; e = e->next)
			if (same_entry(e, entry))
				return 1;
	}
	return 0;
}

unsigned long zdx_report_incomplete(const struct zdx_report_in *in, zdx_report_inc_fn fn, void *arg)
{
	static const char *const names[] = { "zdx explain", "zdx pfn", "zdx map", "zdx pgmap",
					     "zdx dumpcheck" };
	const struct zdx_jv *inputs[] = { in->explain, in->pfn, in->map, in->pgmap, in->dumpcheck };
	unsigned long more = 0;
	int k;

	for (k = 0; k < (int)(sizeof(inputs) / sizeof(inputs[0])); k++) {
		const struct zdx_jv *l = zdx_jv_get(inputs[k], "incomplete"), *e;
		long long m = zdx_jv_int(inputs[k], "incomplete_not_listed", 0);

		more = m > 0 && (unsigned long long)m > more ? (unsigned long)m : more;
		for (e = l ? l->child : NULL; e; e = e->next)
			if (e->type == ZJV_OBJ && !seen_before(inputs, k, e))
				fn(arg, names[k], e);
	}
	return more;
}

void zdx_report_lacks_line(const struct zdx_jv *dumpcheck, char *buf, size_t n)
{
	const struct zdx_jv *lack[16];
	int k = zdx_report_lacking(dumpcheck, lack, 16), i;
	size_t used = 0;

	if (!dumpcheck) {
		snprintf(buf, n, "unknown (dumpcheck printed nothing)");
		return;
	}
	if (!k) {
		snprintf(buf, n, "nothing");
		return;
	}
	buf[0] = 0;
	for (i = 0; i < k && used < n; i++)
		used += snprintf(buf + used, n - used, "%s%s (%lld of %lld pages)", i ? "; " : "",
				 zdx_jv_str(lack[i], "name"), zdx_jv_int(lack[i], "missing_pages", 0),
				 zdx_jv_int(lack[i], "needed_pages", 0));
}

/* --- writing --- */

/* A parsed value under key, in zdx's writer's comma discipline. */
static void put_jv(struct zdx_json *j, const char *key, const struct zdx_jv *v)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = 1;
	if (key)
		fprintf(j->f, "\"%s\":", key);
	zdx_jv_write(j->f, v);
}

static void copy_keys(struct zdx_json *j, const struct zdx_jv *src, const char *const *keys,
		      const char *const *as)
{
	int i;

	for (i = 0; keys[i]; i++)
		put_jv(j, as ? as[i] : keys[i], zdx_jv_get(src, keys[i]));
}

static void json_dump_kernel(struct zdx_json *j, const struct zdx_report_in *in)
{
	static const char *const dkeys[] = { "path", "bytes", "build_id", "osrelease", "build_id_error", NULL };
	static const char *const kkeys[] = { "release", "vmlinux", "vmlinux_build_id", "crash", NULL };
	const struct zdx_jv *df = zdx_jv_get(in->dumpcheck, "dumpfile");

	zj_obj(j, "dump");
	copy_keys(j, zdx_jv_get(in->meta, "dump"), dkeys, NULL);
	put_jv(j, "format", zdx_jv_get(df, "format"));
	put_jv(j, "dump_level", zdx_jv_get(df, "dump_level"));
	zj_end_obj(j);
	zj_obj(j, "kernel");
	copy_keys(j, zdx_jv_get(in->meta, "kernel"), kkeys, NULL);
	zj_tri(j, "build_id_match", zdx_report_build_id_match(in->meta));
	zj_end_obj(j);
}

static void json_verdict(struct zdx_json *j, const struct zdx_jv *e)
{
	static const char *const keys[] = { "verdict", "confidence", "pfn", "owner", "device", "pgmap",
					    "region", "why", "fix", "walker", "walker_in_catalogue", NULL };
	static const char *const pkeys[] = { "panic", "oops", "faulting_function", NULL };
	static const char *const pas[] = { "message", "oops", "faulting_function", NULL };

	if (!e) {
		zj_str(j, "verdict", NULL);
		return;
	}
	zj_obj(j, "verdict");
	copy_keys(j, e, keys, NULL);
	zj_end_obj(j);
	zj_obj(j, "panic");
	copy_keys(j, e, pkeys, pas);
}

static void json_neighbourhood(struct zdx_json *j, const struct zdx_report_in *in)
{
	uint64_t pfn;
	long at = -1, i = 0;
	const struct zdx_jv *r;

	if (!zdx_jv_u64(in->explain, "pfn", &pfn))
		at = zdx_report_run_of(in->map, pfn);
	zj_obj(j, "neighbourhood");
	zj_int(j, "pfn_run", at);
	zj_arr(j, "runs");
	r = zdx_jv_get(in->map, "runs");
	for (r = at >= 0 ? r->child : NULL; r; r = r->next, i++)
		if (i >= at - ZDX_REPORT_NEIGHBOURS && i <= at + ZDX_REPORT_NEIGHBOURS)
			put_jv(j, NULL, r);
	zj_end_arr(j);
	zj_end_obj(j);
}

static void json_dumpcheck(struct zdx_json *j, const struct zdx_jv *dc)
{
	const struct zdx_jv *lack[32];
	static const char *const ck[] = { "class", "name", "needed_pages", "present_pages", "missing_pages", NULL };
	int n = zdx_report_lacking(dc, lack, 32), i;
	char line[1024];

	if (!dc) {
		zj_str(j, "dumpcheck", NULL);
		return;
	}
	zj_obj(j, "dumpcheck");
	zdx_report_lacks_line(dc, line, sizeof(line));
	zj_str(j, "lacks", line);
	zj_arr(j, "lacking");
	for (i = 0; i < n; i++) {
		zj_obj(j, NULL);
		copy_keys(j, lack[i], ck, NULL);
		zj_end_obj(j);
	}
	zj_end_arr(j);
	put_jv(j, "consequences", zdx_jv_get(dc, "consequences"));
	zj_end_obj(j);
}

/* Dumpcheck's advice, then what zdx explain could not do for want of
 * debuginfo. */
static void json_advice(struct zdx_json *j, const struct zdx_report_in *in)
{
	const struct zdx_jv *a = zdx_jv_get(in->dumpcheck, "advice"), *n;

	zj_arr(j, "capture_advice");
	for (a = a ? a->child : NULL; a; a = a->next)
		put_jv(j, NULL, a);
	n = zdx_jv_get(in->explain, "notes");
	for (n = n ? n->child : NULL; n; n = n->next)
		if (n->type == ZJV_STR && strstr(n->str, ".ko"))
			zj_str(j, NULL, "keep the debuginfo of the modules in the backtrace with the dump "
			       "(zdx explain -m DIR reads their DWARF variables)");
	zj_end_arr(j);
}

static void json_inc_entry(void *arg, const char *command, const struct zdx_jv *e)
{
	struct zdx_json *j = arg;

	zj_obj(j, NULL);
	zj_str(j, "what", zdx_jv_str(e, "what"));
	zj_str(j, "addr", zdx_jv_str(e, "addr"));
	zj_str(j, "why", zdx_jv_str(e, "why"));
	zj_str(j, "command", command);
	zj_end_obj(j);
}

/* What the report's inputs stand on less than the whole dump for. */
static void json_incomplete(struct zdx_json *j, const struct zdx_report_in *in)
{
	unsigned long more;

	zj_arr(j, "incomplete");
	more = zdx_report_incomplete(in, json_inc_entry, j);
	zj_end_arr(j);
	zj_int(j, "incomplete_not_listed", (long long)more);
}

void zdx_report_json(FILE *f, const struct zdx_report_in *in)
{
	struct zdx_json j;
	int i;

	zj_init(&j, f);
	zj_obj(&j, NULL);
	zj_str(&j, "schema", ZDX_REPORT_SCHEMA);
	json_dump_kernel(&j, in);
	json_verdict(&j, in->explain);
	if (in->explain) {
		put_jv(&j, "backtrace", zdx_jv_get(in->meta, "backtrace"));
		zj_end_obj(&j);
	} else {
		zj_str(&j, "panic", NULL);
	}
	put_jv(&j, "evidence", zdx_jv_get(in->explain, "evidence"));
	put_jv(&j, "notes", zdx_jv_get(in->explain, "notes"));
	put_jv(&j, "pfn", in->pfn);
	json_neighbourhood(&j, in);
	put_jv(&j, "pgmap", zdx_report_pgmap(in));
	put_jv(&j, "features", zdx_jv_get(in->meta, "features"));
	json_dumpcheck(&j, in->dumpcheck);
	json_advice(&j, in);
	zj_arr(&j, "unreadable");
	for (i = 0; i < in->nerrors; i++)
		zj_str(&j, NULL, in->errors[i]);
	zj_end_arr(&j);
	zj_int(&j, "unreadable_not_listed", (long long)in->errors_dropped);
	json_incomplete(&j, in);
	zj_obj(&j, "inputs");
	put_jv(&j, "explain", in->explain);
	put_jv(&j, "dumpcheck", in->dumpcheck);
	zj_end_obj(&j);
	zj_end_obj(&j);
	zj_done(&j);
}
