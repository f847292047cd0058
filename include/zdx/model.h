/*
 * The model: what zdx rebuilt from one dump (sections, pgmaps, zones), and
 * the pure questions asked of it — who owns a pfn, what pfn_valid() and
 * pfn_to_online_page() say, and the owner map of the physical space.
 * extension/crash_model.c fills it from the dump; tests fill it by hand.
 */
#ifndef ZDX_MODEL_H
#define ZDX_MODEL_H

#include <stdint.h>
#include <stddef.h>
#include "zdx/layout.h"
#include "zdx/section.h"
#include "zdx/pgmap.h"

struct zdx_zone {
	int node, zone;           /* zone = enum zone_type value */
	char name[16];
	uint64_t start_pfn, spanned, present, managed;
};

/* Where a piece of memmap physically lives. */
enum zdx_memmap_home {
	ZDX_HOME_UNKNOWN,         /* could not translate the vmemmap address */
	ZDX_HOME_RAM,             /* ordinary System RAM */
	ZDX_HOME_DEVICE,          /* inside a pgmap's range (altmap storage) */
};

struct zdx_pgmap_info {
	struct zdx_pgmap pg;
	char owner[64];           /* iomem resource name covering the range, "" if none */
	uint64_t xa_entries;      /* pgmap_array index runs that point to it */
	uint64_t memmap_phys;     /* physical address of the struct page of pfn_first */
	enum zdx_memmap_home memmap_home;
	int memmap_pgmap;         /* index of the pgmap holding that memmap, -1 */
	int memmap_readable;      /* the data pages' struct pages are in the dump */
};

/* One thing the model lacks: what (object kind), where, and why. */
#define ZDX_MAX_INCOMPLETE 32
struct zdx_incomplete {
	char what[24];            /* "mem_section root", "dev_pagemap", "zone"... */
	uint64_t addr;            /* the object's address, 0 when none */
	char why[120];
};

struct zdx_incomplete_list {
	struct zdx_incomplete v[ZDX_MAX_INCOMPLETE];
	int n;
	unsigned long more;       /* further entries counted but not kept */
};

struct zdx_model {
	const struct zdx_layout *l;
	struct zdx_section *sec;  /* sections whose section_mem_map is non-zero, by nr */
	size_t nsec;
	size_t roots_unreadable;  /* mem_section root pages not in the dump */
	struct zdx_pgmap_info *pgm;   /* the pgmaps read from the dump, by range start */
	int npgm;
	/* pgmap_array as walked: every dev_pagemap address it names (read or
	 * not, in walk order), and how the walk ended. */
	int pgmaps_walked;        /* 1: this kernel has pgmap_array and it was walked */
	uint64_t *pgmap_named;
	int npgmap_named;
	int pgmap_xa_status;      /* 0, or zdx_xa_for_each()'s ZDX_XA_* error */
	uint64_t pgmap_xa_bad;    /* the node the walk could not read, when not 0 */
	struct zdx_zone *zones;
	int nzones;
	int page_flags_agreed;    /* pages confirming the zone/node shifts; -1 mismatch */
	struct zdx_incomplete_list inc;  /* what the model dropped, capped or could not read */
};

/* Record one incomplete item (kept up to ZDX_MAX_INCOMPLETE, then counted). */
void zdx_incomplete_add(struct zdx_incomplete_list *l, const char *what, uint64_t addr,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Text block after a command's answer (nothing when complete). */
#include <stdio.h>
void zdx_incomplete_text(FILE *f, const struct zdx_incomplete_list *l);
/* "incomplete": [{what, addr, why}...], "incomplete_not_listed": N */
struct zdx_json;
void zdx_incomplete_json(struct zdx_json *j, const struct zdx_incomplete_list *l);

const struct zdx_section *zdx_model_section(const struct zdx_model *m, unsigned long nr);
/* Index of the pgmap whose ranges hold pfn, -1 if none. */
int zdx_model_pgmap_of(const struct zdx_model *m, uint64_t pfn);
/* The RAM zone (never ZONE_DEVICE) whose span holds pfn, or NULL. */
const struct zdx_zone *zdx_model_ram_zone(const struct zdx_model *m, uint64_t pfn);

enum zdx_owner {
	ZDX_OWN_HOLE,             /* no section, or a sub-section without memmap */
	ZDX_OWN_RAM,
	ZDX_OWN_DEVICE,
};

struct zdx_pfn_facts {
	uint64_t pfn;
	const struct zdx_section *sec;  /* NULL: no section */
	unsigned subsection;
	int subsection_populated;       /* -1 unknown (usage map not in dump) */
	int pfn_valid;                  /* -1 unknown */
	int online_page_this_kernel;    /* pfn_to_online_page() of this kernel */
	int online_page_fixed;          /* ... of a kernel with 1f90a3477df3 */
	enum zdx_owner owner;
	int pgmap;                      /* index into m->pgm, -1 */
	enum zdx_pgmap_region region;
	int pgmap_pfn_valid;
	const struct zdx_zone *zone;    /* RAM zone, NULL */
	int mixed;                      /* section shared by RAM and device memory */
};

/* Owner of pfn in section s (NULL: no section); *pgmap set for DEVICE. */
enum zdx_owner zdx_model_owner(const struct zdx_model *m, const struct zdx_section *s,
			       uint64_t pfn, int *pgmap);
/* "ram", "device", "mixed" (RAM and device memory share it) or "hole". */
const char *zdx_model_section_owner(const struct zdx_model *m, const struct zdx_section *s);

void zdx_model_pfn_facts(const struct zdx_model *m, uint64_t pfn, struct zdx_pfn_facts *f);

/* One run of the owner map: pfns [start, end) with one owner description. */
struct zdx_run {
	uint64_t start, end;
	enum zdx_owner owner;
	int online, early;              /* RAM */
	int node, zone;                 /* RAM zone, -1 when no zone spans it */
	int pgmap;                      /* DEVICE: index into m->pgm */
	enum zdx_pgmap_region region;   /* DEVICE */
	int mixed;
};

/* Build the owner map over [0, max_pfn) where max_pfn covers every section
 * and every sane pgmap range, capped at 2^(MAX_PHYSMEM_BITS - PAGE_SHIFT);
 * inconsistent ranges (zdx_pgmap_range_sane) are left out. *runs is malloc'ed; returns the count, or -1 on ENOMEM. */
long zdx_map_build(const struct zdx_model *m, struct zdx_run **runs);
const char *zdx_owner_name(enum zdx_owner o);
/* pgmap ranges left out of every answer as inconsistent. */
int zdx_model_inconsistent_ranges(const struct zdx_model *m);

#endif
