/* The one error type (zdx/error.h): the message format, the JSON object a
 * -j command answers with (parsed back, as zdx report does), the DWARF
 * code conversion, a result kept with its error (struct zdx_cached). */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "zdx/error.h"
#include "zdx/dwarf.h"
#include "zdx/jsonv.h"

/* What zdx_err_print() writes, as a string. */
static char *printed(const char *cmd, int json, const struct zdx_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	zdx_err_print(f, cmd, json, e);
	fclose(f);
	return buf;
}

/* What the layout and the model do with struct zdx_cached: build once,
 * hand out the result, or refuse every later call with the same reason. */
static void cached(void)
{
	static struct zdx_cached c;
	int result = 7;
	struct zdx_err e = { 0 };

	ok(!zdx_cached_tried(&c), "cached: not tried at first");
	zdx_cached_set(&c, zdx_err_set(&c.err, ZDX_E_REFUSED, NULL, 0, "out of range"));
	ok(zdx_cached_tried(&c) && !zdx_cached_get(&c, &result, &e) && e.code == ZDX_E_REFUSED &&
	   !strcmp(e.why, "out of range"), "cached: a failed build is refused with its reason");
	memset(&e, 0, sizeof(e));
	ok(!zdx_cached_get(&c, &result, &e) && e.code == ZDX_E_REFUSED && zdx_cached_tried(&c),
	   "cached: and again on a later call, still tried (no second build)");
	ok(!zdx_cached_get(&c, &result, NULL), "cached: a NULL error is not written");
	zdx_cached_forget(&c);
	ok(!zdx_cached_tried(&c) && c.err.code == ZDX_E_NONE, "cached: forget clears the state and the reason");
	zdx_cached_set(&c, 0);
	memset(&e, 0, sizeof(e));
	ok(zdx_cached_get(&c, &result, &e) == &result && e.code == ZDX_E_NONE,
	   "cached: a built result is handed out, e untouched");
}

int main(void)
{
	struct zdx_err e = { 0 };
	struct zdx_jv *v;
	const struct zdx_jv *o;
	char msg[600], *out;

	ok(zdx_err_set(&e, ZDX_E_NOT_IN_DUMP, "mem_section root array", 0xffff888003e00000ULL,
		       "not in this dump (%d roots)", 2048) == -1, "zdx_err_set returns -1");
	ok(!strcmp(zdx_err_message(&e, msg, sizeof(msg)),
		   "mem_section root array at ffff888003e00000: not in this dump (2048 roots)"),
	   "what, address and why: %s", msg);
	zdx_err_set(&e, ZDX_E_UNSUPPORTED, "page.flags", 0, "not in this kernel's debuginfo");
	ok(!strcmp(zdx_err_message(&e, msg, sizeof(msg)), "page.flags: not in this kernel's debuginfo"),
	   "what without an address: %s", msg);
	zdx_err_unexpected(&e, "-J", "zdx map [-j]");
	ok(e.code == ZDX_E_USAGE && !e.what[0] &&
	   !strcmp(zdx_err_message(&e, msg, sizeof(msg)), "unexpected argument \"-J\" (zdx map [-j])"),
	   "an unexpected argument, named with the synopsis: %s", msg);
	ok(zdx_err_set(NULL, ZDX_E_NOMEM, NULL, 0, "x") == -1, "a NULL error is ignored");

	/* text: "zdx: CMD: message", one line; no command: "zdx: message" */
	out = printed("map", 0, &e);
	ok(!strcmp(out, "zdx: map: unexpected argument \"-J\" (zdx map [-j])\n"), "text: %.*s", (int)strcspn(out, "\n"), out);
	free(out);
	out = printed(NULL, 0, &e);
	ok(!strncmp(out, "zdx: unexpected", 15), "text without a command: %.*s", (int)strcspn(out, "\n"), out);
	free(out);

	/* -j: one JSON object that parses, every field there */
	zdx_err_set(&e, ZDX_E_NOT_IN_DUMP, "mem_section \"root\"", 0x1000, "not in this dump\n(two lines)");
	out = printed("sections", 1, &e);
	v = zdx_jv_parse(out, msg, sizeof(msg));
	o = zdx_jv_get(v, "error");
	ok(v && o, "-j: {\"error\": {...}} parses: %.*s", (int)strcspn(out, "\n"), out);
	ok(zdx_err_json_message(v) && !strcmp(zdx_err_json_message(v), zdx_jv_str(o, "message")),
	   "zdx report reads the message back");
	ok(o && !strcmp(zdx_jv_str(o, "command"), "sections") && !strcmp(zdx_jv_str(o, "code"), "not_in_dump") &&
	   !strcmp(zdx_jv_str(o, "what"), "mem_section \"root\"") && !strcmp(zdx_jv_str(o, "addr"), "0x1000") &&
	   !strcmp(zdx_jv_str(o, "message"), "mem_section \"root\" at 1000: not in this dump\n(two lines)"),
	   "-j: command, code, what, addr and the same message as the text");
	zdx_jv_free(v);
	free(out);
	zdx_err_set(&e, ZDX_E_REFUSED, NULL, 0, "refused");
	out = printed("map", 1, &e);
	v = zdx_jv_parse(out, msg, sizeof(msg));
	o = zdx_jv_get(v, "error");
	ok(o && zdx_jv_get(o, "what") && !zdx_jv_str(o, "what") && !zdx_jv_str(o, "addr"),
	   "-j: no what, no address: null, not absent: %.*s", (int)strcspn(out, "\n"), out);
	zdx_jv_free(v);
	free(out);

	v = zdx_jv_parse("{\"sections\": [], \"incomplete\": []}", msg, sizeof(msg));
	ok(v && !zdx_err_json_message(v), "an answer is not an error");
	zdx_jv_free(v);
	v = zdx_jv_parse("{\"error\": {}}", msg, sizeof(msg));
	ok(zdx_err_json_message(v) != NULL, "an error object without a message is still an error");
	zdx_jv_free(v);

	/* every code has its own name */
	ok(!strcmp(zdx_err_code_name(ZDX_E_USAGE), "usage") &&
	   !strcmp(zdx_err_code_name(ZDX_E_NOT_FOUND), "not_found") &&
	   !strcmp(zdx_err_code_name(ZDX_E_UNSUPPORTED), "unsupported") &&
	   !strcmp(zdx_err_code_name(ZDX_E_REFUSED), "refused") &&
	   !strcmp(zdx_err_code_name(ZDX_E_NOT_IN_DUMP), "not_in_dump") &&
	   !strcmp(zdx_err_code_name(ZDX_E_NO_DEBUGINFO), "no_debuginfo") &&
	   !strcmp(zdx_err_code_name(ZDX_E_NOMEM), "out_of_memory"), "code names");

	cached();

	/* the DWARF code's results, converted at the crash-I/O boundary */
	ok(zdx_err_from_dw(&e, ZDX_DW_ENODWARF, "/lib/modules/x/nd_pmem.ko") == -1 &&
	   e.code == ZDX_E_NO_DEBUGINFO && strstr(e.why, "nd_pmem.ko") &&
	   strstr(e.why, zdx_dwarf_strerror(ZDX_DW_ENODWARF)), "ZDX_DW_ENODWARF: no_debuginfo, %s", e.why);
	zdx_err_from_dw(&e, ZDX_DW_ENOMEM, "vmlinux");
	ok(e.code == ZDX_E_NOMEM, "ZDX_DW_ENOMEM: out_of_memory");
	return tap_done();
}
