/*
 * zdx map: the physical address space in owner runs — the table a support
 * engineer pastes into a ticket.
 */
#include "defs.h"
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/format.h"
#include "zdx/json.h"

/* The iomem chain holding a hot-plugged RAM run, innermost first, when it
 * is nested ("System RAM (kmem) < dax0.0 < namespace0.0 < ..."); "" else. */
static const char *iomem_chain(const struct zdx_model *m, struct zdx_incomplete_list *inc,
			       const struct zdx_run *r, char *buf, unsigned long n)
{
	struct zdx_res path[ZDX_IOPATH_MAX];
	int k = 0, i;
	size_t len = 0;

	buf[0] = 0;
	if (r->owner == ZDX_OWN_RAM && !r->early)
		k = zdx_iomem_path(r->start << m->l->page_shift, (r->end << m->l->page_shift) - 1,
				   path, ZDX_IOPATH_MAX, inc);
	for (i = k - 1; k > 1 && i >= 0 && len < n; i--)
		len += snprintf(buf + len, n - len, "%s%s", path[i].name, i ? " < " : "");
	return buf;
}

/* The DETAIL column; chain: the run's iomem_chain(), read once by the caller. */
static void describe_run(const struct zdx_model *m, const struct zdx_run *r, const char *chain,
			 char *buf, unsigned long n)
{
	const struct zdx_layout *l = m->l;

	if (r->owner == ZDX_OWN_DEVICE) {
		const struct zdx_pgmap_info *pi = &m->pgm[r->pgmap];

		const char *own = zdx_dev_part_owner(pi, r->dev_part);
		char cxl[200];

		zdx_cxl_chain_text(pi, cxl, sizeof(cxl));
		snprintf(buf, n, "%s pgmap %llx %s %s%s%s%s%s%s", zdx_pgmap_type_word(&pi->pg),
			 (unsigned long long)pi->pg.addr, own ? own : "-", zdx_region_name(r->region),
			 r->region == ZDX_REGION_UNKNOWN ? " (altmap inconsistent: reserve, memmap or "
							   "data cannot be told)" : "",
			 r->dev_part ? ", device " : "", r->dev_part ? zdx_dev_part_name(r->dev_part) : "",
			 cxl[0] ? "  cxl: " : "", cxl);
	} else if (r->owner == ZDX_OWN_RAM) {
		char blk[64];

		snprintf(buf, n, "%s %s node %d zone %s%s%s%s%s%s", r->early ? "early" : "hotplug",
			 r->online ? "online" : "offline", r->node,
			 r->zone >= 0 ? l->zone_name[r->zone] : "none", r->mb_count ? "  " : "",
			 zdx_run_blocks_label(m, r, blk, sizeof(blk)),
			 r->mb_vmemmap ? " memmap_on_memory (the block's own memmap)" : "",
			 chain[0] ? "  iomem: " : "", chain);
	} else {
		snprintf(buf, n, "-");
	}
}

/* RAM runs split at memory-block edges and named (zdx/model.h). */
static long name_blocks(const struct zdx_model *m, struct zdx_run **runs, long n)
{
	struct zdx_run *named = NULL;
	long k = zdx_map_name_blocks(m, *runs, n, &named);

	free(*runs);
	*runs = named;
	if (k < 0)
		return k;
	k = zdx_map_split_devparts(m, named, k, runs);
	free(named);
	return k;
}

static void json_blocks(struct zdx_json *j, const struct zdx_model *m, const struct zdx_run *r)
{
	char name[32];

	if (!r->mb_count)
		return;
	zj_str(j, "memory_block", zdx_memblock_name(&m->mb[r->mb], name, sizeof(name)));
	zj_int(j, "memory_blocks", r->mb_count);
	zj_str(j, "memory_block_state", zdx_memblock_state_name(m->mb[r->mb].state));
	if (r->mb_vmemmap)
		zj_str(j, "region", "block-memmap");
}

static const struct zdx_cmd_args map_args = { .synopsis = "zdx " ZDX_SYN_MAP, .max = 0 };

