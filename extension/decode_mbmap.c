/*
 * Memory blocks in the owner map: which block (memoryN) holds a pfn, the
 * RAM runs of `zdx map` split at block edges and named as sysfs names them,
 * and the block-hosted memmap of memmap_on_memory (the first
 * nr_vmemmap_pages of the block hold the struct pages of the rest, through
 * an altmap: mm/memory_hotplug.c, a08a2ae34613).  Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zdx/model.h"

uint64_t zdx_memblock_start_pfn(const struct zdx_model *m, const struct zdx_memblock *mb)
{
	return zdx_section_nr_to_pfn(m->l, mb->start_section_nr);
}

uint64_t zdx_memblock_end_pfn(const struct zdx_model *m, const struct zdx_memblock *mb)
{
	return zdx_section_nr_to_pfn(m->l, mb->start_section_nr + m->sections_per_block);
}

int zdx_memblocks_readable(const struct zdx_layout *l)
{
	return l->memory_blocks_xa && l->off_mb_start_section_nr >= 0 && l->off_mb_state >= 0 &&
	       l->off_xa_node_slots >= 0;
}

const char *zdx_memblock_gap(const struct zdx_model *m, int *listed)
{
	const struct zdx_incomplete *e;

	*listed = 0;
	if (!zdx_memblocks_readable(m->l))
		return "this kernel has no memory_blocks XArray (before 5.8, or no "
		       "CONFIG_MEMORY_HOTPLUG): memory blocks not shown";
	e = zdx_incomplete_about(&m->inc, ZDX_INC_MEMBLOCK);
	*listed = e != NULL;
	if (e)
		return e->why;
	/* a cut list may have dropped the memory blocks' own entry */
	return m->inc.more ? "the incomplete list was cut before the memory blocks were read: "
			     "whether every block was read is not known" : NULL;
}

