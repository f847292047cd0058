/*
 * Driver geometry of every pgmap, without module debuginfo: the iomem
 * resources that hold it (the namespace, and the dax device resource inside
 * it), and the pfn/dax info block the nvdimm driver wrote at offset 4 KiB
 * of the namespace, read from the device memory when the dump holds it.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"

static int namespace_index(const struct zdx_pgmap_info *pi)
{
	int i, ns = -1;

	for (i = 0; i < pi->niopath; i++)
		if (!strncmp(pi->iopath[i].name, "namespace", 9))
			ns = i;
	return ns;
}

static void read_infoblock(const struct zdx_layout *l, struct zdx_pgmap_info *pi)
{
	unsigned char *buf;

	if (l->sz_pfn_sb <= 0 || l->sz_pfn_sb > 65536 || !(buf = malloc(l->sz_pfn_sb)))
		return;
	pi->ib_phys = pi->iopath[pi->ns].start + l->pfnsb_media_offset;
	if (zdx_pread(pi->ib_phys, buf, l->sz_pfn_sb))
		pi->ib_state = ZDX_IB_NOT_IN_DUMP;
	else
		pi->ib_state = zdx_infoblock_decode(l, buf, l->sz_pfn_sb, &pi->ib) ? ZDX_IB_NO_SIGNATURE
										  : ZDX_IB_READ;
	free(buf);
}

/* The resource where the data starts, where its iomem chain leaves the
 * namespace's: dax0.0 (a sibling of the info-block-sized namespace0.0
 * resource with devdax, or a child of it), "" for fsdax. */
static void find_data_res(struct zdx_model *m, struct zdx_pgmap_info *pi)
{
	struct zdx_res path[ZDX_IOPATH_MAX];
	int n = zdx_iomem_path(pi->data_start, pi->data_start, path, ZDX_IOPATH_MAX, &m->inc), k;

	memset(&pi->data_res, 0, sizeof(pi->data_res));
	for (k = 0; k < n; k++)
		if (k >= pi->niopath || path[k].start != pi->iopath[k].start ||
		    strcmp(path[k].name, pi->iopath[k].name)) {
			pi->data_res = path[k];
			return;
		}
}

void zdx_model_read_devgeom(struct zdx_model *m)
{
	int i;

	for (i = 0; i < m->npgm; i++) {
		struct zdx_pgmap_info *pi = &m->pgm[i];

		/* The chain holding the first byte: with devdax the namespace's own
		 * resource covers only the info block and padding. */
		pi->niopath = zdx_iomem_path(pi->pg.range[0].start, pi->pg.range[0].start, pi->iopath,
					     ZDX_IOPATH_MAX, &m->inc);
		pi->ns = namespace_index(pi);
		pi->ib_state = ZDX_IB_NONE;
		if (pi->ns < 0)
			continue;
		read_infoblock(m->l, pi);
		if (pi->ib_state != ZDX_IB_READ)
			continue;
		pi->data_start = zdx_infoblock_data_start(&pi->ib, pi->iopath[pi->ns].start);
		find_data_res(m, pi);
	}
}
