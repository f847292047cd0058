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
	return tap_done();
}
