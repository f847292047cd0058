/*
 * Classification of panic candidates and the verdict (pure).
 *
 * A candidate is a struct page pointer, pfn or physical address found in
 * the panic's evidence.  Its class comes from the model alone — sections,
 * sub-sections and pgmaps — so it does not depend on the memmap being in
 * the dump.  The verdict is decided by the strongest source that points
 * into device memory, metadata, a memmap hole or offline memory; a pfn
 * variable alone never decides (a correct walker's loop counter may sit in
 * device memory without its struct page ever being touched).
 */
#include <string.h>
#include "zdx/explain.h"

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
			 : f->region == ZDX_REGION_DATA ? ZDX_CLASS_ZONE_DEVICE_PAGE
			 : ZDX_CLASS_ALTMAP_METADATA;
		break;
	case ZDX_OWN_RAM:
		c->cls = zdx_section_online(m->l, f->sec) ? ZDX_CLASS_ONLINE_RAM : ZDX_CLASS_OFFLINE;
		break;
	default:
		c->cls = f->sec && zdx_section_has_memmap(m->l, f->sec) ? ZDX_CLASS_NO_MEMMAP
								 : ZDX_CLASS_HOLE;
	}
}

static int decides(const struct zdx_candidate *c)
{
	return c->cls != ZDX_CLASS_ONLINE_RAM;
}

/* Strength of a candidate as the cause: 2 strong, 1 medium, 0 support only. */
static int strength(const struct zdx_candidate *c)
{
	if (c->source == ZDX_SRC_REGISTER)
		return 1;
	if (c->source == ZDX_SRC_DWARF && c->kind != ZDX_CAND_PAGE)
		return 0;
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
		v->word = "unrelated";
		v->confidence = strong_seen ? ZDX_CONF_HIGH : ZDX_CONF_MEDIUM;
		return;
	}
	v->cause = best;
	v->word = zdx_class_verdict(c[best].cls);
	for (i = 0; i < n; i++)
		if (i != best && c[i].pfn == c[best].pfn)
			v->supporting++;
	if (c[best].facts.subsection_populated < 0) {
		v->word = "undetermined";
		v->confidence = ZDX_CONF_LOW;
		return;
	}
	v->confidence = strength(&c[best]) == 2 || v->supporting ? ZDX_CONF_HIGH : ZDX_CONF_MEDIUM;
}

const char *zdx_class_name(enum zdx_class cls)
{
	static const char *const name[ZDX_CLASS_NR] = {
		"device memory in a section shared with System RAM",
		"altmap metadata", "ZONE_DEVICE data page",
		"sub-section without memmap", "offline memory", "hole (no section)",
		"online RAM",
	};
	return cls < ZDX_CLASS_NR ? name[cls] : "?";
}

const char *zdx_class_verdict(enum zdx_class cls)
{
	static const char *const word[ZDX_CLASS_NR] = {
		"mixed-section", "altmap-metadata", "zone-device-page", "no-memmap",
		"offline-memory", "no-memmap", "unrelated",
	};
	return cls < ZDX_CLASS_NR ? word[cls] : "undetermined";
}

const char *zdx_source_name(enum zdx_cand_source s)
{
	switch (s) {
	case ZDX_SRC_FAULT_ADDR:   return "fault address";
	case ZDX_SRC_DWARF:        return "DWARF variable";
	case ZDX_SRC_DUMP_PAGE:    return "dump_page() in the log";
	case ZDX_SRC_GARBAGE_LINK: return "struct page holding the faulting value";
	default:                   return "exception register";
	}
}

const char *zdx_confidence_name(enum zdx_confidence c)
{
	return c == ZDX_CONF_HIGH ? "high" : c == ZDX_CONF_MEDIUM ? "medium" : "low";
}
