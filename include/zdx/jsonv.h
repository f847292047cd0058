/*
 * A small JSON reader (pure, no crash): parses the JSON that zdx's own
 * commands print (`zdx explain -j`, `dumpcheck -j`, `pfn -j`, ...) into a
 * tree, so `zdx report` composes their results instead of re-deriving
 * them, and writes a tree back out (embedded in the report's JSON).
 */
#ifndef ZDX_JSONV_H
#define ZDX_JSONV_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

enum zdx_jv_type { ZJV_NULL, ZJV_BOOL, ZJV_NUM, ZJV_STR, ZJV_ARR, ZJV_OBJ };

struct zdx_jv {
	enum zdx_jv_type type;
	int b;                    /* ZJV_BOOL */
	double num;               /* ZJV_NUM */
	long long inum;           /* ZJV_NUM, exact when integral */
	char *str;                /* ZJV_STR */
	char *key;                /* member name inside an object, else NULL */
	struct zdx_jv *child;     /* ZJV_ARR / ZJV_OBJ: first element */
	struct zdx_jv *next;      /* next sibling */
	size_t n;                 /* ZJV_ARR / ZJV_OBJ: number of children */
};

/* Parse the first JSON value in text (leading non-JSON lines — a crash
 * message before the object — are skipped up to the first '{' or '[').
 * NULL on error, with err set to where and why. */
struct zdx_jv *zdx_jv_parse(const char *text, char *err, size_t errn);
void zdx_jv_free(struct zdx_jv *v);

/* Lookups; all accept NULL and return NULL / the default. */
const struct zdx_jv *zdx_jv_get(const struct zdx_jv *obj, const char *key);
const struct zdx_jv *zdx_jv_at(const struct zdx_jv *arr, size_t i);
/* Dotted path "a.b.c" through objects. */
const struct zdx_jv *zdx_jv_path(const struct zdx_jv *v, const char *path);
const char *zdx_jv_str(const struct zdx_jv *obj, const char *key);      /* NULL if not a string */
long long zdx_jv_int(const struct zdx_jv *obj, const char *key, long long dflt);
/* -1 null/missing, 0 false, 1 true */
int zdx_jv_bool(const struct zdx_jv *obj, const char *key);
/* A "0x..." hex string or a number; 0 on success. */
int zdx_jv_u64(const struct zdx_jv *obj, const char *key, uint64_t *out);

/* Write v as compact JSON (strings escaped as zdx's writer does). */
void zdx_jv_write(FILE *f, const struct zdx_jv *v);

#endif
