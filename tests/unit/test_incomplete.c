/* The model's incomplete list: kept up to its size, then counted; printed
 * in text and -j with what, where and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "zdx/model.h"
#include "zdx/json.h"

static char *render(const struct zdx_incomplete_list *l, int json)
{
	static char buf[16384];
	FILE *f = tmpfile();
	size_t n;

	if (json) {
		struct zdx_json j;

		zj_init(&j, f);
		zj_obj(&j, NULL);
		zdx_incomplete_json(&j, l);
		zj_end_obj(&j);
		zj_done(&j);
	} else {
		zdx_incomplete_text(f, l);
	}
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

int main(void)
{
	struct zdx_incomplete_list l;
	int i;

	memset(&l, 0, sizeof(l));
	ok(render(&l, 0)[0] == 0, "complete model: no text block");
	ok(strstr(render(&l, 1), "\"incomplete\": []") != NULL || strstr(render(&l, 1), "\"incomplete\":[]"),
	   "complete model: empty list in -j (%s)", render(&l, 1));
	zdx_incomplete_add(&l, "dev_pagemap", 0xffff888010000000ULL, "not in this dump: skipped");
	ok(strstr(render(&l, 0), "dev_pagemap") && strstr(render(&l, 0), "ffff888010000000") &&
	   strstr(render(&l, 0), "not in this dump"), "text names what, where, why");
	ok(strstr(render(&l, 1), "\"what\"") && strstr(render(&l, 1), "0xffff888010000000"),
	   "-j names what and addr");
	for (i = 0; i < 40; i++)
		zdx_incomplete_add(&l, "mem_section_usage", i, "not readable: section %d", i);
	ok(l.n == ZDX_MAX_INCOMPLETE && l.more == 41 - ZDX_MAX_INCOMPLETE,
	   "kept %d, counted %lu more", l.n, l.more);
	ok(strstr(render(&l, 0), "more not listed") != NULL, "text says the list was cut");
	memset(&l, 0, sizeof(l));
	zdx_incomplete_add(&l, "iomem resource", 0x1000, "not in this dump: walk for %x stopped", 7);
	zdx_incomplete_add(&l, "iomem resource", 0x1000, "not in this dump: walk for %x stopped", 7);
	zdx_incomplete_add(&l, "iomem resource", 0x2000, "not in this dump: walk for %x stopped", 7);
	ok(l.n == 2 && l.more == 0, "the same loss met twice is listed once (%d)", l.n);
	zdx_incomplete_add(&l, "memory_blocks node", 0x3000, "corrupt");
	ok(zdx_incomplete_about(&l, "memory_block") == &l.v[2] && zdx_incomplete_about(&l, "iomem") == &l.v[0],
	   "the first entry of a kind, by the start of its what");
	ok(zdx_incomplete_about(&l, "dev_pagemap") == NULL, "none of a kind: NULL");
	return tap_done();
}
