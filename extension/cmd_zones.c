/*
 * zdx zones: per node and zone, the span the kernel records and the pfn
 * ranges the zone really owns.  ZONE_DEVICE spans overlap NORMAL/MOVABLE,
 * so ownership comes from the owner map, not from the spans.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/json.h"

static int run_owned_by(const struct zdx_model *m, const struct zdx_run *r, const struct zdx_zone *z)
{
	if (z->zone == m->l->zone_device)
		return r->owner == ZDX_OWN_DEVICE && r->start < z->start_pfn + z->spanned &&
		       r->end > z->start_pfn;
	return r->owner == ZDX_OWN_RAM && r->zone == z->zone && r->node == z->node;
}

/* Owned ranges of z: runs merged when contiguous. */
static void owned_ranges(const struct zdx_model *m, const struct zdx_run *runs, long nrun,
			 const struct zdx_zone *z, struct zdx_json *j)
{
	long i;
	uint64_t start = 0, end = 0;
	int open_ = 0;

	for (i = 0; i <= nrun; i++) {
		int own = i < nrun && run_owned_by(m, &runs[i], z);

		if (own && open_ && runs[i].start == end) {
			end = runs[i].end;
			continue;
		}
		if (open_) {
			if (j) {
				zj_obj(j, NULL);
				zj_hex(j, "start_pfn", start);
				zj_hex(j, "end_pfn", end);
				zj_end_obj(j);
			} else {
				fprintf(fp, "      owns %llx-%llx (%llu pages)\n", (unsigned long long)start,
					(unsigned long long)end - 1, (unsigned long long)(end - start));
			}
			open_ = 0;
		}
		if (own) {
			start = runs[i].start;
			end = runs[i].end;
			open_ = 1;
		}
	}
}

static void mixed_sections(const struct zdx_model *m, struct zdx_json *j)
{
	size_t i;
	int any = 0;

	if (j)
		zj_arr(j, "mixed_sections");
	for (i = 0; i < m->nsec; i++) {
		if (strcmp(zdx_model_section_owner(m, &m->sec[i]), "mixed"))
			continue;
		if (j)
			zj_int(j, NULL, (long long)m->sec[i].nr);
		else
			fprintf(fp, "%ssection %lu (RAM and device memory)", any ? ", " : "mixed: ",
				m->sec[i].nr);
		any = 1;
	}
	if (j)
		zj_end_arr(j);
	else
		fprintf(fp, "%s\n", any ? "" : "mixed: none");
}

static const struct zdx_cmd_args zones_args = { .synopsis = "zdx " ZDX_SYN_ZONES, .max = 0 };

void zdx_cmd_zones(int argc, char **argv)
{
	int json = zdx_take_flag(&argc, argv, "-j"), i;
	const struct zdx_model *m;
	struct zdx_err e = { 0 };
	struct zdx_run *runs = NULL;
	long nrun;
	struct zdx_json j;

	if (!(m = zdx_cmd_preamble(&zones_args, argc, argv, NULL, &e)))
		goto fail;
	if (!ZDX_NEED(m->l->off_zone_start_pfn, "zone.zone_start_pfn", &e) ||
	    !ZDX_NEED(m->l->off_zone_spanned_pages, "zone.spanned_pages", &e))
		goto fail;
	if (!m->nzones) {
		zdx_err_set(&e, ZDX_E_NOT_IN_DUMP, "node_data", 0, "no pglist_data could be read from "
			    "this dump");
		goto fail;
	}
	if ((nrun = zdx_map_build(m, &runs)) < 0) {
		zdx_err_set(&e, ZDX_E_NOMEM, NULL, 0, "out of memory building the map");
		goto fail;
	}
	if (json) {
		zj_init(&j, fp);
		zj_obj(&j, NULL);
		zj_arr(&j, "zones");
	} else {
		fprintf(fp, "%4s  %-8s  %-23s  %10s  %10s  %10s\n", "NODE", "ZONE", "SPAN (PFN)",
			"SPANNED", "PRESENT", "MANAGED");
	}
	for (i = 0; i < m->nzones; i++) {
		const struct zdx_zone *z = &m->zones[i];
		char span[48];

		snprintf(span, sizeof(span), "%llx-%llx", (unsigned long long)z->start_pfn,
			 (unsigned long long)(z->start_pfn + (z->spanned ? z->spanned - 1 : 0)));
		if (json) {
			zj_obj(&j, NULL);
			zj_int(&j, "node", z->node);
			zj_str(&j, "zone", z->name);
			zj_int(&j, "zone_type", z->zone);
			zj_hex(&j, "start_pfn", z->start_pfn);
			zj_int(&j, "spanned", (long long)z->spanned);
			zj_int(&j, "present", (long long)z->present);
			zj_int(&j, "managed", (long long)z->managed);
			zj_arr(&j, "owns");
			owned_ranges(m, runs, nrun, z, &j);
			zj_end_arr(&j);
			zj_end_obj(&j);
		} else {
			fprintf(fp, "%4d  %-8s  %-23s  %10llu  %10llu  %10llu\n", z->node, z->name,
				z->spanned ? span : "-", (unsigned long long)z->spanned,
				(unsigned long long)z->present, (unsigned long long)z->managed);
			owned_ranges(m, runs, nrun, z, NULL);
		}
	}
	if (json) {
		zj_end_arr(&j);
		mixed_sections(m, &j);
		zdx_incomplete_json(&j, &m->inc);
		zj_end_obj(&j);
		zj_done(&j);
	} else {
		mixed_sections(m, NULL);
		zdx_incomplete_text(fp, &m->inc);
	}
	free(runs);
	return;
fail:
	zdx_err_print(fp, "zones", json, &e);
}
