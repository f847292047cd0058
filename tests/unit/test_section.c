/* Sections and sub-sections: decoding of mem_section / mem_section_usage. */
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/section.h"

static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

/* A coded section_mem_map as sparse_encode_mem_map() builds it. */
static uint64_t encode(const struct zdx_layout *l, uint64_t mem_map, unsigned long nr,
		       unsigned long flags)
{
	return (mem_map - (nr << (l->section_size_bits - l->page_shift)) * l->sz_page) | flags;
}

int main(void)
{
	struct zdx_layout l;
	struct zdx_section s;
	unsigned char raw[32] = { 0 }, usage[24] = { 0 };
	char buf[128];
	uint64_t mem_map;

	fixture_layout_61(&l);
	/* Section 12 of a 1.5 GiB-RAM + pmem guest: present, memmap, not online. */
	mem_map = l.vmemmap_base + 0x60000ULL * 64;
	put64(raw, encode(&l, mem_map, 12, 0x3));
	put64(raw + 8, 0xffff888003a5c000ULL);
	zdx_section_decode(&l, 12, raw, &s);
	is_u64(s.flags, 0x3, "flags are the low SECTION_MAP_LAST_BIT bits");
	is_u64(s.map_base, l.vmemmap_base, "VMEMMAP sections decode to vmemmap_base");
	is_u64(zdx_section_page_addr(&l, &s, 0x60000), mem_map, "struct page of the first pfn");
	is_u64(zdx_section_page_addr(&l, &s, 0x60001), mem_map + 64, "next pfn is sizeof(struct page) on");
	ok(zdx_present_section(&l, &s) && zdx_valid_section(&l, &s), "present with memmap");
	ok(zdx_section_memmap_consistent(&l, &s), "encoded as sparse_encode_mem_map() does: consistent");
	ok(!zdx_online_section(&l, &s) && !zdx_early_section(&l, &s), "not online, not early");
	is_u64(s.usage, 0xffff888003a5c000ULL, "usage pointer");
	ok(zdx_pfn_valid(&l, &s, 0x60000) == 0, "usage not read yet: pfn_valid false without a map");

	/* Half the sub-sections populated (bits 0..31). */
	put64(usage + 16, 0x00000000ffffffffULL);
	zdx_section_set_usage(&l, &s, usage, sizeof(usage));
	ok(zdx_subsection_count(&l, &s) == 32, "32 sub-sections populated");
	ok(zdx_subsection_idx(&l, 0x60000 + 512 * 31) == 31, "sub-section index of a pfn");
	ok(zdx_pfn_valid(&l, &s, 0x60000 + 512 * 31) == 1, "pfn in a populated sub-section is valid");
	ok(zdx_pfn_valid(&l, &s, 0x60000 + 512 * 32) == 0, "pfn in an empty sub-section is not");
	zdx_subsection_strip(&l, &s, buf, 64);
	ok(!strcmp(buf, "################################................................"),
	   "64-char strip: %s", buf);
	zdx_subsection_strip(&l, &s, buf, 8);
	ok(!strcmp(buf, "####...."), "compressed strip: %s", buf);
	zdx_section_flag_letters(&l, s.flags, buf);
	ok(!strcmp(buf, "PM---"), "letters: %s", buf);

	/* tests/damaged memmap: a section word filled with slab poison decodes
	 * to flags 0xb and a memmap far from vmemmap: inconsistent, whereas a
	 * word without a memmap (nid only, before sparse_init_one_section())
	 * or a layout without vmemmap_base cannot be judged. */
	{
		struct zdx_section p;
		struct zdx_layout nl = l;
		unsigned char poison[32];

		memset(poison, 0x6b, sizeof(poison));
		zdx_section_decode(&l, 12, poison, &p);
		ok(zdx_valid_section(&l, &p) && !zdx_section_memmap_consistent(&l, &p),
		   "poisoned section word: memmap %llx is not vmemmap, inconsistent",
		   (unsigned long long)p.map_base);
		nl.vmemmap_base = 0;
		ok(zdx_section_memmap_consistent(&nl, &p), "no vmemmap_base in the layout: not judged");
		nl = l;
		nl.sparsemem_vmemmap = 0;
		ok(zdx_section_memmap_consistent(&nl, &p), "not SPARSEMEM_VMEMMAP: not judged");
		memset(poison, 0, sizeof(poison));
		put64(poison, 1);       /* present, no memmap */
		zdx_section_decode(&l, 12, poison, &p);
		ok(zdx_section_memmap_consistent(&l, &p), "present without memmap: not judged");
	}

	/* An early section ignores its sub-section map in pfn_valid(). */
	put64(raw, encode(&l, mem_map, 12, 0xf));
	zdx_section_decode(&l, 12, raw, &s);
	zdx_section_set_usage(&l, &s, usage, sizeof(usage));
	ok(zdx_pfn_valid(&l, &s, 0x60000 + 512 * 40) == 1, "early section: valid despite empty sub-section");
	zdx_section_flag_names(&l, 0x1f, buf, sizeof(buf));
	ok(!strcmp(buf, "present,memmap,online,early,zone-device-taint"), "names: %s", buf);

	/* Missing usage block: unknown, not "no". */
	put64(raw, encode(&l, mem_map, 12, 0x3));
	zdx_section_decode(&l, 12, raw, &s);
	s.usage_state = ZDX_USAGE_MISSING;
	ok(zdx_pfn_valid(&l, &s, 0x60000) == -1, "usage not in the dump: pfn_valid unknown");
	zdx_subsection_strip(&l, &s, buf, 8);
	ok(!strcmp(buf, "????????"), "missing map shows as ?: %s", buf);

	/* Issue 10: layout members absent or beyond the bytes read are never
	 * read (out of bounds before) and never become a fact. */
	put64(raw, encode(&l, mem_map, 12, 0x3));
	zdx_section_decode(&l, 12, raw, &s);
	put64(usage + 16, ~0ULL);
	zdx_section_set_usage(&l, &s, usage, 16);     /* map at 16 not in 16 bytes */
	ok(s.usage_state == ZDX_USAGE_MISSING && zdx_pfn_valid(&l, &s, 0x60000) == -1,
	   "usage map beyond the bytes read: unknown, not populated");
	{
		struct zdx_layout a = l;

		a.off_usage_subsection_map = ZDX_ABSENT;
		zdx_section_set_usage(&a, &s, usage, sizeof(usage));
		ok(s.usage_state == ZDX_USAGE_MISSING, "absent subsection_map member: unknown");
		a = l;
		a.off_ms_section_mem_map = ZDX_ABSENT;
		zdx_section_decode(&a, 12, raw, &s);
		ok(s.coded == 0 && !zdx_present_section(&a, &s),
		   "absent section_mem_map member: an empty word, not raw[-1]");
		a = l;
		a.off_ms_usage = a.sz_mem_section;            /* beyond struct mem_section */
		zdx_section_decode(&a, 12, raw, &s);
		is_u64(s.usage, 0, "usage member beyond sz_mem_section: not read");
	}

	/* An undefined flag bit is named, never dropped. */
	l.section_map_last_bit = 6;
	zdx_section_flag_names(&l, 0x23, buf, sizeof(buf));
	ok(!strcmp(buf, "present,memmap,bit5"), "unknown bit named: %s", buf);

	/* Boot-time encoding (nid << SECTION_NID_SHIFT, no HAS_MEM_MAP). */
	l.section_map_last_bit = 5;
	put64(raw, (uint64_t)1 << 5 | 1);
	zdx_section_decode(&l, 3, raw, &s);
	ok(!zdx_valid_section(&l, &s), "present but no memmap yet");
	ok(zdx_pfn_valid(&l, &s, 3 << 15) == 0, "no memmap: pfn_valid false");
	return tap_done();
}
