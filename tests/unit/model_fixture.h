/*
 * Hand-built model pieces for unit tests: sections with a given flag word
 * and sub-section map, and fsdax/devdax pgmaps over a byte range.
 */
#ifndef ZDX_MODEL_FIXTURE_H
#define ZDX_MODEL_FIXTURE_H
#include <string.h>
#include "zdx/model.h"

static inline void fixture_section(struct zdx_section *s, const struct zdx_layout *l,
				   unsigned long nr, unsigned long flags, uint64_t submap)
{
	memset(s, 0, sizeof(*s));
	s->nr = nr;
	s->flags = flags;
	s->map_base = l->vmemmap_base;
	s->coded = s->map_base | flags;
	s->usage = 0xffff888000001000ULL + nr;
	s->usage_state = ZDX_USAGE_OK;
	s->subsection_map[0] = submap;
}

/* A pgmap over [start, end] (bytes); with_altmap gives it the geometry of
 * an nvdimm --map=dev namespace (reserve 2, free 0x9f0). */
static inline void fixture_pgmap(struct zdx_pgmap_info *pi, uint64_t start, uint64_t end,
				 const char *type_name, int with_altmap)
{
	memset(pi, 0, sizeof(*pi));
	pi->pg.nr_range = 1;
	pi->pg.range[0].start = start;
	pi->pg.range[0].end = end;
	pi->pg.type_name = type_name;
	if (with_altmap)
		pi->pg.altmap = (struct zdx_altmap){
			.valid = 1, .base_pfn = start >> 12, .end_pfn = end >> 12, .reserve = 2,
			.free = 0x9f0, .align = 0x1fe, .alloc = 0x800, .has_end_pfn = 1,
		};
}
#endif
