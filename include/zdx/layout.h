/*
 * zdx layout: everything zdx knows about this kernel's data structures —
 * offsets, sizes, enum values, flag bits and features — in one plain struct.
 *
 * extension/crash_layout.c fills it once per crash session from the dump's
 * debuginfo and VMCOREINFO (and, for what neither holds, the compiled-in
 * rules CONTRIBUTING.md lists under "What is compiled in"); the pure decoders (extension/decode_*.c) only
 * read it, so unit tests can build one by hand.  No other file knows how
 * kernels differ: code asks the layout ("has this kernel a TAINT bit?"),
 * never a version number.
 */
#ifndef ZDX_LAYOUT_H
#define ZDX_LAYOUT_H

#include <stdint.h>
#include <stddef.h>

#define ZDX_ABSENT (-1L)          /* offset/size/enum not in this kernel */
#define ZDX_MAX_SFLAGS 8
#define ZDX_MAX_ZONES 8
#define ZDX_MAX_MEMTYPES 8

/* Section flag roles zdx reasons about (names are the kernel's). */
enum zdx_sflag {
	ZDX_SF_PRESENT,           /* SECTION_MARKED_PRESENT */
	ZDX_SF_HAS_MEM_MAP,       /* SECTION_HAS_MEM_MAP */
	ZDX_SF_ONLINE,            /* SECTION_IS_ONLINE */
	ZDX_SF_EARLY,             /* SECTION_IS_EARLY */
	ZDX_SF_TAINT_ZONE_DEVICE, /* SECTION_TAINT_ZONE_DEVICE */
	ZDX_SF_NR
};

struct zdx_sflag_def {
	const char *name;         /* the kernel's name, e.g. "SECTION_IS_EARLY" */
	char letter;              /* one-letter code for compact columns */
	int bit;                  /* bit number, -1 when this kernel lacks it */
};

struct zdx_layout {
	/* --- geometry --- */
	unsigned page_shift;
	unsigned section_size_bits;
	unsigned max_physmem_bits;
	unsigned phys_addr_bits;       /* what a page table entry can address; 0 unknown */
	unsigned subsection_shift;     /* SUBSECTION_SHIFT (generic: 21) */
	unsigned subsections_per_section;
	unsigned long nr_section_roots;
	unsigned long sections_per_root;
	int sparsemem_extreme;
	int sparsemem_vmemmap;
	uint64_t mem_section_roots;    /* value of `mem_section` (roots array) */
	uint64_t vmemmap_base;         /* 0 when unknown */

	/* --- section flags --- */
	struct zdx_sflag_def sflag[ZDX_SF_NR];
	int sflags_from_enum;          /* 1: bits read from the DWARF enum */
	unsigned section_map_last_bit; /* low bits of section_mem_map holding flags */
	int section_nid_shift;

	/* --- struct mem_section / mem_section_usage --- */
	long sz_mem_section;
	long off_ms_section_mem_map;
	long off_ms_usage;             /* ABSENT before 5.3 (pageblock_flags) */
	long off_usage_subsection_map;
	long sz_usage_subsection_map;  /* bytes */

	/* --- struct page --- */
	long sz_page;
	long off_page_flags;
	long off_page_compound_head;
	long off_page_pgmap;           /* the union word with compound_head/lru.next */
	long off_page_refcount;
	long off_page_mapping;
	int pg_reserved;               /* enum pageflags PG_reserved */
	int pg_vmemmap_self_hosted;    /* 6.1+ (PageVmemmapSelfHosted), ZDX_ABSENT */
	int pg_head;
	int zones_pgshift, zones_width;
	int nodes_pgshift, nodes_width;
	int page_flags_checked;        /* shifts verified on real online pages */

	/* --- zones and nodes --- */
	int nr_zone_types;             /* __MAX_NR_ZONES */
	char zone_name[ZDX_MAX_ZONES][16];
	int zone_device;               /* enum value of ZONE_DEVICE, -1 if none */
	int zone_movable;
	int max_numnodes;
	long sz_pglist_data;
	long off_pgdat_node_zones, off_pgdat_nr_zones, off_pgdat_node_id;
	long off_pgdat_node_start_pfn, off_pgdat_node_present_pages, off_pgdat_node_spanned_pages;
	long sz_zone;
	long off_zone_start_pfn, off_zone_spanned_pages, off_zone_present_pages;
	long off_zone_managed_pages, off_zone_name;
	uint64_t node_data_addr;       /* node_data[] array, or contig_page_data */
	int node_data_is_array;

	/* --- pgmap container (pgmap_array XArray / pgmap_radix) --- */
	uint64_t pgmap_container;      /* address of the xarray / radix root */
	int pgmap_container_is_xarray;
	long off_xa_head;
	long off_xa_node_shift, off_xa_node_slots;
	int xa_chunk_shift;

