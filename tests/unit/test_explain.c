/* Classification and verdicts on the hand-built model of test_map.c's
 * machine: early RAM, pmem from 1540 MiB (section 12 shared), an offline
 * hot-plugged section and a partly populated hot-plugged one. */
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/explain.h"
#include "zdx/verdicts.h"

/* A verdict word of the vocabulary (include/zdx/verdicts.h). */
#define W(id) zdx_verdict_word(ZDX_VERDICT_##id)
#include "model_fixture.h"

static struct zdx_section sec[32];
static int nsec;
static struct zdx_layout l;

static void add_section(unsigned long nr, unsigned long flags, uint64_t submap)
{
	fixture_section(&sec[nsec++], &l, nr, flags, submap);
	sec[nsec - 1].usage = 0;
}

static struct zdx_candidate cand(enum zdx_cand_source src, enum zdx_cand_kind k, uint64_t v)
{
	struct zdx_candidate c;

	memset(&c, 0, sizeof(c));
	c.source = src;
	c.kind = k;
	c.value = v;
	return c;
}

static const char *verdict_of(struct zdx_model *m, struct zdx_candidate *c, int n)
{
	static struct zdx_verdict v;
	int i;

	for (i = 0; i < n; i++) {
		ok(zdx_candidate_to_pfn(m, &c[i]) == 0, "candidate %d maps to a pfn", i);
		zdx_explain_classify(m, &c[i]);
	}
	zdx_explain_decide(c, n, &v);
	return v.word;
}

