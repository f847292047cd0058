/* One run of `zdx explain` (crash side): what was gathered, for the report. */
#ifndef ZDX_EXPLAIN_RUN_H
#define ZDX_EXPLAIN_RUN_H

#include "zdx/explain.h"
#include "zdx/model.h"
#include "zdx/panic.h"

#define MAX_DIRS 8
#define MAX_UNWIND 16

struct zdx_explain_run {
	const struct zdx_model *m;
	struct zdx_panic panic;
	char panicmsg[256];
	struct zdx_candidate cand[ZDX_MAX_CANDIDATES];
	int n;
	const char *dirs[MAX_DIRS];
	int ndirs;
	char dwarf_note[12][400];  /* what DWARF could not do, and why */
	int nnotes;
	char walker_fn[64];       /* the function walking pfns (see add_dwarf_vars) */
	int walker_is_loop;       /* walker_fn holds a pfn variable, not just a page */
	int cur_exc;              /* exception frame candidates are being taken from */
	int cur_support;          /* ... and it is a context the fault interrupted */
	/* what the fixed tables could not keep, counted */
	unsigned long cand_dropped, notes_dropped;
	int unwind_capped;        /* callers beyond MAX_UNWIND frames not searched */
	struct zdx_incomplete_list inc;   /* the model's, then explain's own */
};

void zdx_explain_report_text(const struct zdx_explain_run *e, const struct zdx_verdict *v);
void zdx_explain_report_json(const struct zdx_explain_run *e, const struct zdx_verdict *v);

#endif
