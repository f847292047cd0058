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
#include "zdx/memblock.h"
#include "zdx/infoblock.h"

struct zdx_zone {
	int node, zone;           /* zone = enum zone_type value */
	char name[16];
	uint64_t start_pfn, spanned, present, managed;
	uint64_t addr;            /* struct zone *, 0 when unknown */
};

/* Where a piece of memmap physically lives. */
enum zdx_memmap_home {
	ZDX_HOME_UNKNOWN,         /* could not translate the vmemmap address */
	ZDX_HOME_RAM,             /* ordinary System RAM */
	ZDX_HOME_DEVICE,          /* inside a pgmap's range (altmap storage) */
};

/* One iomem resource (/proc/iomem line). */
struct zdx_res {
	uint64_t start, end;      /* bytes, inclusive */
	char name[40];
	long desc;                /* enum IORES_DESC_* value, -1 unknown */
};

#define ZDX_IOPATH_MAX 6

#include "zdx/cxl.h"

/* Where the device's data lies, as its driver laid the namespace out. */
enum zdx_ib_state {
	ZDX_IB_NONE,              /* not looked for: no namespace resource */
	ZDX_IB_READ,              /* info block read and its signature known */
	ZDX_IB_NOT_IN_DUMP,       /* the dump does not hold the namespace's first pages */
	ZDX_IB_NO_SIGNATURE,      /* read, but no pfn/dax info block there */
};

struct zdx_pgmap_info {
	struct zdx_pgmap pg;
	char owner[64];           /* iomem resource name covering the range, "" if none */
	uint64_t xa_entries;      /* pgmap_array index runs that point to it */
	uint64_t memmap_phys;     /* physical address of the struct page of pfn_first */
	enum zdx_memmap_home memmap_home;
	int memmap_pgmap;         /* index of the pgmap holding that memmap, -1 */
	int memmap_undecided;     /* home unknown: a pgmap's range or altmap is inconsistent */
	int memmap_readable;      /* the data pages' struct pages are in the dump */
	/* driver geometry (extension/crash_devgeom.c) */
	struct zdx_res iopath[ZDX_IOPATH_MAX];   /* iomem chain holding range 0's first byte */
	int niopath;
	int ns;                   /* index in iopath of the namespace resource, -1 */
	enum zdx_ib_state ib_state;
	struct zdx_infoblock ib;
	uint64_t ib_phys;         /* where the info block was read */
	uint64_t data_start;      /* first byte of the device's data, 0 unknown */
	struct zdx_res data_res;  /* iomem resource inside the namespace at data_start
				   * ("dax0.0"), name "" if none */
	struct zdx_cxl cxl;       /* the CXL owner chain (zdx/cxl.h; crash_cxl.c) */
};

/* One thing the model lacks: what (object kind), where, and why. */
#define ZDX_MAX_INCOMPLETE 32
struct zdx_incomplete {
	char what[24];            /* "mem_section root", "dev_pagemap", "zone"... */
	uint64_t addr;            /* the object's address, 0 when none */
	char why[200];            /* room for the longest: explain's log caps, dumpcheck's log */
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
	/* SPARSEMEM_EXTREME: the mem_section root array as read (NULL when it
	 * is not in the dump), nsection_roots entries, 0 for an absent root */
	uint64_t *section_roots;
	unsigned long nsection_roots;
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
	/* memory blocks (memoryN), by id; see zdx/memblock.h */
	struct zdx_memblock *mb;
	int nmb;
	unsigned long sections_per_block;   /* 0: blocks unknown; why: zdx_memblock_gap() */
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
/* The first entry whose what starts with kind (e.g. ZDX_INC_MEMBLOCK), NULL if none. */
const struct zdx_incomplete *zdx_incomplete_about(const struct zdx_incomplete_list *l, const char *kind);

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
	int pgmap_pfn_valid;            /* -1 unknown (the pgmap's altmap is inconsistent) */
	const struct zdx_zone *zone;    /* RAM zone, NULL */
	int mixed;                      /* section shared by RAM and device memory */
};

/* Owner of pfn in section s (NULL: no section); *pgmap set for DEVICE. */
enum zdx_owner zdx_model_owner(const struct zdx_model *m, const struct zdx_section *s,
			       uint64_t pfn, int *pgmap);
/* "ram", "device", "mixed" (RAM and device memory share it) or "hole". */
const char *zdx_model_section_owner(const struct zdx_model *m, const struct zdx_section *s);

void zdx_model_pfn_facts(const struct zdx_model *m, uint64_t pfn, struct zdx_pfn_facts *f);

/* What a device pfn is to its driver (the namespace layout the info block
 * describes), beside what the kernel's pgmap regions say. */
enum zdx_dev_part {
	ZDX_DEVPART_NONE,         /* not split: no info block known, or an altmap region */
	ZDX_DEVPART_INFOBLOCK,    /* the first 8 KiB of the namespace (nd_pfn_sb at 4 KiB) */
	ZDX_DEVPART_PADDING,      /* up to start_pad + dataoff */
	ZDX_DEVPART_DATA,         /* the device's data (what ndctl/daxctl call its size) */
};

/* One run of the owner map: pfns [start, end) with one owner description. */
struct zdx_run {
	uint64_t start, end;
	enum zdx_owner owner;
	int online, early;              /* RAM */
	int node, zone;                 /* RAM zone, -1 when no zone spans it */
	int pgmap;                      /* DEVICE: index into m->pgm */
	enum zdx_pgmap_region region;   /* DEVICE */
	int mixed;
	int mb, mb_count;               /* RAM: memory blocks m->mb[mb..mb+mb_count); count 0 none */
	int mb_vmemmap;                 /* the run is a block's own memmap (memmap_on_memory) */
	enum zdx_dev_part dev_part;     /* DEVICE: the driver's view (--map=mem info block) */
};

