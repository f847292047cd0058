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
	struct zdx_zone zones[1] = {
		{ .node = 0, .zone = 1, .name = "DMA32", .start_pfn = 0x1000, .spanned = 0x5f000 },
	};
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
	fixture_pgmap(&pgm[0], 0x60400000, 0x7fffffff, "MEMORY_DEVICE_FS_DAX", 1);
	fixture_pgmap(&pgm[1], 0x80000000, 0x80ffffff, "MEMORY_DEVICE_GENERIC", 0);
	m = (struct zdx_model){ .l = &l, .sec = sec, .nsec = nsec, .pgm = pgm, .npgm = 2,
				.zones = zones, .nzones = 1, .page_flags_agreed = 1 };

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
