/* A small recursive-descent JSON reader and writer (pure). */
#include <stdlib.h>
#include <string.h>
#include "zdx/jsonv.h"
#include "zdx/json.h"

#define JV_MAX_DEPTH 64

struct jp {
	const char *s, *start;
	char *err;
	size_t errn;
	int failed;
};

static struct zdx_jv *value(struct jp *p, int depth);

static void fail(struct jp *p, const char *why)
{
	if (!p->failed && p->err)
		snprintf(p->err, p->errn, "JSON error at byte %ld: %s", (long)(p->s - p->start), why);
	p->failed = 1;
}

static void ws(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

static struct zdx_jv *node(enum zdx_jv_type t)
{
	struct zdx_jv *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX as UTF-8 (surrogate pairs are kept as two 3-byte sequences:
 * zdx prints only ASCII escapes). */
static size_t put_utf8(char *o, unsigned u)
{
	if (u < 0x80)
		return o[0] = (char)u, 1;
	if (u < 0x800)
		return o[0] = (char)(0xc0 | u >> 6), o[1] = (char)(0x80 | (u & 0x3f)), 2;
	o[0] = (char)(0xe0 | u >> 12);
	o[1] = (char)(0x80 | (u >> 6 & 0x3f));
	o[2] = (char)(0x80 | (u & 0x3f));
	return 3;
}

static int escape(struct jp *p, char *o, size_t *k)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(from, *p->s);
	unsigned u = 0;
	int i;

	if (*p->s && e) {
		o[(*k)++] = to[e - from];
		p->s++;
		return 0;
	}
	if (*p->s != 'u')
		return fail(p, "bad escape"), -1;
	for (i = 1; i <= 4; i++) {
		int h = hexval(p->s[i]);

		if (h < 0)
			return fail(p, "bad \\u escape"), -1;
		u = u << 4 | (unsigned)h;
	}
	p->s += 5;
	*k += put_utf8(o + *k, u);
	return 0;
}

static char *string(struct jp *p)
{
	const char *q = ++p->s;
	size_t k = 0;
	char *o;

	while (*q && *q != '"')
		q += (*q == '\\' && q[1]) ? 2 : 1;
	if (!*q)
		return fail(p, "unterminated string"), NULL;
	if (!(o = malloc((size_t)(q - p->s) * 3 / 2 + 4)))
		return fail(p, "out of memory"), NULL;
	while (*p->s != '"') {
		if (*p->s == '\\') {
			p->s++;
			if (escape(p, o, &k))
				return free(o), NULL;
		} else {
			o[k++] = *p->s++;
		}
	}
	p->s++;
	o[k] = 0;
	return o;
}

static struct zdx_jv *number(struct jp *p)
{
	char *end;
	struct zdx_jv *v;
	double d = strtod(p->s, &end);

	if (end == p->s)
		return fail(p, "unexpected character"), NULL;
	if (!(v = node(ZJV_NUM)))
		return fail(p, "out of memory"), NULL;
	v->num = d;
	v->inum = strtoll(p->s, NULL, 10);
	p->s = end;
	return v;
}

static struct zdx_jv *word(struct jp *p)
{
	static const struct { const char *w; enum zdx_jv_type t; int b; } words[] = {
		{ "null", ZJV_NULL, 0 }, { "true", ZJV_BOOL, 1 }, { "false", ZJV_BOOL, 0 } };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strncmp(p->s, words[i].w, strlen(words[i].w))) {
			struct zdx_jv *v = node(words[i].t);

			if (!v)
				return fail(p, "out of memory"), NULL;
			v->b = words[i].b;
			p->s += strlen(words[i].w);
			return v;
		}
	return number(p);
}

/* Members of an object or elements of an array, up to the closing char. */
static struct zdx_jv *container(struct jp *p, int depth, char close)
{
	struct zdx_jv *v = node(close == '}' ? ZJV_OBJ : ZJV_ARR), **tail;

	if (!v)
		return fail(p, "out of memory"), NULL;
	tail = &v->child;
	p->s++;
	ws(p);
	if (*p->s == close)
		return p->s++, v;
	for (;;) {
		char *key = NULL;
		struct zdx_jv *c;

		ws(p);
		if (close == '}') {
			if (*p->s != '"' || !(key = string(p)))
				return fail(p, "expected a member name"), zdx_jv_free(v), NULL;
			ws(p);
			if (*p->s++ != ':')
				return fail(p, "expected ':'"), free(key), zdx_jv_free(v), NULL;
		}
		if (!(c = value(p, depth + 1)))
			return free(key), zdx_jv_free(v), NULL;
		c->key = key;
		*tail = c;
		tail = &c->next;
		v->n++;
		ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s++ == close)
			return v;
		return fail(p, "expected ',' or a closing bracket"), zdx_jv_free(v), NULL;
	}
}