int main(void)
{
	struct zdx_model m;
	struct zdx_pgmap_info pgm[2];
	struct zdx_zone zones[3] = {
		{ .node = 0, .zone = 1, .name = "DMA32", .start_pfn = 0x1000, .spanned = 0x5f000 },
		{ .node = 0, .zone = 3, .name = "Movable", .start_pfn = 0x108000, .spanned = 0x8000 },
		{ .node = 0, .zone = 2, .name = "Normal", .start_pfn = 0x110000, .spanned = 0x8000 },
	};
	/* memmap_on_memory blocks of 128 MiB (one section): the first 512 pfns
	 * of each hold its memmap.  32 never onlined, 33 online_movable, 34
	 * online_kernel (the factory's memmap-on-memory layout). */
	struct zdx_memblock mb[3] = {
		{ .id = 32, .start_section_nr = 32, .state = ZDX_MB_OFFLINE, .zone_idx = -1,
		  .nr_vmemmap_pages = 512, .nid = 0 },
		{ .id = 33, .start_section_nr = 33, .state = ZDX_MB_ONLINE, .zone_idx = 1,
		  .nr_vmemmap_pages = 512, .nid = 0 },
		{ .id = 34, .start_section_nr = 34, .state = ZDX_MB_ONLINE, .zone_idx = 2,
		  .nr_vmemmap_pages = 512, .nid = 0 },
	};
	char own[160];
	struct zdx_candidate c[4];
	struct zdx_verdict v;
	unsigned long nr;
	char why[1024];
	const char *w;

	fixture_layout_61(&l);
	for (nr = 0; nr < 12; nr++)
		add_section(nr, 0xf, ~0ULL);
	add_section(12, 0x1f, ~0ULL);
	for (nr = 13; nr < 16; nr++)
		add_section(nr, 0x3, ~0ULL);
	add_section(16, 0x3, 0xff);                 /* hot-plugged, 8 sub-sections */
	add_section(20, 0x3, ~0ULL);                /* hot-plugged RAM, offline */
	add_section(32, 0x3, ~0ULL);                /* memory32: never onlined */
	add_section(33, 0x7, ~0ULL);                /* memory33: online_movable */
	add_section(34, 0x7, ~0ULL);                /* memory34: online_kernel */
	fixture_pgmap(&pgm[0], 0x60400000, 0x7fffffff, "MEMORY_DEVICE_FS_DAX", 1);
	fixture_pgmap(&pgm[1], 0x80000000, 0x80ffffff, "MEMORY_DEVICE_GENERIC", 0);
	m = (struct zdx_model){ .l = &l, .sec = sec, .nsec = nsec, .pgm = pgm, .npgm = 2,
				.zones = zones, .nzones = 3, .page_flags_agreed = 1,
				.mb = mb, .nmb = 3, .sections_per_block = 1 };

	/* A garbage-linked struct page of the altmap reserve, pmem-only section. */
	pgm[0].pg.range[0].start = 0x68000000;
	pgm[0].pg.altmap.base_pfn = 0x68000;
	c[0] = cand(ZDX_SRC_GARBAGE_LINK, ZDX_CAND_PAGE, l.vmemmap_base + 0x68001ULL * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(ALTMAP_METADATA)), "reserve page: altmap-metadata (%s)", w);
	zdx_explain_why(&m, &c[0], why, sizeof(why));
	ok(strstr(why, "pgmap_pfn_valid()") && strstr(why, "never initialised"), "why names the guard");

	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PAGE, l.vmemmap_base + 0x68100ULL * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(ALTMAP_METADATA)), "memmap storage page: altmap-metadata (%s)", w);
	c[0] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, l.vmemmap_base + 0x70000ULL * 64 + 8);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(ZONE_DEVICE_PAGE)), "fault inside a data page's struct page (%s)", w);

	/* Inconsistent altmap: the reserve page above is of an unknown region;
	 * device memory, but never called altmap reserve or a data page. */
	pgm[0].pg.altmap.valid = 0;
	pgm[0].pg.altmap.inconsistent = 1;
	c[0] = cand(ZDX_SRC_GARBAGE_LINK, ZDX_CAND_PAGE, l.vmemmap_base + 0x68001ULL * 64);
	w = verdict_of(&m, c, 1);
	zdx_explain_why(&m, &c[0], why, sizeof(why));
	ok(c[0].facts.region == ZDX_REGION_UNKNOWN && !strstr(why, "altmap reserve") &&
	   !strstr(why, "is a ZONE_DEVICE data page") && strstr(why, "cannot be told"),
	   "inconsistent altmap: why says metadata or data cannot be told (%s)", why);
	pgm[0].pg.altmap.valid = 1;
	pgm[0].pg.altmap.inconsistent = 0;

	/* Shared section 12: device pfn there is a mixed-section verdict. */
	pgm[0].pg.range[0].start = 0x60400000;
	pgm[0].pg.altmap.base_pfn = 0x60400;
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PAGE, l.vmemmap_base + 0x60400ULL * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(MIXED_SECTION)), "device pfn in a shared section (%s)", w);

	c[0] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, l.vmemmap_base + (16ULL * 32768 + 9 * 512) * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(NO_MEMMAP)), "fault in an unpopulated sub-section (%s)", w);
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PAGE, l.vmemmap_base + 20ULL * 32768 * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(OFFLINE_MEMORY)), "offline section (%s)", w);

	/* memmap_on_memory: the RAM twin of the altmap.  The struct page of an
	 * online movable block's first pfn (its own vmemmap page) decides. */
	c[0] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, l.vmemmap_base + 0x108000ULL * 64 + 8);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(MEMMAP_ON_MEMORY)), "online_movable block's vmemmap page: %s", w);
	ok(c[0].cls == ZDX_CLASS_MEMMAP_ON_MEMORY, "class: %s", zdx_class_name(c[0].cls));
	ok(!strcmp(zdx_model_vmemmap_label(&m, 0x108000, own, sizeof(own)),
		   "memory33: memmap_on_memory vmemmap pages (online_movable)"), "owner in sysfs words: %s", own);
	zdx_explain_why(&m, &c[0], why, sizeof(why));
	ok(strstr(why, "memory33: memmap_on_memory vmemmap pages (online_movable)") &&
	   strstr(why, "512 pages") && strstr(why, "ZONE_MOVABLE") && strstr(why, "pfn_to_online_page()"),
	   "why names the block, its vmemmap size, the zone and the guard it passes: %s", why);
	zdx_explain_fix(&m, c[0].cls, why, sizeof(why));
	ok(strstr(why, "PageVmemmapSelfHosted()") && strstr(why, "memory_block.altmap->free"),
	   "fix names the flag and the 6.6+ vmemmap count: %s", why);
	l.pg_vmemmap_self_hosted = (int)ZDX_ABSENT;
	l.off_mb_altmap = ZDX_ABSENT;
	l.off_mb_nr_vmemmap_pages = 88;
	zdx_explain_fix(&m, c[0].cls, why, sizeof(why));
	ok(!strstr(why, "PageVmemmapSelfHosted") && strstr(why, "memory_block.nr_vmemmap_pages"),
	   "a 5.13-6.0 kernel: no flag, nr_vmemmap_pages: %s", why);
	l.pg_vmemmap_self_hosted = 10;
	l.off_mb_altmap = 0;
	l.off_mb_nr_vmemmap_pages = ZDX_ABSENT;
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PFN, 0x1081ff);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(MEMMAP_ON_MEMORY)), "last vmemmap pfn, faulting frame's pfn variable: %s", w);
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PFN, 0x108200);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(UNRELATED)), "the first pfn past the vmemmap pages is online RAM: %s", w);
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PAGE, l.vmemmap_base + 0x110010ULL * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(MEMMAP_ON_MEMORY)), "online_kernel block's vmemmap page: %s", w);
	ok(!strcmp(zdx_model_vmemmap_label(&m, 0x110010, own, sizeof(own)),
		   "memory34: memmap_on_memory vmemmap pages (online_kernel)"), "kernel zone: %s", own);
	zdx_explain_why(&m, &c[0], why, sizeof(why));
	ok(!strstr(why, "ZONE_MOVABLE"), "no ZONE_MOVABLE claim for a Normal-zone block");
	/* A never-onlined block's vmemmap page: offline memory (its fix), the
	 * why saying it holds the block's uninitialised memmap. */
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PAGE, l.vmemmap_base + 0x100000ULL * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(OFFLINE_MEMORY)), "never-onlined block's vmemmap page: %s", w);
	zdx_explain_why(&m, &c[0], why, sizeof(why));
	ok(strstr(why, "memory32: memmap_on_memory vmemmap pages (offline)") != NULL,
	   "why names the offline block's vmemmap pages: %s", why);
	/* Equal evidence: metadata classes before plain offline memory. */
	c[0] = cand(ZDX_SRC_REGISTER, ZDX_CAND_PAGE, l.vmemmap_base + 20ULL * 32768 * 64);
	c[1] = cand(ZDX_SRC_REGISTER, ZDX_CAND_PAGE, l.vmemmap_base + 0x108001ULL * 64);
	verdict_of(&m, c, 2);
	zdx_explain_decide(c, 2, &v);
	ok(v.cause == 1 && !strcmp(v.word, W(MEMMAP_ON_MEMORY)), "vmemmap page outranks offline memory (%s)",
	   v.word);
	mb[1].nr_vmemmap_pages = 0;
	c[0] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, l.vmemmap_base + 0x108000ULL * 64);
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, W(UNRELATED)), "without memmap_on_memory the same pfn is online RAM: %s", w);
	mb[1].nr_vmemmap_pages = 512;

	/* Controls: RAM-only candidates, and a lone pfn variable in device memory. */
	c[0] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, l.vmemmap_base + 0x1234ULL * 64);
	c[1] = cand(ZDX_SRC_REGISTER, ZDX_CAND_PAGE, l.vmemmap_base + 0x2000ULL * 64);
	c[2] = cand(ZDX_SRC_DWARF, ZDX_CAND_PFN, 0x70000);
	c[2].frame = 1;
	w = verdict_of(&m, c, 3);
	ok(!strcmp(w, W(UNRELATED)), "a caller's pfn variable alone never decides (%s)", w);
	zdx_explain_decide(c, 3, &v);
	ok(v.confidence == ZDX_CONF_HIGH && v.cause == -1, "unrelated with a strong RAM candidate: high");
	w = verdict_of(&m, c, 0);
	ok(!strcmp(w, W(UNRELATED)), "no candidates: unrelated");
	zdx_explain_decide(c, 0, &v);
	ok(v.confidence == ZDX_CONF_MEDIUM, "no candidates: medium confidence");

	/* A register alone decides with medium confidence; fault address wins ties. */
	c[0] = cand(ZDX_SRC_REGISTER, ZDX_CAND_PAGE, l.vmemmap_base + 0x70000ULL * 64);
	verdict_of(&m, c, 1);
	zdx_explain_decide(c, 1, &v);
	ok(!strcmp(v.word, W(ZONE_DEVICE_PAGE)) && v.confidence == ZDX_CONF_MEDIUM, "register: medium");
	c[1] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, l.vmemmap_base + 0x70000ULL * 64 + 24);
	verdict_of(&m, c, 2);
	zdx_explain_decide(c, 2, &v);
	ok(v.cause == 1 && v.supporting == 1 && v.confidence == ZDX_CONF_HIGH, "fault address decides, register supports");

	/* The task an interrupt interrupted is not the faulting code: its
	 * device page corroborates at most, and alone never decides. */
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PAGE, l.vmemmap_base + 0x70000ULL * 64);
	c[0].support_only = 1;
	c[1] = cand(ZDX_SRC_REGISTER, ZDX_CAND_PAGE, l.vmemmap_base + 0x1234ULL * 64);
	verdict_of(&m, c, 2);
	zdx_explain_decide(c, 2, &v);
	ok(!strcmp(v.word, W(UNRELATED)) && v.cause == -1, "an interrupted context's device page never decides (%s)",
	   v.word);
	c[1] = cand(ZDX_SRC_LOG_REGISTER, ZDX_CAND_PAGE, l.vmemmap_base + 0x70000ULL * 64);
	verdict_of(&m, c, 2);
	zdx_explain_decide(c, 2, &v);
	ok(v.cause == 1 && v.supporting == 1 && v.confidence == ZDX_CONF_HIGH,
	   "a log register decides like a frame register; the interrupted context's agreement supports it");

	/* A pfn variable live at the faulting instruction: medium evidence. */
	c[0] = cand(ZDX_SRC_DWARF, ZDX_CAND_PFN, 0x70000);
	verdict_of(&m, c, 1);
	zdx_explain_decide(c, 1, &v);
	ok(!strcmp(v.word, W(ZONE_DEVICE_PAGE)) && v.confidence == ZDX_CONF_MEDIUM,
	   "faulting frame's pfn variable: medium (%s)", v.word);

	/* Missing usage map: undetermined, not a guess. */
	sec[13].usage_state = ZDX_USAGE_MISSING;
	sec[13].flags = 0x3;
	c[0] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, l.vmemmap_base + (13ULL * 32768) * 64);
	pgm[0].pg.range[0].end = 0x67ffffff;
	w = verdict_of(&m, c, 1);
	ok(!strcmp(w, ZDX_NO_VERDICT), "usage map not in the dump: undetermined (%s)", w);
	c[0] = cand(ZDX_SRC_FAULT_ADDR, ZDX_CAND_PAGE, 0xffff888000000000ULL);
	ok(zdx_candidate_to_pfn(&m, &c[0]) == -1, "direct-map address is not a struct page");
	return tap_done();
}
