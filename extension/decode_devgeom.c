/*
 * The driver's view of a device pgmap: where its namespace's info block,
 * padding and data lie (the nd_pfn_sb the driver wrote, and the iomem
 * resources it requested), beside the kernel's regions.  With --map=mem
 * every pfn of the pgmap is an initialised ZONE_DEVICE page to the kernel,
 * yet only the pfns from start_pad + dataoff on are the device's data
 * (what ndctl/daxctl report as its size).  Pure.
 */
#include <stdlib.h>
#include <string.h>
#include "zdx/model.h"

enum zdx_dev_part zdx_pgmap_dev_part(const struct zdx_model *m, const struct zdx_pgmap_info *pi,
				     uint64_t pfn)
{
	const struct zdx_layout *l = m->l;
	uint64_t ns, phys = pfn << l->page_shift;

	if (pi->ib_state != ZDX_IB_READ || pi->ns < 0 || !pi->data_start ||
	    zdx_pgmap_region_of(l, &pi->pg, pfn) != ZDX_REGION_DATA)
		return ZDX_DEVPART_NONE;
	ns = pi->iopath[pi->ns].start;
	if (phys >= pi->data_start)
		return ZDX_DEVPART_DATA;
	return phys < zdx_infoblock_end(l, &pi->ib, ns) ? ZDX_DEVPART_INFOBLOCK : ZDX_DEVPART_PADDING;
}

const char *zdx_dev_part_name(enum zdx_dev_part p)
{
	return p == ZDX_DEVPART_INFOBLOCK ? "info-block" : p == ZDX_DEVPART_PADDING ? "padding"
	       : p == ZDX_DEVPART_DATA ? "data" : NULL;
}

const char *zdx_dev_part_owner(const struct zdx_pgmap_info *pi, enum zdx_dev_part p)
{
	if ((p == ZDX_DEVPART_INFOBLOCK || p == ZDX_DEVPART_PADDING) && pi->ns >= 0)
		return pi->iopath[pi->ns].name;
	if (p == ZDX_DEVPART_DATA && pi->data_res.name[0])
		return pi->data_res.name;
	return pi->owner[0] ? pi->owner : NULL;
}

/* Append x, or extend the last run when x continues the same device part. */
static int push(struct zdx_runs *o, const struct zdx_run *x)
{
	struct zdx_run *p = o->n ? &o->v[o->n - 1] : NULL;

	if (p && p->end == x->start && p->owner == x->owner && p->pgmap == x->pgmap &&
	    p->region == x->region && p->mixed == x->mixed && p->dev_part == x->dev_part &&
	    x->owner == ZDX_OWN_DEVICE) {
		p->end = x->end;
		return 0;
	}
	return zdx_runs_append(o, x);
}

/* End of the part that holds pfn, inside run r. */
static uint64_t part_end(const struct zdx_model *m, const struct zdx_pgmap_info *pi,
			 enum zdx_dev_part p, uint64_t pfn, uint64_t end)
{
	const struct zdx_layout *l = m->l;
	uint64_t cut = end;

	if (p == ZDX_DEVPART_INFOBLOCK)
		cut = zdx_infoblock_end(l, &pi->ib, pi->iopath[pi->ns].start) >> l->page_shift;
	else if (p == ZDX_DEVPART_PADDING)
		cut = pi->data_start >> l->page_shift;
	return cut > pfn && cut < end ? cut : end;
}

long zdx_map_split_devparts(const struct zdx_model *m, const struct zdx_run *runs, long n,
			    struct zdx_run **out)
{
	struct zdx_runs o = { 0 };
	struct zdx_run x;
	long i;
	uint64_t pfn;

	for (i = 0; i < n; i++) {
		const struct zdx_run *r = &runs[i];

		if (r->owner != ZDX_OWN_DEVICE || r->pgmap < 0) {
			if (push(&o, r))
				goto fail;
			continue;
		}
		for (pfn = r->start; pfn < r->end; pfn = x.end) {
			x = *r;
			x.start = pfn;
			x.dev_part = zdx_pgmap_dev_part(m, &m->pgm[r->pgmap], pfn);
			x.end = part_end(m, &m->pgm[r->pgmap], x.dev_part, pfn, r->end);
			if (push(&o, &x))
				goto fail;
		}
	}
	*out = o.v;
	return o.n;
fail:
	free(o.v);
	return -1;
}
