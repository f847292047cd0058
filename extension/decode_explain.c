/*
 * Classification of panic candidates and the verdict (pure).
 *
 * A candidate is a struct page pointer, pfn or physical address found in
 * the panic's evidence.  Its class comes from the model alone — sections,
 * sub-sections and pgmaps — so it does not depend on the memmap being in
 * the dump.  The verdict is decided by the strongest source that points
 * into device memory, metadata (the altmap's, or the memmap_on_memory pages
 * of a hot-plugged block), a memmap hole or offline memory; a pfn
 * variable alone never decides (a correct walker's loop counter may sit in
 * device memory without its struct page ever being touched).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "zdx/explain.h"
#include "zdx/verdicts.h"

int zdx_candidate_to_pfn(const struct zdx_model *m, struct zdx_candidate *c)
{
	const struct zdx_layout *l = m->l;
	uint64_t span = (uint64_t)zdx_nr_mem_sections(l) * zdx_pages_per_section(l);

	switch (c->kind) {
	case ZDX_CAND_PAGE:
		if (!l->vmemmap_base || c->value < l->vmemmap_base ||
		    (c->value - l->vmemmap_base) / l->sz_page >= span)
			return -1;
		c->pfn = (c->value - l->vmemmap_base) / l->sz_page;
		return 0;
	case ZDX_CAND_PHYS:
		c->pfn = c->value >> l->page_shift;
		return c->pfn < span ? 0 : -1;
	default:
		c->pfn = c->value;
		return c->pfn < span ? 0 : -1;
	}
}

void zdx_explain_classify(const struct zdx_model *m, struct zdx_candidate *c)
{
	const struct zdx_pfn_facts *f = &c->facts;

	zdx_model_pfn_facts(m, c->pfn, &c->facts);
	switch (f->owner) {
	case ZDX_OWN_DEVICE:
		c->cls = f->mixed ? ZDX_CLASS_MIXED_SECTION
			 : f->region == ZDX_REGION_RESERVE || f->region == ZDX_REGION_MEMMAP
			 ? ZDX_CLASS_ALTMAP_METADATA
			 : ZDX_CLASS_ZONE_DEVICE_PAGE;   /* data, or unknown: device memory either way */
		break;
	case ZDX_OWN_RAM:
		/* A vmemmap page of an offline block stays offline memory: the
		 * whole block is uninitialised and the fix is the offline one. */
		c->cls = !zdx_online_section(m->l, f->sec) ? ZDX_CLASS_OFFLINE
			 : zdx_model_vmemmap_block(m, c->pfn) >= 0 ? ZDX_CLASS_MEMMAP_ON_MEMORY
			 : ZDX_CLASS_ONLINE_RAM;
		break;
	default:
		c->cls = f->sec && zdx_valid_section(m->l, f->sec) ? ZDX_CLASS_NO_MEMMAP
								 : ZDX_CLASS_HOLE;
	}
}

static int decides(const struct zdx_candidate *c)
{
	return c->cls != ZDX_CLASS_ONLINE_RAM;
}

/* Strength of a candidate as the cause: 2 strong, 1 medium, 0 support only.
 * A pfn variable live at the faulting instruction is medium evidence (the
 * faulting code is working on that pfn); in a caller frame it may be a loop
 * counter whose struct page was never touched, so it only supports.  So
 * does anything from a context the faulting code interrupted (the task
 * under an interrupt): it was not running when the fault happened. */
static int strength(const struct zdx_candidate *c)
{
	if (c->support_only)
		return 0;
	if (c->source == ZDX_SRC_REGISTER || c->source == ZDX_SRC_LOG_REGISTER)
		return 1;
	if (c->source == ZDX_SRC_DWARF && c->kind != ZDX_CAND_PAGE)
		return c->frame == 0 ? 1 : 0;
	return 2;
}

static int better(const struct zdx_candidate *a, const struct zdx_candidate *b)
{
	if (strength(a) != strength(b))
		return strength(a) > strength(b);
	if (a->source != b->source)
		return a->source < b->source;
	return a->cls < b->cls;
}

