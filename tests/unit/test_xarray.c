/* pgmap_array lookups: multi-index entries with sibling slots, as
 * xa_store_range() leaves them, and damaged trees. */
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "fake_mem.h"
#include "layout_fixture.h"
#include "zdx/xarray.h"

#define XA    0xffffffff82000000ULL
#define ROOT  0xffff888004000000ULL
#define LEAF  0xffff888004001000ULL
#define PGMAP 0xffff888010000000ULL

struct node { unsigned char shift, offset, count, nr_values; uint32_t pad;
	      uint64_t parent, array, l1, l2; uint64_t slots[64]; uint64_t marks[3]; };

struct visit { uint64_t first[8], last[8], entry[8]; int n; };

static void collect(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	struct visit *v = arg;

	if (v->n < 8) {
		v->first[v->n] = first;
		v->last[v->n] = last;
		v->entry[v->n++] = entry;
	}
}


/* Hostile trees (issue 10): every walk ends, each node read at most once. */
static struct node chain[11];

static void chain_mem(struct fake_mem *m, uint64_t *xa)
{
	int i;

	m->n = 0;
	fake_add(m, XA, xa, 16);
	for (i = 0; i < 11; i++)
		fake_add(m, ROOT + i * 0x1000ULL, &chain[i], sizeof(chain[i]));
	m->reads = 0;
}

static void hostile_trees(const struct zdx_layout *l)
{
	struct fake_mem m = { .n = 0 };
	uint64_t xa[2] = { 0, ROOT | 2 }, bad = 0, e;
	struct visit v = { .n = 0 };
	int i, s, rc;

	/* A DAG: 11 nodes, each slot of node i points at node i+1 (64^10
	 * paths).  Shifts are right, so only the visited check stops it. */
	for (i = 0; i < 11; i++) {
		memset(&chain[i], 0, sizeof(chain[i]));
		chain[i].shift = (unsigned char)(60 - 6 * i);
		for (s = 0; s < 64; s++)
			chain[i].slots[s] = i < 10 ? (ROOT + (i + 1) * 0x1000ULL) | 2 : PGMAP;
	}
	chain_mem(&m, xa);
	rc = zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad);
	ok(rc == ZDX_XA_CORRUPT, "DAG of 11 nodes: corrupt (rc %d)", rc);
	ok(m.reads < 100, "DAG of 11 nodes: %d reads, not 64^10", m.reads);
	is_u64(bad, ROOT + 10 * 0x1000ULL, "DAG: the first node reached twice (the deepest) is named");

	/* A cycle: the root's child is the root. */
	chain[0].shift = 6;
	chain[0].slots[0] = ROOT | 2;
	chain_mem(&m, xa);
	rc = zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad);
	ok(rc == ZDX_XA_CORRUPT && m.reads < 10, "self-cycle: corrupt after %d reads", m.reads);

	/* A child whose shift is not the parent's minus XA_CHUNK_SHIFT. */
	for (s = 0; s < 64; s++)
		chain[0].slots[s] = 0;
	chain[0].shift = 18;
	chain[0].slots[1] = (ROOT + 0x1000) | 2;
	chain[1].shift = 6;            /* should be 12 */
	for (s = 0; s < 64; s++)
		chain[1].slots[s] = PGMAP;
	chain_mem(&m, xa);
	ok(zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad) == ZDX_XA_CORRUPT &&
	   bad == ROOT + 0x1000, "child shift 6 under shift 18: corrupt, node named");
	ok(zdx_xa_load(l, fake_read, &m, XA, 1 << 18, &e, &bad) == ZDX_XA_CORRUPT,
	   "lookup through a child with the wrong shift: corrupt");

	/* A sibling naming a later slot (or itself): not a multi-index entry. */
	chain[1].shift = 12;
	chain[1].slots[3] = (5 << 2) | 2;
	chain_mem(&m, xa);
	ok(zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad) == ZDX_XA_CORRUPT,
	   "sibling pointing forward: corrupt");
	chain[1].slots[3] = (3 << 2) | 2;
	ok(zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad) == ZDX_XA_CORRUPT,
	   "sibling pointing at itself: corrupt");
	/* tests/damaged xa-sibling-out: a sibling naming slot 100 of a
	 * 64-slot node is no sibling, node, retry or zero entry; the walk
	 * took it for an empty slot and dropped its range in silence. */
	chain[1].slots[3] = (100 << 2) | 2;
	ok(zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad) == ZDX_XA_CORRUPT,
	   "sibling naming a slot outside its node: corrupt");
	chain[1].slots[3] = 0x402;            /* XA_RETRY_ENTRY, xa_mk_internal(256) */
	ok(zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad) == ZDX_XA_OK,
	   "a retry entry is no corruption");
	/* A sibling whose canonical slot was already cleared (an erase caught
	 * half-done): empty, the walk goes on. */
	chain[1].slots[2] = 0;
	chain[1].slots[3] = (2 << 2) | 2;
	v.n = 0;
	ok(zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad) == ZDX_XA_OK,
	   "sibling of a cleared slot: empty, not corrupt");

	/* The node budget, derived from MAX_PHYSMEM_BITS: a tiny physical
	 * space allows fewer nodes than this valid two-level tree has. */
	chain[1].slots[3] = PGMAP;
	chain[1].slots[0] = (ROOT + 0x2000) | 2;
	memset(&chain[2], 0, sizeof(chain[2]));
	chain[2].shift = 6;
	chain[2].slots[0] = PGMAP;
	chain_mem(&m, xa);
	ok(zdx_xa_for_each(l, fake_read, &m, XA, collect, &v, &bad) == ZDX_XA_OK,
	   "valid three-level tree walks");
	{
		struct zdx_layout small = *l;

		small.max_physmem_bits = small.subsection_shift;
		is_u64(zdx_xa_node_budget(&small), 2, "budget of a one-sub-section space: 2 nodes");
		chain_mem(&m, xa);
		rc = zdx_xa_for_each(&small, fake_read, &m, XA, collect, &v, &bad);
		ok(rc == ZDX_XA_BUDGET, "over budget: distinct error (rc %d: %s)", rc,
		   zdx_xa_strerror(rc));
	}
	is_u64(zdx_xa_node_budget(l), 2ULL << (46 - 21), "budget at MAX_PHYSMEM_BITS 46");
}

