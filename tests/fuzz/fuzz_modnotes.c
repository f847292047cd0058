/* A module's build-id from its notes through the read callback: the input
 * is kernel memory at BASE (the struct module first); notes_attrs, its
 * bin_attrs list and each note's address and size are the input's own
 * words, so they may point anywhere in it, at themselves or out of it, and
 * the count and list may be huge or unterminated.  The first byte picks
 * the shape of module_notes_attrs (count, 6.1; group, 7.2). */
#include "fuzz.h"
#include "zdx/modnotes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data + 1, size ? size - 1 : 0 };
	struct zdx_layout l;
	struct zdx_module_id id;

	fixture_layout_61(&l);
	l.off_module_notes_attrs = 8;
	l.off_mna_attrs = 16;
	l.sz_bin_attribute = 64;
	l.off_battr_size = 16;
	l.off_battr_private = 24;
	l.off_mna_notes = 8;
	l.off_mna_bin_attrs = ZDX_ABSENT;
	if (size && data[0] & 1) {
		l.off_mna_notes = ZDX_ABSENT;
		l.off_mna_bin_attrs = 0;
		l.off_mna_attrs = 48;
		l.sz_bin_attribute = 72;
	}
	zdx_module_build_id(&l, BASE, mem_read, &m, &id);
	return 0;
}
