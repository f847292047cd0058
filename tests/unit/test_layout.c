/* Sanity ranges of the VMCOREINFO numbers zdx uses as shifts and counts
 * (issue 10): out of range is refused with the value named. */
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/model.h"
#include "zdx/error.h"

static int refused(const struct zdx_layout *l, const char *needle, struct zdx_err *e)
{
	memset(e, 0, sizeof(*e));
	return zdx_layout_check(l, e) == -1 && e->code == ZDX_E_REFUSED && strstr(e->why, needle) != NULL;
}

int main(void)
{
	struct zdx_layout l, a;
	struct zdx_model m;
	struct zdx_err e;

	fixture_layout_61(&l);
	ok(zdx_layout_check(&l, &e) == 0, "Debian 6.1 layout accepted");
	a = l;
	a.phys_addr_bits = 52;
	ok(zdx_layout_check(&a, &e) == 0, "MAX_PHYSMEM_BITS 46 within 52 address bits");

	/* One field out of range each: refused, the value named. */
#define REFUSE(field, val, text)                                                    \
	do {                                                                         \
		a = l;                                                               \
		a.field = val;                                                       \
		ok(refused(&a, text, &e), "%s: %s", text, e.why);                    \
	} while (0)
	REFUSE(section_size_bits, 200, "SECTION_SIZE_BITS 200");
	REFUSE(section_size_bits, 12, "SECTION_SIZE_BITS 12");
	REFUSE(max_physmem_bits, 99, "MAX_PHYSMEM_BITS 99");
	REFUSE(nr_section_roots, 1UL << 40, "LENGTH(mem_section) 1099511627776");
	REFUSE(nr_section_roots, 0, "LENGTH(mem_section) 0");
	REFUSE(max_numnodes, 1000, "LENGTH(node_data) 1000");
#undef REFUSE
	a = l;
	a.max_physmem_bits = 60;
	a.phys_addr_bits = 52;
	ok(refused(&a, "MAX_PHYSMEM_BITS 60", &e), "MAX_PHYSMEM_BITS 60 > 52: %s", e.why);
	a = l;
	a.max_numnodes = 1 << 30;
	a.nodes_width = 30;
	a.pg_head = 40;
	ok(refused(&a, "LENGTH(node_data) 1073741824", &e),
	   "LENGTH(node_data) 2^30 leaves no room: %s", e.why);

	/* No section could be read: lookups answer "none" (bsearch on a NULL
	 * array before; UBSan reports it under make asan). */
	memset(&m, 0, sizeof(m));
	m.l = &l;
	ok(zdx_model_section(&m, 3) == NULL, "no sections: no section 3");
	return tap_done();
}
