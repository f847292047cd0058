// SPDX-License-Identifier: GPL-2.0
/*
 * zdx_walker's pfn walkers, one per mode, and the modes table
 * (zdx_walker_main.c runs the chosen one where ctx= says).
 *
 * Each mode is a pfn walker written the way drivers and mm code wrote them
 * before the ZONE_DEVICE fixes: it trusts pfn_valid() (or the zone it read
 * from the first page) and then reads struct page fields.  On a machine
 * with pmem, hot-plugged or offline memory those assumptions are wrong and
 * the walker oopses; the guest boots with oops=panic, so the oops is the
 * crash that zdx is asked to explain.
 *
 * The walkers and the helpers they fault in are the frames the scenarios
 * name (EXPECT_FUNCTION; dumps/kmod/README.md): keep them static, and
 * noinline where they are, so each keeps its frame and its name.  A BUG()
 * or WARN in them reports this file's name (the scenarios' SYS_PANIC).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/memremap.h>
#include <linux/memory_hotplug.h>
#include <linux/rmap.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/kdebug.h>
#include <linux/notifier.h>

#include "zdx_walker.h"

/*
 * One source for every kernel of the corpus (5.10 .. 7.x): differences are
 * met by feature tests, never by version numbers.
 *  - The anon/flags bits of ->mapping are FOLIO_MAPPING_* in newer kernels
 *    (7.2 has no PAGE_MAPPING_*).
 *  - Newer kernels (7.2) moved ->pgmap from struct page to struct folio: a
 *    ZONE_DEVICE page's pgmap is read through page_pgmap(), from the same
 *    word.  Kbuild defines ZDX_HAVE_PAGE_PGMAP when the kernel's headers
 *    declare it (an inline function: the preprocessor cannot see it).
 */
#ifndef PAGE_MAPPING_ANON
#define PAGE_MAPPING_ANON	FOLIO_MAPPING_ANON
#define PAGE_MAPPING_FLAGS	FOLIO_MAPPING_FLAGS
#endif
#ifdef ZDX_HAVE_PAGE_PGMAP
#define zdx_page_pgmap(page)	page_pgmap(page)
#else
#define zdx_page_pgmap(page)	((page)->pgmap)
#endif

static inline void zdx_resched(void)
{
	if (!READ_ONCE(zdx_atomic))
		cond_resched();
}

/* The page a walker is working on, for nest=1's die notifier: set by
 * zdx_page_owner_ino() and by zdx_isolate_range(). */
static struct page *zdx_cur_page;

/*
 * Resolve the owner of a page the way a page-cache accounting scanner does:
 * a file page's inode number, or a token for an anonymous page's anon_vma
 * root.  Nothing here checks that @page was ever initialised; on a garbage
 * struct page ->mapping is a wild pointer and the dereference faults.
 */
static noinline unsigned long zdx_page_owner_ino(struct page *page)
{
	struct address_space *mapping;
	unsigned long bits;

	WRITE_ONCE(zdx_cur_page, page);
	mapping = READ_ONCE(page->mapping);
	bits = (unsigned long)mapping;

	if (!mapping)
		return 0;
	if (bits & PAGE_MAPPING_ANON) {
		struct anon_vma *anon_vma = (void *)(bits & ~PAGE_MAPPING_FLAGS);

		return (unsigned long)READ_ONCE(anon_vma->root) >> 6;
	}
	mapping = (void *)(bits & ~PAGE_MAPPING_FLAGS);
	return READ_ONCE(mapping->host)->i_ino;
}

/*
 * Mode altmap-reserve.  A page-cache usage scanner over a physical range.
 * pfn_valid() is true for the whole pmem namespace, including the altmap
 * reserve (the info block, [base_pfn, base_pfn + reserve)) whose struct
 * pages no kernel code ever initialises: they hold whatever the media held.
 * Fixed for real walkers by switching them to pfn_to_online_page()
 * (aad5f69bc161 "fs/proc/page.c: don't access uninitialized memmaps in
 * fs/proc/page.c") and by 34dc45be4563 for memory_failure().
 */
