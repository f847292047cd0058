/*
 * struct memory_block, pure: its bytes in, the sysfs view out.
 *
 * The state values are this kernel's (zdx_layout.mb_state_val): the user-ABI
 * macros 1, 2, 4 up to 6.11, enum memory_block_state from 0 in 6.12.
 */
#include <stdio.h>
#include <string.h>
#include "zdx/field.h"
#include "zdx/memblock.h"

static enum zdx_mb_state state_of(const struct zdx_layout *l, uint64_t raw)
{
	static const enum zdx_mb_state st[3] = { ZDX_MB_ONLINE, ZDX_MB_GOING_OFFLINE, ZDX_MB_OFFLINE };
	int i;

	for (i = 0; i < 3; i++)
		if (raw == (uint64_t)l->mb_state_val[i])
			return st[i];
	return ZDX_MB_UNKNOWN;
}

void zdx_memblock_decode(const struct zdx_layout *l, uint64_t addr, uint64_t id,
			 const unsigned char *raw, unsigned long len, struct zdx_memblock *mb)
{
	uint64_t v;

	memset(mb, 0, sizeof(*mb));
	mb->addr = addr;
	mb->id = id;
	mb->start_section_nr = zdx_field_or0(raw, len, l->off_mb_start_section_nr, 8);
	mb->state = zdx_field(raw, len, l->off_mb_state, (unsigned)l->sz_mb_state, &mb->state_raw)
		    ? ZDX_MB_UNKNOWN : state_of(l, mb->state_raw);
	mb->nid = zdx_field(raw, len, l->off_mb_nid, 4, &v) ? -1 : (int)v;
	mb->zone = zdx_field_or0(raw, len, l->off_mb_zone, 8);
	mb->zone_idx = -1;
	mb->nr_vmemmap_pages = zdx_field_or0(raw, len, l->off_mb_nr_vmemmap_pages, 8);
	mb->altmap = zdx_field_or0(raw, len, l->off_mb_altmap, 8);
	mb->group = zdx_field_or0(raw, len, l->off_mb_group, 8);
	mb->group_dynamic = mb->group_nid = -1;
}

void zdx_memblock_set_group(const struct zdx_layout *l, struct zdx_memblock *mb,
			    const unsigned char *group_raw, unsigned long group_len)
{
	uint64_t v;

	if (!zdx_field(group_raw, group_len, l->off_mgroup_is_dynamic, 1, &v))
		mb->group_dynamic = v != 0;
	if (!zdx_field(group_raw, group_len, l->off_mgroup_nid, 4, &v))
		mb->group_nid = (int)v;
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
