/*
 * One run of `zdx dumpcheck` (crash side): the classes of structure zdx
 * reads, each with the pages it needs and which of them the dump holds.
 *
 *   cmd_dumpcheck.c         what to probe: the kernel structures zdx reads
 *                           (from the model, never a second walk of them)
 *   cmd_dumpcheck_probe.c   what the dump file and page tables hold of a
 *                           virtual or physical range, page by page
 *   cmd_dumpcheck_report.c  the report: the file, the classes, what is
 *                           lost and how to capture it next time
 */
#ifndef ZDX_DUMPCHECK_RUN_H
#define ZDX_DUMPCHECK_RUN_H

#include <stdint.h>
#include "zdx/model.h"
#include "zdx/dumpfile.h"

#define DC_MAX_RANGES  64        /* per class and kind; the rest are counted */
#define DC_BATCH_PAGES 512       /* one bulk read covers up to this many pages */
#define DC_MAX_CLASSES 64

enum dc_kind { DC_ROOTS, DC_USAGE, DC_PGMAP, DC_ZONE, DC_PGMAP_MEMMAP, DC_LOG,
	       DC_BLOCK_MEMMAP };   /* a hot-plugged block's memmap stored in the block
				       (memmap_on_memory) */

struct dc_range {
	uint64_t start, end;            /* physical bytes [start, end); virtual if unmapped */
	enum zdx_file_page why;
};

struct dc_list {
	struct dc_range r[DC_MAX_RANGES];
	int n;
	uint64_t more;                  /* ranges not kept */
};

struct dc_class {
	enum dc_kind kind;
	char name[160];
	int node, zone;                 /* DC_ZONE */
	int pgmap;                      /* DC_PGMAP_MEMMAP: index into m->pgm */
	enum zdx_memmap_home home;      /* DC_PGMAP_MEMMAP: RAM or DEVICE; else UNKNOWN */
	int holder;                     /* device-resident: pgmap whose range holds it */
	int mb;                         /* DC_BLOCK_MEMMAP: index into m->mb */
	uint64_t needed, present, missing, unmapped, zero_read;
	uint64_t last_v;                /* last page probed: runs sharing a memmap page count it once */
	int online;                     /* DC_ZONE */
	struct dc_list present_r, missing_r, unmapped_r;
};

struct dc {
	const struct zdx_model *m;
	const struct zdx_layout *l;
	const struct zdx_dumpfile *df;  /* NULL: the format is not one zdx reads */
	const char *path;
	uint64_t bytes;
	int zero_excluded;              /* crash --zero_excluded */
	struct dc_class *cls;
	int ncls;
	unsigned char *buf;             /* DC_BATCH_PAGES pages */
	int classes_dropped;            /* a class beyond DC_MAX_CLASSES was not probed */
	struct zdx_incomplete_list inc; /* the model's, then what dumpcheck could not read */
};

static inline uint64_t dc_page_size(const struct dc *d)
{
	return 1ULL << d->l->page_shift;
}

/* cmd_dumpcheck_probe.c */
/* A new class, or NULL when DC_MAX_CLASSES are in use. */
struct dc_class *dc_new_class(struct dc *d, enum dc_kind kind, const char *name);
/* Count every page of kernel virtual [vs, ve) in c: unmapped by the dump's
 * page tables, or (through crash) readable or missing, and why. */
void dc_probe_virt(struct dc *d, struct dc_class *c, uint64_t vs, uint64_t ve);

/* cmd_dumpcheck_report.c */
void dc_report_text(const struct dc *d);
void dc_report_json(const struct dc *d);

#endif