static noinline int zdx_pagecache_scan(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count;
	unsigned long nr_owned = 0, hash = 0;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page;
		unsigned long ino;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		ino = zdx_page_owner_ino(page);
		if (ino) {
			nr_owned++;
			hash ^= ino + pfn;
		}
		zdx_resched();
	}
	pr_debug("%lu owned pages, hash %lx\n", nr_owned, hash);
	return -EIO;
}

/*
 * Mode altmap-memmap.  A device-page auditor that classifies ZONE_DEVICE
 * pages by their pgmap type, as memory_failure_dev_pagemap() and
 * free_zone_device_page() do.  The pfns that store the memmap itself,
 * [base_pfn + reserve, pfn_first), are initialised by the hotplug memmap
 * init as reserved ZONE_DEVICE pages but never get a pgmap: the word that
 * page->pgmap overlays is lru.next, which __init_single_page() points back
 * at the page itself.  "pgmap" is then the page's own memmap, and its type
 * field lands in the next struct page (index/private or _mapcount
 * depending on the kernel: 0 or -1, never a valid memory_type).
 * 34dc45be4563 ("mm, memory_failure: Teach memory_failure() about dev_pagemap
 * pages") added pgmap_pfn_valid() to keep walkers off these pfns.
 */
static noinline int zdx_devmap_audit(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count;
	unsigned long nr_dax = 0, nr_private = 0, nr_other = 0;

	for (pfn = start; pfn < end; pfn++) {
		struct dev_pagemap *pgmap;
		struct page *page;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (!is_zone_device_page(page))
			continue;
		pgmap = zdx_page_pgmap(page);
		switch (pgmap->type) {
		case MEMORY_DEVICE_FS_DAX:
		case MEMORY_DEVICE_GENERIC:
			nr_dax++;
			break;
		case MEMORY_DEVICE_PRIVATE:
			nr_private++;
			break;
		case MEMORY_DEVICE_PCI_P2PDMA:
			nr_other++;
			break;
		default:
			/*
			 * An unknown type means page->pgmap is not a dev_pagemap:
			 * refuse to act on a corrupted pgmap.
			 */
			BUG();
		}
		zdx_resched();
	}
	pr_debug("%lu dax, %lu private, %lu other\n", nr_dax, nr_private, nr_other);
	return -EIO;
}

/*
 * Mode device-page.  A reclaim-style isolator: every valid page in the range
 * is assumed to be RAM on its zone's lists and is moved to a private list
 * under the zone lock.  A ZONE_DEVICE data page has no lru: the same words
 * hold page->pgmap and page->zone_device_data (NULL), so the list unlink
 * trips CONFIG_DEBUG_LIST (or dereferences NULL without it).  Walkers that
 * mistook device pages for buddy pages are what is_zone_device_page() and
 * a78986aae9b2 ("KVM: MMU: Do not treat ZONE_DEVICE pages as being
 * reserved") were about.
 */
