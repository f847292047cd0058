/*
 * A catalogue of the kernel's pfn walkers and the guard each uses, found
 * by reading each function in the kernel trees zdx supports (fs/proc/page.c,
 * mm/compaction.c, mm/memory-failure.c, mm/page_owner.c, ...); the commits
 * that added a guard are named in extension/walkers.c.  It only names a recognised frame; explain never
 * decides a verdict from a name — walkers it does not know are recognised
 * by behaviour (a frame holding a struct page / pfn of device memory).
 */
#ifndef ZDX_WALKERS_H
#define ZDX_WALKERS_H

struct zdx_walker {
	const char *func;
	const char *what;         /* what it walks for */
	const char *guard;        /* the check it uses in current kernels */
};

/* The catalogued walker named func (exact, or func with a .cold/.isra
 * suffix), or NULL. */
const struct zdx_walker *zdx_walker_find(const char *func);

#endif
