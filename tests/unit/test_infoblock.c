/* The pfn/dax info block (struct nd_pfn_sb, drivers/nvdimm/pfn.h) as the
 * media holds it, and the driver's split of a --map=mem pgmap into info
 * block, padding and data: legacy pmem 512M@1536M, devdax --map=mem with
 * dataoff 2 MiB (dax0.0 at 0x60200000, as ndctl 76 lays it out). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/model.h"
#include "model_fixture.h"

static void le(unsigned char *raw, long off, uint64_t v, int size)
{
	int i;

	for (i = 0; i < size; i++)
		raw[off + i] = (unsigned char)(v >> (8 * i));
}

/* The on-media offsets crash_layout.c falls back to (drivers/nvdimm/pfn.h). */
static void media_layout(struct zdx_layout *l)
{
	l->pfnsb_media_offset = 4096;
	l->sz_pfn_sb = 4096;
	l->off_pfnsb_signature = 0;
	l->off_pfnsb_flags = 48;
	l->off_pfnsb_version_major = 52;
	l->off_pfnsb_version_minor = 54;
	l->off_pfnsb_dataoff = 56;
	l->off_pfnsb_npfns = 64;
	l->off_pfnsb_mode = 72;
	l->off_pfnsb_start_pad = 76;
	l->off_pfnsb_end_trunc = 80;
	l->off_pfnsb_align = 84;
	l->off_pfnsb_page_size = 88;
	l->off_pfnsb_page_struct_size = 92;
}

static struct zdx_section sec[16];

int main(void)
{
	struct zdx_layout l;
	struct zdx_infoblock ib;
	struct zdx_model m;
	struct zdx_pgmap_info pgm[1];
	unsigned char raw[4096] = { 0 };
	struct zdx_run *runs, *split;
	long n, k, i;
	int parts = 0;

	fixture_layout_61(&l);
	media_layout(&l);
	memcpy(raw, "NVDIMM_DAX_INFO", 16);
	le(raw, 52, 1, 2);
	le(raw, 54, 4, 2);
	le(raw, 56, 0x200000, 8);
	le(raw, 64, 0x1fe00, 8);
	le(raw, 72, 1, 4);
	le(raw, 84, 0x200000, 4);
	le(raw, 88, 4096, 4);
	le(raw, 92, 64, 2);
	ok(zdx_infoblock_decode(&l, raw, sizeof(raw), &ib) == 0 && ib.valid, "DAX signature accepted");
	ok(!strcmp(ib.kind, "dax") && ib.version_major == 1 && ib.version_minor == 4, "kind and version");
	is_u64(ib.dataoff, 0x200000, "dataoff little-endian");
	ok(ib.align == 0x200000 && ib.page_size == 4096 && ib.page_struct_size == 64, "v1.4 fields");
	ok(!strcmp(zdx_infoblock_mode_name(ib.mode), "ram"), "mode 1 is PFN_MODE_RAM (--map=mem)");
	is_u64(zdx_infoblock_data_start(&ib, 0x60000000), 0x60200000, "data at start + start_pad + dataoff");
	is_u64(zdx_infoblock_end(&l, &ib, 0x60000000), 0x60002000, "info block is the first 8 KiB");
	le(raw, 54, 1, 2);
	zdx_infoblock_decode(&l, raw, sizeof(raw), &ib);
	ok(ib.align == 0 && ib.page_size == 0, "a v1.1 block has no align/page_size (read as 0)");
	memcpy(raw, "NVDIMM_BTT_INFO", 16);
	ok(zdx_infoblock_decode(&l, raw, sizeof(raw), &ib) == -1 && !ib.valid, "other signatures refused");
	memcpy(raw, "NVDIMM_PFN_INFO", 16);
	le(raw, 54, 4, 2);
	zdx_infoblock_decode(&l, raw, sizeof(raw), &ib);
	ok(!strcmp(ib.kind, "pfn"), "PFN signature: fsdax");

	for (i = 0; i < 4; i++)
		fixture_section(&sec[i], &l, 12 + i, 0x13, ~0ULL);
	fixture_pgmap(&pgm[0], 0x60000000, 0x7fffffff, "MEMORY_DEVICE_GENERIC", 0);
	strcpy(pgm[0].owner, "dax0.0");
	pgm[0].niopath = 2;
	strcpy(pgm[0].iopath[0].name, "Persistent Memory (legacy)");
	pgm[0].iopath[1] = (struct zdx_res){ .start = 0x60000000, .end = 0x7fffffff, .name = "namespace0.0" };
	pgm[0].ns = 1;
	pgm[0].ib = ib;
	pgm[0].ib_state = ZDX_IB_READ;
	pgm[0].data_start = 0x60200000;
	pgm[0].data_res = (struct zdx_res){ .start = 0x60200000, .end = 0x7fffffff, .name = "dax0.0" };
	m = (struct zdx_model){ .l = &l, .sec = sec, .nsec = 4, .pgm = pgm, .npgm = 1 };
	ok(zdx_pgmap_dev_part(&m, &pgm[0], 0x60000) == ZDX_DEVPART_INFOBLOCK, "pfn 0x60000: info block");
	ok(zdx_pgmap_dev_part(&m, &pgm[0], 0x60002) == ZDX_DEVPART_PADDING, "pfn 0x60002: padding");
	ok(zdx_pgmap_dev_part(&m, &pgm[0], 0x60200) == ZDX_DEVPART_DATA, "pfn 0x60200: data");
	ok(!strcmp(zdx_dev_part_owner(&pgm[0], ZDX_DEVPART_INFOBLOCK), "namespace0.0") &&
	   !strcmp(zdx_dev_part_owner(&pgm[0], ZDX_DEVPART_DATA), "dax0.0"),
	   "info block owned by the namespace, data by dax0.0");
	n = zdx_map_build(&m, &runs);
	k = zdx_map_split_devparts(&m, runs, n, &split);
	for (i = 0; i < k; i++)
		if (split[i].owner == ZDX_OWN_DEVICE)
			parts += (split[i].dev_part == ZDX_DEVPART_INFOBLOCK && split[i].start == 0x60000 &&
				  split[i].end == 0x60002) +
				 (split[i].dev_part == ZDX_DEVPART_PADDING && split[i].end == 0x60200) +
				 (split[i].dev_part == ZDX_DEVPART_DATA && split[i].start == 0x60200 &&
				  split[i].end == 0x80000);
	ok(k == n + 2 && parts == 3, "map: the data run splits into info block, padding, data (%ld runs)", k);
	pgm[0].ib_state = ZDX_IB_NOT_IN_DUMP;
	ok(zdx_pgmap_dev_part(&m, &pgm[0], 0x60000) == ZDX_DEVPART_NONE, "no info block read: no split");
	free(runs);
	free(split);
	return tap_done();
}
