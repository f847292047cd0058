/*
 * The one error type (include/zdx/error.h): filling it, keeping it with a
 * result built once per session, converting the DWARF code's results into
 * it, and printing it at the command boundary.
 * Pure, so the message format and the JSON shape are unit-tested.
 */
#include <stdarg.h>
#include <string.h>
#include "zdx/error.h"
#include "zdx/dwarf.h"
#include "zdx/json.h"
#include "zdx/jsonv.h"

int zdx_err_set(struct zdx_err *e, enum zdx_err_code code, const char *what, uint64_t addr,
		const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->code = code;
	snprintf(e->what, sizeof(e->what), "%s", what ? what : "");
	e->addr = addr;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -1;
}

int zdx_err_unexpected(struct zdx_err *e, const char *arg, const char *synopsis)
{
	return zdx_err_set(e, ZDX_E_USAGE, NULL, 0, "unexpected argument \"%.100s\" (%s)", arg, synopsis);
}

const char *zdx_err_code_name(enum zdx_err_code code)
{
	switch (code) {
	case ZDX_E_NONE: return "none";
	case ZDX_E_USAGE: return "usage";
	case ZDX_E_NOT_FOUND: return "not_found";
	case ZDX_E_UNSUPPORTED: return "unsupported";
	case ZDX_E_REFUSED: return "refused";
	case ZDX_E_NOT_IN_DUMP: return "not_in_dump";
	case ZDX_E_NO_DEBUGINFO: return "no_debuginfo";
	case ZDX_E_NOMEM: return "out_of_memory";
	}
	return "unknown";
}

const char *zdx_err_message(const struct zdx_err *e, char *buf, size_t n)
{
	if (e->what[0] && e->addr)
		snprintf(buf, n, "%s at %llx: %s", e->what, (unsigned long long)e->addr, e->why);
	else if (e->what[0])
		snprintf(buf, n, "%s: %s", e->what, e->why);
	else
		snprintf(buf, n, "%s", e->why);
	return buf;
}

int zdx_cached_tried(const struct zdx_cached *c)
{
	return c->state != 0;
}

void zdx_cached_set(struct zdx_cached *c, int rc)
{
	c->state = rc ? -1 : 1;
}

void *zdx_cached_get(const struct zdx_cached *c, void *result, struct zdx_err *e)
{
	if (c->state > 0)
		return result;
	if (e)
		*e = c->err;
	return NULL;
}

void zdx_cached_forget(struct zdx_cached *c)
{
	memset(c, 0, sizeof(*c));
}

int zdx_err_from_dw(struct zdx_err *e, int dw_rc, const char *path)
{
	/* Every DWARF failure but memory means: no usable debuginfo here. */
	return zdx_err_set(e, dw_rc == ZDX_DW_ENOMEM ? ZDX_E_NOMEM : ZDX_E_NO_DEBUGINFO, NULL, 0,
			   "cannot read DWARF of %.300s: %s", path, zdx_dwarf_strerror(dw_rc));
}

void zdx_err_print(FILE *f, const char *cmd, int json, const struct zdx_err *e)
{
	char msg[sizeof(e->what) + sizeof(e->why) + 32];
	struct zdx_json j;

	zdx_err_message(e, msg, sizeof(msg));
	if (!json) {
		fprintf(f, "zdx: %s%s%s\n", cmd ? cmd : "", cmd ? ": " : "", msg);
		return;
	}
	zj_init(&j, f);
	zj_obj(&j, NULL);
	zj_obj(&j, "error");
	zj_str(&j, "command", cmd);
	zj_str(&j, "code", zdx_err_code_name(e->code));
	zj_str(&j, "what", e->what[0] ? e->what : NULL);
	if (e->addr)
		zj_hex(&j, "addr", e->addr);
	else
		zj_str(&j, "addr", NULL);
	zj_str(&j, "message", msg);
	zj_end_obj(&j);
	zj_end_obj(&j);
	zj_done(&j);
}

const char *zdx_err_json_message(const struct zdx_jv *answer)
{
	const struct zdx_jv *e = zdx_jv_get(answer, "error");
	const char *msg;

	if (!e)
		return NULL;
	/* an error object without a message still says the command failed */
	return (msg = zdx_jv_str(e, "message")) ? msg : "failed without a message";
}