void zdx_explain_decide(const struct zdx_candidate *c, int n, struct zdx_verdict *v)
{
	int i, best = -1, strong_seen = 0;

	memset(v, 0, sizeof(*v));
	v->cause = -1;
	for (i = 0; i < n; i++) {
		strong_seen |= strength(&c[i]) == 2;
		if (decides(&c[i]) && strength(&c[i]) > 0 && (best < 0 || better(&c[i], &c[best])))
			best = i;
	}
	if (best < 0) {
		v->word = zdx_verdict_word(ZDX_VERDICT_UNRELATED);
		v->confidence = strong_seen ? ZDX_CONF_HIGH : ZDX_CONF_MEDIUM;
		return;
	}
	v->cause = best;
	v->word = zdx_class_verdict(c[best].cls);
	for (i = 0; i < n; i++)
		if (i != best && c[i].pfn == c[best].pfn)
			v->supporting++;
	if (c[best].facts.subsection_populated < 0) {
		v->word = ZDX_NO_VERDICT;
		v->confidence = ZDX_CONF_LOW;
		return;
	}
	v->confidence = strength(&c[best]) == 2 || v->supporting ? ZDX_CONF_HIGH : ZDX_CONF_MEDIUM;
}

const char *zdx_class_name(enum zdx_class cls)
{
	static const char *const name[ZDX_CLASS_NR] = {
		[ZDX_CLASS_MIXED_SECTION] = "device memory in a section shared with System RAM",
		[ZDX_CLASS_ALTMAP_METADATA] = "altmap metadata",
		[ZDX_CLASS_ZONE_DEVICE_PAGE] = "ZONE_DEVICE data page",
		[ZDX_CLASS_MEMMAP_ON_MEMORY] = "memmap_on_memory vmemmap page of online RAM",
		[ZDX_CLASS_NO_MEMMAP] = "sub-section without memmap",
		[ZDX_CLASS_OFFLINE] = "offline memory",
		[ZDX_CLASS_HOLE] = "hole (no section)",
		[ZDX_CLASS_ONLINE_RAM] = "online RAM",
	};
	return cls < ZDX_CLASS_NR ? name[cls] : "?";
}

const char *zdx_class_verdict(enum zdx_class cls)
{
	static const enum zdx_verdict_id verdict[ZDX_CLASS_NR] = {
		[ZDX_CLASS_MIXED_SECTION] = ZDX_VERDICT_MIXED_SECTION,
		[ZDX_CLASS_ALTMAP_METADATA] = ZDX_VERDICT_ALTMAP_METADATA,
		[ZDX_CLASS_ZONE_DEVICE_PAGE] = ZDX_VERDICT_ZONE_DEVICE_PAGE,
		[ZDX_CLASS_MEMMAP_ON_MEMORY] = ZDX_VERDICT_MEMMAP_ON_MEMORY,
		[ZDX_CLASS_NO_MEMMAP] = ZDX_VERDICT_NO_MEMMAP,
		[ZDX_CLASS_OFFLINE] = ZDX_VERDICT_OFFLINE_MEMORY,
		[ZDX_CLASS_HOLE] = ZDX_VERDICT_NO_MEMMAP,
		[ZDX_CLASS_ONLINE_RAM] = ZDX_VERDICT_UNRELATED,
	};
	return cls < ZDX_CLASS_NR ? zdx_verdict_word(verdict[cls]) : ZDX_NO_VERDICT;
}

const char *zdx_source_name(enum zdx_cand_source s)
{
	switch (s) {
	case ZDX_SRC_FAULT_ADDR:   return "fault address";
	case ZDX_SRC_DWARF:        return "DWARF variable";
	case ZDX_SRC_DUMP_PAGE:    return "dump_page() in the log";
	case ZDX_SRC_GARBAGE_LINK: return "struct page holding the faulting value";
	case ZDX_SRC_LOG_REGISTER: return "register in the log's report";
	default:                   return "exception register";
	}
}

const char *zdx_confidence_name(enum zdx_confidence c)
{
	return c == ZDX_CONF_HIGH ? "high" : c == ZDX_CONF_MEDIUM ? "medium" : "low";
}

