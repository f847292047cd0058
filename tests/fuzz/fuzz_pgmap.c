/* dev_pagemap and vmem_altmap bytes, then every question asked of the
 * pgmap (its compound pages and memmap dedup too), and the owner map built
 * over it: a range end near 2^64 must not
 * become 2^52 loop iterations. */
#include <stdlib.h>
#include "fuzz.h"
#include "model_fixture.h"
#include "zdx/model.h"
#include "zdx/vmemmap_dedup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct zdx_layout l;
	struct zdx_model m;
	struct zdx_pgmap_info pi;
	struct zdx_section sec;
	struct zdx_run *runs = NULL;
	uint64_t absent = take(&c, 2), pfn = take(&c, 5);
	unsigned long len = c.n < 512 ? c.n : 512;
	unsigned char *raw = malloc(len ? len : 1);
	int i;

	fixture_layout_61(&l);
	l.max_physmem_bits = 34;    /* 128 sections: each run stays short */
	maybe_absent(&l.off_pgmap_altmap, absent, 0);
	maybe_absent(&l.off_altmap_end_pfn, absent, 1);
	maybe_absent(&l.off_pgmap_nr_range, absent, 2);
	maybe_absent(&l.off_pgmap_type, absent, 3);
	maybe_absent(&l.off_pgmap_vmemmap_shift, absent, 4);
	l.pgmap_has_ranges = !(absent >> 5 & 1);
	l.pgmap_ref_is_pointer = absent >> 6 & 1;
	take_rest(&c, raw, len);
	memset(&pi, 0, sizeof(pi));
	if (zdx_pgmap_decode(&l, 0xffff888010000000ULL, raw, len, &pi.pg) == 0) {
		zdx_pgmap_type_word(&pi.pg);
		for (i = 0; i < pi.pg.nr_range; i++)
			zdx_pgmap_pfn_first(&l, &pi.pg, i);
		zdx_pgmap_region_of(&l, &pi.pg, pfn);
		{       /* compound pages and the memmap dedup of any shift */
			struct zdx_compound_page cp;
			uint64_t mapped, distinct;

			zdx_vmemmap_can_optimize(&l, &pi.pg);
			zdx_compound_page_of(&l, &pi.pg, pfn, &cp);
			zdx_pgmap_memmap_pages(&l, &pi.pg, &mapped, &distinct);
		}
		fixture_section(&sec, &l, 3, 0xf, 0xffff0000ffffULL);
		m = (struct zdx_model){ .l = &l, .sec = &sec, .nsec = 1, .pgm = &pi, .npgm = 1 };
		if (zdx_map_build(&m, &runs) >= 0)
			free(runs);
	}
	free(raw);
	return 0;
}
