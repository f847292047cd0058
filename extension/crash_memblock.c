/*
 * Read the memory blocks of the dump (/sys/devices/system/memory/memoryN)
 * into the model: the memory_blocks XArray (drivers/base/memory.c, 5.8+)
 * walked with zdx's own XArray walker, each struct memory_block decoded,
 * its kobject name read, its zone pointer matched with the model's zones,
 * its memory group and (6.6+) its altmap read.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/xarray.h"

#define MB_MAX 65536        /* 8 TiB of 128 MiB blocks; a corrupt tree stops here */

struct mb_collect {
	uint64_t *addr, *id;
	int n, cap;
	uint64_t dropped;   /* entries beyond MB_MAX or the memory: counted */
};

static void collect(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	struct mb_collect *c = arg;
	uint64_t i;

	for (i = first; i <= last && i >= first; i++) {   /* one entry per index */
		if (c->n >= MB_MAX) {    /* a corrupt tree stops here, and says so */
			c->dropped += last - i + 1;
			return;
		}
		if (c->n == c->cap) {
			int cap = c->cap ? c->cap * 2 : 64;
			uint64_t *a = realloc(c->addr, cap * sizeof(*a));
			uint64_t *d = a ? realloc(c->id, cap * sizeof(*d)) : NULL;

			if (a)
				c->addr = a;
			if (!d) {
				c->dropped += last - i + 1;
				return;
			}
			c->id = d;
			c->cap = cap;
		}
		c->addr[c->n] = entry;
		c->id[c->n++] = i;
	}
}

static unsigned long read_spb(const struct zdx_layout *l)
{
	uint64_t v = 0;

	if (!l->sym_sections_per_block || l->sz_sections_per_block <= 0 ||
	    l->sz_sections_per_block > 8 || zdx_kread(l->sym_sections_per_block, &v,
						       l->sz_sections_per_block))
		return 0;
	return (unsigned long)v;
}

static void read_extras(struct zdx_model *m, struct zdx_memblock *mb)
{
	const struct zdx_layout *l = m->l;
	unsigned char g[256];
	uint64_t name = 0, v;
	int z;

	if (!zdx_kread_field(mb->addr, l->off_mb_name, 8, &name) && name)
		zdx_kread_str(name, mb->name, sizeof(mb->name));
	for (z = 0; mb->zone && z < m->nzones; z++)
		if (m->zones[z].addr == mb->zone)
			mb->zone_idx = z;
	if (mb->group && l->sz_memory_group > 0 && l->sz_memory_group <= (long)sizeof(g) &&
	    !zdx_kread(mb->group, g, l->sz_memory_group))
		zdx_memblock_set_group(l, mb, g, (unsigned long)l->sz_memory_group);
	/* 6.6+: the block keeps its altmap; its free pages are the memmap. */
	if (!zdx_kread_field(mb->altmap, l->off_altmap_free, 8, &v))
		mb->nr_vmemmap_pages = v;
}

static int read_blocks(struct zdx_model *m, const struct mb_collect *c)
{
	const struct zdx_layout *l = m->l;
	unsigned char *buf = malloc(l->sz_memory_block);
	int i, bad = 0;

	m->mb = calloc(c->n ? c->n : 1, sizeof(*m->mb));
	if (!buf || !m->mb) {
		free(buf);
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		struct zdx_memblock *mb = &m->mb[m->nmb];

		if (zdx_kread(c->addr[i], buf, l->sz_memory_block)) {
			bad++;
			continue;
		}
		zdx_memblock_decode(l, c->addr[i], c->id[i], buf, (unsigned long)l->sz_memory_block, mb);
		read_extras(m, mb);
		m->nmb++;
	}
	free(buf);
	return bad;
}

/* Every gap goes to the model's incomplete list, under a what starting
 * ZDX_INC_MEMBLOCK: map and pfn say why blocks are missing from it
 * (zdx_memblock_gap()). */
void zdx_model_read_memblocks(struct zdx_model *m)
{
	const struct zdx_layout *l = m->l;
	struct mb_collect c = { 0 };
	uint64_t bad_node = 0;
	int rc, bad;

	if (!zdx_memblocks_readable(l))
		return;
	rc = zdx_xa_for_each(l, zdx_kread_cb, NULL, l->memory_blocks_xa, collect, &c, &bad_node);
	if (rc)
		zdx_incomplete_add(&m->inc, ZDX_INC_MEMBLOCK "s node", bad_node, "the memory_blocks XArray "
				   "walk stopped, a node %s: the memory block list is incomplete",
				   zdx_xa_strerror(rc));
	if (c.dropped)
		zdx_incomplete_add(&m->inc, ZDX_INC_MEMBLOCK "s", l->memory_blocks_xa, "%llu memory_blocks "
				   "entries beyond the first %d (or the memory) not kept: those blocks are not named",
				   (unsigned long long)c.dropped, MB_MAX);
	bad = read_blocks(m, &c);
	if (bad < 0)
		zdx_incomplete_add(&m->inc, ZDX_INC_MEMBLOCK, 0, "out of memory: no memory block read");
	if (bad > 0)
		zdx_incomplete_add(&m->inc, ZDX_INC_MEMBLOCK, 0, "%d struct memory_block not in this "
				   "dump: those blocks are not named", bad);
	m->sections_per_block = read_spb(l);
	if (!m->sections_per_block)
		m->sections_per_block = zdx_memblock_infer_spb(m->mb, m->nmb);
	if (!m->sections_per_block && m->nmb)
		zdx_incomplete_add(&m->inc, ZDX_INC_MEMBLOCK " size", l->sym_sections_per_block,
				   "sections_per_block is not readable and block ids do not tell it: "
				   "blocks not placed");
	free(c.addr);
	free(c.id);
}
