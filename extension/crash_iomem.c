/*
 * The iomem resource tree (/proc/iomem in the dump): the owner name of a
 * physical range is the innermost resource that holds it — for pmem the
 * namespace ("namespace0.0"), for a DIMM "System RAM", and so on.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"

#define IOMEM_MAX_VISITS 100000     /* a corrupt tree must not loop forever */

struct res { uint64_t start, end, name, child, sibling; };

static int read_res(const struct zdx_layout *l, uint64_t addr, struct res *r)
{
	unsigned char buf[128];
	long n = l->off_res_sibling + 8;

	if (n > (long)sizeof(buf) || l->off_res_sibling < 0 || l->off_res_child < 0 ||
	    zdx_kread(addr, buf, n))
		return -1;
	memcpy(&r->start, buf + l->off_res_start, 8);
	memcpy(&r->end, buf + l->off_res_end, 8);
	memcpy(&r->name, buf + l->off_res_name, 8);
	memcpy(&r->child, buf + l->off_res_child, 8);
	memcpy(&r->sibling, buf + l->off_res_sibling, 8);
	return 0;
}

void zdx_iomem_owner(uint64_t start, uint64_t end, char *buf, unsigned long n)
{
	const struct zdx_layout *l = zdx_layout();
	uint64_t cur, best = 0;
	struct res r;
	int visits = 0;

	buf[0] = 0;
	if (!l || !l->iomem_resource || read_res(l, l->iomem_resource, &r))
		return;
	cur = r.child;
	while (cur && visits++ < IOMEM_MAX_VISITS) {
		if (read_res(l, cur, &r))
			break;
		if (r.start <= start && end <= r.end) {
			best = r.name;
			cur = r.child;       /* go deeper */
		} else {
			cur = r.sibling;
		}
	}
	if (best)
		zdx_kread_str(best, buf, n);
}
