/*
 * Pure decoding of struct mem_section and struct mem_section_usage.
 * Encoding (mm/sparse.c): after sparse_init_one_section() section_mem_map
 * holds (mem_map - section_nr_to_pfn(nr)) | flags, with the flags in the
 * low SECTION_MAP_LAST_BIT bits; the struct page of pfn p is then
 * (masked value) + p * sizeof(struct page).
 */
#include <string.h>
#include <stdio.h>
#include "zdx/section.h"
#include "zdx/field.h"

/* The layout promises raw holds sz_mem_section bytes; a member absent from
 * it (or beyond it) decodes as an empty section word, never a wild read. */
void zdx_section_decode(const struct zdx_layout *l, unsigned long nr,
			const unsigned char *raw, struct zdx_section *s)
{
	memset(s, 0, sizeof(*s));
	s->nr = nr;
	/* section_mem_map and usage are pointer-sized: 8 bytes on x86_64. */
	s->coded = zdx_field_or0(raw, l->sz_mem_section, l->off_ms_section_mem_map, 8);
	s->flags = s->coded & zdx_section_mask(l);
	s->map_base = s->coded & ~zdx_section_mask(l);
	s->usage = zdx_field_or0(raw, l->sz_mem_section, l->off_ms_usage, 8);
	s->usage_state = ZDX_USAGE_NONE;
}

void zdx_section_set_usage(const struct zdx_layout *l, struct zdx_section *s,
			   const unsigned char *usage_raw, unsigned long len)
{
	long n = l->sz_usage_subsection_map;

	if (n > (long)sizeof(s->subsection_map))
		n = sizeof(s->subsection_map);
	if (n <= 0 || zdx_field_bytes(usage_raw, len, l->off_usage_subsection_map,
				      s->subsection_map, (unsigned long)n)) {
		memset(s->subsection_map, 0, sizeof(s->subsection_map));
		s->usage_state = ZDX_USAGE_MISSING;   /* known to exist, not readable */
		return;
	}
	memset((unsigned char *)s->subsection_map + n, 0, sizeof(s->subsection_map) - n);
	s->usage_state = ZDX_USAGE_OK;
}

int zdx_present_section(const struct zdx_layout *l, const struct zdx_section *s)
{
	return zdx_sflag_set(l, ZDX_SF_PRESENT, s->flags);
}

/* Before sparse_init_one_section() the word holds nid << SECTION_NID_SHIFT;
 * only HAS_MEM_MAP says the rest is a memmap pointer. */
int zdx_valid_section(const struct zdx_layout *l, const struct zdx_section *s)
{
	return zdx_sflag_set(l, ZDX_SF_HAS_MEM_MAP, s->flags) && s->map_base != 0;
}

int zdx_section_memmap_consistent(const struct zdx_layout *l, const struct zdx_section *s)
{
	if (!l->sparsemem_vmemmap || !l->vmemmap_base || !zdx_valid_section(l, s))
		return 1;
	return s->map_base == l->vmemmap_base;
}

int zdx_online_section(const struct zdx_layout *l, const struct zdx_section *s)
{
	return zdx_sflag_set(l, ZDX_SF_ONLINE, s->flags);
}

int zdx_early_section(const struct zdx_layout *l, const struct zdx_section *s)
{
	return zdx_sflag_set(l, ZDX_SF_EARLY, s->flags);
}

int zdx_section_tainted(const struct zdx_layout *l, const struct zdx_section *s)
{
	return zdx_sflag_set(l, ZDX_SF_TAINT_ZONE_DEVICE, s->flags);
}

unsigned zdx_subsection_idx(const struct zdx_layout *l, uint64_t pfn)
{
	return (pfn & (zdx_pages_per_section(l) - 1)) / zdx_pages_per_subsection(l);
}

int zdx_subsection_populated(const struct zdx_layout *l, const struct zdx_section *s,
			     unsigned idx)
{
	if (!l->has_subsection_map)
		return 1;
	if (s->usage_state != ZDX_USAGE_OK || idx >= 64 * ZDX_SUBSECTION_WORDS)
		return 0;
	return (s->subsection_map[idx / 64] >> (idx % 64)) & 1;
}

unsigned zdx_subsection_count(const struct zdx_layout *l, const struct zdx_section *s)
{
	unsigned i, n = 0;

	for (i = 0; i < l->subsections_per_section; i++)
		n += zdx_subsection_populated(l, s, i);
	return n;
}

void zdx_subsection_strip(const struct zdx_layout *l, const struct zdx_section *s,
			  char *buf, unsigned width)
{
	unsigned n = l->subsections_per_section, per, i, j;

	if (width == 0 || n == 0) {
		buf[0] = 0;
		return;
	}
	per = (n + width - 1) / width;
	for (i = 0, j = 0; i < n; i += per, j++) {
		unsigned k, set = 0, cnt = 0;

		for (k = i; k < n && k < i + per; k++, cnt++)
			set += zdx_subsection_populated(l, s, k);
		if (l->has_subsection_map && s->usage_state != ZDX_USAGE_OK)
			buf[j] = '?';
		else
			buf[j] = set == cnt ? '#' : set ? '+' : '.';
	}
	buf[j] = 0;
}

uint64_t zdx_section_page_addr(const struct zdx_layout *l, const struct zdx_section *s,
			       uint64_t pfn)
{
	return s->map_base + pfn * (uint64_t)l->sz_page;
}

void zdx_section_flag_letters(const struct zdx_layout *l, unsigned long flags, char *buf)
{
	int f, j = 0;

	for (f = 0; f < ZDX_SF_NR; f++) {
		if (!zdx_sflag_known(l, f))
			continue;
		buf[j++] = zdx_sflag_set(l, f, flags) ? l->sflag[f].letter : '-';
	}
	buf[j] = 0;
}

static const char *const sflag_word[ZDX_SF_NR] = {
	"present", "memmap", "online", "early", "zone-device-taint",
};

void zdx_section_flag_names(const struct zdx_layout *l, unsigned long flags, char *buf,
			    unsigned n)
{
	unsigned long known = 0;
	int f, b;
	size_t len = 0;

	buf[0] = 0;
	for (f = 0; f < ZDX_SF_NR; f++) {
		if (!zdx_sflag_known(l, f))
			continue;
		known |= 1UL << l->sflag[f].bit;
		if (zdx_sflag_set(l, f, flags))
			len += snprintf(buf + len, len < n ? n - len : 0, "%s%s",
					len ? "," : "", sflag_word[f]);
	}
	for (b = 0; b < (int)l->section_map_last_bit; b++)
		if ((flags >> b & 1) && !(known >> b & 1))
			len += snprintf(buf + len, len < n ? n - len : 0, "%sbit%d",
					len ? "," : "", b);
	if (!len && n)
		snprintf(buf, n, "-");
}

int zdx_pfn_valid(const struct zdx_layout *l, const struct zdx_section *s, uint64_t pfn)
{
	if (!zdx_valid_section(l, s))
		return 0;
	if (!l->has_subsection_map || zdx_early_section(l, s))
		return 1;
	if (s->usage_state == ZDX_USAGE_MISSING)
		return -1;
	if (s->usage_state == ZDX_USAGE_NONE)
		return 0;   /* 6.1.y/6.12: pfn_section_valid() is false without usage */
	return zdx_subsection_populated(l, s, zdx_subsection_idx(l, pfn));
}
