/*
 * struct memory_block, pure: its bytes in, the sysfs view out.
 *
 * memory_block.state holds MEM_ONLINE (1<<0), MEM_GOING_OFFLINE (1<<1) or
 * MEM_OFFLINE (1<<2): include/linux/memory.h defines them as macros
 * ("exposed to userspace"; the sysfs state file prints them), so DWARF does
 * not carry them.  They are the same since 2.6.15 and are user ABI, the
 * one legitimate constant here; everything else comes from the layout.
 */
#include <stdio.h>
#include <string.h>
#include "zdx/memblock.h"

#define MEM_ONLINE_ABI        (1u << 0)
#define MEM_GOING_OFFLINE_ABI (1u << 1)
#define MEM_OFFLINE_ABI       (1u << 2)

static uint64_t rd(const unsigned char *raw, long off, long size)
{
	uint64_t v = 0;

	if (off < 0)
		return 0;
	memcpy(&v, raw + off, size);
	return v;
}

static enum zdx_mb_state state_of(uint64_t raw)
{
	return raw == MEM_ONLINE_ABI ? ZDX_MB_ONLINE : raw == MEM_GOING_OFFLINE_ABI ? ZDX_MB_GOING_OFFLINE
	       : raw == MEM_OFFLINE_ABI ? ZDX_MB_OFFLINE : ZDX_MB_UNKNOWN;
}

void zdx_memblock_decode(const struct zdx_layout *l, uint64_t addr, uint64_t id,
			 const unsigned char *raw, struct zdx_memblock *mb)
{
	memset(mb, 0, sizeof(*mb));
	mb->addr = addr;
	mb->id = id;
	mb->start_section_nr = rd(raw, l->off_mb_start_section_nr, 8);
	mb->state_raw = rd(raw, l->off_mb_state, 8);
	mb->state = state_of(mb->state_raw);
	mb->nid = l->off_mb_nid >= 0 ? (int)rd(raw, l->off_mb_nid, 4) : -1;
	mb->zone = rd(raw, l->off_mb_zone, 8);
	mb->zone_idx = -1;
	mb->nr_vmemmap_pages = rd(raw, l->off_mb_nr_vmemmap_pages, 8);
	mb->altmap = rd(raw, l->off_mb_altmap, 8);
	mb->group = rd(raw, l->off_mb_group, 8);
	mb->group_dynamic = mb->group_nid = -1;
}

void zdx_memblock_set_group(const struct zdx_layout *l, struct zdx_memblock *mb,
			    const unsigned char *group_raw)
{
	if (l->off_mgroup_is_dynamic >= 0)
		mb->group_dynamic = group_raw[l->off_mgroup_is_dynamic] != 0;
	if (l->off_mgroup_nid >= 0)
		mb->group_nid = (int)rd(group_raw, l->off_mgroup_nid, 4);
}

const char *zdx_memblock_state_name(enum zdx_mb_state s)
{
	static const char *const name[] = { "unknown", "online", "going-offline", "offline" };

	return (unsigned)s < sizeof(name) / sizeof(name[0]) ? name[s] : "unknown";
}

const char *zdx_memblock_name(const struct zdx_memblock *mb, char *buf, unsigned long n)
{
	if (mb->name[0])
		snprintf(buf, n, "%s", mb->name);
	else
		snprintf(buf, n, "memory%llu", (unsigned long long)mb->id);
	return buf;
}

const char *zdx_memblock_label(const struct zdx_memblock *first, int count, char *buf,
			       unsigned long n)
{
	char name[32];

	zdx_memblock_name(first, name, sizeof(name));
	if (count > 1)
		snprintf(buf, n, "%s-%llu (%s)", name, (unsigned long long)first->id + count - 1,
			 zdx_memblock_state_name(first->state));
	else
		snprintf(buf, n, "%s (%s)", name, zdx_memblock_state_name(first->state));
	return buf;
}

unsigned long zdx_memblock_infer_spb(const struct zdx_memblock *mb, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (mb[i].id && mb[i].start_section_nr % mb[i].id == 0)
			return (unsigned long)(mb[i].start_section_nr / mb[i].id);
	return 0;
}