static int put(char *buf, size_t n, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int put(char *buf, size_t n, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (len >= n)
		return 0;
	va_start(ap, fmt);
	r = vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
	return r < 0 ? 0 : r;
}

static size_t why_online_page(const struct zdx_model *m, const struct zdx_pfn_facts *f,
			      char *buf, size_t n, size_t len)
{
	if (!m->l->has_pfn_to_online_page_fn && f->online_page_this_kernel == 1)
		return len + put(buf, n, len, " This kernel LACKS 1f90a3477df3 (\"mm: Teach "
				 "pfn_to_online_page() about ZONE_DEVICE section collisions\"): its "
				 "pfn_to_online_page() reports this pfn as online RAM.");
	return len + put(buf, n, len, " pfn_to_online_page() returns NULL for it on this kernel%s,"
			 " so the walker did not use it.", m->l->has_pfn_to_online_page_fn
			 ? " (it has 1f90a3477df3)" : "");
}

/* The RAM twin of the altmap case: the first nr_vmemmap_pages of a block
 * hot-plugged with memmap_on_memory hold the block's memmap (a08a2ae34613,
 * v5.12).  Onlining the block initialises them (mhp_init_memmap_on_memory())
 * as allocated pages of the block's zone that the allocator never sees:
 * PageVmemmapSelfHosted, refcount 1 (measured on the corpus: PageReserved
 * too on 6.1, not on 6.12). */
static size_t why_vmemmap(const struct zdx_model *m, const struct zdx_candidate *c, char *buf,
			  size_t n, size_t len)
{
	int b = zdx_model_vmemmap_block(m, c->pfn);
	const struct zdx_memblock *mb;
	const struct zdx_zone *z;
	char own[96];

	if (b < 0)
		return len;
	mb = &m->mb[b];
	zdx_memblock_vmemmap_label(m, mb, own, sizeof(own));
	len += put(buf, n, len, "pfn %#llx is one of the %llu pages at the start of %s that store "
		   "the block's own struct pages (memory_hotplug.memmap_on_memory, a08a2ae34613). "
		   "The block is online, so pfn_valid() and pfn_to_online_page() both return its "
		   "struct page: an allocated page that is never freed, never on the LRU and cannot "
		   "be migrated", (unsigned long long)c->pfn,
		   (unsigned long long)mb->nr_vmemmap_pages, own);
	if ((z = zdx_memblock_zone(m, mb)) && z->zone == m->l->zone_movable)
		len += put(buf, n, len, ", although it sits in ZONE_MOVABLE: the one exception to "
			   "\"ZONE_MOVABLE holds only movable pages\"");
	return len + put(buf, n, len, ".");
}

void zdx_explain_why(const struct zdx_model *m, const struct zdx_candidate *c, char *buf, size_t n)
{
	const struct zdx_pfn_facts *f = &c->facts;
	unsigned long nr = zdx_pfn_to_section_nr(m->l, c->pfn);
	size_t len = 0;
	char own[96];

	buf[0] = 0;
	switch (c->cls) {
	case ZDX_CLASS_MIXED_SECTION:
		len += put(buf, n, len, "Section %lu is %s and shared by System RAM and device memory: "
			   "pfn_valid() is true for every pfn of %s, so a walker trusting it walks "
			   "from RAM into the device.", nr,
			   f->sec && zdx_early_section(m->l, f->sec) ? "early" : "hot-plugged",
			   f->sec && zdx_early_section(m->l, f->sec)
			   ? "an early section (its sub-section map is skipped)" : "a populated sub-section");
		len = why_online_page(m, f, buf, n, len);
		break;
	case ZDX_CLASS_ALTMAP_METADATA:
		len += put(buf, n, len, "pfn %#llx is %s: its section has a memmap and its sub-section "
			   "is populated, so pfn_valid() is true and get_dev_pagemap() finds the pgmap; "
			   "only pgmap_pfn_valid() (34dc45be4563) tells metadata from data. %s",
			   (unsigned long long)c->pfn, f->region == ZDX_REGION_RESERVE
			   ? "altmap reserve (the info block)" : "altmap memmap storage",
			   f->region == ZDX_REGION_RESERVE
			   ? "Its struct page was never initialised." :
			   "Its struct page is a reserved ZONE_DEVICE page with no valid pgmap.");
		len = why_online_page(m, f, buf, n, len);
		break;
	case ZDX_CLASS_ZONE_DEVICE_PAGE:
		if (f->region == ZDX_REGION_UNKNOWN)
			len += put(buf, n, len, "pfn %#llx is ZONE_DEVICE memory, but altmap metadata or "
				   "a data page cannot be told: %s. pfn_valid() is true; it is not buddy "
				   "or LRU memory.", (unsigned long long)c->pfn, zdx_region_why(f->region));
		else
			len += put(buf, n, len, "pfn %#llx is a ZONE_DEVICE data page: pfn_valid() is "
				   "true, but it is not buddy or LRU memory and its struct page belongs "
				   "to the pgmap's driver.", (unsigned long long)c->pfn);
		len = why_online_page(m, f, buf, n, len);
		break;
	case ZDX_CLASS_MEMMAP_ON_MEMORY:
		len = why_vmemmap(m, c, buf, n, len);
		break;
	case ZDX_CLASS_NO_MEMMAP:
		len += put(buf, n, len, "Sub-section %u of section %lu is not populated: no memmap exists "
			   "for pfn %#llx and pfn_valid() is false; the walker did not check pfn_valid() "
			   "for each pfn (memory is sub-section granular since f1eca35a0dc7, v5.3).",
			   f->subsection, nr, (unsigned long long)c->pfn);
		break;
	case ZDX_CLASS_HOLE:
		len += put(buf, n, len, "pfn %#llx has no initialised section: there is no memmap for it.",
			   (unsigned long long)c->pfn);
		break;
	case ZDX_CLASS_OFFLINE:
		len += put(buf, n, len, "Section %lu is not online: pfn_valid() is true but the memmap "
			   "of offline memory is uninitialised or stale; pfn_to_online_page() returns "
			   "NULL for it.", nr);
		if (zdx_model_vmemmap_label(m, c->pfn, own, sizeof(own)))
			len += put(buf, n, len, " It is one of %s: the block's memmap is stored in "
				   "them and was never initialised.", own);
		break;
	default:
		len += put(buf, n, len, "pfn %#llx is ordinary online RAM.", (unsigned long long)c->pfn);
	}
}

/* The guard a memmap_on_memory walker lacks, in this kernel's words: the
 * page flag where it has one (PG_vmemmap_self_hosted, 6.1), and where the
 * block keeps its vmemmap size (memory_block.nr_vmemmap_pages from 5.13;
 * since 6.6 a pointer to the block's own vmem_altmap, whose free count it
 * is): the layout says which this kernel has. */
static void fix_vmemmap(const struct zdx_layout *l, char *buf, size_t n)
{
	snprintf(buf, n, "skip the block's vmemmap pages: %s%s pfns of the block, as "
		 "memory_block_offline() does; do not assume every page of ZONE_MOVABLE can be migrated",
		 l->pg_vmemmap_self_hosted >= 0 ? "PageVmemmapSelfHosted(), or " : "",
		 l->off_mb_altmap >= 0 ? "the first memory_block.altmap->free"
		 : l->off_mb_nr_vmemmap_pages >= 0 ? "the first memory_block.nr_vmemmap_pages"
		 : "the first vmemmap");
}

static const char *fix_text(const struct zdx_model *m, enum zdx_class cls)
{
	switch (cls) {
	case ZDX_CLASS_MIXED_SECTION:
		return m->l->has_pfn_to_online_page_fn
		       ? "walk with pfn_to_online_page() instead of pfn_valid()"
		       : "walk with pfn_to_online_page() and take 1f90a3477df3 (v5.12), which "
			 "rejects device pfns in sections shared with RAM";
	case ZDX_CLASS_ALTMAP_METADATA:
		return "check pgmap_pfn_valid() after get_dev_pagemap() (34dc45be4563), or walk with "
		       "pfn_to_online_page()";
	case ZDX_CLASS_ZONE_DEVICE_PAGE:
		return "walk with pfn_to_online_page(), which never returns ZONE_DEVICE pages, or hold "
		       "get_dev_pagemap() and treat the page as the pgmap driver's";
	case ZDX_CLASS_NO_MEMMAP:
	case ZDX_CLASS_HOLE:
		return "check pfn_valid() for every pfn, not once per section";
	case ZDX_CLASS_OFFLINE:
		return "walk with pfn_to_online_page()";
	default:
		return "-";
	}
}

void zdx_explain_fix(const struct zdx_model *m, enum zdx_class cls, char *buf, size_t n)
{
	if (cls == ZDX_CLASS_MEMMAP_ON_MEMORY)
		fix_vmemmap(m->l, buf, n);
	else
		snprintf(buf, n, "%s", fix_text(m, cls));
}
