/* The owner map and pfn facts on a hand-built model: 1.5 GiB of early RAM,
 * pmem from 1540 MiB (inside section 12, so it is shared with RAM) to
 * 2 GiB with an altmap, and a hot-plugged offline section 20. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/model.h"
#include "model_fixture.h"

static struct zdx_section sec[32];
static int nsec;

static void add_section(const struct zdx_layout *l, unsigned long nr, unsigned long flags,
			uint64_t submap)
{
	fixture_section(&sec[nsec++], l, nr, flags, submap);
}

/* Issue 10: a devdax pgmap whose range end reads 0xfffffffffffffffe made
 * the map loop over 2^37 sections.  A range beyond MAX_PHYSMEM_BITS is
 * inconsistent: it owns no pfn and does not extend the map.  alarm() turns
 * the old hang into a failure. */
static void hostile_range_end(const struct zdx_layout *l, struct zdx_model *m)
{
	struct zdx_pgmap_info bad[2];
	struct zdx_model hm = *m;
	struct zdx_run *runs;
	struct zdx_pfn_facts f;
	long n;

	memcpy(&bad[0], &m->pgm[0], sizeof(bad[0]));
	fixture_pgmap(&bad[1], 0x880000000ULL, 0xfffffffffffffffeULL, "MEMORY_DEVICE_GENERIC", 0);
	hm.pgm = bad;
	hm.npgm = 2;
	ok(!zdx_pgmap_range_sane(l, &bad[1].pg, 0), "range end 0xff..fe: not sane at MAX_PHYSMEM_BITS 46");
	ok(zdx_pgmap_range_sane(l, &bad[0].pg, 0), "the real pmem range is sane");
	is_u64(zdx_model_inconsistent_ranges(&hm), 1, "one inconsistent range counted");
	alarm(20);
	n = zdx_map_build(&hm, &runs);
	alarm(0);
	ok(n > 0 && runs[n - 1].end == 21UL << 15,
	   "map with a 16384 PiB range ends where the sections end (%ld runs)", n);
	if (n > 0)
		free(runs);
	zdx_model_pfn_facts(&hm, 0x900000, &f);
	ok(f.owner == ZDX_OWN_HOLE && f.pgmap < 0, "a pfn inside the bogus range is not device memory");

	/* A range inside the space but beyond every section still counts. */
	fixture_pgmap(&bad[1], 0x880000000ULL, 0x88fffffffULL, "MEMORY_DEVICE_GENERIC", 0);
	n = zdx_map_build(&hm, &runs);
	ok(n > 0 && runs[n - 1].end == 0x890000 && runs[n - 1].owner == ZDX_OWN_DEVICE,
	   "a sane range beyond the sections extends the map");
	if (n > 0)
		free(runs);
	/* The cap itself: a layout whose space ends inside a sane-looking range. */
	{
		struct zdx_layout small = *l;

		small.max_physmem_bits = 35;        /* 32 GiB: the range at 34 GiB is beyond */
		hm.l = &small;
		ok(!zdx_pgmap_range_sane(&small, &bad[1].pg, 0), "range at 34 GiB beyond a 32 GiB space");
		n = zdx_map_build(&hm, &runs);
		ok(n > 0 && runs[n - 1].end <= 1ULL << (35 - 12), "map capped at 2^(MAX_PHYSMEM_BITS-PAGE_SHIFT)");
		if (n > 0)
			free(runs);
	}
}

/* tests/damaged pgmap-type-altmap: an altmap whose reserve is larger than
 * the range is inconsistent; `zdx map` and `zdx pfn` placed the range in
 * "data" (pgmap_pfn_valid() yes) regardless.  Where its reserve and memmap
 * storage end is unknown, so no pfn of range 0 is data. */
static void inconsistent_altmap(const struct zdx_model *m)
{
	struct zdx_pgmap_info bad = m->pgm[0];
	struct zdx_model hm = *m;
	struct zdx_run *runs;
	struct zdx_pfn_facts f;
	long n, i;
	int data = 0;
	uint64_t unknown = 0;

	bad.pg.altmap.valid = 0;
	bad.pg.altmap.inconsistent = 1;
	bad.pg.altmap.reserve = 0xa1d37;
	hm.pgm = &bad;
	zdx_model_pfn_facts(&hm, 0x60401, &f);
	ok(f.owner == ZDX_OWN_DEVICE && f.region == ZDX_REGION_UNKNOWN && f.pgmap_pfn_valid == -1,
	   "inconsistent altmap: 0x60401 is device memory of an unknown region, pgmap_pfn_valid() unknown");
	zdx_model_pfn_facts(&hm, 0x70000, &f);
	ok(f.region == ZDX_REGION_UNKNOWN && f.pgmap_pfn_valid == -1,
	   "inconsistent altmap: 0x70000 is not claimed as data");
	n = zdx_map_build(&hm, &runs);
	for (i = 0; i < n; i++) {
		data += runs[i].owner == ZDX_OWN_DEVICE && runs[i].region == ZDX_REGION_DATA;
		if (runs[i].owner == ZDX_OWN_DEVICE && runs[i].region == ZDX_REGION_UNKNOWN)
			unknown += runs[i].end - runs[i].start;
	}
	ok(n > 0 && !data && unknown == 0x80000 - 0x60400,
	   "inconsistent altmap: the map's device runs are all of an unknown region (%#llx pfns), none data",
	   (unsigned long long)unknown);
	if (n > 0)
		free(runs);
}