static noinline int zdx_isolate_range(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count, nr_isolated = 0;
	LIST_HEAD(isolated);

	for (pfn = start; pfn < end; pfn++) {
		struct page *page;
		struct zone *zone;
		unsigned long flags;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		zone = page_zone(page);
		if (!zone_spans_pfn(zone, pfn))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		WRITE_ONCE(zdx_cur_page, page);
		list_move_tail(&page->lru, &isolated);
		nr_isolated++;
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	pr_debug("%lu pages isolated\n", nr_isolated);
	return -EIO;
}

/*
 * Mode shared-section.  A zone-contiguity check in the style of the old
 * set_zone_contiguous()/test_pages_in_a_zone(): the zone is taken from the
 * first page and every pfn_valid() page after it must belong to it.  In a
 * 128 MiB section shared by boot RAM and pmem, the section is "early" and
 * pfn_valid() skips the sub-section map (326e1b8f83a4), so the pmem pfns
 * pass and their struct pages say ZONE_DEVICE.  1f90a3477df3 ("mm: Teach
 * pfn_to_online_page() about ZONE_DEVICE section collisions") is the fix
 * for walkers that use pfn_to_online_page(); this one does not even do that.
 */
static noinline int zdx_zone_span_check(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count;
	struct zone *zone;

	if (!pfn_valid(start))
		return -EINVAL;
	zone = page_zone(pfn_to_page(start));

	for (pfn = start; pfn < end; pfn++) {
		struct page *page;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		BUG_ON(page_zone(page) != zone);
	}
	return -EIO;
}

/*
 * Mode subsection-hole.  A census that checks pfn_valid() once per section, the
 * pre-5.3 rule that a section has a memmap for all of its pages or none.
 * Since sub-section hotplug (f46edbd1b151 and the series around it) a
 * present section can have 2 MiB sub-sections without a memmap.  Their
 * vmemmap is unmapped when the present part was populated with base pages
 * (x86 does that for sub-section-sized ranges): reading ->mapping faults on
 * the vmemmap address.  Inside a PMD-mapped vmemmap, x86 5.12+ fills unused
 * struct pages with 0xFD (8d400913c231): ->mapping reads 0xfdfd... and its
 * dereference takes a general protection fault.  Same pfn either way.
 */
static noinline int zdx_section_census(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count, nr_owned = 0;
	bool section_ok = false;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page;

		if (pfn == start || !(pfn & (PAGES_PER_SECTION - 1))) {
			section_ok = pfn_valid(pfn);
			zdx_resched();
		}
		if (!section_ok)
			continue;
		page = pfn_to_page(pfn);
		if (zdx_page_owner_ino(page))
			nr_owned++;
	}
	pr_debug("%lu owned pages\n", nr_owned);
	return -EIO;
}

/*
 * Mode offline.  A range accountant that takes pfn_valid() for "online RAM"
 * and asserts each page lies inside its zone (the bad_range() check of the
 * page allocator).  An offline hot-plugged block has a memmap, so it is
 * pfn_valid(), but its struct pages were never initialised (zeroed by
 * init_on_alloc: zone 0, node 0) or describe a zone that has since shrunk
 * away from it.  The v5.4 "don't access uninitialized memmaps" series
 * (Hildenbrand) moved such walkers to pfn_to_online_page().
 */
static noinline int zdx_account_range(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count, nr_free = 0;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page;
		struct zone *zone;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		zone = page_zone(page);
		BUG_ON(!zone_spans_pfn(zone, pfn));
		if (!page_count(page))
			nr_free++;
		if (!(pfn & 1023))
			zdx_resched();
	}
	pr_debug("%lu free pages\n", nr_free);
	return -EIO;
}

/*
 * Mode movable-vmemmap.  A ZONE_MOVABLE evacuator in the style of
 * offline_pages()/alloc_contig_range(): it takes online pages with
 * pfn_to_online_page() (offline memory is skipped, as it should be) and
 * trusts the ZONE_MOVABLE contract, that every page there is free, on the
 * LRU, or has a mapping to migrate it with.  An in-use page with none of
 * them cannot be evacuated and is treated as corruption.
 * memory_hotplug.memmap_on_memory breaks the contract: the first
 * nr_vmemmap_pages of a hot-plugged block hold the block's own memmap and
 * are onlined into the block's zone (ZONE_MOVABLE for online_movable) as
 * allocated pages nobody can migrate: refcount 1, no mapping, not LRU
 * (PageVmemmapSelfHosted, and PageReserved too on 6.1).  The kernel's own
 * offline path never looks at them: memory_block_offline() starts after
 * them, and scanners skip PageVmemmapSelfHosted() pages.
 */
