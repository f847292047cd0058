/*
 * The one error type of zdx (issue 13).  Code that fails — the layout, the
 * model, a command's argument parsing — fills a struct zdx_err and returns;
 * it never prints.  The command boundary (each zdx_cmd_* entry, and the
 * dispatcher for an unknown subcommand) prints it once with
 * zdx_err_print(), in the command's format.  Pure: no crash headers.
 *
 * A partial result is not an error: what a command could not read while
 * still answering goes to the model's incomplete list (zdx/model.h).
 */
#ifndef ZDX_ERROR_H
#define ZDX_ERROR_H

#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

enum zdx_err_code {
	ZDX_E_NONE = 0,
	ZDX_E_USAGE,        /* an argument the command does not take or cannot parse */
	ZDX_E_NOT_FOUND,    /* the argument names nothing in this dump */
	ZDX_E_UNSUPPORTED,  /* this kernel lacks what the command needs (a field, SPARSEMEM) */
	ZDX_E_REFUSED,      /* VMCOREINFO/debuginfo numbers out of range: another kernel's, or corrupt */
	ZDX_E_NOT_IN_DUMP,  /* data the command needs is not in the dump */
	ZDX_E_NO_DEBUGINFO, /* no usable DWARF for what was asked */
	ZDX_E_NOMEM,
};

struct zdx_err {
	enum zdx_err_code code;
	char what[96];      /* the object or field that failed ("page.flags"), "" if none */
	uint64_t addr;      /* where that object is in the dump, 0 if nowhere */
	char why[400];      /* the reason: one sentence, no trailing newline */
};

/* Fill e (when not NULL) and return -1, so a failing function can
 * `return zdx_err_set(e, ...);`.  what may be NULL. */
int zdx_err_set(struct zdx_err *e, enum zdx_err_code code, const char *what, uint64_t addr,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ZDX_E_USAGE for an argument the command does not take, named with the
 * command's synopsis: unexpected argument "-J" (zdx map [-j]).  -1. */
int zdx_err_unexpected(struct zdx_err *e, const char *arg, const char *synopsis);

/* The code's JSON name: "usage", "not_found", "unsupported", "refused",
 * "not_in_dump", "no_debuginfo", "out_of_memory" ("none" for ZDX_E_NONE). */
const char *zdx_err_code_name(enum zdx_err_code code);

/* The message, formatted the one way every output uses:
 * "WHAT at ADDR: WHY" (ADDR in hex), "WHAT: WHY" or "WHY". */
const char *zdx_err_message(const struct zdx_err *e, char *buf, size_t n);

/* A result built once per session and kept (the layout, the model), with
 * the reason it could not be built: every later call gets the same
 * refusal, so no command on an unusable dump fails without saying why.
 * The builder fills err when it fails; zdx_cached_forget() (extend -u)
 * makes the next call build again. */
struct zdx_cached {
	int state;            /* 0 not built yet, 1 built, -1 could not be built */
	struct zdx_err err;   /* why, when state is -1 */
};

/* Has the build been tried since the start (or the last forget)? */
int zdx_cached_tried(const struct zdx_cached *c);
/* Record the build's outcome: rc 0 built, -1 not (c->err says why). */
void zdx_cached_set(struct zdx_cached *c, int rc);
/* result when it was built; else NULL, with the reason copied to e (when
 * e is not NULL). */
void *zdx_cached_get(const struct zdx_cached *c, void *result, struct zdx_err *e);
void zdx_cached_forget(struct zdx_cached *c);

/* The ZDX_DW_* result of the DWARF code (zdx/dwarf.h) as an error about
 * the file at path; returns -1. */
int zdx_err_from_dw(struct zdx_err *e, int dw_rc, const char *path);

/* The command boundary's printer.  Text: "zdx: CMD: message" (cmd NULL:
 * "zdx: message").  json: one object
 *   {"error": {"command": CMD, "code": NAME, "what": W|null,
 *              "addr": "0x…"|null, "message": MESSAGE}}
 * Both go to f, the command's own output, so a redirect, a pipe and
 * `zdx report` (which runs commands into a buffer) see the reason. */
void zdx_err_print(FILE *f, const char *cmd, int json, const struct zdx_err *e);

/* The message of a command's -j answer when it is the error object above,
 * NULL when it is not (zdx report records it for the failed command). */
struct zdx_jv;
const char *zdx_err_json_message(const struct zdx_jv *answer);

#endif