int main(void)
{
	struct zdx_layout l;
	struct zdx_model m = { 0 };
	struct zdx_pgmap_info pgm[1];
	struct zdx_zone zones[3] = {
		{ .node = 0, .zone = 1, .name = "DMA32", .start_pfn = 0x1000, .spanned = 0x5f000 },
		{ .node = 0, .zone = 4, .name = "Device", .start_pfn = 0x60400, .spanned = 0x1fc00 },
		{ .node = 0, .zone = 3, .name = "Movable", .start_pfn = 0xa0000, .spanned = 0x8000 },
	};
	struct zdx_run *runs;
	struct zdx_pfn_facts f;
	long n, i;
	unsigned long nr;
	int found_mixed = 0, found_reserve = 0;

	fixture_layout_61(&l);
	for (nr = 0; nr < 12; nr++)
		add_section(&l, nr, 0xf, ~0ULL);              /* PMOE */
	add_section(&l, 12, 0x1f, ~0ULL);                     /* PMOED: RAM + pmem */
	for (nr = 13; nr < 16; nr++)
		add_section(&l, nr, 0x3, ~0ULL);              /* PM: pmem only */
	add_section(&l, 20, 0x3, ~0ULL);                      /* hot-plugged, offline */
	fixture_pgmap(&pgm[0], 0x60400000, 0x7fffffff, "MEMORY_DEVICE_FS_DAX", 1);
	strcpy(pgm[0].owner, "namespace0.0");
	m = (struct zdx_model){ .l = &l, .sec = sec, .nsec = nsec, .pgm = pgm, .npgm = 1,
				.zones = zones, .nzones = 3, .page_flags_agreed = 1 };

	zdx_model_pfn_facts(&m, 0x60000, &f);
	ok(f.owner == ZDX_OWN_RAM && f.mixed, "section 12 start: RAM in a mixed section");
	ok(f.online_page_this_kernel == 1, "RAM pfn in a mixed section is an online page");
	zdx_model_pfn_facts(&m, 0x60401, &f);
	ok(f.owner == ZDX_OWN_DEVICE && f.region == ZDX_REGION_RESERVE, "0x60401: altmap reserve");
	ok(f.pfn_valid == 1, "pfn_valid() is true for altmap metadata");
	ok(f.online_page_fixed == 0, "fixed pfn_to_online_page() rejects device pfn in an online section");
	l.has_pfn_to_online_page_fn = 0;
	zdx_model_pfn_facts(&m, 0x60401, &f);
	ok(f.online_page_this_kernel == 1, "an unfixed kernel calls it online: the 1f90a3477df3 bug");
	l.has_pfn_to_online_page_fn = 1;
	zdx_model_pfn_facts(&m, 0x70000, &f);
	ok(f.owner == ZDX_OWN_DEVICE && f.region == ZDX_REGION_DATA && f.pgmap_pfn_valid, "data pfn");
	ok(f.online_page_fixed == 0 && !f.mixed, "pmem-only section: never online, not mixed");
	zdx_model_pfn_facts(&m, 0xa0000, &f);
	ok(f.owner == ZDX_OWN_RAM && f.online_page_fixed == 0 && f.zone && f.zone->zone == 3,
	   "offline hot-plugged RAM: not an online page, zone from span");
	zdx_model_pfn_facts(&m, 0x80000, &f);
	ok(f.owner == ZDX_OWN_HOLE && !f.sec, "section 16: hole");

	n = zdx_map_build(&m, &runs);
	ok(n > 0, "map built (%ld runs)", n);
	for (i = 0; i < n; i++) {
		ok(i == 0 || runs[i].start == runs[i - 1].end, "run %ld contiguous", i);
		if (runs[i].mixed && runs[i].owner == ZDX_OWN_RAM)
			found_mixed = runs[i].start == 0x60000 && runs[i].end == 0x60400;
		if (runs[i].region == ZDX_REGION_RESERVE)
			found_reserve = runs[i].start == 0x60400 && runs[i].end == 0x60402;
	}
	ok(found_mixed, "RAM run 0x60000-0x603ff marked mixed");
	ok(found_reserve, "reserve run 0x60400-0x60401");
	ok(runs[0].owner == ZDX_OWN_RAM && runs[0].start == 0 && runs[0].zone == -1,
	   "pfn 0 is RAM outside any zone span (no DMA zone in this model)");
	ok(runs[n - 1].end == 21UL << 15 && runs[n - 1].owner == ZDX_OWN_RAM && !runs[n - 1].online,
	   "last run: offline hot-plugged section 20");
	free(runs);
	hostile_range_end(&l, &m);
	inconsistent_altmap(&m);
	return tap_done();
}
