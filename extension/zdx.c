/*
 * zdx: ZONE_DEVICE post-mortem analysis for crash.
 * This file registers the `zdx` command with crash, holds crash's help text
 * for it, and dispatches its subcommands (extension/cmd_*.c).  Nothing
 * else: argument helpers are in args.c, model queries in crash_model.c.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/verdicts.h"

#ifndef ZDX_CRASH_VERSION
#define ZDX_CRASH_VERSION ""   /* built outside the Makefile: release unknown */
#endif

static void cmd_zdx(void);
static char help_verdicts[256];    /* filled from zdx/verdicts.h at load */

static char *help_zdx[] = {
	"zdx",
	"ZONE_DEVICE and persistent-memory analysis",
	ZDX_SYN_SECTIONS "\n"
	"       zdx " ZDX_SYN_PGMAP "\n"
	"       zdx " ZDX_SYN_ZONES "\n"
	"       zdx " ZDX_SYN_MAP "\n"
	"       zdx " ZDX_SYN_PFN "\n"
	"       zdx " ZDX_SYN_EXPLAIN "\n"
	"       zdx " ZDX_SYN_DUMPCHECK "\n"
	"       zdx " ZDX_SYN_REPORT,
	"  zdx rebuilds, from the dump alone, who owns every pfn and which struct",
	"  pages can be trusted on machines with ZONE_DEVICE memory (fsdax/devdax",
	"  pmem, device-private, p2pdma), x86_64.  Struct offsets and sizes and enum",
	"  values come from this kernel's debuginfo and VMCOREINFO.",
	"",
	"  sections  every present mem_section (-a: every initialised one): number,",
	"            pfn range, flags (P present, M has memmap, O online, E early,",
	"            D ZONE_DEVICE taint, as this kernel defines them), the mem_map",
	"            address, where that memmap lives (ram, or dev:<owner> when an",
	"            altmap put it on the device), the sub-section map (# populated,",
	"            . empty, ? not in the dump) and the owner (ram/device/mixed/hole).",
	"  pgmap     every dev_pagemap in pgmap_array (or the one at ADDR, or the one",
	"            holding PFN): type, ranges, flags, owner device, reference,",
	"            vmemmap_shift, and its vmem_altmap split into the info-block",
	"            reserve (struct pages never initialised), the memmap storage",
	"            (reserved ZONE_DEVICE pages without a pgmap) and data.",
	"  zones     per node and zone: span, present and managed pages, and the",
	"            pfn ranges the zone really owns once ZONE_DEVICE is taken out.",
	"  map       the whole physical address space in owner runs: holes, RAM",
	"            (early or hot-plugged, online or not, node and zone), device",
	"            memory (pgmap, type, altmap region), and mixed sections.",
	"  pfn       everything about one pfn: section, sub-section, pfn_valid(),",
	"            pfn_to_online_page() (this kernel, and with 1f90a3477df3),",
	"            pgmap_pfn_valid(), owner, and whether its struct page is in",
	"            the dump and initialised.  A value below the highest pfn is a",
	"            pfn; -p reads it as a physical address, -s as a struct page.",
	"  explain   did a pfn walker touching ZONE_DEVICE memory, altmap metadata,",
	"            the memmap_on_memory pages of a hot-plugged block, a memmap",
	"            hole or offline memory cause this panic?  Candidate",
	"            pages and pfns come from the oops' fault address, the exception",
	"            registers, dump_page() output, the struct page holding a faulting",
	"            garbage value, and DWARF variables (struct page *, pfn) at the",
	"            faulting pc and its callers.  Prints a verdict, its confidence,",
	"            the evidence with the crash command that shows each piece, why",
	"            the kernel allowed it and the fix.  The verdicts:",
	help_verdicts,
	"            -m DIR (or ZDX_MODULE_PATH) is where module .ko files with",
	"            debuginfo are searched.",
	"  dumpcheck does this dump hold what the analysis needs?  Per class",
	"            (mem_section roots and usage blocks, dev_pagemaps, the memmap of",
	"            each RAM zone, the memmap of each pgmap on the device and in RAM,",
	"            the memmap each memmap_on_memory block stores in itself, the",
	"            printk log): pages needed, in the dump, missing, with the",
	"            missing physical ranges and why (not captured, or left out by",
	"            the dump level, from the file's own headers); the dump format",
	"            and level; what is lost; how to capture it next time.",
	"  report    one report for an escalation, in markdown (-j: JSON, schema",
	"            zdx-report/1): explain's verdict, confidence and evidence with",
	"            the crash command for each, the panic context, the pfn, its",
	"            neighbourhood in the map, its pgmap and altmap, the kernel's",
	"            features, the dump's and vmlinux's build-ids, what the dump",
	"            lacks and how to capture it next time.",
	"",
	"  -j  print JSON instead of a table; a command that fails prints one",
	"      {\"error\": {\"command\", \"code\", \"what\", \"addr\", \"message\"}} object.",
	"",
	"EXAMPLES",
	"  Show the pgmaps of a pmem machine:",
	"    %s> zdx pgmap",
	"  Is pfn 0x60001 safe to touch?",
	"    %s> zdx pfn 0x60001",
	"",
	"  See docs/ in the zdx sources for real output of every command.",
	NULL
};