	/* --- struct dev_pagemap / vmem_altmap --- */
	long sz_dev_pagemap;
	long off_pgmap_altmap;
	long off_altmap_base_pfn, off_altmap_end_pfn, off_altmap_reserve;
	long off_altmap_free, off_altmap_align, off_altmap_alloc;
	long off_pgmap_ref;            /* percpu_ref (embedded ≥5.17, pointer before) */
	int pgmap_ref_is_pointer;
	long off_pgmap_type, off_pgmap_flags, off_pgmap_vmemmap_shift;
	long off_pgmap_ops, off_pgmap_owner, off_pgmap_nr_range;
	long off_pgmap_range;          /* range (5.10+) or res (struct resource) */
	int pgmap_has_ranges;          /* 1: struct range[] (5.10+), 0: one struct resource */
	long sz_range;
	long off_range_start, off_range_end;
	char memtype_name[ZDX_MAX_MEMTYPES][32]; /* indexed by enum value */
	int nr_memtypes;

	/* --- struct resource (iomem tree, owner names) --- */
	uint64_t iomem_resource;
	long off_res_start, off_res_end, off_res_name, off_res_child, off_res_sibling;
	long off_res_desc;             /* unsigned long desc (enum IORES_DESC_*) */
	long iores_desc_pmem;          /* IORES_DESC_PERSISTENT_MEMORY, ZDX_ABSENT */

	/* --- the device model (struct device's kobject, devices_kset) ---
	 * Every registered device's kobject is on devices_kset->list through
	 * kobject.entry (device_add()); its parent is kobject.parent. */
	uint64_t devices_kset;         /* the kset's address, 0 if unknown */
	long off_kset_list, off_list_next;
	long off_kobj_name, off_kobj_entry, off_kobj_parent;

	/* --- struct module section addresses (module debuginfo placement) --- */
	long off_module_sect_attrs;    /* struct module.sect_attrs */
	long off_msas_nsections, off_msas_attrs;
	long sz_module_sect_attr;
	long off_msa_address, off_msa_name;   /* name: battr.attr.name or name */
	uint64_t page_offset_base;     /* direct map base, 0 if unknown */

	/* 6.15+ dropped struct module_sect_attr: sect_attrs is an
	 * attribute_group whose bin_attrs is a NULL-terminated pointer list,
	 * each bin_attribute's private the section's address (7.2). */
	long off_msas_bin_attrs;       /* module_sect_attrs.grp.bin_attrs, when no attrs[] */
	long off_battr_name;           /* bin_attribute.attr.name */

	/* --- struct module text and kallsyms (decode_modsym.c: module code
	 * named from the dump when crash's module layer is off) ---
	 * The kernel's modules list through module.list.  Text: 6.4+ keep
	 * mod->mem[MOD_TEXT], mem[MOD_INIT_TEXT] (ac3b43283923 ("module:
	 * replace module_layout with module_memory")); before, core_layout
	 * and init_layout, whose first text_size bytes are text. */
	uint64_t sym_modules;          /* the list_head `modules`, 0 absent */
	long off_module_list, off_module_name, sz_module_name, off_module_state, sz_module_state;
	long module_state_unformed;    /* enum module_state MODULE_STATE_UNFORMED */
	long off_module_mem, sz_module_memory, off_modmem_base, off_modmem_size, sz_modmem_size;
	long mod_text, mod_init_text;  /* enum mod_mem_type values */
	long off_module_core_layout, off_module_init_layout;
	long off_modlayout_base, off_modlayout_text_size, sz_modlayout_text_size;
	long off_module_kallsyms;      /* struct module.kallsyms (a pointer) */
	long off_modks_symtab, off_modks_num_symtab, sz_modks_num_symtab, off_modks_strtab;

	/* --- struct module notes (a loaded module's GNU build-id) ---
	 * /sys/module/NAME/notes: one struct bin_attribute per SHF_ALLOC note
	 * section, private = its address, size = its size.  Up to 6.13 a
	 * count `notes` precedes attrs[] (5.10, 6.1, 6.12); later kernels
	 * drop it for an attribute_group whose bin_attrs is a NULL-terminated
	 * pointer list (7.2).  The layout keeps whichever this kernel has. */
	long off_module_notes_attrs;   /* struct module.notes_attrs */
	long off_mna_notes, sz_mna_notes;   /* module_notes_attrs.notes (count) */
	long off_mna_bin_attrs;        /* module_notes_attrs.grp.bin_attrs */
	long off_mna_attrs;            /* module_notes_attrs.attrs[] */
	long sz_bin_attribute;
	long off_battr_size, sz_battr_size, off_battr_private;

	/* --- printk log (zdx dumpcheck: is the log in the dump?) --- */
	uint64_t sym_log_buf, sym_log_buf_len;   /* variables `log_buf`, `log_buf_len`; 0 absent */
	long sz_log_buf_len;
	uint64_t sym_prb;                        /* `prb` (5.10+ ring buffer pointer); 0 absent */
	long off_prb_desc_ring, off_prb_text_data_ring;
	long off_descring_count_bits, off_descring_descs, off_descring_infos;
	long sz_prb_desc, sz_printk_info;

