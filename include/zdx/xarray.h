/*
 * Lookups in the kernel's pgmap container: the pgmap_array XArray (4.20+)
 * holding multi-index entries, or the classic pgmap_radix tree (≤4.19).
 * crash's do_xarray() passes sibling entries up as if they were values,
 * so zdx walks the tree itself.  Pure: memory comes through a callback.
 */
#ifndef ZDX_XARRAY_H
#define ZDX_XARRAY_H

#include <stdint.h>
#include "zdx/layout.h"

/* Read len bytes at kernel virtual address addr; 0 on success. */
typedef int (*zdx_read_fn)(void *ctx, uint64_t addr, void *buf, unsigned long len);

enum zdx_xa_status { ZDX_XA_OK = 0, ZDX_XA_UNREADABLE = -1, ZDX_XA_CORRUPT = -2 };

/* Entry stored at index, 0 if none. On error *bad_addr names the node that
 * could not be read or looked corrupt. */
int zdx_xa_load(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, uint64_t xa,
		uint64_t index, uint64_t *entry, uint64_t *bad_addr);

/* Call fn once per maximal run of indices [first, last] mapping to the same
 * entry (multi-index entries and their siblings folded together). */
typedef void (*zdx_xa_visit_fn)(void *arg, uint64_t first, uint64_t last, uint64_t entry);
int zdx_xa_for_each(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, uint64_t xa,
		    zdx_xa_visit_fn fn, void *arg, uint64_t *bad_addr);

#endif
