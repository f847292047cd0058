/*
 * Sections and sub-sections: pure decoding of struct mem_section and
 * struct mem_section_usage bytes (no crash I/O).
 */
#ifndef ZDX_SECTION_H
#define ZDX_SECTION_H

#include <stdint.h>
#include "zdx/layout.h"
#include "zdx/field.h"

#define ZDX_SUBSECTION_WORDS 8    /* up to 512 sub-sections (arm64 ≤5.11) */

enum zdx_usage_state {
	ZDX_USAGE_NONE,           /* kernel has no usage (pre-5.3) or ms->usage NULL */
	ZDX_USAGE_OK,             /* subsection map read from the dump */
	ZDX_USAGE_MISSING,        /* ms->usage set but its page is not in the dump */
};

struct zdx_section {
	unsigned long nr;
	uint64_t coded;           /* raw section_mem_map */
	unsigned long flags;      /* coded & section_map_mask */
	uint64_t map_base;        /* coded & ~mask: page of pfn p = map_base + p*sz_page */
	uint64_t usage;           /* struct mem_section_usage * */
	enum zdx_usage_state usage_state;
	uint64_t subsection_map[ZDX_SUBSECTION_WORDS];
};

/* Decode one struct mem_section from its bytes. */
void zdx_section_decode(const struct zdx_layout *l, unsigned long nr,
			const unsigned char *raw, struct zdx_section *s);

/* Bytes of struct mem_section_usage to read to hold its subsection_map;
 * 0 when the kernel has none. */
static inline unsigned long zdx_section_usage_len(const struct zdx_layout *l)
{
	return zdx_field_end(l->off_usage_subsection_map, l->sz_usage_subsection_map);
}

/* Fill the sub-section map from the len bytes of a struct
 * mem_section_usage read from the dump (zdx_section_usage_len() of them);
 * a map the layout lacks or that lies beyond len leaves the section
 * ZDX_USAGE_MISSING (unknown). */
void zdx_section_set_usage(const struct zdx_layout *l, struct zdx_section *s,
			   const unsigned char *usage_raw, unsigned long len);

static inline uint64_t zdx_section_mask(const struct zdx_layout *l)
{
	return l->section_map_last_bit < 64 ? (1ULL << l->section_map_last_bit) - 1 : ~0ULL;
}

int zdx_present_section(const struct zdx_layout *l, const struct zdx_section *s);
int zdx_valid_section(const struct zdx_layout *l, const struct zdx_section *s);
/* 0 when a memmap-bearing section word cannot be one this kernel wrote:
 * with SPARSEMEM_VMEMMAP, sparse_encode_mem_map() stores vmemmap itself in
 * every section (mem_map - section_nr_to_pfn(nr)).  1 when consistent or
 * when the layout cannot tell (no vmemmap_base, no SPARSEMEM_VMEMMAP). */
int zdx_section_memmap_consistent(const struct zdx_layout *l, const struct zdx_section *s);
int zdx_online_section(const struct zdx_layout *l, const struct zdx_section *s);
int zdx_early_section(const struct zdx_layout *l, const struct zdx_section *s);
int zdx_section_tainted(const struct zdx_layout *l, const struct zdx_section *s);

/* Sub-section idx of a pfn inside its section. */
unsigned zdx_subsection_idx(const struct zdx_layout *l, uint64_t pfn);
/* Is sub-section idx populated (bit set in subsection_map)? Sections without
 * a usage map (pre-5.3 kernels) count as fully populated. */
int zdx_subsection_populated(const struct zdx_layout *l, const struct zdx_section *s,
			     unsigned idx);
unsigned zdx_subsection_count(const struct zdx_layout *l, const struct zdx_section *s);
/* '#' per populated sub-section, '.' per empty one, '?' when the map is
 * missing from the dump; writes subsections_per_section chars + NUL,
 * compressed to at most width chars (each char then covers several). */
void zdx_subsection_strip(const struct zdx_layout *l, const struct zdx_section *s,
			  char *buf, unsigned width);

/* Address of the struct page of pfn (only meaningful when has_memmap). */
uint64_t zdx_section_page_addr(const struct zdx_layout *l, const struct zdx_section *s,
			       uint64_t pfn);

/* One column per section flag role this kernel defines, in the order
 * present, memmap, online, early, ZONE_DEVICE taint: the role's letter
 * when set (P, M, O, E, D: the letters crash_layout.c assigns), '-' when
 * clear; a role the kernel lacks gets no column.  On 6.1 boot RAM shows
 * "PMOE-" and a pmem-only section "PM---" (docs/cmd-sections.md). */
void zdx_section_flag_letters(const struct zdx_layout *l, unsigned long flags, char *buf);
/* Human list "present,memmap,online,early" into buf (size n). Unknown set
 * bits are shown as bitN. */
void zdx_section_flag_names(const struct zdx_layout *l, unsigned long flags, char *buf,
			    unsigned n);

/* pfn_valid() as this kernel implements it (5.3+: early || subsection bit):
 * 1 valid, 0 not, -1 unknown (the usage map is not in the dump). */
int zdx_pfn_valid(const struct zdx_layout *l, const struct zdx_section *s, uint64_t pfn);

#endif
