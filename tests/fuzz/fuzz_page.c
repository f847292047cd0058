/* page->flags and the other struct page words, with layout fields the
 * input may make absent: zdx_page_decode reads only what it was given. */
#include <stdlib.h>
#include "fuzz.h"
#include "zdx/page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct zdx_layout l;
	struct zdx_page p;
	uint64_t absent = take(&c, 1);
	unsigned char *raw;

	fixture_layout_61(&l);
	maybe_absent(&l.off_page_flags, absent, 0);
	maybe_absent(&l.off_page_pgmap, absent, 1);
	maybe_absent(&l.off_page_mapping, absent, 2);
	maybe_absent(&l.off_page_refcount, absent, 3);
	maybe_absent(&l.off_page_compound_head, absent, 4);
	if (absent >> 5 & 1)
		l.sz_page = 40;     /* a smaller struct page (another config) */
	raw = malloc(l.sz_page);
	take_rest(&c, raw, l.sz_page);
	zdx_page_decode(&l, raw, &p);
	zdx_page_state_name(p.state);
	free(raw);
	return 0;
}
