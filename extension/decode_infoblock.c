/*
 * struct nd_pfn_sb, the pfn/dax info block: pure decoding.  Its layout is
 * an on-media ABI (drivers/nvdimm/pfn.h; ndctl writes and reads the same
 * bytes), little-endian whatever the CPU: the layout module takes the
 * offsets from the nvdimm module's debuginfo when it is loaded and from the
 * documented media format otherwise.  The signatures and PFN_MODE_* values
 * are media ABI too (drivers/nvdimm/pfn.h, drivers/nvdimm/nd.h).
 */
#include <string.h>
#include "zdx/field.h"
#include "zdx/infoblock.h"

#define PFN_SIG_ABI "NVDIMM_PFN_INFO"    /* + NUL: 16 bytes */
#define DAX_SIG_ABI "NVDIMM_DAX_INFO"
#define PFN_MODE_RAM_ABI 1
#define PFN_MODE_PMEM_ABI 2

int zdx_infoblock_decode(const struct zdx_layout *l, const unsigned char *raw, unsigned long len,
			 struct zdx_infoblock *ib)
{
	unsigned char sig[16];

	memset(ib, 0, sizeof(*ib));
	if (zdx_field_bytes(raw, len, l->off_pfnsb_signature, sig, sizeof(sig)))
		return -1;
	if (!memcmp(sig, PFN_SIG_ABI, 16))
		ib->kind = "pfn";
	else if (!memcmp(sig, DAX_SIG_ABI, 16))
		ib->kind = "dax";
	else
		return -1;
	ib->valid = 1;
	ib->flags = (uint32_t)zdx_field_or0(raw, len, l->off_pfnsb_flags, 4);
	ib->version_major = (unsigned)zdx_field_or0(raw, len, l->off_pfnsb_version_major, 2);
	ib->version_minor = (unsigned)zdx_field_or0(raw, len, l->off_pfnsb_version_minor, 2);
	ib->dataoff = zdx_field_or0(raw, len, l->off_pfnsb_dataoff, 8);
	ib->npfns = zdx_field_or0(raw, len, l->off_pfnsb_npfns, 8);
	ib->mode = (uint32_t)zdx_field_or0(raw, len, l->off_pfnsb_mode, 4);
	/* minor 1 added start_pad/end_trunc, 2 align, 4 page sizes. */
	if (ib->version_minor >= 1) {
		ib->start_pad = (uint32_t)zdx_field_or0(raw, len, l->off_pfnsb_start_pad, 4);
		ib->end_trunc = (uint32_t)zdx_field_or0(raw, len, l->off_pfnsb_end_trunc, 4);
	}
	if (ib->version_minor >= 2)
		ib->align = (uint32_t)zdx_field_or0(raw, len, l->off_pfnsb_align, 4);
	if (ib->version_minor >= 4) {
		ib->page_size = (uint32_t)zdx_field_or0(raw, len, l->off_pfnsb_page_size, 4);
		ib->page_struct_size = (unsigned)zdx_field_or0(raw, len, l->off_pfnsb_page_struct_size, 2);
	}
	return 0;
}

const char *zdx_infoblock_mode_name(uint32_t mode)
{
	return mode == PFN_MODE_RAM_ABI ? "ram" : mode == PFN_MODE_PMEM_ABI ? "pmem" : "none";
}

uint64_t zdx_infoblock_data_start(const struct zdx_infoblock *ib, uint64_t ns_start)
{
	return ns_start + ib->start_pad + ib->dataoff;
}

uint64_t zdx_infoblock_end(const struct zdx_layout *l, const struct zdx_infoblock *ib,
			   uint64_t ns_start)
{
	uint64_t reserve = (uint64_t)l->pfnsb_media_offset + (l->sz_pfn_sb > 0 ? l->sz_pfn_sb : 0);

	(void)ib;
	return ns_start + reserve;
}
