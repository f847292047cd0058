/*
 * The layout module: the one place that knows how kernels differ.  Every
 * offset, size, enum value and flag bit comes from the dump's debuginfo
 * (through crash's gdb) or its VMCOREINFO; features are detected from what
 * the kernel contains, never from its version string.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/enumparse.h"
#include "zdx/field.h"

static struct zdx_layout layout;
static struct zdx_cached layout_read;   /* read yet? why it is unusable */

static long off(const char *s, const char *m)
{
	long o = MEMBER_OFFSET((char *)s, (char *)m);

	if (o < 0)
		o = ANON_MEMBER_OFFSET((char *)s, (char *)m);
	return o < 0 ? ZDX_ABSENT : o;
}

static long msize(const char *s, const char *m)
{
	long n = MEMBER_SIZE((char *)s, (char *)m);

	return n < 0 ? ZDX_ABSENT : n;
}

static long ssize(const char *s)
{
	long n = STRUCT_SIZE((char *)s);

	return n < 0 ? ZDX_ABSENT : n;
}

static long enumval(const char *name)
{
	long v;

	return enumerator_value((char *)name, &v) ? v : ZDX_ABSENT;
}

/* VMCOREINFO number, or dflt when this kernel does not export it. */
static long vmcoreinfo_num(const char *key, long dflt)
{
	char *s = pc->read_vmcoreinfo ? pc->read_vmcoreinfo(key) : NULL;
	long v = dflt;

	if (s) {
		v = strtol(s, NULL, 0);
		free(s);
	}
	return v;
}