int main(void)
{
	struct zdx_layout l;
	struct fake_mem mem = { .n = 0 };
	uint64_t xa[2] = { 0, ROOT | 2 }, e = 0, bad = 0;
	static struct node root, leaf;
	struct visit v = { .n = 0 };
	int i;

	fixture_layout_61(&l);
	/* pfns 0x60000-0x7ffff → a shift-18 root, slot 1 → a shift-12 node
	 * whose slots 0x20..0x3f hold one multi-index entry. */
	root.shift = 18;
	root.slots[1] = LEAF | 2;
	leaf.shift = 12;
	leaf.slots[0x20] = PGMAP;
	for (i = 0x21; i < 0x40; i++)
		leaf.slots[i] = (0x20 << 2) | 2;      /* sibling of slot 0x20 */
	fake_add(&mem, XA, xa, sizeof(xa));
	fake_add(&mem, ROOT, &root, sizeof(root));
	fake_add(&mem, LEAF, &leaf, sizeof(leaf));

	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0x60000, &e, &bad) == 0 && e == PGMAP,
	   "first pfn finds the pgmap");
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0x7ffff, &e, &bad) == 0 && e == PGMAP,
	   "last pfn resolves through a sibling slot");
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0x5ffff, &e, &bad) == 0 && e == 0,
	   "pfn below the range: no entry");
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0x1000000, &e, &bad) == 0 && e == 0,
	   "index beyond the tree's reach: no entry");

	ok(zdx_xa_for_each(&l, fake_read, &mem, XA, collect, &v, &bad) == 0, "walk succeeds");
	ok(v.n == 1, "siblings fold into one run (got %d)", v.n);
	is_u64(v.first[0], 0x60000, "run starts at the range start");
	is_u64(v.last[0], 0x7ffff, "run ends at the range end");
	is_u64(v.entry[0], PGMAP, "run entry is the pgmap");

	/* A leaf missing from the dump: reported with its address. */
	mem.n = 2;
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0x60000, &e, &bad) == ZDX_XA_UNREADABLE && bad == LEAF,
	   "unreadable node reported");
	/* A node pointer at shift 0 that claims children: corrupt, and no loop. */
	fake_add(&mem, LEAF, &leaf, sizeof(leaf));
	leaf.shift = 0;
	leaf.slots[0x20] = LEAF | 2;
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0x60000 >> 6 << 6 | 0x20, &e, &bad) != ZDX_XA_UNREADABLE,
	   "self-referencing leaf does not hang");
	leaf.shift = 7;     /* not a multiple of the chunk shift */
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0x60000, &e, &bad) == ZDX_XA_CORRUPT,
	   "impossible shift rejected as corrupt");

	hostile_trees(&l);

	/* A single entry at index 0 stored in the head. */
	xa[1] = PGMAP;
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 0, &e, &bad) == 0 && e == PGMAP, "head entry at 0");
	ok(zdx_xa_load(&l, fake_read, &mem, XA, 1, &e, &bad) == 0 && e == 0, "head entry only at 0");
	return tap_done();
}
