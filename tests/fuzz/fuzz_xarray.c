/* The pgmap_array walk through the read callback: the input is kernel
 * memory at BASE (head, an index, then nodes); node pointers the input
 * writes may point anywhere in it, in cycles, at themselves or out of it.
 * Every walk must end within its node budget. */
#include "fuzz.h"
#include "zdx/xarray.h"

static void visit(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	(*(uint64_t *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data, size };
	struct zdx_layout l;
	uint64_t bad, entry, runs = 0, index = 0;

	fixture_layout_61(&l);
	l.off_xa_head = 0;     /* the xarray is the input's first word */
	if (size >= 16)
		memcpy(&index, data + 8, 8);
	zdx_xa_for_each(&l, mem_read, &m, BASE, visit, &runs, &bad);
	zdx_xa_load(&l, mem_read, &m, BASE, index, &entry, &bad);
	return 0;
}