static int log2_exact(unsigned long v)
{
	int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static uint64_t read_ptr_sym(const char *sym)
{
	uint64_t v = 0;

	if (!kernel_symbol_exists((char *)sym) ||
	    zdx_kread(symbol_value((char *)sym), &v, sizeof(v)))
		return 0;
	return v;
}

/* Names of an enum type, indexed by value, via gdb's ptype. */
static int enum_names(const char *type, char *names, int namesz, int max)
{
	char cmd[128], text[4096];
	size_t n;
	int rc;

	snprintf(cmd, sizeof(cmd), "ptype enum %s", type);
	open_tmpfile();
	if (!gdb_pass_through(cmd, pc->tmpfile, GNU_RETURN_ON_ERROR)) {
		close_tmpfile();
		return -1;
	}
	rewind(pc->tmpfile);
	n = fread(text, 1, sizeof(text) - 1, pc->tmpfile);
	text[n] = 0;
	close_tmpfile();
	rc = zdx_enum_parse(text, names, namesz, max);
	return rc;
}

static void read_geometry(struct zdx_layout *l)
{
	l->page_shift = (unsigned)log2_exact(PAGESIZE());
	l->section_size_bits = (unsigned)vmcoreinfo_num("NUMBER(SECTION_SIZE_BITS)",
							machdep->section_size_bits);
	l->max_physmem_bits = (unsigned)vmcoreinfo_num("NUMBER(MAX_PHYSMEM_BITS)",
						       machdep->max_physmem_bits);
	/* SUBSECTION_SHIFT is a generic constant (include/linux/mmzone.h) on
	 * every arch, not in debuginfo; the subsection_map length confirms it. */
	l->subsection_shift = 21;
	/* Shifts by dump numbers stay defined here; zdx_layout_check()
	 * refuses out-of-range ones before anything uses them. */
	l->subsections_per_section = l->section_size_bits > l->subsection_shift &&
		l->section_size_bits - l->subsection_shift < 16
		? 1U << (l->section_size_bits - l->subsection_shift) : 1;
#ifdef X86_64
	/* The widest physical address an x86_64 page table entry holds
	 * (5-level paging), as crash defines it. */
	l->phys_addr_bits = __PHYSICAL_MASK_SHIFT_5LEVEL;
#endif
	l->sparsemem_extreme = (vt->flags & SPARSEMEM_EX) != 0;
	/* vmemmap_populate() exists only with CONFIG_SPARSEMEM_VMEMMAP. */
	l->sparsemem_vmemmap = (vt->flags & SPARSEMEM) && kernel_symbol_exists("vmemmap_populate");
	l->sz_mem_section = ssize("mem_section");
	l->sections_per_root = l->sparsemem_extreme && l->sz_mem_section > 0
		? PAGESIZE() / l->sz_mem_section : 1;
	l->nr_section_roots = vmcoreinfo_num("LENGTH(mem_section)",
		l->max_physmem_bits > l->section_size_bits &&
		l->max_physmem_bits - l->section_size_bits < 64
		? (long)((zdx_nr_mem_sections(l) + l->sections_per_root - 1) / l->sections_per_root) : 0);
	l->mem_section_roots = l->sparsemem_extreme ? read_ptr_sym("mem_section")
			       : (kernel_symbol_exists("mem_section") ? symbol_value("mem_section") : 0);
	l->vmemmap_base = read_ptr_sym("vmemmap_base");
}

static void read_section_flags(struct zdx_layout *l)
{
	static const struct { const char *name; char letter; } def[ZDX_SF_NR] = {
		{ "SECTION_MARKED_PRESENT", 'P' }, { "SECTION_HAS_MEM_MAP", 'M' },
		{ "SECTION_IS_ONLINE", 'O' }, { "SECTION_IS_EARLY", 'E' },
		{ "SECTION_TAINT_ZONE_DEVICE", 'D' },
	};
	long last = enumval("SECTION_MAP_LAST_BIT");
	int f;

	for (f = 0; f < ZDX_SF_NR; f++) {
		char bitname[64];

		snprintf(bitname, sizeof(bitname), "%s_BIT", def[f].name);
		l->sflag[f].name = def[f].name;
		l->sflag[f].letter = def[f].letter;
		l->sflag[f].bit = last >= 0 ? (int)enumval(bitname) : -1;
	}
	l->sflags_from_enum = last >= 0;
	if (l->sflags_from_enum) {
		l->section_map_last_bit = (unsigned)last;
		return;
	}
	/* Before ed7802dd48f7 (6.0) the bits are macros, absent from DWARF.
	 * PRESENT/HAS_MEM_MAP/ONLINE are bits 0-2 since 2d070eab2e82 (4.13);
	 * EARLY (bit 3) came with the usage struct in 5.3 (326e1b8f83a4,
	 * f1eca35a0dc7); TAINT (bit 4) came with the out-of-line
	 * pfn_to_online_page() series (9f605f260594, 1f90a3477df3).  The mask
	 * takes the low 6 bits, free on every arch (struct page alignment). */
	l->sflag[ZDX_SF_PRESENT].bit = 0;
	l->sflag[ZDX_SF_HAS_MEM_MAP].bit = 1;
	l->sflag[ZDX_SF_ONLINE].bit = 2;
	l->sflag[ZDX_SF_EARLY].bit = l->off_ms_usage >= 0 ? 3 : -1;
	l->sflag[ZDX_SF_TAINT_ZONE_DEVICE].bit = l->has_pfn_to_online_page_fn ? 4 : -1;
	l->section_map_last_bit = 6;
}

static void read_sections(struct zdx_layout *l)
{
	l->off_ms_section_mem_map = off("mem_section", "section_mem_map");
	l->off_ms_usage = off("mem_section", "usage");
	l->off_usage_subsection_map = off("mem_section_usage", "subsection_map");
	l->sz_usage_subsection_map = msize("mem_section_usage", "subsection_map");
	l->has_subsection_map = l->off_usage_subsection_map >= 0;
	l->section_nid_shift = (int)l->section_map_last_bit;
}

static void read_page(struct zdx_layout *l)
{
	long zones = enumval("__MAX_NR_ZONES");
	int zone_shift, nodes;

	l->sz_page = ssize("page");
	l->off_page_flags = off("page", "flags");
	l->off_page_compound_head = off("page", "compound_head");
	/* 7.x renamed the tail pages' word page.compound_info (same word). */
	if (l->off_page_compound_head < 0)
		l->off_page_compound_head = off("page", "compound_info");
	l->off_page_pgmap = off("page", "pgmap");
	/* Newer kernels (7.2) keep a ZONE_DEVICE page's pgmap in folio->pgmap
	 * (page_pgmap() reads page_folio(page)->pgmap); struct page has only a
	 * placeholder there (_unused_pgmap_compound_info).  folio.pgmap is the
	 * same word of the folio's first struct page, where page.pgmap was. */
	if (l->off_page_pgmap < 0)
		l->off_page_pgmap = off("folio", "pgmap");
	l->off_page_refcount = off("page", "_refcount");
	l->off_page_mapping = off("page", "mapping");
	l->pg_reserved = (int)enumval("PG_reserved");
	l->pg_head = (int)enumval("PG_head");
	l->pg_vmemmap_self_hosted = (int)enumval("PG_vmemmap_self_hosted");

	l->nr_zone_types = zones > 0 && zones <= ZDX_MAX_ZONES ? (int)zones : 0;
	l->zone_device = (int)enumval("ZONE_DEVICE");
	l->zone_movable = (int)enumval("ZONE_MOVABLE");
	{
		char names[ZDX_MAX_ZONES][32];
		int z;

		if (enum_names("zone_type", &names[0][0], 32, ZDX_MAX_ZONES) > 0)
			for (z = 0; z < ZDX_MAX_ZONES; z++)
				snprintf(l->zone_name[z], sizeof(l->zone_name[z]), "%.15s",
					 strncmp(names[z], "ZONE_", 5) ? names[z] : names[z] + 5);
	}
	/* ZONES_SHIFT per include/linux/page-flags-layout.h; NODES_SHIFT from
	 * MAX_NUMNODES = the length of node_data[]. SECTIONS_WIDTH is 0 with
	 * VMEMMAP; everything else (LAST_CPUPID, KASAN tag, LRU gen) sits
	 * below the zone field.  Verified later on real pages. */
	zone_shift = zones <= 1 ? 0 : zones <= 2 ? 1 : zones <= 4 ? 2 : 3;
	nodes = (int)vmcoreinfo_num("LENGTH(node_data)", kernel_symbol_exists("node_data")
				    ? get_array_length("node_data", NULL, 0) : 1);
	l->max_numnodes = nodes > 0 ? nodes : 1;
	l->nodes_width = log2_exact(l->max_numnodes);
	l->zones_width = zone_shift;
	l->nodes_pgshift = 64 - (l->sparsemem_vmemmap ? 0 : (int)(l->max_physmem_bits -
			       l->section_size_bits)) - l->nodes_width;
	if (l->nodes_pgshift < 0)
		l->nodes_pgshift = 0;    /* refused by zdx_layout_check() */
	l->zones_pgshift = l->nodes_pgshift - l->zones_width;
}

static void read_zones(struct zdx_layout *l)
{
	l->node_data_is_array = kernel_symbol_exists("node_data");
	l->node_data_addr = l->node_data_is_array ? symbol_value("node_data")
			    : (kernel_symbol_exists("contig_page_data") ? symbol_value("contig_page_data") : 0);
	l->sz_pglist_data = ssize("pglist_data");
	l->off_pgdat_node_zones = off("pglist_data", "node_zones");
	l->off_pgdat_nr_zones = off("pglist_data", "nr_zones");
	l->off_pgdat_node_id = off("pglist_data", "node_id");
	l->off_pgdat_node_start_pfn = off("pglist_data", "node_start_pfn");
	l->off_pgdat_node_present_pages = off("pglist_data", "node_present_pages");
	l->off_pgdat_node_spanned_pages = off("pglist_data", "node_spanned_pages");
	l->sz_zone = ssize("zone");
	l->off_zone_start_pfn = off("zone", "zone_start_pfn");
	l->off_zone_spanned_pages = off("zone", "spanned_pages");
	l->off_zone_present_pages = off("zone", "present_pages");
	l->off_zone_managed_pages = off("zone", "managed_pages");
	l->off_zone_name = off("zone", "name");
}

static void read_pgmap(struct zdx_layout *l)
{
	char names[ZDX_MAX_MEMTYPES][32];
	long ref_size;
	int t;

	l->pgmap_container_is_xarray = kernel_symbol_exists("pgmap_array") &&
				       ssize("xa_node") > 0;
	l->pgmap_container = kernel_symbol_exists("pgmap_array") ? symbol_value("pgmap_array")
			     : kernel_symbol_exists("pgmap_radix") ? symbol_value("pgmap_radix") : 0;
	l->off_xa_head = off("xarray", "xa_head");
	l->off_xa_node_shift = off("xa_node", "shift");
	l->off_xa_node_slots = off("xa_node", "slots");
	l->xa_chunk_shift = msize("xa_node", "slots") > 0 ? log2_exact(msize("xa_node", "slots") / 8) : 0;

	l->sz_dev_pagemap = ssize("dev_pagemap");
	l->off_pgmap_altmap = off("dev_pagemap", "altmap");
	l->off_altmap_base_pfn = off("vmem_altmap", "base_pfn");
	l->off_altmap_end_pfn = off("vmem_altmap", "end_pfn");
	l->off_altmap_reserve = off("vmem_altmap", "reserve");
	l->off_altmap_free = off("vmem_altmap", "free");
	l->off_altmap_align = off("vmem_altmap", "align");
	l->off_altmap_alloc = off("vmem_altmap", "alloc");
	/* ref became an embedded percpu_ref in 5.17; a pointer before. */
	l->off_pgmap_ref = off("dev_pagemap", "ref");
	ref_size = msize("dev_pagemap", "ref");
	l->pgmap_ref_is_pointer = ref_size == (long)sizeof(void *) && ssize("percpu_ref") != ref_size;
	l->off_pgmap_type = off("dev_pagemap", "type");
	l->off_pgmap_flags = off("dev_pagemap", "flags");
	l->off_pgmap_vmemmap_shift = off("dev_pagemap", "vmemmap_shift");
	l->off_pgmap_ops = off("dev_pagemap", "ops");
	l->off_pgmap_owner = off("dev_pagemap", "owner");
	l->off_pgmap_nr_range = off("dev_pagemap", "nr_range");
	l->off_pgmap_range = off("dev_pagemap", "range");
	l->pgmap_has_ranges = l->off_pgmap_range >= 0 && l->off_pgmap_nr_range >= 0;
	if (l->pgmap_has_ranges) {
		l->sz_range = ssize("range");
		l->off_range_start = off("range", "start");
		l->off_range_end = off("range", "end");
	} else {       /* ≤5.9: one struct resource res */
		l->off_pgmap_range = off("dev_pagemap", "res");
		l->sz_range = ssize("resource");
		l->off_range_start = off("resource", "start");
		l->off_range_end = off("resource", "end");
	}
	l->nr_memtypes = enum_names("memory_type", &names[0][0], 32, ZDX_MAX_MEMTYPES) > 0
			 ? ZDX_MAX_MEMTYPES : 0;
	for (t = 0; t < l->nr_memtypes; t++)
		snprintf(l->memtype_name[t], sizeof(l->memtype_name[t]), "%s", names[t]);

	l->iomem_resource = kernel_symbol_exists("iomem_resource") ? symbol_value("iomem_resource") : 0;
	l->off_res_start = off("resource", "start");
	l->off_res_end = off("resource", "end");
	l->off_res_name = off("resource", "name");
	l->off_res_child = off("resource", "child");
	l->off_res_sibling = off("resource", "sibling");
	l->off_res_desc = off("resource", "desc");
	l->iores_desc_pmem = enumval("IORES_DESC_PERSISTENT_MEMORY");
}

/* The device model's flat list of devices: devices_kset (a pointer). */
static void read_devmodel(struct zdx_layout *l)
{
	l->devices_kset = read_ptr_sym("devices_kset");
	l->off_kset_list = off("kset", "list");
	l->off_list_next = off("list_head", "next");
	l->off_kobj_name = off("kobject", "name");
	l->off_kobj_entry = off("kobject", "entry");
	l->off_kobj_parent = off("kobject", "parent");
}

/* A module's notes (its build-id): the count form, or the group form of
 * later kernels (struct module_notes_attrs.grp; see layout.h). */
static void read_module_notes(struct zdx_layout *l)
{
	l->off_module_notes_attrs = off("module", "notes_attrs");
	l->off_mna_notes = off("module_notes_attrs", "notes");
	l->sz_mna_notes = msize("module_notes_attrs", "notes");
	l->off_mna_bin_attrs = zdx_field_off(off("module_notes_attrs", "grp"), off("attribute_group", "bin_attrs"));
	l->off_mna_attrs = off("module_notes_attrs", "attrs");
	l->sz_bin_attribute = ssize("bin_attribute");
	l->off_battr_size = off("bin_attribute", "size");
	l->sz_battr_size = msize("bin_attribute", "size");
	l->off_battr_private = off("bin_attribute", "private");
}

static uint64_t sym_addr(const char *sym);

/* Where a module's text and kallsyms are (layout.h): mem[] of 6.4+ or
 * the two module_layouts before; the enum values from debuginfo. */
static void read_module_text(struct zdx_layout *l)
{
	l->sym_modules = sym_addr("modules");
	l->off_module_list = off("module", "list");
	l->off_module_name = off("module", "name");
	l->sz_module_name = msize("module", "name");
	l->off_module_state = off("module", "state");
	l->sz_module_state = msize("module", "state");
	l->module_state_unformed = enumval("MODULE_STATE_UNFORMED");
	l->off_module_mem = off("module", "mem");
	l->sz_module_memory = ssize("module_memory");
	l->off_modmem_base = off("module_memory", "base");
	l->off_modmem_size = off("module_memory", "size");
	l->sz_modmem_size = msize("module_memory", "size");
	l->mod_text = enumval("MOD_TEXT");
	l->mod_init_text = enumval("MOD_INIT_TEXT");
	l->off_module_core_layout = off("module", "core_layout");
	l->off_module_init_layout = off("module", "init_layout");
	l->off_modlayout_base = off("module_layout", "base");
	l->off_modlayout_text_size = off("module_layout", "text_size");
	l->sz_modlayout_text_size = msize("module_layout", "text_size");
	l->off_module_kallsyms = off("module", "kallsyms");
	l->off_modks_symtab = off("mod_kallsyms", "symtab");
	l->off_modks_num_symtab = off("mod_kallsyms", "num_symtab");
	l->sz_modks_num_symtab = msize("mod_kallsyms", "num_symtab");
	l->off_modks_strtab = off("mod_kallsyms", "strtab");
}

static void read_modules(struct zdx_layout *l)
{
	long battr = off("module_sect_attr", "battr");

	l->off_module_sect_attrs = off("module", "sect_attrs");
	l->off_msas_nsections = off("module_sect_attrs", "nsections");
	l->off_msas_attrs = off("module_sect_attrs", "attrs");
	l->sz_module_sect_attr = ssize("module_sect_attr");
	l->off_msa_address = off("module_sect_attr", "address");
	/* 5.8+ name the section through a bin_attribute; older through name. */
	if (battr >= 0 && off("bin_attribute", "attr") >= 0 && off("attribute", "name") >= 0)
		l->off_msa_name = battr + off("bin_attribute", "attr") + off("attribute", "name");
	else
		l->off_msa_name = off("module_sect_attr", "name");
	l->off_msas_bin_attrs = zdx_field_off(off("module_sect_attrs", "grp"), off("attribute_group", "bin_attrs"));
	l->off_battr_name = zdx_field_off(off("bin_attribute", "attr"), off("attribute", "name"));
	l->page_offset_base = read_ptr_sym("page_offset_base");
	read_module_notes(l);
	read_module_text(l);
}

static uint64_t sym_addr(const char *sym)
{
	return kernel_symbol_exists((char *)sym) ? symbol_value((char *)sym) : 0;
}

/* The size of a variable's type (the width to read it with), ABSENT when
 * the variable or its type is not in the debuginfo. */
static long sym_size(const char *sym)
{
	struct gnu_request req;

	memset(&req, 0, sizeof(req));
	return sym_addr(sym) && get_symbol_type((char *)sym, NULL, &req) != TYPE_CODE_UNDEF
	       ? (long)req.length : ZDX_ABSENT;
}

/* Where the printk log lives: the text buffer, and (5.10+) the lockless
 * ring buffer's descriptor and info arrays. */
static void read_printk(struct zdx_layout *l)
{
	l->sym_log_buf = sym_addr("log_buf");
	l->sym_log_buf_len = sym_addr("log_buf_len");
	l->sz_log_buf_len = sym_size("log_buf_len");
	l->sym_prb = sym_addr("prb");
	l->off_prb_desc_ring = off("printk_ringbuffer", "desc_ring");
	l->off_prb_text_data_ring = off("printk_ringbuffer", "text_data_ring");
	l->off_descring_count_bits = off("prb_desc_ring", "count_bits");
	l->off_descring_descs = off("prb_desc_ring", "descs");
	l->off_descring_infos = off("prb_desc_ring", "infos");
	l->sz_prb_desc = ssize("prb_desc");
	l->sz_printk_info = ssize("printk_info");
}

/* The IDT's gates: a handler address split over three fields. */
static void read_idt(struct zdx_layout *l)
{
	l->sym_idt_table = sym_addr("idt_table");
	l->sz_gate_struct = ssize("gate_struct");
	l->off_gate_offset_low = off("gate_struct", "offset_low");
	l->off_gate_offset_middle = off("gate_struct", "offset_middle");
	l->off_gate_offset_high = off("gate_struct", "offset_high");
	l->sz_gate_offset_low = msize("gate_struct", "offset_low");
	l->sz_gate_offset_middle = msize("gate_struct", "offset_middle");
	l->sz_gate_offset_high = msize("gate_struct", "offset_high");
}

/* --- memory blocks (issue 12) ---------------------------------------- */

/* Offset of a member reached through embedded structs, ABSENT if any hop is. */
static long off_chain(long a, long b, long c)
{
	return a < 0 || b < 0 || c < 0 ? ZDX_ABSENT : a + b + c;
}

/* memory_block.state: an unsigned long holding the MEM_* macros (1<<0,
 * 1<<1, 1<<2, "exposed to userspace") up to 6.11; a 4-byte enum
 * memory_block_state numbered from 0 (MEM_ONLINE = 0) in 6.12, which
 * DWARF carries.  The field's size tells which. */
static void read_mb_states(struct zdx_layout *l)
{
	static const char *const name[3] = { "MEM_ONLINE", "MEM_GOING_OFFLINE", "MEM_OFFLINE" };
	int i;

	l->sz_mb_state = msize("memory_block", "state");
	for (i = 0; i < 3; i++) {
		long v = enumval(name[i]);

		l->mb_state_val[i] = v != ZDX_ABSENT ? v : 1L << i;
	}
}

static void read_memblocks(struct zdx_layout *l)
{
	l->memory_blocks_xa = ssize("memory_block") > 0 ? sym_addr("memory_blocks") : 0;
	l->sym_sections_per_block = sym_addr("sections_per_block");
	l->sz_sections_per_block = sym_size("sections_per_block");
	l->sz_memory_block = ssize("memory_block");
	l->off_mb_start_section_nr = off("memory_block", "start_section_nr");
	l->off_mb_state = off("memory_block", "state");
	read_mb_states(l);
	/* online_type is not read: it only carries a request into the online
	 * path and is reset to MMOP_OFFLINE after it (drivers/base/memory.c). */
	l->off_mb_nid = off("memory_block", "nid");
	l->off_mb_zone = off("memory_block", "zone");
	l->off_mb_name = off_chain(off("memory_block", "dev"), off("device", "kobj"),
				   off("kobject", "name"));
	l->off_mb_nr_vmemmap_pages = off("memory_block", "nr_vmemmap_pages");
	/* 6.6+ keeps a pointer; only that form is read. */
	l->off_mb_altmap = msize("memory_block", "altmap") == (long)sizeof(void *) ?
			   off("memory_block", "altmap") : ZDX_ABSENT;
	l->off_mb_group = off("memory_block", "group");
	l->sz_memory_group = ssize("memory_group");
	l->off_mgroup_nid = off("memory_group", "nid");
	l->off_mgroup_is_dynamic = off("memory_group", "is_dynamic");
}

/* struct nd_pfn_sb is an on-media ABI (drivers/nvdimm/pfn.h; ndctl reads
 * the same bytes): its documented offsets are legitimate constants.  The
 * nvdimm module's debuginfo, when `mod -s libnvdimm` loaded it, wins. */
static void read_pfn_sb(struct zdx_layout *l)
{
	static const struct { const char *m; long media; } f[] = {
		{ "signature", 0 }, { "flags", 48 }, { "version_major", 52 }, { "version_minor", 54 },
		{ "dataoff", 56 }, { "npfns", 64 }, { "mode", 72 }, { "start_pad", 76 },
		{ "end_trunc", 80 }, { "align", 84 }, { "page_size", 88 }, { "page_struct_size", 92 },
	};
	long *dst[] = { &l->off_pfnsb_signature, &l->off_pfnsb_flags, &l->off_pfnsb_version_major,
			&l->off_pfnsb_version_minor, &l->off_pfnsb_dataoff, &l->off_pfnsb_npfns,
			&l->off_pfnsb_mode, &l->off_pfnsb_start_pad, &l->off_pfnsb_end_trunc,
			&l->off_pfnsb_align, &l->off_pfnsb_page_size, &l->off_pfnsb_page_struct_size };
	unsigned i;

	l->pfnsb_from_debuginfo = ssize("nd_pfn_sb") > 0;
	l->sz_pfn_sb = l->pfnsb_from_debuginfo ? ssize("nd_pfn_sb") : 4096;
	l->pfnsb_media_offset = 4096;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		*dst[i] = l->pfnsb_from_debuginfo ? off("nd_pfn_sb", f[i].m) : f[i].media;
}

static void read_features(struct zdx_layout *l)
{
	/* 9f605f260594 moved pfn_to_online_page() out of line in the same
	 * series that taught it sub-sections and ZONE_DEVICE collisions. */
	l->has_pfn_to_online_page_fn = kernel_symbol_exists("pfn_to_online_page");
	l->has_pgmap_pfn_valid = kernel_symbol_exists("pgmap_pfn_valid");
}

/* 0 when zdx can decode this dump with l; else -1 with e saying why. */
static int layout_usable(const struct zdx_layout *l, struct zdx_err *e)
{
	if (!(vt->flags & SPARSEMEM))
		return zdx_err_set(e, ZDX_E_UNSUPPORTED, NULL, 0, "this kernel is not SPARSEMEM: there "
				   "are no mem_sections to decode");
	if (l->off_ms_section_mem_map < 0 || l->sz_mem_section <= 0 || l->sz_page <= 0 ||
	    !l->mem_section_roots)
		return zdx_err_set(e, ZDX_E_REFUSED, NULL, 0, "the debuginfo lacks struct mem_section/"
				   "struct page or the mem_section symbol: is this the vmlinux of the "
				   "dumped kernel?");
	return zdx_layout_check(l, e);
}

static void read_layout(struct zdx_layout *l)
{
	memset(l, 0, sizeof(*l));
	read_features(l);
	read_geometry(l);
	read_sections(l);
	read_section_flags(l);
	read_page(l);
	read_zones(l);
	read_pgmap(l);
	read_devmodel(l);
	read_modules(l);
	read_printk(l);
	read_idt(l);
	read_memblocks(l);
	read_pfn_sb(l);
}

const struct zdx_layout *zdx_layout(struct zdx_err *e)
{
	if (!zdx_cached_tried(&layout_read)) {
		read_layout(&layout);
		zdx_cached_set(&layout_read, layout_usable(&layout, &layout_read.err));
	}
	return zdx_cached_get(&layout_read, &layout, e);
}

void zdx_layout_forget(void)
{
	zdx_cached_forget(&layout_read);
}

int zdx_need(long val, const char *what, struct zdx_err *e, const char *func, const char *file,
	     int line)
{
	if (val >= 0)
		return 1;
	zdx_err_set(e, ZDX_E_UNSUPPORTED, what, 0, "not in this kernel's debuginfo, and %s() needs "
		    "it (%s:%d)", func, file, line);
	return 0;
}