/* Build the owner map over [0, max_pfn) where max_pfn covers every section
 * and every sane pgmap range, capped at 2^(MAX_PHYSMEM_BITS - PAGE_SHIFT);
 * inconsistent ranges (zdx_pgmap_range_sane) are left out. *runs is malloc'ed; returns the count, or -1 on ENOMEM. */
long zdx_map_build(const struct zdx_model *m, struct zdx_run **runs);
/* A growing vector of runs, for the builders of the map and its views. */
struct zdx_runs {
	struct zdx_run *v;
	long n, cap;
};
/* Append x; 0, or -1 on ENOMEM (what was appended stays). */
int zdx_runs_append(struct zdx_runs *r, const struct zdx_run *x);
const char *zdx_owner_name(enum zdx_owner o);
/* pgmap ranges left out of every answer as inconsistent. */
int zdx_model_inconsistent_ranges(const struct zdx_model *m);

/* --- driver geometry in the model (extension/decode_devgeom.c) --- */
/* Part of pgmap pi holding pfn, NONE when pi has no info block read. */
enum zdx_dev_part zdx_pgmap_dev_part(const struct zdx_model *m, const struct zdx_pgmap_info *pi,
				     uint64_t pfn);
const char *zdx_dev_part_name(enum zdx_dev_part p);
/* The owner name for that part: the namespace for its info block and
 * padding, the data resource (dax0.0) or the pgmap's owner for its data. */
const char *zdx_dev_part_owner(const struct zdx_pgmap_info *pi, enum zdx_dev_part p);
/* Split device runs where the driver's parts change (like zdx_map_name_blocks). */
long zdx_map_split_devparts(const struct zdx_model *m, const struct zdx_run *runs, long n,
			    struct zdx_run **out);

/* --- memory blocks in the model (extension/decode_mbmap.c) --- */
/* Index into m->mb of the memory block holding pfn, -1 if none. */
int zdx_model_memblock_of(const struct zdx_model *m, uint64_t pfn);
/* Every incomplete entry about memory blocks has a what starting so. */
#define ZDX_INC_MEMBLOCK "memory_block"
/* Does this kernel keep memory blocks zdx can read (the memory_blocks
 * XArray of 5.8+, with the fields the model reads)? */
int zdx_memblocks_readable(const struct zdx_layout *l);
/* Why the model's memory blocks are missing or incomplete, NULL when they
 * were read whole: this kernel has none zdx can read (*listed 0), or the
 * first ZDX_INC_MEMBLOCK entry of the model's incomplete list (*listed 1:
 * the INCOMPLETE list already says it), or, when that list was cut without
 * one, that it is not known (*listed 0). */
const char *zdx_memblock_gap(const struct zdx_model *m, int *listed);
uint64_t zdx_memblock_start_pfn(const struct zdx_model *m, const struct zdx_memblock *mb);
uint64_t zdx_memblock_end_pfn(const struct zdx_model *m, const struct zdx_memblock *mb);
/* Is pfn inside the memmap its own block hosts (memmap_on_memory)? */
int zdx_memblock_hosts_memmap(const struct zdx_model *m, const struct zdx_memblock *mb,
			      uint64_t pfn);
/* Split the RAM runs of a map at memory-block edges and name them; adjacent
 * blocks in the same state fold back together.  *out is malloc'ed; returns
 * the count, -1 on ENOMEM. */
long zdx_map_name_blocks(const struct zdx_model *m, const struct zdx_run *runs, long n,
			 struct zdx_run **out);
/* Words for a run's block part: "memory8-11 (online)"; "" when it has none. */
const char *zdx_run_blocks_label(const struct zdx_model *m, const struct zdx_run *r, char *buf,
				 unsigned long n);
/* Owner of a RAM pfn as sysfs names it, "memory32 (offline)"; NULL none. */
const char *zdx_model_block_label(const struct zdx_model *m, uint64_t pfn, char *buf,
				  unsigned long n);
/* Its bare name, "memory32"; NULL none. */
const char *zdx_model_block_name(const struct zdx_model *m, uint64_t pfn, char *buf,
				 unsigned long n);
/* How the block is onlined, in the words of its sysfs state file:
 * "online_movable" (its zone is ZONE_MOVABLE), "online_kernel" (another
 * zone), or the state itself ("offline", "online" when the zone is unknown). */
const char *zdx_memblock_online_type(const struct zdx_model *m, const struct zdx_memblock *mb);
/* The zone the block is onlined to, NULL when unknown. */
const struct zdx_zone *zdx_memblock_zone(const struct zdx_model *m, const struct zdx_memblock *mb);
/* Index into m->mb of the block whose own memmap (memmap_on_memory) holds
 * pfn's page, i.e. pfn is one of that block's vmemmap pages; -1 none. */
int zdx_model_vmemmap_block(const struct zdx_model *m, uint64_t pfn);
/* "memory33: memmap_on_memory vmemmap pages (online_movable)"; NULL when
 * pfn is not a vmemmap page of a block. */
const char *zdx_model_vmemmap_label(const struct zdx_model *m, uint64_t pfn, char *buf,
				    unsigned long n);
/* The same label for block mb, whose vmemmap pages the caller found. */
const char *zdx_memblock_vmemmap_label(const struct zdx_model *m, const struct zdx_memblock *mb,
				       char *buf, unsigned long n);

#endif