static struct command_table_entry command_table[] = {
	{ "zdx", cmd_zdx, help_zdx, 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct {
	const char *name;
	void (*fn)(int argc, char **argv);
} subcommands[] = {
	{ "sections", zdx_cmd_sections },
	{ "pgmap", zdx_cmd_pgmap },
	{ "zones", zdx_cmd_zones },
	{ "map", zdx_cmd_map },
	{ "pfn", zdx_cmd_pfn },
	{ "explain", zdx_cmd_explain },
	{ "dumpcheck", zdx_cmd_dumpcheck },
	{ "report", zdx_cmd_report },
};

static void cmd_zdx(void)
{
	struct zdx_err e;
	size_t i;

	if (argcnt < 2) {
		cmd_usage(pc->curcmd, SYNOPSIS);
		return;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(args[1], subcommands[i].name)) {
			subcommands[i].fn(argcnt - 1, args + 1);
			return;
		}
	zdx_err_set(&e, ZDX_E_USAGE, NULL, 0, "unknown subcommand \"%.100s\"", args[1]);
	zdx_err_print(fp, NULL, 0, &e);
	cmd_usage(pc->curcmd, SYNOPSIS);
}

/* The verdict words, wrapped under the help's 12-column indent. */
static void fill_help_verdicts(void)
{
	static const char *const words[] = {
#define WORD(id, word, device) word,
		ZDX_VERDICT_LIST(WORD)
#undef WORD
		ZDX_NO_VERDICT,
	};
	size_t i, n = sizeof(words) / sizeof(words[0]), used = 0, col = 0;

	for (i = 0; i < n && used < sizeof(help_verdicts); i++) {
		if (!col || col + strlen(words[i]) + 2 > 76) {
			if (used && help_verdicts[used - 1] == ' ')
				used--;         /* no trailing blank before the break */
			used += snprintf(help_verdicts + used, sizeof(help_verdicts) - used, "%s%12s",
					 col ? "\n" : "", "");
			col = 12;
		}
		if (used < sizeof(help_verdicts))
			used += snprintf(help_verdicts + used, sizeof(help_verdicts) - used, "%s%s",
					 words[i], i + 1 < n ? ", " : ".");
		col += strlen(words[i]) + 2;
	}
}

/*
 * An extension is compiled against one crash release's defs.h, and crash's
 * own structures (kernel_table, vm_table, offset_table, ...) change between
 * releases: a zdx.so built for another crash would read them wrong.  The
 * Makefile names the release (ZDX_CRASH_VERSION, empty when it cannot
 * tell); program_context's first fields, program_version among them, are
 * the same in every release, so reading it is safe before we know.
 */
static int crash_release_matches(void)
{
	if (!*ZDX_CRASH_VERSION || !pc->program_version ||
	    !strcmp(pc->program_version, ZDX_CRASH_VERSION))
		return 1;
	fprintf(fp, "zdx: this zdx.so was built against crash %s's defs.h and this is crash %s:\n"
		"     crash's structures differ between releases, so zdx does not load.\n"
		"     Build it for this crash: `make install` (or make CRASH_DEFS=<its defs.h>\n"
		"     CRASH_DEFS_VERSION=%s).\n",
		ZDX_CRASH_VERSION, pc->program_version, pc->program_version);
	return 0;
}

void __attribute__((constructor)) zdx_init(void)
{
	if (!crash_release_matches())
		return;
	fill_help_verdicts();
	register_extension(command_table);
}

/* `extend -u`: drop everything read from the dump. */
void __attribute__((destructor)) zdx_fini(void)
{
	zdx_model_forget();
	zdx_layout_forget();
}
