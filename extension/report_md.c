/*
 * zdx report, markdown form: GitHub/GitLab/Jira-markdown friendly tables
 * and code blocks, every fact with the crash command that shows it.
 * Pure: parsed command outputs in.
 */
#include <string.h>
#include <inttypes.h>
#include "zdx/report.h"

/* A table cell: '|' escaped, newlines flattened; code spans in backticks. */
static void cell(FILE *f, const char *s, int code)
{
	fputs(code ? " `" : " ", f);
	for (; s && *s; s++)
		if (*s == '|')
			fputs("\\|", f);
		else
			fputc(*s == '\n' ? ' ' : *s, f);
	fputs(code ? "` |" : " |", f);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void row2(FILE *f, const char *k, const char *v, int code)
{
	fprintf(f, "|");
	cell(f, k, 0);
	cell(f, or_dash(v), code && v);
	fputc('\n', f);
}

static void title(FILE *f, const struct zdx_report_in *in)
{
	const struct zdx_jv *e = in->explain;

	if (e)
		fprintf(f, "# zdx report: %s (confidence %s)\n\n", zdx_jv_str(e, "verdict"),
			or_dash(zdx_jv_str(e, "confidence")));
	else
		fprintf(f, "# zdx report: no verdict (zdx explain printed nothing)\n\n");
}

static void dump_line(const struct zdx_jv *d, const struct zdx_jv *df, char *b, size_t n)
{
	int used = snprintf(b, n, "%s (%s", or_dash(zdx_jv_str(d, "path")), or_dash(zdx_jv_str(df, "format")));

	if (zdx_jv_get(df, "dump_level") && zdx_jv_get(df, "dump_level")->type == ZJV_NUM)
		used += snprintf(b + used, n - used, ", dump level %lld", zdx_jv_int(df, "dump_level", 0));
	snprintf(b + used, n - used, ")");
}

static void md_summary(FILE *f, const struct zdx_report_in *in)
{
	const struct zdx_jv *d = zdx_jv_get(in->meta, "dump"), *k = zdx_jv_get(in->meta, "kernel");
	const struct zdx_jv *e = in->explain, *df = zdx_jv_get(in->dumpcheck, "dumpfile");

	int match = zdx_report_build_id_match(in->meta);
	char b[1024];

	fprintf(f, "| | |\n|---|---|\n");
	dump_line(zdx_jv_get(in->meta, "dump"), df, b, sizeof(b));
	row2(f, "Dump", b, 0);
	row2(f, "Kernel", zdx_jv_str(k, "release"), 1);
	snprintf(b, sizeof(b), "%s%s", or_dash(zdx_jv_str(d, "build_id")),
		 match == 1 ? " (the vmlinux matches)" : match == 0 ? " (the vmlinux DIFFERS)" : "");
	row2(f, "Build-id", b, 0);
	if (!zdx_jv_str(d, "build_id"))
		row2(f, "Build-id missing", zdx_jv_str(d, "build_id_error"), 0);
	row2(f, "vmlinux", zdx_jv_str(k, "vmlinux"), 1);
	row2(f, "Panic", zdx_jv_str(e, "panic"), 0);
	row2(f, "Faulting function", zdx_jv_str(e, "faulting_function"), 1);
	row2(f, "Walker", zdx_jv_str(e, "walker"), 1);
	row2(f, "PFN", zdx_jv_str(e, "pfn"), 1);
	row2(f, "Owner", zdx_jv_str(e, "owner"), 0);
	zdx_report_lacks_line(in->dumpcheck, b, sizeof(b));
	row2(f, "The dump lacks", b, 0);
	fputc('\n', f);
}

static void md_verdict(FILE *f, const struct zdx_jv *e)
{
	if (!e)
		return;
	fprintf(f, "## Verdict\n\n**%s**, confidence **%s**.\n\n", zdx_jv_str(e, "verdict"),
		or_dash(zdx_jv_str(e, "confidence")));
	if (zdx_jv_str(e, "why"))
		fprintf(f, "- **Why the kernel allowed it:** %s\n", zdx_jv_str(e, "why"));
	if (zdx_jv_str(e, "fix"))
		fprintf(f, "- **Fix:** %s\n", zdx_jv_str(e, "fix"));
	if (zdx_jv_str(e, "walker"))
		fprintf(f, "- **Walker:** `%s`%s\n", zdx_jv_str(e, "walker"),
			zdx_jv_bool(e, "walker_in_catalogue") == 1 ? " (in zdx's catalogue of kernel pfn walkers)"
			: " (not in zdx's catalogue of kernel pfn walkers)");
	fprintf(f, "\nShown by: `zdx explain`\n\n");
}

static void md_evidence(FILE *f, const struct zdx_jv *e)
{
	const struct zdx_jv *ev = zdx_jv_get(e, "evidence"), *c, *n;

	if (!e)
		return;
	fprintf(f, "## Evidence\n\n");
	if (!ev || !ev->n)
		fprintf(f, "No struct page or pfn candidate in the fault address, the exception registers, "
			"dump_page() output or DWARF variables.\n\n");
	else
		fprintf(f, "| | Source | PFN | What | Class | Check in crash |\n|---|---|---|---|---|---|\n");
	for (c = ev ? ev->child : NULL; c; c = c->next) {
		fprintf(f, "|");
		cell(f, zdx_jv_bool(c, "cause") == 1 ? "**cause**" : "", 0);
		cell(f, zdx_jv_str(c, "source"), 0);
		cell(f, zdx_jv_str(c, "pfn"), 1);
		cell(f, zdx_jv_str(c, "origin"), 0);
		cell(f, zdx_jv_str(c, "class"), 0);
		cell(f, zdx_jv_str(c, "check"), 1);
		fputc('\n', f);
	}
	n = zdx_jv_get(e, "notes");
	if (n && n->n)
		fprintf(f, "\nNotes (the module debuginfo used or refused, what explain could not use):\n\n");
	for (n = n ? n->child : NULL; n; n = n->next)
		fprintf(f, "- %s\n", n->str ? n->str : "");
	fputc('\n', f);
}

static void md_panic(FILE *f, const struct zdx_report_in *in)
{
	const struct zdx_jv *bt = zdx_jv_get(in->meta, "backtrace"), *fr;
	int i = 0;

	if (!in->explain)
		return;
	fprintf(f, "## Panic context\n\n```\n");
	if (zdx_jv_str(in->explain, "panic"))
		fprintf(f, "panic:    %s\n", zdx_jv_str(in->explain, "panic"));
	if (zdx_jv_str(in->explain, "oops"))
		fprintf(f, "oops:     %s\n", zdx_jv_str(in->explain, "oops"));
	if (zdx_jv_str(in->explain, "faulting_function"))
		fprintf(f, "faulting: %s\n", zdx_jv_str(in->explain, "faulting_function"));
	for (fr = bt ? bt->child : NULL; fr; fr = fr->next, i++)
		fprintf(f, " #%-2d %s%s%s%s\n", i, or_dash(zdx_jv_str(fr, "func")),
			zdx_jv_str(fr, "module") ? " [" : "", zdx_jv_str(fr, "module") ? zdx_jv_str(fr, "module") : "",
			zdx_jv_str(fr, "module") ? "]" : "");
	fprintf(f, "```\n\n");
	if (bt && bt->child && zdx_jv_str(bt->child, "source") &&
	    !strcmp(zdx_jv_str(bt->child, "source"), "kernel log"))
		fprintf(f, "The backtrace is the kernel log's Call Trace: %s\n\n",
			zdx_jv_str(in->explain, "faulting_function") ?
			"crash has no symbols for the faulting code (its module), so its `bt` cannot "
			"unwind through it." :
			"crash's `bt` of the panic task stops at panic(); the kernel printed panic()'s "
			"callers.");
	fprintf(f, "Shown by: `bt`, `log`\n\n");
}

static void md_pfn(FILE *f, const struct zdx_jv *p)
{
	static const char *const keys[] = { "section", "subsection", "subsection_populated", "pfn_valid",
		"pfn_to_online_page", "pfn_to_online_page_fixed", "owner", "kind", "device", "region",
		"pgmap_pfn_valid", "zone", "struct_page", "struct_page_in_dump", "page_state",
		"struct_page_verdict", "why", NULL };
	const struct zdx_jv *v;
	char b[64];
	int i;

	if (!p)
		return;
	fprintf(f, "## The pfn %s\n\n| | |\n|---|---|\n", or_dash(zdx_jv_str(p, "pfn")));
	for (i = 0; keys[i]; i++) {
		if (!(v = zdx_jv_get(p, keys[i])))
			continue;
		if (v->type == ZJV_STR)
			row2(f, keys[i], v->str, 0);
		else if (v->type == ZJV_BOOL)
			row2(f, keys[i], v->b ? "yes" : "no", 0);
		else if (v->type == ZJV_NULL)
			row2(f, keys[i], "unknown", 0);
		else if (v->type == ZJV_NUM)
			snprintf(b, sizeof(b), "%lld", v->inum), row2(f, keys[i], b, 0);
	}
	fprintf(f, "\nShown by: `zdx pfn %s`\n\n", or_dash(zdx_jv_str(p, "pfn")));
}

static void run_detail(const struct zdx_jv *r, char *b, size_t n)
{
	if (zdx_jv_str(r, "pgmap"))
		snprintf(b, n, "%s pgmap %s %s, %s", or_dash(zdx_jv_str(r, "kind")), zdx_jv_str(r, "pgmap"),
			 or_dash(zdx_jv_str(r, "device")), or_dash(zdx_jv_str(r, "region")));
	else if (!strcmp(or_dash(zdx_jv_str(r, "owner")), "ram"))
		snprintf(b, n, "%s %s, node %lld, zone %s", zdx_jv_bool(r, "early") == 1 ? "early" : "hotplug",
			 zdx_jv_bool(r, "online") == 1 ? "online" : "offline", zdx_jv_int(r, "node", -1),
			 or_dash(zdx_jv_str(r, "zone")));
	else
		snprintf(b, n, "-");
}

static void md_neighbourhood(FILE *f, const struct zdx_report_in *in)
{
	const struct zdx_jv *r;
	uint64_t pfn, s, e;
	long at, i = 0;
	char d[256], pf[64];

	if (zdx_jv_u64(in->explain, "pfn", &pfn) || (at = zdx_report_run_of(in->map, pfn)) < 0)
		return;
	fprintf(f, "## Neighbourhood in the map\n\n| | PFN range | Pages | Owner | Mixed section | Detail |\n"
		"|---|---|---|---|---|---|\n");
	for (r = zdx_jv_get(in->map, "runs")->child; r; r = r->next, i++) {
		if (i < at - ZDX_REPORT_NEIGHBOURS || i > at + ZDX_REPORT_NEIGHBOURS ||
		    zdx_jv_u64(r, "start_pfn", &s) || zdx_jv_u64(r, "end_pfn", &e))
			continue;
		run_detail(r, d, sizeof(d));
		snprintf(pf, sizeof(pf), "%" PRIx64 "-%" PRIx64, s, e - 1);
		fprintf(f, "|%s|", i == at ? " **here** " : " ");
		cell(f, pf, 1);
		fprintf(f, " %" PRIu64 " |", e - s);
		cell(f, zdx_jv_str(r, "owner"), 0);
		cell(f, zdx_jv_bool(r, "mixed_section") == 1 ? "yes" : "-", 0);
		cell(f, d, 0);
		fputc('\n', f);
	}
	fprintf(f, "\nShown by: `zdx map`\n\n");
}

static void md_pgmap(FILE *f, const struct zdx_report_in *in)
{
	const struct zdx_jv *p = zdx_report_pgmap(in), *a, *r;

	if (!p)
		return;
	fprintf(f, "## pgmap and altmap\n\npgmap `%s`: %s (%s), owner %s, memmap %s%s.\n\n",
		or_dash(zdx_jv_str(p, "addr")), or_dash(zdx_jv_str(p, "kind")), or_dash(zdx_jv_str(p, "type_name")),
		or_dash(zdx_jv_str(p, "owner")), or_dash(zdx_jv_str(p, "memmap_home_text")),
		zdx_jv_bool(p, "memmap_in_dump") == 0 ? " (NOT in this dump)" : "");
	if ((a = zdx_jv_get(p, "altmap")) && a->type == ZJV_OBJ)
		fprintf(f, "altmap: base_pfn `%s`, reserve `%s`, free `%s`, align `%s`, alloc `%s`.\n\n",
			or_dash(zdx_jv_str(a, "base_pfn")), or_dash(zdx_jv_str(a, "reserve")),
			or_dash(zdx_jv_str(a, "free")), or_dash(zdx_jv_str(a, "align")), or_dash(zdx_jv_str(a, "alloc")));
	else
		fprintf(f, "No altmap: its memmap is in System RAM.\n\n");
	fprintf(f, "| Region | First pfn | End pfn | Struct pages |\n|---|---|---|---|\n");
	for (r = zdx_jv_get(p, "regions") ? zdx_jv_get(p, "regions")->child : NULL; r; r = r->next) {
		fprintf(f, "|");
		cell(f, zdx_jv_str(r, "region"), 0);
		cell(f, zdx_jv_str(r, "first_pfn"), 1);
		cell(f, zdx_jv_str(r, "end_pfn"), 1);
		cell(f, zdx_jv_str(r, "struct_pages"), 0);
		fputc('\n', f);
	}
	fprintf(f, "\nShown by: `zdx pgmap %s`\n\n", or_dash(zdx_jv_str(p, "addr")));
}

static void md_features(FILE *f, const struct zdx_jv *meta)
{
	const struct zdx_jv *ft = zdx_jv_get(meta, "features"), *c;

	if (!ft || !ft->n)
		return;
	fprintf(f, "## Kernel features\n\n| Feature | This kernel | Commit | What it means |\n|---|---|---|---|\n");
	for (c = ft->child; c; c = c->next) {
		fprintf(f, "|");
		cell(f, zdx_jv_str(c, "name"), 1);
		cell(f, zdx_jv_bool(c, "present") == 1 ? "yes" : zdx_jv_bool(c, "present") == 0 ? "no" : "unknown", 0);
		cell(f, or_dash(zdx_jv_str(c, "commit")), 0);
		cell(f, zdx_jv_str(c, "what"), 0);
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void md_list(FILE *f, const struct zdx_jv *l)
{
	for (l = l ? l->child : NULL; l; l = l->next)
		if (l->type == ZJV_STR)
			fprintf(f, "- %s\n", l->str);
}

static void md_dumpcheck(FILE *f, const struct zdx_report_in *in)
{
	const struct zdx_jv *lack[32];
	int n = zdx_report_lacking(in->dumpcheck, lack, 32), i;
	char b[32];

	fprintf(f, "## What the dump lacks\n\n");
	if (!in->dumpcheck) {
		fprintf(f, "Unknown: zdx dumpcheck printed nothing.\n\n");
		return;
	}
	if (n)
		fprintf(f, "| Structure | Needed pages | Missing |\n|---|---|---|\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "|");
		cell(f, zdx_jv_str(lack[i], "name"), 0);
		snprintf(b, sizeof(b), "%lld", zdx_jv_int(lack[i], "needed_pages", 0));
		cell(f, b, 0);
		snprintf(b, sizeof(b), "%lld", zdx_jv_int(lack[i], "missing_pages", 0));
		cell(f, b, 0);
		fputc('\n', f);
	}
	fprintf(f, "%s", n ? "\n" : "");
	md_list(f, zdx_jv_get(in->dumpcheck, "consequences"));
	fprintf(f, "\nShown by: `zdx dumpcheck`\n\n## Capture next time\n\n");
	md_list(f, zdx_jv_get(in->dumpcheck, "advice"));
	fputc('\n', f);
}

struct md_inc {
	FILE *f;
	int n;
};

static void md_inc_line(void *arg, const char *command, const struct zdx_jv *e)
{
	struct md_inc *mi = arg;

	if (!mi->n++)
		fprintf(mi->f, "## Incomplete\n\nThis report stands on less than the whole dump:\n\n");
	fprintf(mi->f, "- %s `%s` (%s): %s\n", or_dash(zdx_jv_str(e, "what")),
		or_dash(zdx_jv_str(e, "addr")), command, or_dash(zdx_jv_str(e, "why")));
}

/* Every input's incomplete entries, once each; and failures not listed. */
static void md_incomplete(FILE *f, const struct zdx_report_in *in)
{
	struct md_inc mi = { .f = f };
	unsigned long more = zdx_report_incomplete(in, md_inc_line, &mi);

	if (more)
		fprintf(f, "%s- ... and at least %lu more not listed\n", mi.n ? "" :
			"## Incomplete\n\n", more);
	if (mi.n || more)
		fputc('\n', f);
}

void zdx_report_markdown(FILE *f, const struct zdx_report_in *in)
{
	int i;

	title(f, in);
	md_summary(f, in);
	md_verdict(f, in->explain);
	md_evidence(f, in->explain);
	md_panic(f, in);
	md_pfn(f, in->pfn);
	md_neighbourhood(f, in);
	md_pgmap(f, in);
	md_features(f, in->meta);
	md_dumpcheck(f, in);
	md_incomplete(f, in);
	if (in->nerrors)
		fprintf(f, "## Not readable\n\n");
	for (i = 0; i < in->nerrors; i++)
		fprintf(f, "- %s\n", in->errors[i]);
	if (in->errors_dropped)
		fprintf(f, "- ... and %lu more failures not listed\n", in->errors_dropped);
	fprintf(f, "%s---\n_%s_\n", in->nerrors ? "\n" : "", ZDX_REPORT_SCHEMA " by zdx report");
}
