/* Compound devmaps and vmemmap deduplication, with the geometry of the
 * devdax-huge scenario (6.1: a 2047 GiB devdax --map=mem --align=1G
 * namespace at 0x100000000, vmemmap_shift 18, memmap in System RAM) and a
 * 2 MiB-aligned and an altmap variant. */
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/pgmap.h"
#include "zdx/vmemmap_dedup.h"
#include "pgmap_fixture.h"

static void build(const struct zdx_layout *l, struct zdx_pgmap *pg, uint64_t start, uint64_t end,
		  int altmap, uint32_t shift)
{
	unsigned char raw[PGMAP_RAW_SIZE];

	pgmap_raw(raw, start, end, altmap, 4, shift);   /* 4: MEMORY_DEVICE_GENERIC, devdax */
	zdx_pgmap_decode(l, 0xffff888100000000ULL, raw, sizeof(raw), pg);
}

int main(void)
{
	struct zdx_layout l;
	struct zdx_pgmap pg;
	struct zdx_compound_page c;
	uint64_t mapped, distinct, head = 0x100000;   /* pfn of 0x100000000 */

	fixture_layout_61(&l);

	/* devdax-huge: 2046 compound pages of 1 GiB (2^18 pfns). */
	build(&l, &pg, 0x100000000ULL, 0x100000000ULL + (2046ULL << 30) - 1, 0, 18);
	is_u64(pg.vmemmap_shift, 18, "vmemmap_shift decoded");
	is_u64(zdx_pgmap_vmemmap_nr(&l, &pg), 1ULL << 18, "pgmap_vmemmap_nr: 262144 pfns");
	ok(zdx_vmemmap_can_optimize(&l, &pg), "no altmap, 4096 memmap pages per compound: deduplicated");
	is_u64(zdx_compound_memmap_pages(&l, 1ULL << 18), 4096, "a 1 GiB compound page spans 4096 memmap pages");
	zdx_pgmap_memmap_pages(&l, &pg, &mapped, &distinct);
	is_u64(mapped, 2046ULL * 4096, "mapped: 2046 x 4096 memmap pages (32 GiB of struct pages)");
	is_u64(distinct, 2046ULL * 2, "distinct: 2 per compound page");

	ok(zdx_compound_page_of(&l, &pg, head, &c) == 0 && c.index == 0 && !c.shared &&
	   c.canonical_pfn == head, "the head's struct page is its own");
	ok(zdx_compound_page_of(&l, &pg, head + 127, &c) == 0 && !c.shared,
	   "the last struct page of the second memmap page is its own");
	ok(zdx_compound_page_of(&l, &pg, head + 128, &c) == 0 && c.shared && c.head_pfn == head &&
	   c.canonical_pfn == head + 64, "index 128: a shared copy of index 64's struct page");
	ok(zdx_compound_page_of(&l, &pg, head + (1 << 18) - 1, &c) == 0 && c.shared &&
	   c.canonical_pfn == head + 127, "the compound's last pfn: copy of index 127");
	ok(zdx_compound_page_of(&l, &pg, head + (5ULL << 18) + 200, &c) == 0 &&
	   c.head_pfn == head + (5ULL << 18) && c.index == 200 && c.shared &&
	   c.canonical_pfn == head + (5ULL << 18) + 64 + 8, "a later compound page: own head, same rule");
	ok(zdx_compound_page_of(&l, &pg, head - 1, &c) == -1 && c.range == -1, "outside the pgmap: -1");
	ok(zdx_compound_page_of(&l, &pg, head + 2046ULL * (1 << 18), &c) == -1, "past the end: -1");

	/* 2 MiB alignment: 512 pfns, 8 memmap pages of which 2 are its own. */
	build(&l, &pg, 0x100000000ULL, 0x100000000ULL + (1ULL << 30) - 1, 0, 9);
	ok(zdx_vmemmap_can_optimize(&l, &pg), "2 MiB compound pages are deduplicated too");
	zdx_pgmap_memmap_pages(&l, &pg, &mapped, &distinct);
	is_u64(mapped, 512 * 8, "mapped: 512 compound pages x 8");
	is_u64(distinct, 512 * 2, "distinct: 512 x 2");

	/* A short last compound page counts no more pages than it spans. */
	build(&l, &pg, 0x100000000ULL, 0x100000000ULL + (1ULL << 30) + (64ULL << 12) - 1, 0, 18);
	zdx_pgmap_memmap_pages(&l, &pg, &mapped, &distinct);
	is_u64(distinct, 2 + 1, "a 64-pfn tail compound page: one memmap page");

	/* With an altmap the kernel does not deduplicate (the memmap is on
	 * the device): compound pages, every memmap page its own. */
	build(&l, &pg, 0x60000000, 0x7fffffff, 1, 9);
	ok(!zdx_vmemmap_can_optimize(&l, &pg), "altmap: not deduplicated");
	zdx_pgmap_memmap_pages(&l, &pg, &mapped, &distinct);
	ok(mapped == distinct, "altmap: distinct == mapped (%llu)", (unsigned long long)distinct);
	is_u64(mapped, 2048, "altmap: the whole 512 MiB range has a memmap, metadata pfns too "
	       "(= altmap alloc 0x800 of the fsdax-dev geometry)");
	ok(zdx_compound_page_of(&l, &pg, 0x60a00 + 300, &c) == 0 && c.head_pfn == 0x60a00 && !c.shared,
	   "altmap: compound pages start at pfn_first, no shared copies");

	/* A shift of 1 (2 pfns: 128 bytes, one memmap page) cannot dedup. */
	build(&l, &pg, 0x100000000ULL, 0x100000000ULL + (1ULL << 30) - 1, 0, 1);
	ok(!zdx_vmemmap_can_optimize(&l, &pg), "compound pages within one memmap page: nothing to share");

	/* No vmemmap_shift (kernels before 5.17, or shift 0): order-0 pages. */
	build(&l, &pg, 0x100000000ULL, 0x100000000ULL + (1ULL << 30) - 1, 0, 0);
	is_u64(zdx_pgmap_vmemmap_nr(&l, &pg), 1, "shift 0: one pfn per page");
	l.off_pgmap_vmemmap_shift = -1;
	build(&l, &pg, 0x100000000ULL, 0x100000000ULL + (1ULL << 30) - 1, 0, 18);
	is_u64(zdx_pgmap_vmemmap_nr(&l, &pg), 1, "kernel without vmemmap_shift: one pfn per page");
	ok(!zdx_vmemmap_can_optimize(&l, &pg), "... and no dedup");
	fixture_layout_61(&l);
	build(&l, &pg, 0x100000000ULL, 0x100000000ULL + (1ULL << 30) - 1, 0, 60);
	is_u64(zdx_pgmap_vmemmap_nr(&l, &pg), 0, "an insane shift: no compound page size");
	ok(zdx_compound_page_of(&l, &pg, head, &c) == -1 && !zdx_vmemmap_can_optimize(&l, &pg),
	   "... answers nothing");
	return tap_done();
}
