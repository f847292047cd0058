/* Section words: struct mem_section bytes as read from a root page, with
 * layout fields the input may make absent. */
#include "fuzz.h"
#include "zdx/section.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct zdx_layout l;
	struct zdx_section s;
	unsigned char *raw;
	uint64_t absent = take(&c, 1), pfn = take(&c, 5);
	char names[64], letters[ZDX_SF_NR + 1];

	fixture_layout_61(&l);
	maybe_absent(&l.off_ms_section_mem_map, absent, 0);
	maybe_absent(&l.off_ms_usage, absent, 1);
	raw = malloc(l.sz_mem_section);
	take_rest(&c, raw, l.sz_mem_section);
	zdx_section_decode(&l, 7, raw, &s);
	zdx_present_section(&l, &s);
	zdx_valid_section(&l, &s);
	zdx_online_section(&l, &s);
	zdx_section_tainted(&l, &s);
	zdx_section_flag_letters(&l, s.flags, letters);
	zdx_section_flag_names(&l, s.flags, names, sizeof(names));
	zdx_pfn_valid(&l, &s, pfn);
	zdx_section_page_addr(&l, &s, pfn);
	free(raw);
	return 0;
}