void zdx_cmd_map(int argc, char **argv)
{
	int json = zdx_take_flag(&argc, argv, "-j");
	const struct zdx_model *m;
	struct zdx_err e = { 0 };
	struct zdx_run *runs = NULL;
	struct zdx_json j;
	static struct zdx_incomplete_list inc;   /* the model's, then map's own */
	const char *gap;
	long n, i;
	int listed;

	if (!(m = zdx_cmd_preamble(&map_args, argc, argv, NULL, &e)))
		goto fail;
	inc = m->inc;
	if ((n = zdx_map_build(m, &runs)) < 0 || (n = name_blocks(m, &runs, n)) < 0) {
		zdx_err_set(&e, ZDX_E_NOMEM, NULL, 0, "out of memory building the map");
		goto fail;
	}
	if (json) {
		zj_init(&j, fp);
		zj_obj(&j, NULL);
		zj_arr(&j, "runs");
	} else {
		fprintf(fp, "%-33s  %-21s  %10s  %-6s  %-5s  %s\n", "PHYSICAL RANGE", "PFN RANGE",
			"SIZE", "OWNER", "MIXED", "DETAIL");
	}
	for (i = 0; i < n; i++) {
		const struct zdx_run *r = &runs[i];
		char phys[48], pfns[48], size[24], detail[384], chain[160];

		/* one iomem walk per run, for the text's detail or the JSON */
		iomem_chain(m, &inc, r, chain, sizeof(chain));
		if (json) {
			zj_obj(&j, NULL);
			zj_hex(&j, "start_pfn", r->start);
			zj_hex(&j, "end_pfn", r->end);
			zj_str(&j, "owner", zdx_owner_name(r->owner));
			zj_bool(&j, "mixed_section", r->mixed);
			if (r->owner == ZDX_OWN_RAM) {
				zj_bool(&j, "online", r->online);
				zj_bool(&j, "early", r->early);
				zj_int(&j, "node", r->node);
				zj_str(&j, "zone", r->zone >= 0 ? m->l->zone_name[r->zone] : NULL);
				json_blocks(&j, m, r);
				zj_str(&j, "iomem", chain[0] ? chain : NULL);
			} else if (r->owner == ZDX_OWN_DEVICE) {
				zj_hex(&j, "pgmap", m->pgm[r->pgmap].pg.addr);
				zj_str(&j, "kind", zdx_pgmap_type_word(&m->pgm[r->pgmap].pg));
				zj_str(&j, "device", zdx_dev_part_owner(&m->pgm[r->pgmap], r->dev_part));
				zj_str(&j, "region", zdx_region_name(r->region));
				zj_str(&j, "region_unknown_why", zdx_region_why(r->region));
				zj_str(&j, "device_part", zdx_dev_part_name(r->dev_part));
				if (m->pgm[r->pgmap].cxl.window >= 0)
					zj_str(&j, "cxl", zdx_cxl_chain_text(&m->pgm[r->pgmap], chain,
									    sizeof(chain)));
			}
			zj_end_obj(&j);
			continue;
		}
		describe_run(m, r, chain, detail, sizeof(detail));
		snprintf(phys, sizeof(phys), "%012llx-%012llx",
			 (unsigned long long)(r->start << m->l->page_shift),
			 (unsigned long long)((r->end << m->l->page_shift) - 1));
		snprintf(pfns, sizeof(pfns), "%llx-%llx", (unsigned long long)r->start,
			 (unsigned long long)r->end - 1);
		fprintf(fp, "%-33s  %-21s  %10s  %-6s  %-5s  %s\n", phys, pfns,
			zdx_fmt_bytes((r->end - r->start) << m->l->page_shift, size, sizeof(size)),
			zdx_owner_name(r->owner), r->mixed ? "yes" : "-", detail);
	}
	gap = zdx_memblock_gap(m, &listed);
	if (json) {
		zj_end_arr(&j);
		zdx_incomplete_json(&j, &inc);
		zj_str(&j, "memory_blocks_note", gap);
		zj_end_obj(&j);
		zj_done(&j);
	} else {
		zdx_incomplete_text(fp, &inc);
	}
	if (!json && gap && !listed)     /* a listed gap: INCOMPLETE said it */
		fprintf(fp, "note: %s\n", gap);
	free(runs);
	return;
fail:
	zdx_err_print(fp, "map", json, &e);
}