static noinline int zdx_movable_evacuate(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count, nr_free = 0, nr_movable = 0;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || page_zonenum(page) != ZONE_MOVABLE)
			continue;
		if (PageBuddy(page) || !page_count(page)) {
			nr_free++;
			continue;
		}
		/* Only movable pages may live here: anything else is corrupt. */
		BUG_ON(!PageLRU(page) && !READ_ONCE(page->mapping));
		nr_movable++;
		if (!(pfn & 1023))
			zdx_resched();
	}
	pr_debug("%lu free, %lu to migrate\n", nr_free, nr_movable);
	return -EIO;
}

/*
 * Mode control.  A correct walker: pfn_to_online_page() and no ZONE_DEVICE
 * pages, so it never touches an uninitialised memmap.  Its bug is in its own
 * bookkeeping: the census is unlinked when published and again on the common
 * exit path, and the second list_del() hits LIST_POISON1 (CONFIG_DEBUG_LIST
 * with BUG_ON_DATA_CORRUPTION turns that into a BUG).  Nothing to do with
 * ZONE_DEVICE.
 */
struct zdx_census {
	struct list_head node;
	unsigned long per_zone[MAX_NR_ZONES];
	unsigned long skipped;
};

static LIST_HEAD(zdx_census_inflight);
static DEFINE_SPINLOCK(zdx_census_lock);

static void zdx_census_unlink(struct zdx_census *census)
{
	spin_lock(&zdx_census_lock);
	list_del(&census->node);
	spin_unlock(&zdx_census_lock);
}

static noinline void zdx_census_publish(struct zdx_census *census)
{
	int z;

	zdx_census_unlink(census);
	for (z = 0; z < MAX_NR_ZONES; z++)
		if (census->per_zone[z])
			pr_debug("zone %d: %lu pages\n", z, census->per_zone[z]);
}

static noinline int zdx_online_census(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count;
	struct zdx_census *census;

	census = kzalloc(sizeof(*census), READ_ONCE(zdx_atomic) ? GFP_ATOMIC : GFP_KERNEL);
	if (!census)
		return -ENOMEM;
	spin_lock(&zdx_census_lock);
	list_add(&census->node, &zdx_census_inflight);
	spin_unlock(&zdx_census_lock);

	for (pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || is_zone_device_page(page)) {
			census->skipped++;
			continue;
		}
		census->per_zone[page_zonenum(page)]++;
		if (!(pfn & 1023))
			zdx_resched();
	}
	zdx_census_publish(census);

	/* Common exit: drop the census from the in-flight list (again). */
	zdx_census_unlink(census);
	kfree(census);
	return -EIO;
}

/*
 * Modes spin-memmap, spin-data.  A scrubber that must not touch a page its owner still holds:
 * under its lock it waits, without sleeping, for each valid page's refcount
 * to drop to the allocator's 0.  ZONE_DEVICE pages (data, and the altmap
 * memmap storage, initialised with a reference) never go back to the
 * allocator: it spins on the first one until the soft-lockup detector
 * fires (softlockup_panic=1; interrupts stay enabled so its hrtimer can).
 * No fault: the evidence is the stuck code's registers.  Not for hardirq
 * contexts: that would be a hard lockup, which QEMU's guests cannot detect.  Mode spin-control runs the same loop over kernel-image pages
 * (online RAM, reserved with a reference): stuck just the same, on RAM.
 */
static DEFINE_SPINLOCK(zdx_scrub_lock);

static noinline int zdx_scrub_wait(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count, nr_scrubbed = 0;

	spin_lock(&zdx_scrub_lock);
	for (pfn = start; pfn < end; pfn++) {
		struct page *page;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		while (page_ref_count(page))
			cpu_relax();
		nr_scrubbed++;
	}
	spin_unlock(&zdx_scrub_lock);
	pr_debug("%lu pages scrubbed\n", nr_scrubbed);
	return -EIO;
}

/*
 * Modes warn-memmap, warn-data.  An LRU accountant that asserts every pfn_valid() page lies in
 * a zone the page allocator manages, with a WARN (then it gives up on the
 * range).  ZONE_DEVICE manages no pages; with panic_on_warn=1 the WARN on
 * the first device page (data or altmap memmap storage) is the panic.
 */
