/*
 * zdx map on a synthetic multi-terabyte machine (unit level, no dump):
 * 16 TiB of early RAM in 131072 sections, plus 64 TiB of pmem in 16
 * namespaces with altmaps and one section shared by RAM and pmem.
 * Prints the build time of the owner map and of one pfn lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../unit/layout_fixture.h"
#include "zdx/model.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	static struct zdx_layout l;
	const unsigned long ram_sections = 131072, pmem_sections = 524288 - 131072 - 8;
	struct zdx_model m;
	struct zdx_pgmap_info *pgm = calloc(16, sizeof(*pgm));
	struct zdx_section *sec = calloc(ram_sections + pmem_sections, sizeof(*sec));
	struct zdx_zone zone = { 0, 2, "Normal", 0x100000, ram_sections * 32768 - 0x100000, 0, 0 };
	struct zdx_run *runs;
	struct zdx_pfn_facts f;
	unsigned long i, n = 0;
	double t0, t1, t2;
	long nrun;

	fixture_layout_61(&l);
	for (i = 0; i < ram_sections + pmem_sections; i++) {
		struct zdx_section *s = &sec[n++];

		s->nr = i;
		s->flags = i < ram_sections ? 0xf : 0x3;
		s->map_base = l.vmemmap_base;
		s->usage_state = ZDX_USAGE_OK;
		s->subsection_map[0] = ~0ULL;
	}
	for (i = 0; i < 16; i++) {
		uint64_t start = (ram_sections * 32768ULL + i * (pmem_sections / 16) * 32768ULL) << 12;

		if (i == 0)
			start -= 64ULL << 20;   /* the first namespace shares a section with RAM */
		pgm[i].pg.nr_range = 1;
		pgm[i].pg.range[0].start = start;
		pgm[i].pg.range[0].end = start + ((pmem_sections / 16) * 32768ULL << 12) - 1;
		pgm[i].pg.type_name = "MEMORY_DEVICE_FS_DAX";
		pgm[i].pg.altmap = (struct zdx_altmap){ 1, start >> 12, 0, 2, 0x9fe, 0, 0, 0 };
	}
	m = (struct zdx_model){ .l = &l, .sec = sec, .nsec = n, .pgm = pgm, .npgm = 16,
				.zones = &zone, .nzones = 1, .page_flags_agreed = 1 };
	t0 = now();
	nrun = zdx_map_build(&m, &runs);
	t1 = now();
	zdx_model_pfn_facts(&m, (ram_sections + 7) * 32768ULL + 5, &f);
	t2 = now();
	printf("synthetic map: %lu sections (%.0f TiB), 16 pgmaps: %ld runs in %.3f s; one pfn in %.3f ms\n",
	       n, n * 128.0 / (1024 * 1024), nrun, t1 - t0, (t2 - t1) * 1e3);
	free(runs);
	free(sec);
	free(pgm);
	return nrun > 0 ? 0 : 1;
}
