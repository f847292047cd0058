/*
 * The CXL owner chain of a pgmap on CXL persistent memory: the CXL fixed
 * memory window, the CXL region in it, the nvdimm region that cxl_pmem
 * made of that region, and the namespace, as the dump's iomem tree and
 * device model record them.
 *
 * In /proc/iomem (6.1, drivers/cxl): cxl_acpi names each window resource
 * "CXL Window N" (cxl_parse_cfmws()); the CXL region allocates its range
 * inside it under the region device's name ("region0"); cxl_pmem's
 * cxl_pmem_region_probe() inserts the nvdimm region's resource over the
 * same range with desc IORES_DESC_PERSISTENT_MEMORY ("Persistent Memory"),
 * and the namespace requests its range inside.  The nvdimm region's name
 * is no iomem name: it is the namespace device's parent in the device model.
 */
#ifndef ZDX_CXL_H
#define ZDX_CXL_H

struct zdx_res;

struct zdx_cxl {
	int window;               /* index in the iomem path: "CXL Window N", -1 none */
	int nd_res;               /* the nvdimm region's resource (IORES_DESC_PERSISTENT_MEMORY), -1 */
	int region;               /* the CXL region's resource, -1 */
	int ns;                   /* the namespace's resource, -1 */
	/* from the device model (crash_cxl.c), "" when unknown (see why) */
	char nd_region[40];       /* the namespace device's parent */
	char nd_bus[40];          /* the nvdimm region's parent */
	char root_decoder[40];    /* the CXL region device's parent */
	const char *why;          /* why a device-model name is unknown, NULL */
};

/* The prefix cxl_acpi gives a CXL fixed memory window's resource name. */
#define ZDX_CXL_WINDOW_PREFIX "CXL Window "

/* Fill c from an iomem path (root first; zdx_iomem_path()).  pmem_desc is
 * IORES_DESC_PERSISTENT_MEMORY of this kernel (< 0 unknown: the nvdimm
 * region's resource then cannot be told from the CXL region's).  Returns 1
 * when the path runs through a CXL window, 0 otherwise (c->window -1). */
int zdx_cxl_from_iopath(const struct zdx_res *path, int n, long pmem_desc, struct zdx_cxl *c);

/* The chain innermost first for an owner name ("namespace0.0 < nvdimm
 * region0 < CXL region0 < CXL Window 0"; "?" for an unknown link), ""
 * when the pgmap is not on CXL (decode_cxl.c). */
struct zdx_pgmap_info;
const char *zdx_cxl_chain_text(const struct zdx_pgmap_info *pi, char *buf, unsigned long n);

#endif
