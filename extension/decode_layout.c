/*
 * Sanity of the numbers zdx takes from VMCOREINFO and debuginfo before
 * they become shifts, counts and allocation sizes.  A corrupt or foreign
 * VMCOREINFO (or the vmlinux of another build) must be refused with the
 * value named, never turned into a 2^64 shift or an 8 GB calloc.  Every
 * bound is derived from another number of the same kernel.
 */
#include <stdio.h>
#include "zdx/layout.h"
#include "zdx/error.h"

/* -1, the error contract's failure (error.h), with e naming the value */
static int refuse(struct zdx_err *e, const char *fmt, unsigned long long v, unsigned long long b)
{
	char why[sizeof(e->why)];

	/* every check names two numbers; fmt is one of the literals below */
	snprintf(why, sizeof(why), fmt, v, b);
	return zdx_err_set(e, ZDX_E_REFUSED, NULL, 0, "refused: %s (VMCOREINFO or debuginfo of "
			   "another kernel, or corrupt)", why);
}

/* SECTION_SIZE_BITS and MAX_PHYSMEM_BITS: section_size_bits sits between
 * SUBSECTION_SHIFT (mmzone.h refuses to build otherwise) and
 * MAX_PHYSMEM_BITS, which a page table entry must be able to address. */
static int check_bits(const struct zdx_layout *l, struct zdx_err *e)
{
	if (l->page_shift < 1 || l->page_shift >= l->subsection_shift)
		return refuse(e, "PAGE_SHIFT %llu is not below SUBSECTION_SHIFT %llu",
			      l->page_shift, l->subsection_shift);
	if (l->section_size_bits < l->subsection_shift)
		return refuse(e, "SECTION_SIZE_BITS %llu is below SUBSECTION_SHIFT %llu",
			      l->section_size_bits, l->subsection_shift);
	if (l->max_physmem_bits <= l->section_size_bits)
		return refuse(e, "MAX_PHYSMEM_BITS %llu is not above SECTION_SIZE_BITS %llu",
			      l->max_physmem_bits, l->section_size_bits);
	if (l->phys_addr_bits && l->max_physmem_bits > l->phys_addr_bits)
		return refuse(e, "MAX_PHYSMEM_BITS %llu exceeds the %llu physical address bits "
			      "a page table entry holds", l->max_physmem_bits, l->phys_addr_bits);
	if (l->max_physmem_bits >= 64)
		return refuse(e, "MAX_PHYSMEM_BITS %llu is not below %llu", l->max_physmem_bits, 64);
	return 0;
}

/* LENGTH(mem_section) is NR_SECTION_ROOTS = DIV_ROUND_UP(NR_MEM_SECTIONS,
 * SECTIONS_PER_ROOT); more roots than that cannot exist (zdx allocates and
 * reads that many).  Fewer is accepted: on kernels older than 5.9
 * MAX_PHYSMEM_BITS is crash's default, which may be the wider one. */
static int check_roots(const struct zdx_layout *l, struct zdx_err *e)
{
	unsigned long long want;

	if (!l->sections_per_root)
		return refuse(e, "SECTIONS_PER_ROOT %llu is zero%.0llu", 0, 0);
	want = (zdx_nr_mem_sections(l) + l->sections_per_root - 1) / l->sections_per_root;
	if (!l->nr_section_roots || l->nr_section_roots > want)
		return refuse(e, "LENGTH(mem_section) %llu is not within NR_SECTION_ROOTS %llu "
			      "(from MAX_PHYSMEM_BITS and SECTION_SIZE_BITS)", l->nr_section_roots, want);
	return 0;
}

/* LENGTH(node_data) is MAX_NUMNODES = 1 << NODES_SHIFT, and the node field
 * sits in page->flags above the zone field and every PG_ bit. */
static int check_nodes(const struct zdx_layout *l, struct zdx_err *e)
{
	int top_flag = l->pg_head > l->pg_reserved ? l->pg_head : l->pg_reserved;
	unsigned long long nodes = (unsigned long long)l->max_numnodes;

	if (l->max_numnodes < 1 || (nodes & (nodes - 1)))
		return refuse(e, "LENGTH(node_data) %llu is not a power of two%.0llu", nodes, 0);
	if (l->nodes_width + l->zones_width + top_flag + 1 > 64)
		return refuse(e, "LENGTH(node_data) %llu needs %llu node bits in page->flags, "
			      "more than the PG_ flags leave", nodes, l->nodes_width);
	return 0;
}

int zdx_layout_check(const struct zdx_layout *l, struct zdx_err *e)
{
	if (check_bits(l, e) < 0 || check_roots(l, e) < 0 || check_nodes(l, e) < 0)
		return -1;
	return 0;
}
