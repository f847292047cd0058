/*
 * zdx dumpcheck's probe: what the dump holds of a range of kernel memory.
 * Each page is translated through the dump's page tables, read through
 * crash (physically contiguous pages in one bulk read), and, when it is
 * missing, the dump file's own metadata (PT_LOADs, kdump bitmaps) says
 * why: never captured, or left out by the dump level.  Knows nothing of
 * kernel structures: cmd_dumpcheck.c says what to probe.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/dumpcheck_run.h"

/* --- ranges --- */

static void list_add(struct dc_list *L, uint64_t start, uint64_t end, enum zdx_file_page why)
{
	struct dc_range *last = L->n ? &L->r[L->n - 1] : NULL;

	if (last && last->end == start && last->why == why) {
		last->end = end;
		return;
	}
	if (L->n == DC_MAX_RANGES) {
		L->more++;
		return;
	}
	L->r[L->n++] = (struct dc_range){ .start = start, .end = end, .why = why };
}

struct dc_class *dc_new_class(struct dc *d, enum dc_kind kind, const char *name)
{
	struct dc_class *c;

	if (d->ncls == DC_MAX_CLASSES) {
		d->classes_dropped = 1;
		return NULL;
	}
	c = &d->cls[d->ncls++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->pgmap = c->holder = c->mb = -1;
	c->home = ZDX_HOME_UNKNOWN;
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

/* --- probing --- */

/* What the file says about a page crash could not read (or read as zeros
 * because crash was told to zero-fill excluded pages). */
static enum zdx_file_page file_says(const struct dc *d, uint64_t paddr)
{
	return d->df ? zdx_dumpfile_page(d->df, paddr, (unsigned)dc_page_size(d)) : ZDX_FP_UNKNOWN;
}

static void account(struct dc *d, struct dc_class *c, uint64_t paddr, int readable)
{
	uint64_t ps = dc_page_size(d);
	enum zdx_file_page why = file_says(d, paddr);

	/* crash --zero_excluded turns a missing page into zeros: trust the file. */
	if (readable && d->zero_excluded && (why == ZDX_FP_EXCLUDED || why == ZDX_FP_NOT_CAPTURED)) {
		readable = 0;
		c->zero_read++;
	}
	c->needed++;
	if (readable) {
		c->present++;
		list_add(&c->present_r, paddr, paddr + ps, ZDX_FP_DUMPED);
	} else {
		c->missing++;
		list_add(&c->missing_r, paddr, paddr + ps, why);
	}
}

/* npages physically contiguous pages from paddr: one bulk read, and page
 * by page only when it fails. */
static void probe_phys(struct dc *d, struct dc_class *c, uint64_t paddr, uint64_t npages)
{
	uint64_t ps = dc_page_size(d), i;
	int all = zdx_pread(paddr, d->buf, npages * ps) == 0;

	for (i = 0; i < npages; i++)
		account(d, c, paddr + i * ps, all || zdx_pread(paddr + i * ps, d->buf, ps) == 0);
}

/* Every page of kernel virtual [vs, ve): translate, batch contiguous
 * physical pages, probe.  A page the page tables do not map in the dump is
 * counted apart: its physical address is unknown. */
void dc_probe_virt(struct dc *d, struct dc_class *c, uint64_t vs, uint64_t ve)
{
	uint64_t ps = dc_page_size(d), v, run_p = 0, n = 0;

	for (v = vs & ~(ps - 1); v < ve; v += ps) {
		uint64_t p;

		if (c->needed && v == c->last_v)
			continue;
		c->last_v = v;
		if (zdx_kvtop(v, &p)) {
			c->needed++;
			c->missing++;
			c->unmapped++;
			list_add(&c->unmapped_r, v, v + ps, ZDX_FP_UNKNOWN);
			continue;
		}
		p &= ~(ps - 1);
		if (n && (p != run_p + n * ps || n == DC_BATCH_PAGES)) {
			probe_phys(d, c, run_p, n);
			n = 0;
		}
		if (!n)
			run_p = p;
		n++;
	}
	if (n)
		probe_phys(d, c, run_p, n);
}
