/* The CXL owner chain from an iomem path (decode_cxl.c): the window, the
 * nvdimm region's resource told from the CXL region's by its desc, the
 * namespace; refusals when the path is not that shape. */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "zdx/model.h"

#define PMEM_DESC 4     /* the fixture's IORES_DESC_PERSISTENT_MEMORY */

static struct zdx_res res(const char *name, uint64_t start, uint64_t end, long desc)
{
	struct zdx_res r = { .start = start, .end = end, .desc = desc };

	snprintf(r.name, sizeof(r.name), "%s", name);
	return r;
}

int main(void)
{
	/* /proc/iomem of the 6.1 cxl-pmem dump, root first */
	struct zdx_res p61[] = {
		res("CXL Window 0", 0x310000000, 0x40fffffff, 0),
		res("Persistent Memory", 0x310000000, 0x31fffffff, PMEM_DESC),
		res("region0", 0x310000000, 0x31fffffff, 0),
		res("namespace0.0", 0x310000000, 0x31fffffff, 0),
	};
	struct zdx_res swapped[] = { p61[0], p61[2], p61[1], p61[3] };
	struct zdx_res legacy[] = {
		res("Persistent Memory (legacy)", 0x60000000, 0x7fffffff, PMEM_DESC),
		res("namespace0.0", 0x60000000, 0x7fffffff, 0),
	};
	struct zdx_pgmap_info pi;
	struct zdx_cxl c;
	char buf[200];

	ok(zdx_cxl_from_iopath(p61, 4, PMEM_DESC, &c) == 1, "a path through a CXL window is CXL");
	ok(c.window == 0 && c.nd_res == 1 && c.region == 2 && c.ns == 3 && !c.why,
	   "window 0, nvdimm region resource 1 (its desc), CXL region 2, namespace 3");
	ok(zdx_cxl_from_iopath(swapped, 4, PMEM_DESC, &c) == 1 && c.nd_res == 2 && c.region == 1,
	   "the desc, not the order, tells the nvdimm region's resource");
	ok(zdx_cxl_from_iopath(legacy, 2, PMEM_DESC, &c) == 0 && c.window == -1,
	   "legacy pmem: no CXL window, no chain");
	ok(zdx_cxl_from_iopath(p61, 4, -1, &c) == 1 && c.region == -1 && c.nd_res == -1 && c.why &&
	   strstr(c.why, "IORES_DESC_PERSISTENT_MEMORY"),
	   "desc value unknown: neither region named, and why");
	ok(zdx_cxl_from_iopath(p61, 3, PMEM_DESC, &c) == 1 && c.ns == -1 && c.region == -1 &&
	   c.why && strstr(c.why, "no namespace"), "no namespace below the window: said");
	p61[2].desc = PMEM_DESC;
	ok(zdx_cxl_from_iopath(p61, 4, PMEM_DESC, &c) == 1 && c.region == -1 && c.why,
	   "two pmem resources between window and namespace: no guess");
	p61[2].desc = 0;

	memset(&pi, 0, sizeof(pi));
	memcpy(pi.iopath, p61, sizeof(p61));
	pi.niopath = 4;
	zdx_cxl_from_iopath(pi.iopath, pi.niopath, PMEM_DESC, &pi.cxl);
	snprintf(pi.cxl.nd_region, sizeof(pi.cxl.nd_region), "region0");
	ok(!strcmp(zdx_cxl_chain_text(&pi, buf, sizeof(buf)),
		   "namespace0.0 < nvdimm region0 < CXL region0 < CXL Window 0"), "chain text: %s", buf);
	pi.cxl.nd_region[0] = 0;
	ok(strstr(zdx_cxl_chain_text(&pi, buf, sizeof(buf)), "nvdimm region ?") != NULL,
	   "an unknown nvdimm region is a ?, not a guess: %s", buf);
	pi.cxl.window = -1;
	ok(zdx_cxl_chain_text(&pi, buf, sizeof(buf))[0] == 0, "not on CXL: empty");
	return tap_done();
}
