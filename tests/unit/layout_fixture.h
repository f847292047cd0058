/*
 * A hand-built layout for unit tests, with the values `ptype /o` shows in
 * Debian 6.1.0-56-amd64's debuginfo (struct mem_section 32 bytes with
 * usage at 8, mem_section_usage with its rcu head so subsection_map at 16,
 * struct page 64 bytes, dev_pagemap 152 bytes with range at 136).
 */
#ifndef ZDX_LAYOUT_FIXTURE_H
#define ZDX_LAYOUT_FIXTURE_H
#include <string.h>
#include "zdx/layout.h"

static inline void fixture_layout_61(struct zdx_layout *l)
{
	static const char *zones[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
	static const char *types[] = { "", "MEMORY_DEVICE_PRIVATE", "MEMORY_DEVICE_COHERENT",
				       "MEMORY_DEVICE_FS_DAX", "MEMORY_DEVICE_GENERIC",
				       "MEMORY_DEVICE_PCI_P2PDMA" };
	int i;

	memset(l, 0, sizeof(*l));
	l->page_shift = 12;
	l->section_size_bits = 27;
	l->max_physmem_bits = 46;
	l->subsection_shift = 21;
	l->subsections_per_section = 64;
	l->sparsemem_extreme = 1;
	l->sparsemem_vmemmap = 1;
	l->sections_per_root = 128;
	l->nr_section_roots = 4096;
	l->vmemmap_base = 0xffffea0000000000ULL;
	l->sflag[ZDX_SF_PRESENT] = (struct zdx_sflag_def){
		.name = "SECTION_MARKED_PRESENT", .letter = 'P', .bit = 0 };
	l->sflag[ZDX_SF_HAS_MEM_MAP] = (struct zdx_sflag_def){
		.name = "SECTION_HAS_MEM_MAP", .letter = 'M', .bit = 1 };
	l->sflag[ZDX_SF_ONLINE] = (struct zdx_sflag_def){
		.name = "SECTION_IS_ONLINE", .letter = 'O', .bit = 2 };
	l->sflag[ZDX_SF_EARLY] = (struct zdx_sflag_def){
		.name = "SECTION_IS_EARLY", .letter = 'E', .bit = 3 };
	l->sflag[ZDX_SF_TAINT_ZONE_DEVICE] = (struct zdx_sflag_def){
		.name = "SECTION_TAINT_ZONE_DEVICE", .letter = 'D', .bit = 4 };
	l->sflags_from_enum = 1;
	l->section_map_last_bit = 5;
	l->sz_mem_section = 32;
	l->off_ms_section_mem_map = 0;
	l->off_ms_usage = 8;
	l->off_usage_subsection_map = 16;
	l->sz_usage_subsection_map = 8;
	l->has_subsection_map = 1;
	l->sz_page = 64;
	l->off_page_flags = 0;
	l->off_page_compound_head = 8;
	l->off_page_pgmap = 8;
	l->off_page_mapping = 24;
	l->off_page_refcount = 52;
	l->pg_reserved = 12;
	l->pg_vmemmap_self_hosted = 10;
	l->off_mb_nr_vmemmap_pages = ZDX_ABSENT;   /* 6.6+: memory_block.altmap */
	l->nr_zone_types = 5;
	for (i = 0; i < 5; i++)
		strcpy(l->zone_name[i], zones[i]);
	l->zone_device = 4;
	l->zone_movable = 3;
	l->max_numnodes = 1024;
	l->nodes_width = 10;
	l->zones_width = 3;
	l->nodes_pgshift = 54;
	l->zones_pgshift = 51;
	l->pgmap_container_is_xarray = 1;
	l->off_xa_head = 8;
	l->off_xa_node_shift = 0;
	l->off_xa_node_slots = 40;
	l->xa_chunk_shift = 6;
	l->sz_dev_pagemap = 152;
	l->off_pgmap_altmap = 0;
	l->off_altmap_base_pfn = 0;
	l->off_altmap_end_pfn = 8;
	l->off_altmap_reserve = 16;
	l->off_altmap_free = 24;
	l->off_altmap_align = 32;
	l->off_altmap_alloc = 40;
	l->off_pgmap_ref = 48;
	l->off_pgmap_type = 96;
	l->off_pgmap_flags = 100;
	l->off_pgmap_vmemmap_shift = 104;
	l->off_pgmap_ops = 112;
	l->off_pgmap_owner = 120;
	l->off_pgmap_nr_range = 128;
	l->off_pgmap_range = 136;
	l->pgmap_has_ranges = 1;
	l->sz_range = 16;
	l->off_range_start = 0;
	l->off_range_end = 8;
	l->nr_memtypes = 6;
	for (i = 0; i < 6; i++)
		strcpy(l->memtype_name[i], types[i]);
	l->has_pfn_to_online_page_fn = 1;
	l->has_pgmap_pfn_valid = 1;
	/* widths of the module fields zdx reads (offsets are each test's) */
	l->sz_module_state = 4;          /* enum module_state */
	l->sz_modmem_size = 4;           /* module_memory.size, unsigned int */
	l->sz_modlayout_text_size = 4;   /* module_layout.text_size, unsigned int */
	l->sz_modks_num_symtab = 4;      /* mod_kallsyms.num_symtab, unsigned int */
	l->sz_mna_notes = 4;             /* module_notes_attrs.notes, unsigned int */
	l->sz_battr_size = 8;            /* bin_attribute.size, size_t */
	/* struct gate_struct: offset_low 0/2, segment 2/2, bits 4/2,
	 * offset_middle 6/2, offset_high 8/4, reserved 12/4 */
	l->sz_gate_struct = 16;
	l->off_gate_offset_low = 0;
	l->sz_gate_offset_low = 2;
	l->off_gate_offset_middle = 6;
	l->sz_gate_offset_middle = 2;
	l->off_gate_offset_high = 8;
	l->sz_gate_offset_high = 4;
}
#endif
