/*
 * XArray walking for pgmap_array. Entry encoding (include/linux/xarray.h):
 * internal entries have low bits 10; an internal entry above 4096 is a node
 * pointer (+2); one below (XA_CHUNK_SIZE-1)<<2 | 2 is a sibling naming the
 * canonical slot of a multi-index entry in the same node; 0x402 is RETRY
 * and 0x406 ZERO.  Everything else non-NULL (and not a value entry, low
 * bit 1) is a pointer to the stored object.
 */
#include <string.h>
#include <stdlib.h>
#include "zdx/field.h"
#include "zdx/xarray.h"

#define XA_MAX_DEPTH 11            /* 64-bit index / 6 bits per level */

static int xa_is_internal(uint64_t e) { return (e & 3) == 2; }
static int xa_is_node(uint64_t e) { return xa_is_internal(e) && e > 4096; }
static uint64_t xa_to_node(uint64_t e) { return e - 2; }

static int xa_is_sibling(const struct zdx_layout *l, uint64_t e)
{
	uint64_t max = (((1ULL << l->xa_chunk_shift) - 1) << 2) | 2;

	return xa_is_internal(e) && e < max;
}

/* XA_RETRY_ENTRY and XA_ZERO_ENTRY: xa_mk_internal(256), (257). */
static int xa_is_retry_or_zero(uint64_t e) { return e == 0x402 || e == 0x406; }

static int xa_is_object(uint64_t e)
{
	return e && !(e & 1) && !xa_is_internal(e);
}

struct xa_node_buf {
	unsigned shift;
	uint64_t slots[64];
};

static int read_node(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, uint64_t node,
		     struct xa_node_buf *nb)
{
	unsigned char shift;
	unsigned nslots = 1U << l->xa_chunk_shift;

	if (nslots > 64)
		return ZDX_XA_CORRUPT;
	if (rd(ctx, zdx_field_addr(node, l->off_xa_node_shift), &shift, 1) ||
	    rd(ctx, zdx_field_addr(node, l->off_xa_node_slots), nb->slots, nslots * 8))
		return ZDX_XA_UNREADABLE;
	if (shift % l->xa_chunk_shift || shift >= 64)
		return ZDX_XA_CORRUPT;
	nb->shift = shift;
	return ZDX_XA_OK;
}

int zdx_xa_load(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, uint64_t xa,
		uint64_t index, uint64_t *entry, uint64_t *bad_addr)
{
	uint64_t e;
	int depth, rc;
	unsigned parent_shift = 0;
	struct xa_node_buf nb;

	*entry = 0;
	if (rd(ctx, zdx_field_addr(xa, l->off_xa_head), &e, 8)) {
		*bad_addr = xa;
		return ZDX_XA_UNREADABLE;
	}
	if (!xa_is_node(e)) {
		*entry = index == 0 && xa_is_object(e) ? e : 0;
		return ZDX_XA_OK;
	}
	for (depth = 0; depth < XA_MAX_DEPTH; depth++) {
		uint64_t node = xa_to_node(e);
		unsigned off;

		if ((rc = read_node(l, rd, ctx, node, &nb))) {
			*bad_addr = node;
			return rc;
		}
		if (depth > 0 && nb.shift + l->xa_chunk_shift != parent_shift) {
			*bad_addr = node;
			return ZDX_XA_CORRUPT;     /* each level is XA_CHUNK_SHIFT lower */
		}
		parent_shift = nb.shift;
		if (depth == 0 && nb.shift + l->xa_chunk_shift < 64 &&
		    index >> (nb.shift + l->xa_chunk_shift))
			return ZDX_XA_OK;          /* beyond the tree's reach */
		off = (index >> nb.shift) & ((1U << l->xa_chunk_shift) - 1);
		e = nb.slots[off];
		if (xa_is_sibling(l, e))
			e = nb.slots[e >> 2];
		if (!xa_is_node(e)) {
			*entry = xa_is_object(e) ? e : 0;
			return ZDX_XA_OK;
		}
		if (nb.shift == 0) {
			*bad_addr = node;
			return ZDX_XA_CORRUPT;     /* a node pointer below the leaves */
		}
	}
	*bad_addr = xa;
	return ZDX_XA_CORRUPT;
}

/* Node addresses already walked: open addressing, grown by doubling.  A
 * real xarray gives each node one parent, so a second sighting is a cycle
 * or a DAG written by corruption. */
struct seen {
	uint64_t *v;
	size_t cap, n;
};

static size_t seen_hash(uint64_t a, size_t cap)
{
	return (size_t)((a >> 3) * 0x9e3779b97f4a7c15ULL) & (cap - 1);
}

static int seen_put(struct seen *s, uint64_t a);

static int seen_grow(struct seen *s)
{
	struct seen t = { calloc(s->cap ? s->cap * 2 : 64, 8), s->cap ? s->cap * 2 : 64, 0 };
	size_t i;

	if (!t.v)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (s->v[i])
			seen_put(&t, s->v[i]);
	free(s->v);
	*s = t;
	return 0;
}

/* 1: a was new (now recorded), 0: seen before, -1: out of memory. */
static int seen_put(struct seen *s, uint64_t a)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap && seen_grow(s))
		return -1;
	for (i = seen_hash(a, s->cap); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == a)
			return 0;
	s->v[i] = a;
	s->n++;
	return 1;
}

