/* The CXL owner chain from an iomem path of any names and descs (the
 * dump's resource strings are whatever its bytes say): index bounds and
 * the chain text. */
#include <stdio.h>
#include "fuzz.h"
#include "zdx/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zdx_pgmap_info pi;
	char buf[200];
	size_t i, k = 0;
	long pmem_desc;

	if (size < 2)
		return 0;
	memset(&pi, 0, sizeof(pi));
	pmem_desc = (long)(int8_t)data[0];
	pi.niopath = data[1] % (ZDX_IOPATH_MAX + 1);
	/* each entry: a desc byte, then a name up to a NUL or 39 bytes */
	for (i = 2; (int)k < pi.niopath && i < size; k++) {
		size_t n = 0;

		pi.iopath[k].desc = (long)(int8_t)data[i++];
		while (i < size && data[i] && n < sizeof(pi.iopath[k].name) - 1)
			pi.iopath[k].name[n++] = (char)data[i++];
		i++;
	}
	if (zdx_cxl_from_iopath(pi.iopath, pi.niopath, pmem_desc, &pi.cxl))
		snprintf(pi.cxl.nd_region, sizeof(pi.cxl.nd_region), "region0");
	zdx_cxl_chain_text(&pi, buf, sizeof(buf));
	return 0;
}
