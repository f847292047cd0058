/* A small streaming JSON writer for `zdx ... -j` (pure, no crash). */
#ifndef ZDX_JSON_H
#define ZDX_JSON_H

#include <stdio.h>
#include <stdint.h>

struct zdx_json {
	FILE *f;
	int depth;
	int need_comma[32];
};

void zj_init(struct zdx_json *j, FILE *f);
void zj_obj(struct zdx_json *j, const char *key);     /* key NULL inside arrays */
void zj_arr(struct zdx_json *j, const char *key);
void zj_end_obj(struct zdx_json *j);
void zj_end_arr(struct zdx_json *j);
void zj_str(struct zdx_json *j, const char *key, const char *val);   /* val NULL → null */
void zj_hex(struct zdx_json *j, const char *key, uint64_t val);       /* "0x…" string */
void zj_int(struct zdx_json *j, const char *key, long long val);
void zj_bool(struct zdx_json *j, const char *key, int val);
void zj_tri(struct zdx_json *j, const char *key, int val);            /* -1 → null */
/* A JSON string literal of s, quoted and escaped (json.c, jsonv.c). */
void zj_put_string(FILE *f, const char *s);
void zj_done(struct zdx_json *j);                                      /* final newline */

#endif