int zdx_model_memblock_of(const struct zdx_model *m, uint64_t pfn)
{
	unsigned long nr = zdx_pfn_to_section_nr(m->l, pfn);
	int lo = 0, hi = m->nmb - 1;

	if (!m->sections_per_block)
		return -1;
	while (lo <= hi) {                  /* m->mb is sorted by id, so by section */
		int mid = lo + (hi - lo) / 2;
		const struct zdx_memblock *b = &m->mb[mid];

		if (nr < b->start_section_nr)
			hi = mid - 1;
		else if (nr >= b->start_section_nr + m->sections_per_block)
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

int zdx_memblock_hosts_memmap(const struct zdx_model *m, const struct zdx_memblock *mb,
			      uint64_t pfn)
{
	uint64_t s = zdx_memblock_start_pfn(m, mb);

	return mb->nr_vmemmap_pages && pfn >= s && pfn < s + mb->nr_vmemmap_pages;
}


static int same_run(const struct zdx_run *a, const struct zdx_run *b)
{
	return a->owner == b->owner && a->online == b->online && a->early == b->early &&
	       a->node == b->node && a->zone == b->zone && a->pgmap == b->pgmap &&
	       a->region == b->region && a->mixed == b->mixed;
}

/* Append x, folding it into the previous run when nothing but the block
 * number changes (the next block, same state, neither hosting a memmap). */
static int emit(const struct zdx_model *m, struct zdx_runs *o, const struct zdx_run *x)
{
	struct zdx_run *p = o->n ? &o->v[o->n - 1] : NULL;

	if (p && p->end == x->start && same_run(p, x) && !p->mb_vmemmap && !x->mb_vmemmap &&
	    ((!p->mb_count && !x->mb_count) ||
	     (p->mb_count && x->mb_count && p->mb + p->mb_count == x->mb &&
	      m->mb[p->mb].state == m->mb[x->mb].state &&
	      m->mb[x->mb].id == m->mb[p->mb].id + p->mb_count))) {
		p->end = x->end;
		p->mb_count += x->mb_count && p->mb_count ? x->mb_count : 0;
		return 0;
	}
	return zdx_runs_append(o, x);
}

/* The piece of RAM run r from pfn on: up to the next block edge (or the
 * end of the block's own memmap). */
static void next_piece(const struct zdx_model *m, const struct zdx_run *r, uint64_t pfn,
		       struct zdx_run *x)
{
	int b = zdx_model_memblock_of(m, pfn), i;
	uint64_t end = r->end;

	*x = *r;
	x->start = pfn;
	x->mb = x->mb_count = x->mb_vmemmap = 0;
	if (b < 0) {
		for (i = 0; i < m->nmb; i++) {     /* next block that starts inside r */
			uint64_t s = zdx_memblock_start_pfn(m, &m->mb[i]);

			if (s > pfn && s < end)
				end = s;
		}
	} else {
		const struct zdx_memblock *mb = &m->mb[b];
		uint64_t e = zdx_memblock_end_pfn(m, mb), v = zdx_memblock_start_pfn(m, mb) +
							    mb->nr_vmemmap_pages;

		x->mb = b;
		x->mb_count = 1;
		x->mb_vmemmap = zdx_memblock_hosts_memmap(m, mb, pfn);
		if (e < end)
			end = e;
		if (x->mb_vmemmap && v < end)
			end = v;
	}
	x->end = end;
}

long zdx_map_name_blocks(const struct zdx_model *m, const struct zdx_run *runs, long n,
			 struct zdx_run **res)
{
	struct zdx_runs o = { 0 };
	long i;

	for (i = 0; i < n; i++) {
		const struct zdx_run *r = &runs[i];
		struct zdx_run x;
		uint64_t pfn;

		if (r->owner != ZDX_OWN_RAM || !m->nmb) {
			x = *r;
			x.mb = x.mb_count = x.mb_vmemmap = 0;
			if (emit(m, &o, &x))
				goto fail;
			continue;
		}
		for (pfn = r->start; pfn < r->end; pfn = x.end) {
			next_piece(m, r, pfn, &x);
			if (emit(m, &o, &x))
				goto fail;
		}
	}
	*res = o.v;
	return o.n;
fail:
	free(o.v);
	return -1;
}

const char *zdx_run_blocks_label(const struct zdx_model *m, const struct zdx_run *r, char *buf,
				 unsigned long n)
{
	buf[0] = 0;
	if (r->mb_count)
		zdx_memblock_label(&m->mb[r->mb], r->mb_count, buf, n);
	return buf;
}

const char *zdx_model_block_label(const struct zdx_model *m, uint64_t pfn, char *buf,
				  unsigned long n)
{
	int b = zdx_model_memblock_of(m, pfn);

	return b < 0 ? NULL : zdx_memblock_label(&m->mb[b], 1, buf, n);
}

const char *zdx_model_block_name(const struct zdx_model *m, uint64_t pfn, char *buf,
				 unsigned long n)
{
	int b = zdx_model_memblock_of(m, pfn);

	return b < 0 ? NULL : zdx_memblock_name(&m->mb[b], buf, n);
}

const struct zdx_zone *zdx_memblock_zone(const struct zdx_model *m, const struct zdx_memblock *mb)
{
	return mb->zone_idx >= 0 && mb->zone_idx < m->nzones ? &m->zones[mb->zone_idx] : NULL;
}

const char *zdx_memblock_online_type(const struct zdx_model *m, const struct zdx_memblock *mb)
{
	const struct zdx_zone *z = zdx_memblock_zone(m, mb);

	if (mb->state != ZDX_MB_ONLINE || !z)
		return zdx_memblock_state_name(mb->state);
	return z->zone == m->l->zone_movable ? "online_movable" : "online_kernel";
}

int zdx_model_vmemmap_block(const struct zdx_model *m, uint64_t pfn)
{
	int b = zdx_model_memblock_of(m, pfn);

	return b >= 0 && zdx_memblock_hosts_memmap(m, &m->mb[b], pfn) ? b : -1;
}

const char *zdx_memblock_vmemmap_label(const struct zdx_model *m, const struct zdx_memblock *mb,
				       char *buf, unsigned long n)
{
	char name[32];

	snprintf(buf, n, "%s: memmap_on_memory vmemmap pages (%s)",
		 zdx_memblock_name(mb, name, sizeof(name)), zdx_memblock_online_type(m, mb));
	return buf;
}

const char *zdx_model_vmemmap_label(const struct zdx_model *m, uint64_t pfn, char *buf,
				    unsigned long n)
{
	int b = zdx_model_vmemmap_block(m, pfn);

	return b < 0 ? NULL : zdx_memblock_vmemmap_label(m, &m->mb[b], buf, n);
}
