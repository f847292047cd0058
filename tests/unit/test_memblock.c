/* struct memory_block decoding, sysfs names, and the owner map split at
 * memory-block edges: 1.5 GiB of early RAM in blocks 0-11, and four
 * hot-plugged blocks 32-35 (offline, online movable with memmap_on_memory,
 * online movable, offline) as the hotplug scenarios leave them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/model.h"
#include "model_fixture.h"

/* struct memory_block / memory_group offsets as `ptype /o` shows them in
 * Debian 6.1.0-50-amd64's debuginfo. */
static void memblock_layout(struct zdx_layout *l)
{
	l->sz_memory_block = 816;
	l->off_mb_start_section_nr = 0;
	l->off_mb_state = 8;
	l->sz_mb_state = 8;
	l->mb_state_val[0] = 1;
	l->mb_state_val[1] = 2;
	l->mb_state_val[2] = 4;
	l->off_mb_nid = 20;
	l->off_mb_zone = 24;
	l->off_mb_name = 32;
	l->off_mb_nr_vmemmap_pages = 784;
	l->off_mb_altmap = ZDX_ABSENT;
	l->off_mb_group = 792;
	l->off_mgroup_nid = 0;
	l->off_mgroup_is_dynamic = 40;
}

static void put(unsigned char *raw, long off, uint64_t v, int size)
{
	memcpy(raw + off, &v, size);
}

static void block(const struct zdx_layout *l, struct zdx_memblock *mb, uint64_t id, uint64_t state,
		  int type, uint64_t vmemmap)
{
	unsigned char raw[816] = { 0 };

	put(raw, l->off_mb_start_section_nr, id, 8);
	put(raw, l->off_mb_state, state, 8);
	put(raw, l->off_mb_nid, 0, 4);
	put(raw, l->off_mb_nr_vmemmap_pages, vmemmap, 8);
	zdx_memblock_decode(l, 0xffff888004000000ULL + id * 0x400, id, raw, sizeof(raw), mb);
}

/* 6.12: state is a 4-byte enum memory_block_state (MEM_ONLINE = 0,
 * MEM_OFFLINE = 2, as `ptype enum memory_block_state` shows in Debian
 * 6.12.117+deb13's debuginfo) and online_type (MMOP_OFFLINE = 0 here, but
 * set to something else) follows it at +12. */
static void enum_states(void)
{
	struct zdx_layout l;
	struct zdx_memblock mb;
	unsigned char raw[840] = { 0 };

	fixture_layout_61(&l);
	memblock_layout(&l);
	l.sz_memory_block = 840;
	l.sz_mb_state = 4;
	l.mb_state_val[0] = 0;
	l.mb_state_val[1] = 1;
	l.mb_state_val[2] = 2;
	put(raw, 12, 3, 4);
	zdx_memblock_decode(&l, 0, 1, raw, sizeof(raw), &mb);
	ok(mb.state == ZDX_MB_ONLINE, "6.12 enum: 0 is online, the next field not read");
	put(raw, 8, 2, 4);
	zdx_memblock_decode(&l, 0, 1, raw, sizeof(raw), &mb);
	ok(mb.state == ZDX_MB_OFFLINE, "6.12 enum: 2 is offline");
	zdx_memblock_decode(&l, 0, 1, raw, 10, &mb);
	ok(mb.state == ZDX_MB_UNKNOWN && mb.nid == -1, "a short read leaves state unknown, nid -1");
}

static struct zdx_section sec[64];
static int nsec;

/* Why blocks are missing: one source, the model's incomplete list (or the
 * layout, when this kernel has none to read). */
static void gap(struct zdx_model *m, struct zdx_layout *l)
{
	int listed = -1;

	l->memory_blocks_xa = 0xffffffff83000000ULL;
	ok(zdx_memblock_gap(m, &listed) == NULL && !listed, "blocks read whole: no gap");
	m->inc.more = 1;
	ok(zdx_memblock_gap(m, &listed) && strstr(zdx_memblock_gap(m, &listed), "not known") && !listed,
	   "a cut incomplete list without a memory-block entry: the gap is unknown, not absent");
	m->inc.more = 0;
	zdx_incomplete_add(&m->inc, "dev_pagemap", 0x1000, "not in this dump: skipped");
	zdx_incomplete_add(&m->inc, ZDX_INC_MEMBLOCK "s node", 0x2000, "not in this dump: the memory "
			   "block list is incomplete");
	zdx_incomplete_add(&m->inc, ZDX_INC_MEMBLOCK, 0, "2 struct memory_block not in this dump: "
			   "those blocks are not named");
	ok(zdx_memblock_gap(m, &listed) == m->inc.v[1].why && listed,
	   "the first memory-block entry of the incomplete list, listed there");
	l->off_mb_state = ZDX_ABSENT;
	ok(zdx_memblock_gap(m, &listed) && strstr(zdx_memblock_gap(m, &listed), "memory blocks not shown") &&
	   !listed, "no readable memory blocks in this kernel: said, not listed as incomplete");
	l->off_mb_state = 8;
	l->memory_blocks_xa = 0;
	ok(!zdx_memblocks_readable(l), "no memory_blocks XArray: not readable");
	memset(&m->inc, 0, sizeof(m->inc));
}