uint64_t zdx_xa_node_budget(const struct zdx_layout *l)
{
	unsigned bits = l->max_physmem_bits > l->subsection_shift
			? l->max_physmem_bits - l->subsection_shift : 0;

	return bits < 40 ? 2ULL << bits : 1ULL << 41;
}

const char *zdx_xa_strerror(int rc)
{
	switch (rc) {
	case ZDX_XA_OK:         return "ok";
	case ZDX_XA_UNREADABLE: return "not in this dump";
	case ZDX_XA_CORRUPT:    return "corrupt (shared node, impossible shift or stray sibling)";
	case ZDX_XA_BUDGET:     return "beyond the node budget of this kernel's physical space";
	default:                return "unknown error";
	}
}

struct xa_walk {
	const struct zdx_layout *l;
	zdx_read_fn rd;
	void *ctx;
	zdx_xa_visit_fn fn;
	void *arg;
	uint64_t run_first, run_last, run_entry;   /* pending run, entry 0 = none */
	uint64_t *bad_addr;
	struct seen seen;
	uint64_t budget;                           /* nodes still allowed */
};

static void emit(struct xa_walk *w, uint64_t first, uint64_t last, uint64_t entry)
{
	if (w->run_entry == entry && w->run_last + 1 == first) {
		w->run_last = last;
		return;
	}
	if (w->run_entry)
		w->fn(w->arg, w->run_first, w->run_last, w->run_entry);
	w->run_first = first;
	w->run_last = last;
	w->run_entry = entry;
}

/* Read node once, within budget, at the shift its parent implies (want,
 * or any for the root: -1). */
static int enter_node(struct xa_walk *w, uint64_t node, int want, struct xa_node_buf *nb)
{
	int rc;

	*w->bad_addr = node;
	if (!w->budget--)
		return ZDX_XA_BUDGET;
	rc = seen_put(&w->seen, node);
	if (rc <= 0)
		return rc < 0 ? ZDX_XA_BUDGET : ZDX_XA_CORRUPT;
	if ((rc = read_node(w->l, w->rd, w->ctx, node, nb)))
		return rc;
	if (want >= 0 && nb->shift != (unsigned)want)
		return ZDX_XA_CORRUPT;
	return ZDX_XA_OK;
}

/* A slot's entry, a sibling resolved to its canonical slot.  A sibling
 * names an earlier slot of its own node; one naming itself or a later slot
 * is corrupt, and so is any other internal entry below the node pointers
 * but a retry or zero entry (a "sibling" naming a slot beyond the node).  A
 * canonical slot not holding an object (a store or erase caught half-done
 * by the crash) leaves the sibling empty. */
static int slot_entry(const struct xa_walk *w, const struct xa_node_buf *nb, unsigned off,
		      uint64_t *e)
{
	*e = nb->slots[off];
	if (xa_is_internal(*e) && !xa_is_node(*e) && !xa_is_sibling(w->l, *e) && !xa_is_retry_or_zero(*e))
		return ZDX_XA_CORRUPT;
	if (!xa_is_sibling(w->l, *e))
		return ZDX_XA_OK;
	if ((*e >> 2) >= off)
		return ZDX_XA_CORRUPT;
	*e = xa_is_object(nb->slots[*e >> 2]) ? nb->slots[*e >> 2] : 0;
	return ZDX_XA_OK;
}

static int walk_node(struct xa_walk *w, uint64_t node, uint64_t base, int want)
{
	struct xa_node_buf nb;
	unsigned off, nslots = 1U << w->l->xa_chunk_shift;
	int rc;

	if ((rc = enter_node(w, node, want, &nb)))
		return rc;
	for (off = 0; off < nslots; off++) {
		uint64_t e, first = base + ((uint64_t)off << nb.shift);
		uint64_t last = first + (1ULL << nb.shift) - 1;

		if ((rc = slot_entry(w, &nb, off, &e))) {
			*w->bad_addr = node;
			return rc;
		}
		if (xa_is_node(e) && nb.shift > 0) {
			if ((rc = walk_node(w, xa_to_node(e), first,
					    (int)nb.shift - w->l->xa_chunk_shift)))
				return rc;
		} else if (xa_is_object(e)) {
			emit(w, first, last, e);
		}
	}
	return ZDX_XA_OK;
}

int zdx_xa_for_each(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, uint64_t xa,
		    zdx_xa_visit_fn fn, void *arg, uint64_t *bad_addr)
{
	struct xa_walk w = { l, rd, ctx, fn, arg, 0, 0, 0, bad_addr, { NULL, 0, 0 },
			     zdx_xa_node_budget(l) };
	uint64_t head;
	int rc = ZDX_XA_OK;

	if (rd(ctx, zdx_field_addr(xa, l->off_xa_head), &head, 8)) {
		*bad_addr = xa;
		return ZDX_XA_UNREADABLE;
	}
	if (xa_is_node(head))
		rc = walk_node(&w, xa_to_node(head), 0, -1);
	else if (xa_is_object(head))
		emit(&w, 0, 0, head);
	if (w.run_entry)
		fn(arg, w.run_first, w.run_last, w.run_entry);
	free(w.seen.v);
	return rc;
}