static noinline int zdx_lru_account(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count, nr_lru = 0;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (WARN_ON_ONCE(!zone_managed_pages(page_zone(page))))
			break;
		if (PageLRU(page))
			nr_lru++;
		zdx_resched();
	}
	pr_debug("%lu LRU pages\n", nr_lru);
	return -EIO;
}

/*
 * Mode warn-control.  A correct census (pfn_to_online_page(), skips
 * ZONE_DEVICE) that insists, with a WARN, that its range held nothing but
 * online RAM.  It never reads a device page's struct page: the WARN is
 * about its own expectations.
 */
static noinline int zdx_online_count(unsigned long start, unsigned long count)
{
	unsigned long pfn, end = start + count, nr_used = 0, nr_skipped = 0;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || is_zone_device_page(page)) {
			nr_skipped++;
			continue;
		}
		nr_used += !!page_count(page);
		if (!(pfn & 1023))
			zdx_resched();
	}
	WARN_ON_ONCE(nr_skipped);
	pr_debug("%lu pages in use\n", nr_used);
	return -EIO;
}

const struct zdx_mode zdx_modes[] = {
	{ "altmap-reserve",	zdx_pagecache_scan },
	{ "altmap-memmap",	zdx_devmap_audit },
	{ "device-page",	zdx_isolate_range },
	{ "shared-section",	zdx_zone_span_check },
	{ "subsection-hole",	zdx_section_census },
	{ "offline",		zdx_account_range },
	{ "movable-vmemmap",	zdx_movable_evacuate },
	{ "control",		zdx_online_census },
	{ "spin-memmap",	zdx_scrub_wait, true },
	{ "spin-data",		zdx_scrub_wait, true },
	{ "spin-control",	zdx_scrub_wait, true },
	{ "warn-memmap",	zdx_lru_account },
	{ "warn-data",		zdx_lru_account },
	{ "warn-control",	zdx_online_count },
	{ }
};

/*
 * nest=1's second look at the page: are its LRU neighbours linked back to
 * it?  The question a reporter asks after a list_del corruption BUG, and
 * the check __list_del_entry_valid() made, but without its NULL tests.  On
 * a ZONE_DEVICE data page the words of ->lru are ->pgmap and
 * ->zone_device_data (NULL for fsdax), so ->lru.prev->next reads address 0.
 */
static noinline bool zdx_page_lru_linked(struct page *page)
{
	struct list_head *prev = READ_ONCE(page->lru.prev);
	struct list_head *next = READ_ONCE(page->lru.next);

	return READ_ONCE(prev->next) == &page->lru && READ_ONCE(next->prev) == &page->lru;
}

/* nest=1: a crash reporter that adds the page being scanned to the oops:
 * its owner (on a garbage or unmapped struct page that faults again), then
 * whether its LRU links are sound (on a device data page that dereferences
 * its NULL ->zone_device_data).  One statement each, so the owner is always
 * asked first.  It reports once: the second oops runs the notifier chain
 * too, and without the guard every nested oops would fault again until the
 * stack overflows (measured: [#84] and counting, no panic).  It lives here
 * because it calls zdx_page_owner_ino(), a faulting frame that stays
 * static. */
static atomic_t zdx_noted = ATOMIC_INIT(0);

static int zdx_die_note(struct notifier_block *nb, unsigned long val, void *data)
{
	struct page *page = READ_ONCE(zdx_cur_page);

	if (val != DIE_OOPS || !page || atomic_xchg(&zdx_noted, 1))
		return NOTIFY_DONE;
	pr_emerg("owner %lu\n", zdx_page_owner_ino(page));
	pr_emerg("lru %s\n", zdx_page_lru_linked(page) ? "linked" : "broken");
	return NOTIFY_DONE;
}

struct notifier_block zdx_die_nb = { .notifier_call = zdx_die_note };