int main(void)
{
	struct zdx_layout l;
	struct zdx_model m = { 0 };
	struct zdx_memblock mb[16];
	struct zdx_zone zones[2] = {
		{ .node = 0, .zone = 1, .name = "DMA32", .start_pfn = 0x1000, .spanned = 0x5f000 },
		{ .node = 0, .zone = 3, .name = "Movable", .start_pfn = 0x108000, .spanned = 0x10000 },
	};
	struct zdx_run *runs, *named;
	char buf[64];
	long n, k, i;
	unsigned long nr;
	int nmb = 0, seen_vm = 0, seen_off = 0, seen_early = 0, seen_on = 0;
	unsigned char graw[64] = { 0 };

	fixture_layout_61(&l);
	memblock_layout(&l);
	for (nr = 0; nr < 12; nr++) {
		fixture_section(&sec[nsec++], &l, nr, 0xf, ~0ULL);   /* PMOE */
		block(&l, &mb[nmb++], nr, 1 << 0, 1, 0);
	}
	fixture_section(&sec[nsec++], &l, 32, 0x3, ~0ULL);           /* never onlined */
	block(&l, &mb[nmb++], 32, 1 << 2, 0, 0);
	fixture_section(&sec[nsec++], &l, 33, 0x7, ~0ULL);           /* online, memmap on it */
	block(&l, &mb[nmb++], 33, 1 << 0, 3, 512);
	fixture_section(&sec[nsec++], &l, 34, 0x7, ~0ULL);
	block(&l, &mb[nmb++], 34, 1 << 0, 3, 0);
	fixture_section(&sec[nsec++], &l, 35, 0x3, ~0ULL);           /* onlined, offlined */
	block(&l, &mb[nmb++], 35, 1 << 2, 0, 0);

	ok(mb[13].state == ZDX_MB_ONLINE && mb[12].state == ZDX_MB_OFFLINE, "state from the ABI bits");
	ok(mb[13].nr_vmemmap_pages == 512, "nr_vmemmap_pages decoded");
	ok(!strcmp(zdx_memblock_label(&mb[12], 1, buf, sizeof(buf)), "memory32 (offline)"),
	   "sysfs-style label: %s", buf);
	ok(!strcmp(zdx_memblock_label(&mb[0], 12, buf, sizeof(buf)), "memory0-11 (online)"),
	   "range label: %s", buf);
	strcpy(mb[12].name, "memory32");
	ok(!strcmp(zdx_memblock_name(&mb[12], buf, sizeof(buf)), "memory32"), "kobject name kept");
	ok(!strcmp(zdx_memblock_state_name(ZDX_MB_GOING_OFFLINE), "going-offline"), "going-offline word");
	graw[40] = 1;
	zdx_memblock_set_group(&l, &mb[12], graw, sizeof(graw));
	ok(mb[12].group_dynamic == 1 && mb[12].group_nid == 0, "memory group decoded");
	ok(zdx_memblock_infer_spb(mb, nmb) == 1, "sections per block inferred from ids");

	m = (struct zdx_model){ .l = &l, .sec = sec, .nsec = nsec, .zones = zones, .nzones = 2,
				.page_flags_agreed = 1, .mb = mb, .nmb = nmb, .sections_per_block = 1 };
	ok(zdx_model_memblock_of(&m, 33UL << 15) == 13, "pfn of section 33 -> memory33");
	ok(zdx_model_memblock_of(&m, 20UL << 15) == -1, "no block in a hole");
	ok(zdx_memblock_hosts_memmap(&m, &mb[13], (33UL << 15) + 511) &&
	   !zdx_memblock_hosts_memmap(&m, &mb[13], (33UL << 15) + 512), "memmap_on_memory edge");
	ok(!strcmp(zdx_model_block_label(&m, 35UL << 15, buf, sizeof(buf)), "memory35 (offline)"),
	   "owner label of an offlined block: %s", buf);

	n = zdx_map_build(&m, &runs);
	k = zdx_map_name_blocks(&m, runs, n, &named);
	ok(k > n, "naming splits runs (%ld -> %ld)", n, k);
	for (i = 0; i < k; i++) {
		const struct zdx_run *r = &named[i];

		ok(i == 0 || r->start == named[i - 1].end, "run %ld contiguous", i);
		if (r->mb_vmemmap)
			seen_vm += r->start == 33UL << 15 && r->end == (33UL << 15) + 512 && r->mb == 13;
		if (r->mb_count == 1 && r->mb == 12)
			seen_off += r->start == 32UL << 15 && r->end == 33UL << 15;
		if (r->mb == 0 && r->mb_count == 12 && r->early)
			seen_early++;
		if (r->mb == 13 && !r->mb_vmemmap)
			seen_on += r->mb_count == 2 && r->end == 35UL << 15;
	}
	ok(seen_vm == 1, "memory33's first 512 pfns are its own memmap");
	ok(seen_off == 1, "memory32 (offline) is one run");
	ok(seen_early >= 1, "early blocks fold into memory0-11 where the run allows");
	ok(seen_on == 1, "memory33 (after its memmap) and memory34 fold: same state");
	ok(named[k - 1].mb == 15 && named[k - 1].mb_count == 1, "memory35 stands alone");
	free(runs);
	free(named);
	enum_states();
	gap(&m, &l);
	return tap_done();
}
