/*
 * zdx sections: every mem_section with its decoded flags, memmap, memmap
 * home, sub-section map and owner summary.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/commands.h"
#include "zdx/json.h"

struct nr_range {
	unsigned long lo, hi;
};

/* NR or NR-NR into a struct nr_range (every section when none is given);
 * 0, or -1 with e naming the argument as it was given. */
static int parse_range(int argc, char **argv, void *out, struct zdx_err *e)
{
	struct nr_range *r = out;
	uint64_t a, b;
	char *dash;
	int bad;

	r->lo = 0;
	r->hi = ~0UL;
	if (argc < 2)
		return 0;
	if ((dash = strchr(argv[1], '-'))) {
		*dash = 0;
		bad = zdx_parse_u64(argv[1], &a) || zdx_parse_u64(dash + 1, &b) || b < a;
		*dash = '-';
	} else {
		bad = zdx_parse_u64(argv[1], &a);
		b = a;
	}
	if (bad)
		return zdx_err_set(e, ZDX_E_USAGE, NULL, 0, "\"%s\" is not a section number or NR-NR "
				   "range", argv[1]);
	r->lo = a;
	r->hi = b;
	return 0;
}

static const struct zdx_cmd_args sections_args = {
	.synopsis = "zdx " ZDX_SYN_SECTIONS, .max = 1, .parse = parse_range
};

static void print_header(void)
{
	fprintf(fp, "%6s  %-23s  %-5s  %-16s  %-16s  %-64s  %3s  %s\n", "NR", "PFN RANGE",
		"FLAGS", "MEM_MAP", "MEMMAP HOME", "SUBSECTIONS", "N", "OWNER");
}

static void print_row(const struct zdx_model *m, const struct zdx_section *s)
{
	const struct zdx_layout *l = m->l;
	uint64_t start = zdx_section_nr_to_pfn(l, s->nr);
	uint64_t mem_map = zdx_section_page_addr(l, s, start);
	char letters[16], strip[80], home[80], range[48];
	int hm = zdx_valid_section(l, s);

	zdx_section_flag_letters(l, s->flags, letters);
	zdx_subsection_strip(l, s, strip, 64);
	snprintf(range, sizeof(range), "%llx-%llx", (unsigned long long)start,
		 (unsigned long long)(start + zdx_pages_per_section(l) - 1));
	fprintf(fp, "%6lu  %-23s  %-5s  %-16llx  %-16s  %-64s  %3u  %s\n", s->nr, range, letters,
		hm ? (unsigned long long)mem_map : 0ULL,
		hm ? zdx_memmap_home_of(mem_map, home, sizeof(home)) : "-",
		strip, zdx_subsection_count(l, s), zdx_model_section_owner(m, s));
}

static void json_row(struct zdx_json *j, const struct zdx_model *m, const struct zdx_section *s)
{
	const struct zdx_layout *l = m->l;
	uint64_t start = zdx_section_nr_to_pfn(l, s->nr);
	uint64_t mem_map = zdx_section_page_addr(l, s, start);
	char names[128], strip[80], home[80];
	int f;

	zj_obj(j, NULL);
	zj_int(j, "nr", (long long)s->nr);
	zj_hex(j, "start_pfn", start);
	zj_hex(j, "end_pfn", start + zdx_pages_per_section(l));
	zj_hex(j, "coded_mem_map", s->coded);
	zj_hex(j, "flags", s->flags);
	zdx_section_flag_names(l, s->flags, names, sizeof(names));
	zj_str(j, "flag_names", names);
	zj_obj(j, "flag");
	for (f = 0; f < ZDX_SF_NR; f++)
		if (zdx_sflag_known(l, f))
			zj_bool(j, l->sflag[f].name, zdx_sflag_set(l, f, s->flags));
	zj_end_obj(j);
	if (zdx_valid_section(l, s)) {
		zj_hex(j, "mem_map", mem_map);
		zj_str(j, "memmap_home", zdx_memmap_home_of(mem_map, home, sizeof(home)));
	} else {
		zj_str(j, "mem_map", NULL);
	}
	zj_hex(j, "usage", s->usage);
	zdx_subsection_strip(l, s, strip, l->subsections_per_section);
	zj_str(j, "subsection_map", l->has_subsection_map ? strip : NULL);
	zj_int(j, "subsections_populated", zdx_subsection_count(l, s));
	zj_bool(j, "usage_in_dump", s->usage_state != ZDX_USAGE_MISSING);
	zj_str(j, "owner", zdx_model_section_owner(m, s));
	zj_end_obj(j);
}

void zdx_cmd_sections(int argc, char **argv)
{
	int all = zdx_take_flag(&argc, argv, "-a"), json = zdx_take_flag(&argc, argv, "-j");
	const struct zdx_model *m;
	struct zdx_err e = { 0 };
	struct nr_range r;
	struct zdx_json j;
	size_t i, shown = 0;

	if (!(m = zdx_cmd_preamble(&sections_args, argc, argv, &r, &e)))
		goto fail;
	if (json) {
		zj_init(&j, fp);
		zj_obj(&j, NULL);
		zj_int(&j, "section_size_bits", m->l->section_size_bits);
		zj_bool(&j, "flags_from_debuginfo_enum", m->l->sflags_from_enum);
		zj_int(&j, "roots_not_in_dump", (long long)m->roots_unreadable);
		zj_arr(&j, "sections");
	} else {
		if (!m->l->sflags_from_enum)
			fprintf(fp, "note: this kernel has no section-flag enum in its debuginfo; "
				"flag bits were inferred from its features\n");
		if (m->roots_unreadable)
			fprintf(fp, "warning: %zu mem_section root pages are not in this dump: "
				"their sections are missing below\n", m->roots_unreadable);
		print_header();
	}
	for (i = 0; i < m->nsec; i++) {
		const struct zdx_section *s = &m->sec[i];

		if (s->nr < r.lo || s->nr > r.hi || (!all && !zdx_present_section(m->l, s)))
			continue;
		shown++;
		if (json)
			json_row(&j, m, s);
		else
			print_row(m, s);
	}
	if (json) {
		zj_end_arr(&j);
		zdx_incomplete_json(&j, &m->inc);
		zj_end_obj(&j);
		zj_done(&j);
	} else {
		if (!shown)
			fprintf(fp, "no %ssection in that range\n", all ? "initialised " : "present ");
		zdx_incomplete_text(fp, &m->inc);
	}
	return;
fail:
	zdx_err_print(fp, "sections", json, &e);
}
