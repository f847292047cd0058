/* struct page decoding: zone/node from page->flags and the never-initialised
 * patterns (poison 0xff, unused-vmemmap 0xfd, zeros, garbage). */
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/page.h"

int main(void)
{
	struct zdx_layout l;
	struct zdx_page p;
	unsigned char raw[64];
	uint64_t flags = 0x17ffffc0000000ULL, pgmap = 0xffff888012340000ULL, f;

	fixture_layout_61(&l);
	memset(raw, 0, sizeof(raw));
	memcpy(raw, &flags, 8);
	zdx_page_decode(&l, raw, &p);
	ok(p.zone == 2 && p.node == 0, "0x17ffffc0000000: zone Normal, node 0 (zone %d)", p.zone);
	ok(p.state == ZDX_PAGE_PLAUSIBLE, "plausible");
	/* A ZONE_DEVICE data page: zone 4, PG_reserved, pgmap set. */
	f = (4ULL << 51) | (1ULL << 12);
	memcpy(raw, &f, 8);
	memcpy(raw + 8, &pgmap, 8);
	zdx_page_decode(&l, raw, &p);
	ok(p.zone == 4 && p.reserved && p.pgmap_word == pgmap && !p.tail, "device page fields");
	pgmap |= 1;
	memcpy(raw + 8, &pgmap, 8);
	zdx_page_decode(&l, raw, &p);
	ok(p.tail, "compound_head bit 0 marks a tail page");
	memset(raw, 0xff, sizeof(raw));
	zdx_page_decode(&l, raw, &p);
	ok(p.state == ZDX_PAGE_POISON, "all 0xff: poisoned");
	memset(raw, 0xfd, sizeof(raw));
	zdx_page_decode(&l, raw, &p);
	ok(p.state == ZDX_PAGE_UNUSED_FILL, "all 0xfd: unused vmemmap");
	memset(raw, 0, sizeof(raw));
	zdx_page_decode(&l, raw, &p);
	ok(p.state == ZDX_PAGE_ZERO, "all zero");
	f = 7ULL << 51;
	memcpy(raw, &f, 8);
	zdx_page_decode(&l, raw, &p);
	ok(p.state == ZDX_PAGE_GARBAGE, "zone 7 of 5: garbage");

	/* Issue 10: an absent member is unknown, never read out of bounds
	 * (ASan: heap-buffer-overflow before) nor judged. */
	{
		struct zdx_layout a = l;

		a.off_page_flags = ZDX_ABSENT;
		f = 0x17ffffc0000000ULL;
		memcpy(raw + 8, &f, 8);
		zdx_page_decode(&a, raw, &p);
		ok(p.state == ZDX_PAGE_UNDECODABLE && (p.unknown & ZDX_PF_FLAGS) && p.flags == 0,
		   "absent page.flags: undecodable (%s)", zdx_page_state_name(p.state));
		a = l;
		a.off_page_refcount = a.sz_page;     /* beyond struct page */
		a.off_page_mapping = ZDX_ABSENT;
		zdx_page_decode(&a, raw, &p);
		ok((p.unknown & (ZDX_PF_REFCOUNT | ZDX_PF_MAPPING)) == (ZDX_PF_REFCOUNT | ZDX_PF_MAPPING) &&
		   !(p.unknown & ZDX_PF_FLAGS) && p.refcount == 0,
		   "refcount beyond sz_page and absent mapping: unknown (0x%x)", p.unknown);
		a = l;
		a.zones_pgshift = 62;                /* shift + width beyond the word */
		zdx_page_decode(&a, raw, &p);
		ok(p.zone == 0, "zone field past bit 63: not decoded");
	}
	return tap_done();
}
