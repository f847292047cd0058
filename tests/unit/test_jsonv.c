/* The JSON reader: what zdx's writer prints parses back; errors say where. */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "zdx/json.h"
#include "zdx/jsonv.h"

int main(void)
{
	char err[128], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct zdx_json j;
	struct zdx_jv *v, *w;
	uint64_t u = 0;

	zj_init(&j, f);
	zj_obj(&j, NULL);
	zj_str(&j, "verdict", "some-word");
	zj_hex(&j, "pfn", 0x60001);
	zj_int(&j, "n", -42);
	zj_bool(&j, "yes", 1);
	zj_tri(&j, "unknown", -1);
	zj_str(&j, "quote", "a \"b\"\\c\n\x01");
	zj_arr(&j, "evidence");
	zj_obj(&j, NULL);
	zj_str(&j, "check", "bt");
	zj_end_obj(&j);
	zj_obj(&j, NULL);
	zj_str(&j, "check", "rd -64 ffffea0001800000 8");
	zj_end_obj(&j);
	zj_end_arr(&j);
	zj_end_obj(&j);
	zj_done(&j);
	fclose(f);

	v = zdx_jv_parse(buf, err, sizeof(err));
	ok(v && v->type == ZJV_OBJ, "zdx's own JSON parses (%s)", err);
	ok(!strcmp(zdx_jv_str(v, "verdict"), "some-word"), "string member");
	ok(zdx_jv_u64(v, "pfn", &u) == 0 && u == 0x60001, "hex string member");
	ok(zdx_jv_int(v, "n", 0) == -42, "negative integer");
	ok(zdx_jv_bool(v, "yes") == 1 && zdx_jv_bool(v, "unknown") == -1, "true and null");
	ok(!strcmp(zdx_jv_str(v, "quote"), "a \"b\"\\c\n\x01"), "escapes round-trip");
	ok(zdx_jv_get(v, "evidence")->n == 2, "array of two");
	ok(!strcmp(zdx_jv_str(zdx_jv_at(zdx_jv_get(v, "evidence"), 1), "check"), "rd -64 ffffea0001800000 8"),
	   "element lookup");
	ok(zdx_jv_get(v, "missing") == NULL && zdx_jv_str(NULL, "x") == NULL, "missing keys are NULL");

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	zdx_jv_write(f, v);
	fclose(f);
	w = zdx_jv_parse(buf, err, sizeof(err));
	ok(w && !strcmp(zdx_jv_str(w, "quote"), zdx_jv_str(v, "quote")) &&
	   zdx_jv_get(w, "evidence")->n == 2, "written back, it parses the same");
	zdx_jv_free(w);
	zdx_jv_free(v);
	free(buf);

	v = zdx_jv_parse("crash: some message first\n{\"a\": [1, 2.5, {\"b\": \"\\u00e9\"}]}", err, sizeof(err));
	ok(v && zdx_jv_at(zdx_jv_get(v, "a"), 1)->num == 2.5, "text before the object is skipped");
	ok(v && !strcmp(zdx_jv_str(zdx_jv_at(zdx_jv_get(v, "a"), 2), "b"), "\xc3\xa9"), "\\u escape to UTF-8");
	ok(zdx_jv_path(v, "a") != NULL && zdx_jv_path(v, "a.b") == NULL, "dotted path");
	zdx_jv_free(v);
	ok(!zdx_jv_parse("{\"a\": [1, 2", err, sizeof(err)) && strstr(err, "byte"), "truncated: %s", err);
	ok(!zdx_jv_parse("{\"a\" 1}", err, sizeof(err)) && strstr(err, "':'"), "missing colon: %s", err);
	ok(!zdx_jv_parse("no json here", err, sizeof(err)) && err[0], "no JSON: %s", err);
	ok(!zdx_jv_parse("{\"a\": \"unterminated}", err, sizeof(err)), "unterminated string");
	return tap_done();
}
