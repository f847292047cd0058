/*
 * Lookups in the kernel's pgmap container: the pgmap_array XArray (4.20+)
 * holding multi-index entries, or the classic pgmap_radix tree (≤4.19).
 * crash's do_xarray() passes sibling entries up as if they were values,
 * so zdx walks the tree itself.  Pure: memory comes through a callback.
 */
#ifndef ZDX_XARRAY_H
#define ZDX_XARRAY_H

#include <stdint.h>
#include "zdx/field.h"         /* zdx_read_fn */
#include "zdx/layout.h"

enum zdx_xa_status {
	ZDX_XA_OK = 0,
	ZDX_XA_UNREADABLE = -1,   /* a node is not in the dump */
	ZDX_XA_CORRUPT = -2,      /* shared node (cycle/DAG), bad shift, forward sibling */
	ZDX_XA_BUDGET = -3,       /* more nodes than the kernel's pfn space can need */
};

/* Why a walk stopped, in words ("not in this dump", "corrupt: ..."). */
const char *zdx_xa_strerror(int rc);

/* Most nodes a walk reads before giving up with ZDX_XA_BUDGET: pgmap
 * entries cover whole sub-sections (memremap_pages()), so a tree over the
 * 2^MAX_PHYSMEM_BITS physical space needs at most one node per sub-section
 * plus their parents. */
uint64_t zdx_xa_node_budget(const struct zdx_layout *l);

/* Entry stored at index, 0 if none. On error *bad_addr names the node that
 * could not be read or looked corrupt. */
int zdx_xa_load(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, uint64_t xa,
		uint64_t index, uint64_t *entry, uint64_t *bad_addr);

/* Call fn once per maximal run of indices [first, last] mapping to the
 * same entry (multi-index entries and their siblings folded together).
 * Each node is read at most once (a shared node is corruption, never a
 * second visit), a child's shift must be its parent's minus
 * XA_CHUNK_SHIFT, and the walk stops after zdx_xa_node_budget() nodes. */
typedef void (*zdx_xa_visit_fn)(void *arg, uint64_t first, uint64_t last, uint64_t entry);
int zdx_xa_for_each(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, uint64_t xa,
		    zdx_xa_visit_fn fn, void *arg, uint64_t *bad_addr);

#endif
