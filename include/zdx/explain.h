/*
 * zdx explain: from a panic's candidate pages/pfns to a verdict.  Pure:
 * the crash side (crash_panic.c, cmd_explain.c) gathers candidates from
 * the fault address, the exception registers, dump_page() lines and DWARF
 * variables; this file classifies them through the model and picks the
 * verdict with its confidence.
 */
#ifndef ZDX_EXPLAIN_H
#define ZDX_EXPLAIN_H

#include <stdint.h>
#include <stddef.h>
#include "zdx/model.h"

#define ZDX_MAX_CANDIDATES 64

/* Where a candidate came from; stronger sources first. */
enum zdx_cand_source {
	ZDX_SRC_FAULT_ADDR,       /* the oops' fault address (CR2) */
	ZDX_SRC_DWARF,            /* a struct page * / pfn variable recovered with DWARF */
	ZDX_SRC_DUMP_PAGE,        /* a dump_page() line in the log */
	ZDX_SRC_GARBAGE_LINK,     /* struct page whose bytes hold the faulting garbage value */
	ZDX_SRC_REGISTER,         /* an exception-frame register that is a struct page pointer */
	ZDX_SRC_LOG_REGISTER,     /* the same, from the register dump of the log's report */
};

enum zdx_cand_kind { ZDX_CAND_PAGE, ZDX_CAND_PFN, ZDX_CAND_PHYS };

/* Classes of a pfn, in the order explain prefers them as the cause. */
enum zdx_class {
	ZDX_CLASS_MIXED_SECTION,  /* device pfn in a section shared with RAM */
	ZDX_CLASS_ALTMAP_METADATA,
	ZDX_CLASS_ZONE_DEVICE_PAGE,
	ZDX_CLASS_MEMMAP_ON_MEMORY, /* online RAM holding its block's own memmap */
	ZDX_CLASS_NO_MEMMAP,      /* present section, sub-section without memmap */
	ZDX_CLASS_OFFLINE,        /* RAM whose section is not online */
	ZDX_CLASS_HOLE,
	ZDX_CLASS_ONLINE_RAM,
	ZDX_CLASS_NR
};

struct zdx_candidate {
	enum zdx_cand_source source;
	enum zdx_cand_kind kind;
	uint64_t value;           /* as found: page address, pfn or physical address */
	uint64_t pfn;
	int frame;                /* DWARF: 0 = the faulting frame, 1.. its callers */
	int exc;                  /* exception frame it came from (index in the deciding bt), -1 */
	int support_only;         /* from a context the faulting code interrupted: may
				     corroborate the cause, never be it */
	char origin[200];         /* "rbx at walk_x+0x45", "page (rbx) in scan_range()" */
	char check[96];           /* plain crash command that shows it by hand */
	/* filled by zdx_explain_classify() */
	struct zdx_pfn_facts facts;
	enum zdx_class cls;
};

enum zdx_confidence { ZDX_CONF_LOW, ZDX_CONF_MEDIUM, ZDX_CONF_HIGH };

struct zdx_verdict {
	const char *word;         /* a word of zdx/verdicts.h, or ZDX_NO_VERDICT */
	enum zdx_confidence confidence;
	int cause;                /* index of the deciding candidate, -1 */
	int supporting;           /* other candidates agreeing on the same pfn */
};

/* Turn a candidate's value into a pfn; 0 on success, -1 if it is not an
 * address zdx can map to a pfn (vmemmap page pointer, or physical). */
int zdx_candidate_to_pfn(const struct zdx_model *m, struct zdx_candidate *c);
void zdx_explain_classify(const struct zdx_model *m, struct zdx_candidate *c);
void zdx_explain_decide(const struct zdx_candidate *c, int n, struct zdx_verdict *v);

/* Why the kernel let the access happen, in words with commit ids; and the
 * guard or fix that would have prevented it. */
void zdx_explain_why(const struct zdx_model *m, const struct zdx_candidate *c, char *buf, size_t n);
void zdx_explain_fix(const struct zdx_model *m, enum zdx_class cls, char *buf, size_t n);

const char *zdx_class_name(enum zdx_class cls);
const char *zdx_class_verdict(enum zdx_class cls);
const char *zdx_source_name(enum zdx_cand_source s);
const char *zdx_confidence_name(enum zdx_confidence c);

#endif
