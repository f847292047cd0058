/*
 * Memory blocks (drivers/base/memory.c): the units /sys/devices/system/memory
 * shows as memoryN, read from the kernel's `memory_blocks` XArray (5.8+,
 * indexed by block id).  Pure decoding of struct memory_block bytes, the
 * sysfs-style names ("memory32 (offline)"), and the block of a pfn.
 */
#ifndef ZDX_MEMBLOCK_H
#define ZDX_MEMBLOCK_H

#include <stdint.h>
#include "zdx/layout.h"

/* The states of memory_block.state the sysfs state file names; the
 * kernel's own values for them are in zdx_layout.mb_state_val. */
enum zdx_mb_state {
	ZDX_MB_UNKNOWN,
	ZDX_MB_ONLINE,
	ZDX_MB_GOING_OFFLINE,
	ZDX_MB_OFFLINE,
};

struct zdx_memblock {
	uint64_t addr;            /* struct memory_block * */
	uint64_t id;              /* index in memory_blocks: the N of memoryN */
	char name[24];            /* dev.kobj.name as sysfs shows it; "" unreadable */
	uint64_t start_section_nr;
	uint64_t state_raw;
	enum zdx_mb_state state;
	int nid;                  /* -1 when the kernel lacks it */
	uint64_t zone;            /* struct zone * (the block's single zone), 0 none */
	int zone_idx;             /* index into the model's zones, -1 unknown */
	int zone_from_page;       /* zone_idx from the block's first struct page */
	uint64_t nr_vmemmap_pages;/* memmap_on_memory: memmap at the block's start */
	uint64_t altmap;          /* struct vmem_altmap * (6.6+), 0 none */
	uint64_t group;           /* struct memory_group *, 0 none */
	int group_dynamic;        /* -1 unknown */
	int group_nid;            /* -1 unknown */
};

/* Decode the bytes of one struct memory_block (sz_memory_block bytes). */
void zdx_memblock_decode(const struct zdx_layout *l, uint64_t addr, uint64_t id,
			 const unsigned char *raw, unsigned long len, struct zdx_memblock *mb);
/* Fill group_dynamic/group_nid from the bytes of its struct memory_group. */
void zdx_memblock_set_group(const struct zdx_layout *l, struct zdx_memblock *mb,
			    const unsigned char *group_raw, unsigned long group_len);
/* The sysfs word of a state: "online", "offline", "going-offline". */
const char *zdx_memblock_state_name(enum zdx_mb_state s);
/* "memory32" (the kobject name, or built from the id when unreadable). */
const char *zdx_memblock_name(const struct zdx_memblock *mb, char *buf, unsigned long n);
/* Like sysfs: "memory32 (offline)", or "memory8-11 (online)" for count > 1. */
const char *zdx_memblock_label(const struct zdx_memblock *first, int count, char *buf,
			       unsigned long n);
/* Sections per block from the blocks themselves (block id = section / spb),
 * for kernels whose sections_per_block is not readable; 0 if undecidable. */
unsigned long zdx_memblock_infer_spb(const struct zdx_memblock *mb, int n);

#endif
