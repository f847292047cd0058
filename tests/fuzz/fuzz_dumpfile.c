/* Dump-file headers: the input is the whole file (ELF, kdump-compressed or
 * flattened).  Nothing the header says may make zdx allocate or read
 * beyond the file. */
#include <stdlib.h>
#include "fuzz.h"
#include "zdx/dumpfile.h"

struct file { const uint8_t *p; size_t n; };

static int file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct file *f = ctx;

	if (off > f->n || len > f->n - off)
		return -1;
	memcpy(buf, f->p + off, len);
	return 0;
}

static void count(void *arg, uint64_t s, uint64_t e)
{
	(*(uint64_t *)arg) += e - s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file f = { data, size };
	struct zdx_dumpfile df;
	uint64_t bytes = 0, a;
	char buf[128];

	zdx_dumpfile_parse(file_read, &f, 1 << 16, &df);
	for (a = 0; a < (1ULL << 40); a = a * 7 + 4096)
		zdx_dumpfile_page(&df, a, 4096);
	zdx_dumpfile_bitmap_runs(&df, 1, count, &bytes);
	zdx_dumpfile_bitmap_runs(&df, 2, count, &bytes);
	zdx_dump_level_classes(df.dump_level, buf, sizeof(buf));
	zdx_dumpfile_free(&df);
	return 0;
}
