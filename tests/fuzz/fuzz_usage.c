/* Usage maps: struct mem_section_usage bytes, then every question asked of
 * the sub-section map. */
#include <stdlib.h>
#include "fuzz.h"
#include "zdx/section.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct zdx_layout l;
	struct zdx_section s;
	unsigned char *raw;
	uint64_t absent = take(&c, 1), pfn = take(&c, 5);
	unsigned width = (unsigned)take(&c, 1) % 80, len;
	char strip[81];

	fixture_layout_61(&l);
	maybe_absent(&l.off_usage_subsection_map, absent, 0);
	maybe_absent(&l.sz_usage_subsection_map, absent, 1);
	l.has_subsection_map = !(absent >> 2 & 1);
	len = 24;     /* struct mem_section_usage of 6.1: rcu head + map */
	raw = malloc(len);
	take_rest(&c, raw, len);
	memset(&s, 0, sizeof(s));
	s.coded = s.map_base = l.vmemmap_base;
	s.flags = 0xf;
	zdx_section_set_usage(&l, &s, raw, len);
	zdx_subsection_count(&l, &s);
	zdx_subsection_populated(&l, &s, zdx_subsection_idx(&l, pfn));
	zdx_subsection_strip(&l, &s, strip, width);
	zdx_pfn_valid(&l, &s, pfn);
	free(raw);
	return 0;
}
