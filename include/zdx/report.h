/*
 * zdx report: one self-contained escalation report, composed from the JSON
 * the other zdx commands print (pure: parsed trees in, markdown or JSON
 * out).  extension/cmd_report.c runs the commands in crash and gathers the
 * session facts (`meta`); tests feed recorded outputs.
 *
 * The JSON form is versioned: docs/report.schema.json, "schema" below.
 */
#ifndef ZDX_REPORT_H
#define ZDX_REPORT_H

#include <stdio.h>
#include "zdx/jsonv.h"

#define ZDX_REPORT_SCHEMA "zdx-report/1"
#define ZDX_REPORT_MAX_ERRORS 8
#define ZDX_REPORT_NEIGHBOURS 3    /* map runs shown either side of the pfn's */

struct zdx_report_in {
	/* Session facts (cmd_report.c): {"dump": {path, bytes, build_id,
	 * osrelease, build_id_error}, "kernel": {release, vmlinux,
	 * vmlinux_build_id, crash}, "features": [{name, present, commit, what}],
	 * "backtrace": [{func, module}], "explain_args": "..."} */
	const struct zdx_jv *meta;
	/* Each command's own JSON, NULL when it printed none. */
	const struct zdx_jv *explain;     /* zdx explain -j */
	const struct zdx_jv *pfn;         /* zdx pfn -j PFN (the verdict's pfn) */
	const struct zdx_jv *map;         /* zdx map -j */
	const struct zdx_jv *pgmap;       /* zdx pgmap -j PGMAP (the pfn's pgmap) */
	const struct zdx_jv *dumpcheck;   /* zdx dumpcheck -j */
	/* What could not be read: "zdx pfn -j 0x60001: <its message>". */
	const char *errors[ZDX_REPORT_MAX_ERRORS];
	int nerrors;
	unsigned long errors_dropped;     /* failures beyond ZDX_REPORT_MAX_ERRORS, counted */
};

void zdx_report_markdown(FILE *f, const struct zdx_report_in *in);
void zdx_report_json(FILE *f, const struct zdx_report_in *in);

/* Shared by both renderers. */
/* Index of the map run holding pfn, -1. */
long zdx_report_run_of(const struct zdx_jv *map, uint64_t pfn);
/* Does the dump's build-id match the vmlinux's?  1 yes, 0 no, -1 unknown. */
int zdx_report_build_id_match(const struct zdx_jv *meta);
/* The verdict's pgmap as pgmap -j printed it (first of "pgmaps"), NULL. */
const struct zdx_jv *zdx_report_pgmap(const struct zdx_report_in *in);
/* Classes of dumpcheck with missing pages, in order; returns the count and
 * fills out[] (up to max). */
int zdx_report_lacking(const struct zdx_jv *dumpcheck, const struct zdx_jv **out, int max);
/* One-line summary of what the dump lacks: "nothing", or the class names. */
void zdx_report_lacks_line(const struct zdx_jv *dumpcheck, char *buf, size_t n);
/* Every input command's "incomplete" entries, each {what, addr, why} once
 * (the model's are in every command's list), in input order: fn gets the
 * entry and the command that first listed it.  Returns how many more the
 * inputs counted but did not list (the largest incomplete_not_listed). */
typedef void (*zdx_report_inc_fn)(void *arg, const char *command, const struct zdx_jv *entry);
unsigned long zdx_report_incomplete(const struct zdx_report_in *in, zdx_report_inc_fn fn, void *arg);

#endif
