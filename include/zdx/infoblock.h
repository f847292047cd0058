/*
 * Driver geometry of a pmem namespace: the pfn/dax info block (struct
 * nd_pfn_sb, drivers/nvdimm/pfn.h) the nvdimm drivers write at offset 4 KiB
 * of a namespace in fsdax/devdax mode, and the split of the namespace it
 * implies: info block, padding up to dataoff, the device's data.  Pure.
 */
#ifndef ZDX_INFOBLOCK_H
#define ZDX_INFOBLOCK_H

#include <stdint.h>
#include "zdx/layout.h"

struct zdx_infoblock {
	int valid;                /* a known signature */
	const char *kind;         /* "pfn" (NVDIMM_PFN_INFO: fsdax), "dax" (NVDIMM_DAX_INFO) */
	unsigned version_major, version_minor;
	uint32_t flags, mode, start_pad, end_trunc, align, page_size;
	unsigned page_struct_size;
	uint64_t dataoff, npfns;
};

/* Decode sz_pfn_sb bytes read at the namespace's offset pfnsb_media_offset;
 * returns 0 when the signature is known, -1 otherwise (ib->valid 0). Fields
 * a version lacks read 0, as nd_pfn_validate() treats them. */
int zdx_infoblock_decode(const struct zdx_layout *l, const unsigned char *raw, unsigned long len,
			 struct zdx_infoblock *ib);
/* "ram" (PFN_MODE_RAM: --map=mem), "pmem" (PFN_MODE_PMEM: --map=dev), "none". */
const char *zdx_infoblock_mode_name(uint32_t mode);
/* First byte of the device's data: namespace start + start_pad + dataoff. */
uint64_t zdx_infoblock_data_start(const struct zdx_infoblock *ib, uint64_t ns_start);
/* End (exclusive) of the info block proper: namespace start + the kernel's
 * info_block_reserve() (8 KiB: 4 KiB left alone, then the nd_pfn_sb). */
uint64_t zdx_infoblock_end(const struct zdx_layout *l, const struct zdx_infoblock *ib,
			   uint64_t ns_start);

#endif