static struct zdx_jv *value(struct jp *p, int depth)
{
	struct zdx_jv *v;
	char *s;

	if (depth > JV_MAX_DEPTH)
		return fail(p, "nested too deeply"), NULL;
	ws(p);
	if (*p->s == '{')
		return container(p, depth, '}');
	if (*p->s == '[')
		return container(p, depth, ']');
	if (*p->s != '"')
		return word(p);
	if (!(s = string(p)))
		return NULL;
	if (!(v = node(ZJV_STR)))
		return free(s), fail(p, "out of memory"), NULL;
	v->str = s;
	return v;
}

struct zdx_jv *zdx_jv_parse(const char *text, char *err, size_t errn)
{
	struct jp p = { text, text, err, errn, 0 };
	const char *o = text ? strpbrk(text, "{[") : NULL;

	if (err && errn)
		err[0] = 0;
	if (!o) {
		fail(&p, text ? "no JSON object or array in the text" : "no text");
		return NULL;
	}
	p.s = o;
	return value(&p, 0);
}

void zdx_jv_free(struct zdx_jv *v)
{
	while (v) {
		struct zdx_jv *next = v->next;

		zdx_jv_free(v->child);
		free(v->str);
		free(v->key);
		free(v);
		v = next;
	}
}

const struct zdx_jv *zdx_jv_get(const struct zdx_jv *obj, const char *key)
{
	const struct zdx_jv *c;

	if (!obj || obj->type != ZJV_OBJ)
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

const struct zdx_jv *zdx_jv_at(const struct zdx_jv *arr, size_t i)
{
	const struct zdx_jv *c;

	if (!arr || (arr->type != ZJV_ARR && arr->type != ZJV_OBJ))
		return NULL;
	for (c = arr->child; c && i; c = c->next)
		i--;
	return c;
}

const struct zdx_jv *zdx_jv_path(const struct zdx_jv *v, const char *path)
{
	char part[64];

	while (v && *path) {
		size_t n = strcspn(path, ".");

		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		v = zdx_jv_get(v, part);
		path += n + (path[n] == '.');
	}
	return v;
}

const char *zdx_jv_str(const struct zdx_jv *obj, const char *key)
{
	const struct zdx_jv *v = zdx_jv_get(obj, key);

	return v && v->type == ZJV_STR ? v->str : NULL;
}

long long zdx_jv_int(const struct zdx_jv *obj, const char *key, long long dflt)
{
	const struct zdx_jv *v = zdx_jv_get(obj, key);

	return v && v->type == ZJV_NUM ? v->inum : dflt;
}

int zdx_jv_bool(const struct zdx_jv *obj, const char *key)
{
	const struct zdx_jv *v = zdx_jv_get(obj, key);

	return v && v->type == ZJV_BOOL ? v->b : -1;
}

int zdx_jv_u64(const struct zdx_jv *obj, const char *key, uint64_t *out)
{
	const struct zdx_jv *v = zdx_jv_get(obj, key);
	char *end;

	if (v && v->type == ZJV_NUM && v->inum >= 0)
		return *out = (uint64_t)v->inum, 0;
	if (!v || v->type != ZJV_STR || !*v->str)
		return -1;
	*out = strtoull(v->str, &end, 0);
	return *end ? -1 : 0;
}

void zdx_jv_write(FILE *f, const struct zdx_jv *v)
{
	const struct zdx_jv *c;

	switch (v ? v->type : ZJV_NULL) {
	case ZJV_NULL:
		fputs("null", f);
		return;
	case ZJV_BOOL:
		fputs(v->b ? "true" : "false", f);
		return;
	case ZJV_NUM:
		if ((double)v->inum == v->num)
			fprintf(f, "%lld", v->inum);
		else
			fprintf(f, "%.17g", v->num);
		return;
	case ZJV_STR:
		zj_put_string(f, v->str);
		return;
	default:
		break;
	}
	fputc(v->type == ZJV_OBJ ? '{' : '[', f);
	for (c = v->child; c; c = c->next) {
		if (c != v->child)
			fputc(',', f);
		if (v->type == ZJV_OBJ) {
			zj_put_string(f, c->key);
			fputc(':', f);
		}
		zdx_jv_write(f, c);
	}
	fputc(v->type == ZJV_OBJ ? '}' : ']', f);
}