	/* --- the IDT (x86 struct gate_struct, 4.15+; extension/decode_idt.c):
	 * which entry stubs are exception handlers.  5.8+ keep them
	 * (asm_exc_*) in .irqentry.text beside the interrupt entries
	 * (asm_sysvec_*, asm_common_interrupt), so the section alone does
	 * not tell a hard interrupt from an exception. */
	uint64_t sym_idt_table;        /* &idt_table, 0 absent */
	long sz_gate_struct;
	long off_gate_offset_low, off_gate_offset_middle, off_gate_offset_high;
	long sz_gate_offset_low, sz_gate_offset_middle, sz_gate_offset_high;

	/* --- memory blocks (issue 12; extension/crash_memblock.c) ---
	 * drivers/base/memory.c: the memory_blocks XArray (5.8+) of struct
	 * memory_block, one per /sys/devices/system/memory/memoryN. */
	uint64_t memory_blocks_xa;     /* &memory_blocks, 0 when absent */
	uint64_t sym_sections_per_block;  /* &sections_per_block, 0 when absent */
	long sz_sections_per_block;
	long sz_memory_block;
	long off_mb_start_section_nr, off_mb_state, off_mb_nid;
	long sz_mb_state;              /* unsigned long, or a 4-byte enum (6.12) */
	/* MEM_ONLINE, MEM_GOING_OFFLINE, MEM_OFFLINE as this kernel numbers
	 * them: enum memory_block_state's values where DWARF has that enum,
	 * else the user-ABI macros 1, 2, 4 (include/linux/memory.h) */
	long mb_state_val[3];
	long off_mb_zone;              /* struct zone * (5.18+) */
	long off_mb_name;              /* dev.kobj.name: a char * */
	long off_mb_nr_vmemmap_pages;  /* 5.13-6.5 (memmap_on_memory) */
	long off_mb_altmap;            /* 6.6+: struct vmem_altmap * */
	long off_mb_group;             /* 5.15+: struct memory_group * */
	long sz_memory_group, off_mgroup_nid, off_mgroup_is_dynamic;
	/* struct nd_pfn_sb, the pfn/dax info block at offset 4 KiB of an fsdax/
	 * devdax namespace (drivers/nvdimm/pfn.h): from the nvdimm module's
	 * debuginfo when loaded, else the documented on-media format. */
	int pfnsb_from_debuginfo;
	long pfnsb_media_offset;       /* SZ_4K: where nd_pfn_validate() reads it */
	long sz_pfn_sb, off_pfnsb_signature, off_pfnsb_flags, off_pfnsb_version_major;
	long off_pfnsb_version_minor, off_pfnsb_dataoff, off_pfnsb_npfns, off_pfnsb_mode;
	long off_pfnsb_start_pad, off_pfnsb_end_trunc, off_pfnsb_align, off_pfnsb_page_size;
	long off_pfnsb_page_struct_size;

	/* --- kernel features (detected, never assumed from a version) --- */
	int has_pfn_to_online_page_fn; /* out-of-line: 9f605f260594 series */
	int has_pgmap_pfn_valid;       /* 34dc45be4563 */
	int has_subsection_map;
};

/* Convenience: is flag role f defined by this kernel, and set in flags? */
static inline int zdx_sflag_known(const struct zdx_layout *l, enum zdx_sflag f)
{
	return l->sflag[f].bit >= 0;
}

static inline int zdx_sflag_set(const struct zdx_layout *l, enum zdx_sflag f,
				unsigned long flags)
{
	return l->sflag[f].bit >= 0 && (flags >> l->sflag[f].bit) & 1;
}

static inline unsigned long zdx_pages_per_section(const struct zdx_layout *l)
{
	return 1UL << (l->section_size_bits - l->page_shift);
}

static inline unsigned long zdx_pages_per_subsection(const struct zdx_layout *l)
{
	return 1UL << (l->subsection_shift - l->page_shift);
}

static inline unsigned long zdx_pfn_to_section_nr(const struct zdx_layout *l, uint64_t pfn)
{
	return pfn >> (l->section_size_bits - l->page_shift);
}

static inline uint64_t zdx_section_nr_to_pfn(const struct zdx_layout *l, unsigned long nr)
{
	return (uint64_t)nr << (l->section_size_bits - l->page_shift);
}

static inline unsigned long zdx_nr_mem_sections(const struct zdx_layout *l)
{
	return 1UL << (l->max_physmem_bits - l->section_size_bits);
}

/* 0 when the VMCOREINFO/debuginfo numbers used as shifts and counts are in
 * the ranges other numbers of the same kernel allow; else -1 with e
 * (ZDX_E_REFUSED) naming the value (extension/decode_layout.c). */
struct zdx_err;
int zdx_layout_check(const struct zdx_layout *l, struct zdx_err *e);

#endif
