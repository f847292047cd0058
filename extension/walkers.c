/* The pfn-walker catalogue (names and guards as in the kernel sources). */
#include <string.h>
#include "zdx/walkers.h"

static const struct zdx_walker walkers[] = {
	{ "kpageflags_read", "/proc/kpageflags", "pfn_to_online_page() (aad5f69bc161)" },
	{ "kpagecount_read", "/proc/kpagecount", "pfn_to_online_page() (aad5f69bc161)" },
	{ "kpagecgroup_read", "/proc/kpagecgroup", "pfn_to_online_page() (aad5f69bc161)" },
	{ "page_idle_get_page", "page_idle bitmap", "pfn_to_online_page()" },
	{ "page_idle_get_folio", "page_idle bitmap", "pfn_to_online_page()" },
	{ "kmemleak_scan", "kmemleak memory scan", "pfn_to_online_page() + zone check" },
	{ "saveable_page", "hibernation snapshot", "pfn_valid() + pfn_to_online_page() + zone check" },
	{ "saveable_highmem_page", "hibernation snapshot", "pfn_valid() + pfn_to_online_page()" },
	{ "__pageblock_pfn_to_page", "compaction / zone contiguity", "pfn_to_online_page() at block ends + zone check" },
	{ "set_zone_contiguous", "zone contiguity", "__pageblock_pfn_to_page()" },
	{ "__reset_isolation_pfn", "compaction", "pfn_to_online_page()" },
	{ "isolate_migratepages_block", "compaction", "none: trusts pageblock_pfn_to_page()/zone->contiguous" },
	{ "isolate_freepages_block", "compaction", "trusts the zone range" },
	{ "pagetypeinfo_showblockcount_print", "/proc/pagetypeinfo", "pfn_to_online_page()" },
	{ "pagetypeinfo_showmixedcount_print", "/proc/pagetypeinfo", "pfn_to_online_page() (a26ee565b6cd)" },
	{ "init_pages_in_zone", "page_owner", "pfn_valid() per block" },
	{ "read_page_owner", "page_owner", "pfn_valid() per block" },
	{ "scan_movable_pages", "memory offlining", "pfn_valid()" },
	{ "do_migrate_range", "memory offlining", "pfn_valid()" },
	{ "find_smallest_section_pfn", "zone shrinking", "pfn_to_online_page()" },
	{ "find_biggest_section_pfn", "zone shrinking", "pfn_to_online_page()" },
	{ "memory_failure", "hwpoison handling", "pfn_to_online_page(), else get_dev_pagemap()" },
	{ "memory_failure_dev_pagemap", "hwpoison of device memory", "pgmap_pfn_valid() (34dc45be4563)" },
	{ "soft_offline_page", "soft offlining", "pfn_valid() + pfn_to_online_page()" },
	{ "kvm_is_reserved_pfn", "KVM", "pfn_valid() + PageReserved + kvm_is_zone_device_page()" },
	{ "kvm_pfn_to_refcounted_page", "KVM", "kvm_is_zone_device_page() (284dc4930773)" },
	{ "is_invalid_reserved_pfn", "vfio", "pfn_valid() + PageReserved" },
	{ "smaps_pmd_entry", "/proc/pid/smaps", "is_zone_device_page() / folio_is_zone_device()" },
	{ "pfn_range_valid_contig", "contiguous allocation", "pfn_to_online_page() + zone" },
	{ "pfn_range_valid_gigantic", "gigantic pages", "pfn_to_online_page() + zone" },
	{ "shuffle_valid_page", "page shuffling", "pfn_to_online_page() + zone" },
	{ "read_kcore_iter", "/proc/kcore", "pfn_to_online_page()" },
	{ "read_kcore", "/proc/kcore", "pfn_to_online_page()" },
};

const struct zdx_walker *zdx_walker_find(const char *func)
{
	size_t i, n = strcspn(func, ".");

	for (i = 0; i < sizeof(walkers) / sizeof(walkers[0]); i++)
		if (strlen(walkers[i].func) == n && !strncmp(walkers[i].func, func, n))
			return &walkers[i];
	return NULL;
}
