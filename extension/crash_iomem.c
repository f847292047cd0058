/*
 * The iomem resource tree (/proc/iomem in the dump): the owner name of a
 * physical range is found by descending from iomem_resource, at each level
 * into the child that overlaps the range the most, down to the deepest
 * resource that overlaps it at all — for pmem the namespace
 * ("namespace0.0") or its dax device, for a DIMM "System RAM", and so on.
 * (Not "the innermost resource holding it": a range that straddles two
 * children goes to the larger share.)
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/field.h"

#define IOMEM_MAX_VISITS 100000     /* a corrupt tree must not loop forever */

struct res { uint64_t start, end, name, child, sibling, desc; int has_desc; };

static int read_res(const struct zdx_layout *l, uint64_t addr, struct res *r)
{
	unsigned char buf[128];
	unsigned long n = zdx_field_end(l->off_res_sibling, 8), c = zdx_field_end(l->off_res_child, 8);

	n = n > c ? n : c;
	if (!n || !c || n > sizeof(buf) || zdx_kread(addr, buf, n))
		return -1;
	/* Pointers and resource_size_t: 8 bytes on x86_64. */
	if (zdx_field(buf, n, l->off_res_start, 8, &r->start) ||
	    zdx_field(buf, n, l->off_res_end, 8, &r->end) ||
	    zdx_field(buf, n, l->off_res_name, 8, &r->name) ||
	    zdx_field(buf, n, l->off_res_child, 8, &r->child) ||
	    zdx_field(buf, n, l->off_res_sibling, 8, &r->sibling))
		return -1;
	/* desc (unsigned long) is newer than the tree: its absence is no error */
	r->has_desc = !zdx_field(buf, n, l->off_res_desc, 8, &r->desc);
	return 0;
}

/* A walk that stopped before its end: at resource at (0: the budget). */
static void walk_cut(struct zdx_incomplete_list *inc, uint64_t at, uint64_t start, uint64_t end,
		     const char *why)
{
	zdx_incomplete_add(inc, "iomem resource", at, "%s: the iomem walk for %llx-%llx stopped, "
			   "its owner may be deeper or elsewhere", why, (unsigned long long)start,
			   (unsigned long long)end);
}

static uint64_t overlap(const struct res *r, uint64_t start, uint64_t end)
{
	uint64_t a = r->start > start ? r->start : start, b = r->end < end ? r->end : end;

	return a <= b ? b - a + 1 : 0;
}

/* Descend through the children that overlap [start, end] the most: a pgmap
 * may span a namespace's info-block resource and its dax device (devdax
 * --map=mem), and the device that serves it is the one holding most of it. */
void zdx_iomem_owner(uint64_t start, uint64_t end, char *buf, unsigned long n,
		     struct zdx_incomplete_list *inc)
{
	const struct zdx_layout *l = zdx_layout(NULL);   /* the model's, already checked */
	uint64_t cur, best_name = 0;
	struct res r;
	int visits = 0;

	buf[0] = 0;
	if (!l || !l->iomem_resource || read_res(l, l->iomem_resource, &r))
		return;
	cur = r.child;
	while (cur && visits < IOMEM_MAX_VISITS) {
		uint64_t pick = 0, pick_child = 0, most = 0;

		for (; cur && visits++ < IOMEM_MAX_VISITS; cur = r.sibling) {
			uint64_t o;

			if (read_res(l, cur, &r)) {
				walk_cut(inc, cur, start, end, "not in this dump");
				break;
			}
			if ((o = overlap(&r, start, end)) > most) {
				most = o;
				pick = r.name;
				pick_child = r.child;
			}
		}
		if (!most)
			break;
		best_name = pick;
		cur = pick_child;
	}
	if (visits > IOMEM_MAX_VISITS)   /* the budget stopped a walk with a node to go */
		walk_cut(inc, 0, start, end, "over the visit budget (a corrupt tree)");
	if (best_name)
		zdx_kread_str(best_name, buf, n);
}

/* The chain of resources from the root down that each hold all of [start,
 * end] (e.g. "Persistent Memory (legacy)" > "namespace0.0" > "dax0.0" >
 * "System RAM (kmem)"); returns its length. */
int zdx_iomem_path(uint64_t start, uint64_t end, struct zdx_res *path, int max,
		   struct zdx_incomplete_list *inc)
{
	const struct zdx_layout *l = zdx_layout(NULL);   /* the model's, already checked */
	uint64_t cur;
	struct res r;
	int visits = 0, n = 0;

	if (!l || !l->iomem_resource || read_res(l, l->iomem_resource, &r))
		return 0;
	for (cur = r.child; cur && n < max && visits < IOMEM_MAX_VISITS; ) {
		uint64_t next = 0;

		for (; cur && visits++ < IOMEM_MAX_VISITS; cur = r.sibling) {
			if (read_res(l, cur, &r)) {
				walk_cut(inc, cur, start, end, "not in this dump");
				break;
			}
			if (r.start <= start && r.end >= end) {
				path[n].start = r.start;
				path[n].end = r.end;
				path[n].name[0] = 0;
				path[n].desc = r.has_desc ? (long)r.desc : -1;
				if (r.name)
					zdx_kread_str(r.name, path[n].name, sizeof(path[n].name));
				n++;
				next = r.child;
				break;
			}
		}
		cur = next;
	}
	if (visits > IOMEM_MAX_VISITS)   /* the budget stopped a walk with a node to go */
		walk_cut(inc, 0, start, end, "over the visit budget (a corrupt tree)");
	else if (cur && n == max)
		walk_cut(inc, cur, start, end, "its chain may go deeper than the resources zdx keeps");
	return n;
}
