/* Streaming JSON writer: keeps one comma flag per nesting level. */
#include "zdx/json.h"

void zj_init(struct zdx_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = 0;
}

static void key_prefix(struct zdx_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = 1;
	if (key)
		fprintf(j->f, "\"%s\":", key);
}

void zj_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void open_(struct zdx_json *j, const char *key, char c)
{
	key_prefix(j, key);
	fputc(c, j->f);
	if (j->depth < 31)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

static void close_(struct zdx_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->f);
}

void zj_obj(struct zdx_json *j, const char *key) { open_(j, key, '{'); }
void zj_arr(struct zdx_json *j, const char *key) { open_(j, key, '['); }
void zj_end_obj(struct zdx_json *j) { close_(j, '}'); }
void zj_end_arr(struct zdx_json *j) { close_(j, ']'); }

void zj_str(struct zdx_json *j, const char *key, const char *val)
{
	key_prefix(j, key);
	if (val)
		zj_put_string(j->f, val);
	else
		fputs("null", j->f);
}

void zj_hex(struct zdx_json *j, const char *key, uint64_t val)
{
	key_prefix(j, key);
	fprintf(j->f, "\"0x%llx\"", (unsigned long long)val);
}

void zj_int(struct zdx_json *j, const char *key, long long val)
{
	key_prefix(j, key);
	fprintf(j->f, "%lld", val);
}

void zj_bool(struct zdx_json *j, const char *key, int val)
{
	key_prefix(j, key);
	fputs(val ? "true" : "false", j->f);
}

void zj_tri(struct zdx_json *j, const char *key, int val)
{
	key_prefix(j, key);
	fputs(val < 0 ? "null" : val ? "true" : "false", j->f);
}

void zj_done(struct zdx_json *j)
{
	fputc('\n', j->f);
}
