/*
 * The CXL owner chain from an iomem path (zdx/cxl.h): which resource below
 * the CXL window is the CXL region, which the nvdimm region, which the
 * namespace.  Pure: the caller reads the path and the device model.
 */
#include <stdio.h>
#include <string.h>
#include "zdx/model.h"

/* The nvdimm region's resource is the one cxl_pmem_region_probe() marked
 * IORES_DESC_PERSISTENT_MEMORY; the CXL region's is the other one between
 * the window and the namespace (alloc_hpa() names it after the region
 * device).  With the desc unknown the two cannot be told apart: neither
 * is named then. */
int zdx_cxl_from_iopath(const struct zdx_res *path, int n, long pmem_desc, struct zdx_cxl *c)
{
	int i, npmem = 0, nother = 0;

	memset(c, 0, sizeof(*c));
	c->window = c->nd_res = c->region = c->ns = -1;
	for (i = 0; i < n && c->window < 0; i++)
		if (!strncmp(path[i].name, ZDX_CXL_WINDOW_PREFIX, strlen(ZDX_CXL_WINDOW_PREFIX)))
			c->window = i;
	if (c->window < 0)
		return 0;
	for (i = c->window + 1; i < n && c->ns < 0; i++) {
		if (!strncmp(path[i].name, "namespace", 9))
			c->ns = i;
		else if (pmem_desc >= 0 && path[i].desc == pmem_desc)
			npmem++, c->nd_res = i;
		else
			nother++, c->region = i;
	}
	if (c->ns < 0 || pmem_desc < 0 || npmem != 1 || nother != 1) {
		c->why = c->ns < 0 ? "no namespace resource below the CXL window"
			 : pmem_desc < 0 ? "IORES_DESC_PERSISTENT_MEMORY is not in this kernel's debuginfo"
			 : "the iomem path below the CXL window is not one CXL region and one "
			   "nvdimm region resource";
		c->nd_res = c->region = -1;
	}
	return 1;
}

/* The chain innermost first, as zdx map and zdx pfn name an owner:
 * "namespace0.0 < nvdimm region0 < CXL region0 < CXL Window 0", with "?"
 * for a link the dump does not name; "" when the pgmap is not on CXL. */
const char *zdx_cxl_chain_text(const struct zdx_pgmap_info *pi, char *buf, unsigned long n)
{
	const struct zdx_cxl *c = &pi->cxl;

	buf[0] = 0;
	if (c->window < 0)
		return buf;
	snprintf(buf, n, "%s < nvdimm %s < CXL %s < %s",
		 c->ns >= 0 ? pi->iopath[c->ns].name : "?",
		 c->nd_region[0] ? c->nd_region : "region ?",
		 c->region >= 0 ? pi->iopath[c->region].name : "region ?",
		 pi->iopath[c->window].name);
	return buf;
}
