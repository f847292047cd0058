/*
 * The model's `incomplete` list: what zdx dropped, capped or could not read
 * while building the model, where and why — so no command's answer stands
 * silently on less data than it claims.  Pure: filled by crash_model.c,
 * rendered by every command in text and -j.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "zdx/model.h"
#include "zdx/json.h"

void zdx_incomplete_add(struct zdx_incomplete_list *l, const char *what, uint64_t addr,
			const char *fmt, ...)
{
	struct zdx_incomplete e;
	va_list ap;
	int i;

	snprintf(e.what, sizeof(e.what), "%s", what);
	e.addr = addr;
	va_start(ap, fmt);
	vsnprintf(e.why, sizeof(e.why), fmt, ap);
	va_end(ap);
	/* the same loss met again (two walks through one resource) is listed once */
	for (i = 0; i < l->n; i++)
		if (l->v[i].addr == addr && !strcmp(l->v[i].what, e.what) && !strcmp(l->v[i].why, e.why))
			return;
	if (l->n >= ZDX_MAX_INCOMPLETE) {
		l->more++;          /* counted, so the list says it was cut */
		return;
	}
	l->v[l->n++] = e;
}

void zdx_incomplete_text(FILE *f, const struct zdx_incomplete_list *l)
{
	int i;

	if (!l->n)
		return;
	fprintf(f, "\nINCOMPLETE (this answer stands on less than the whole dump)\n");
	for (i = 0; i < l->n; i++)
		fprintf(f, "  %-22s %016llx  %s\n", l->v[i].what, (unsigned long long)l->v[i].addr,
			l->v[i].why);
	if (l->more)
		fprintf(f, "  ... and %lu more not listed\n", l->more);
}

void zdx_incomplete_json(struct zdx_json *j, const struct zdx_incomplete_list *l)
{
	int i;

	zj_arr(j, "incomplete");
	for (i = 0; i < l->n; i++) {
		zj_obj(j, NULL);
		zj_str(j, "what", l->v[i].what);
		zj_hex(j, "addr", l->v[i].addr);
		zj_str(j, "why", l->v[i].why);
		zj_end_obj(j);
	}
	zj_end_arr(j);
	zj_int(j, "incomplete_not_listed", (long long)l->more);
}

const struct zdx_incomplete *zdx_incomplete_about(const struct zdx_incomplete_list *l, const char *kind)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strncmp(l->v[i].what, kind, strlen(kind)))
			return &l->v[i];
	return NULL;
}
