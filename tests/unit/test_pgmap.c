/* dev_pagemap / vmem_altmap decoding and the altmap regions, with the
 * geometry of the fsdax-dev scenario's dump (a 512 MiB fsdax --map=dev
 * namespace at 0x60000000 on 6.1; docs/cmd-pgmap.md shows it):
 * base 0x60000, reserve 2, free 0x9fe, align 0x1fe, alloc 0x800. */
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/pgmap.h"
#include "pgmap_fixture.h"

static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }

int main(void)
{
	struct zdx_layout l;
	struct zdx_pgmap pg;
	unsigned char raw[152];

	fixture_layout_61(&l);
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 1, 3, 0);
	ok(zdx_pgmap_decode(&l, 0xffff888012340000ULL, raw, sizeof(raw), &pg) == 0, "decodes");
	ok(!strcmp(pg.type_name, "MEMORY_DEVICE_FS_DAX"), "type name from the enum: %s", pg.type_name);
	ok(!strcmp(zdx_pgmap_type_word(&pg), "fsdax"), "type word");
	ok(pg.altmap.valid, "altmap geometry accepted");
	is_u64(zdx_altmap_offset(&pg), 0xa00, "vmem_altmap_offset = reserve + free");
	is_u64(zdx_pgmap_pfn_first(&l, &pg, 0), 0x60a00, "pfn_first");
	ok(zdx_pgmap_region_of(&l, &pg, 0x60000) == ZDX_REGION_RESERVE, "first pfn: reserve");
	ok(zdx_pgmap_region_of(&l, &pg, 0x60001) == ZDX_REGION_RESERVE, "second pfn: reserve");
	ok(zdx_pgmap_region_of(&l, &pg, 0x60002) == ZDX_REGION_MEMMAP, "base+reserve: memmap storage");
	ok(zdx_pgmap_region_of(&l, &pg, 0x609ff) == ZDX_REGION_MEMMAP, "last metadata pfn");
	ok(zdx_pgmap_region_of(&l, &pg, 0x60a00) == ZDX_REGION_DATA, "pfn_first: data");
	ok(zdx_pgmap_region_of(&l, &pg, 0x7ffff) == ZDX_REGION_DATA, "last pfn: data");
	ok(zdx_pgmap_region_of(&l, &pg, 0x80000) == ZDX_REGION_NONE, "past the end: none");
	ok(!zdx_pgmap_pfn_valid(&l, &pg, 0x60001) && zdx_pgmap_pfn_valid(&l, &pg, 0x60a00),
	   "pgmap_pfn_valid() rejects metadata");

	/* devdax --map=mem: no altmap, all data. */
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 0, 4, 0);
	zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg);
	ok(!pg.altmap.valid && !strcmp(zdx_pgmap_type_word(&pg), "devdax"), "no altmap, devdax");
	ok(!pg.altmap.inconsistent && pg.type_known, "a zeroed altmap is no altmap, not an inconsistent one");
	ok(zdx_pgmap_region_of(&l, &pg, 0x60000) == ZDX_REGION_DATA, "first pfn is data without altmap");

	/* Inconsistent altmap (base far from the range) is not trusted. */
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 1, 3, 0);
	put64(raw + 0, 0x10000);
	zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg);
	ok(!pg.altmap.valid, "altmap whose base is outside the range rejected");
	ok(pg.altmap.inconsistent, "... and named inconsistent (its fields are set)");

	/* tests/damaged pgmap-type-altmap: reserve larger than the range (and
	 * than 2^64 - free, so reserve + free wraps): not valid, inconsistent,
	 * never an altmap-less all-data pgmap in silence. */
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 1, 3, 0);
	put64(raw + 16, 0x3baa1);
	zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg);
	ok(!pg.altmap.valid && pg.altmap.inconsistent, "altmap reserve 0x3baa1 > the range's 0x20000 pages: inconsistent");
	/* ... and no pfn of its range is data: where the reserve and the
	 * memmap storage end is what the altmap would have said. */
	ok(zdx_pgmap_region_of(&l, &pg, 0x60000) == ZDX_REGION_UNKNOWN &&
	   zdx_pgmap_region_of(&l, &pg, 0x7ffff) == ZDX_REGION_UNKNOWN,
	   "inconsistent altmap: first and last pfn of the range are of an unknown region, not data");
	ok(zdx_pgmap_region_of(&l, &pg, 0x80000) == ZDX_REGION_NONE, "inconsistent altmap: past the end still none");
	ok(zdx_pgmap_pfn_valid(&l, &pg, 0x70000) == -1, "inconsistent altmap: pgmap_pfn_valid() unknown (-1)");
	ok(!strcmp(zdx_region_name(ZDX_REGION_UNKNOWN), "unknown"), "region name: unknown");
	put64(raw + 16, 0xfffffffffffff000ULL);
	zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg);
	ok(!pg.altmap.valid && pg.altmap.inconsistent, "altmap reserve + free wrapping 2^64: inconsistent");
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 1, 3, 0);
	put64(raw + 24, 0);
	zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg);
	ok(!pg.altmap.valid && pg.altmap.inconsistent, "altmap with reserve but free 0: inconsistent");

	/* Corrupt nr_range and a truncated buffer are refused, not read past. */
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 1, 3, 0);
	put32(raw + 128, 1000);
	ok(zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg) == -1, "nr_range 1000 refused");
	put32(raw + 128, 2);
	ok(zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg) == -1, "two ranges need more bytes than given");
	put32(raw + 128, 1);
	put64(raw + 144, 0x100);
	ok(zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg) == -1, "end before start refused");
	/* Unknown enum value names itself as unknown. */
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 0, 7, 0);
	zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg);
	ok(!strcmp(pg.type_name, "unknown"), "type outside the enum: unknown");
	ok(!pg.type_known, "type outside the enum: not known (named by the model)");
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 0, -5, 0);
	zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg);
	ok(!pg.type_known && !strcmp(pg.type_name, "unknown"), "negative type: not known");

	/* Issue 10: an absent altmap member is not read at a shifted offset
	 * (altmap at -1 read reserve from bytes 15..22 before). */
	pgmap_raw(raw, 0x60000000, 0x7fffffff, 1, 3, 0);
	{
		struct zdx_layout a = l;

		a.off_pgmap_altmap = ZDX_ABSENT;
		ok(zdx_pgmap_decode(&a, 1, raw, sizeof(raw), &pg) == 0 && !pg.altmap.valid &&
		   pg.altmap.reserve == 0 && pg.altmap.free == 0,
		   "absent dev_pagemap.altmap: no altmap claimed, nothing read");
		a = l;
		a.off_range_end = ZDX_ABSENT;
		ok(zdx_pgmap_decode(&a, 1, raw, sizeof(raw), &pg) == -1,
		   "absent range.end: the pgmap is refused, not given end 0");
	}
	/* A range ending near 2^64: decoded, flagged, its altmap not trusted. */
	pgmap_raw(raw, 0x60000000, 0xfffffffffffffffeULL, 1, 4, 0);
	ok(zdx_pgmap_decode(&l, 1, raw, sizeof(raw), &pg) == 0 && !zdx_pgmap_range_sane(&l, &pg, 0) &&
	   !pg.altmap.valid && zdx_pgmap_region_of(&l, &pg, 0x70000) == ZDX_REGION_NONE,
	   "range end 0xff..fe: inconsistent, owns no pfn, altmap not valid");
	return tap_done();
}
