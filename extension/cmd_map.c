/*
 * zdx map: the physical address space in owner runs — the table a support
 * engineer pastes into a ticket.
 */
#include "defs.h"
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/format.h"
#include "zdx/json.h"

static void describe_run(const struct zdx_model *m, const struct zdx_run *r, char *buf,
			 unsigned long n)
{
	const struct zdx_layout *l = m->l;

	if (r->owner == ZDX_OWN_DEVICE) {
		const struct zdx_pgmap_info *pi = &m->pgm[r->pgmap];

		snprintf(buf, n, "%s pgmap %llx %s %s", zdx_pgmap_type_word(&pi->pg),
			 (unsigned long long)pi->pg.addr, pi->owner[0] ? pi->owner : "-",
			 zdx_region_name(r->region));
	} else if (r->owner == ZDX_OWN_RAM) {
		snprintf(buf, n, "%s %s node %d zone %s", r->early ? "early" : "hotplug",
			 r->online ? "online" : "offline", r->node,
			 r->zone >= 0 ? l->zone_name[r->zone] : "none");
	} else {
		snprintf(buf, n, "-");
	}
}

void zdx_cmd_map(int argc, char **argv)
{
	const struct zdx_model *m = zdx_model();
	int json = zdx_take_flag(&argc, argv, "-j");
	struct zdx_run *runs = NULL;
	struct zdx_json j;
	long n, i;

	if (!m)
		return;
	if ((n = zdx_map_build(m, &runs)) < 0) {
		error(INFO, "map: out of memory\n");
		return;
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
		char phys[48], pfns[48], size[24], detail[160];

		describe_run(m, r, detail, sizeof(detail));
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
			} else if (r->owner == ZDX_OWN_DEVICE) {
				zj_hex(&j, "pgmap", m->pgm[r->pgmap].pg.addr);
				zj_str(&j, "kind", zdx_pgmap_type_word(&m->pgm[r->pgmap].pg));
				zj_str(&j, "device", m->pgm[r->pgmap].owner[0] ? m->pgm[r->pgmap].owner : NULL);
				zj_str(&j, "region", zdx_region_name(r->region));
			}
			zj_end_obj(&j);
			continue;
		}
		snprintf(phys, sizeof(phys), "%012llx-%012llx",
			 (unsigned long long)(r->start << m->l->page_shift),
			 (unsigned long long)((r->end << m->l->page_shift) - 1));
		snprintf(pfns, sizeof(pfns), "%llx-%llx", (unsigned long long)r->start,
			 (unsigned long long)r->end - 1);
		fprintf(fp, "%-33s  %-21s  %10s  %-6s  %-5s  %s\n", phys, pfns,
			zdx_fmt_bytes((r->end - r->start) << m->l->page_shift, size, sizeof(size)),
			zdx_owner_name(r->owner), r->mixed ? "yes" : "-", detail);
	}
	if (json) {
		zj_end_arr(&j);
		zdx_incomplete_json(&j, &m->inc);
		zj_end_obj(&j);
		zj_done(&j);
	} else {
		zdx_incomplete_text(fp, &m->inc);
	}
	free(runs);
}
