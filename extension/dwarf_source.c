/* DWARF sources for zdx: opening one, mapping its addresses, and libdw's
 * decoded location ops as zdx ops.
 *
 * A source is one ELF file opened through libdwfl's offline reporting, so
 * that a relocatable kernel module gets its DWARF relocated (libdwfl lays
 * its sections out at addresses of its own choosing).  We then map target
 * (run-time) addresses to DWARF addresses ourselves -- per section for
 * ET_REL, by one bias otherwise -- which keeps the mapping explicit and
 * checkable instead of relying on libdwfl callbacks' corner cases. */
#include <dwarf.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "zdx/dwarf_source.h"

const char *zdx_dwarf_strerror(int err)
{
	switch (err) {
	case ZDX_DW_OK: return "success";
	case ZDX_DW_EINVAL: return "invalid argument";
	case ZDX_DW_ENOMEM: return "out of memory";
	case ZDX_DW_EOPEN: return "cannot open ELF file";
	case ZDX_DW_ENODWARF: return "no DWARF debuginfo";
	case ZDX_DW_ENOPC: return "no debuginfo covers this pc";
	case ZDX_DW_ENOCFI: return "no call frame information for this pc";
	case ZDX_DW_EBADDWARF: return "malformed or unsupported DWARF";
	case ZDX_DW_ENOTREC: return "not recoverable";
	}
	return "unknown error";
}

/* ---- opening --------------------------------------------------------- */

/* Read-only, so sharing it between sources is not global state. */
static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static const struct zdx_dwarf_section *
find_load_section(const struct zdx_dwarf_load *load, const char *name)
{
	for (size_t i = 0; load && i < load->nsections; i++)
		if (load->sections[i].name && !strcmp(load->sections[i].name, name))
			return &load->sections[i];
	return NULL;
}

/* Record libdwfl's layout of each allocated section of an ET_REL file,
 * next to where the caller says the target loaded it. */
static int record_sections(struct zdx_dwarf *src, Elf *elf,
			   const struct zdx_dwarf_load *load)
{
	size_t shstrndx, n = 0;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &n))
		return ZDX_DW_EOPEN;
	src->secs = calloc(n ? n : 1, sizeof(*src->secs));
	if (!src->secs)
		return ZDX_DW_ENOMEM;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		const struct zdx_dwarf_section *ls;
		struct sect *s;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    !sh.sh_size || src->nsecs >= n)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		s = &src->secs[src->nsecs];
		s->name = strdup(name ? name : "");
		if (!s->name)
			return ZDX_DW_ENOMEM;
		s->link = sh.sh_addr;
		s->size = sh.sh_size;
		ls = find_load_section(load, s->name);
		s->mapped = ls != NULL;
		s->run = ls ? ls->addr : 0;
		src->nsecs++;
	}
	return 0;
}

static int open_module(struct zdx_dwarf *src, const char *path,
		       const struct zdx_dwarf_load *load)
{
	const char *base = strrchr(path, '/');
	Dwarf_Addr elf_bias;
	GElf_Ehdr eh;
	Elf *elf;

	dwfl_report_begin(src->dwfl);
	src->mod = dwfl_report_offline(src->dwfl, base ? base + 1 : path, path, -1);
	dwfl_report_end(src->dwfl, NULL, NULL);
	if (!src->mod)
		return ZDX_DW_EOPEN;
	elf = dwfl_module_getelf(src->mod, &elf_bias);
	if (!elf || !gelf_getehdr(elf, &eh))
		return ZDX_DW_EOPEN;
	src->is_rel = eh.e_type == ET_REL;
	src->bias = load ? load->bias : 0;
	if (!dwfl_module_getdwarf(src->mod, &src->dw_bias))
		return ZDX_DW_ENODWARF;
	src->cfi[0] = dwfl_module_dwarf_cfi(src->mod, &src->cfi_bias[0]);
	/* libdwfl relocates only non-allocated (debug) sections of an ET_REL
	 * file; its .eh_frame would give wrong answers, so use none. */
	if (!src->is_rel)
		src->cfi[1] = dwfl_module_eh_cfi(src->mod, &src->cfi_bias[1]);
	return src->is_rel ? record_sections(src, elf, load) : 0;
}

int zdx_dwarf_open(const char *path, const struct zdx_dwarf_load *load,
		   struct zdx_dwarf **out)
{
	struct zdx_dwarf *src;
	int rc;

	if (!path || !out)
		return ZDX_DW_EINVAL;
	*out = NULL;
	src = calloc(1, sizeof(*src));
	if (!src)
		return ZDX_DW_ENOMEM;
	src->dwfl = dwfl_begin(&offline_callbacks);
	rc = src->dwfl ? open_module(src, path, load) : ZDX_DW_ENOMEM;
	if (rc) {
		zdx_dwarf_close(src);
		return rc;
	}
	*out = src;
	return 0;
}

void zdx_dwarf_close(struct zdx_dwarf *src)
{
	if (!src)
		return;
	for (size_t i = 0; i < src->nsecs; i++)
		free(src->secs[i].name);
	free(src->secs);
	if (src->dwfl)
		dwfl_end(src->dwfl);
	free(src);
}

/* ---- address mapping ------------------------------------------------- */

int zdx_dwarf_run_to_dwarf(const struct zdx_dwarf *src, uint64_t run,
			   Dwarf_Addr *a)
{
	if (!src->is_rel) {
		*a = run - src->bias;
		return 0;
	}
	for (size_t i = 0; i < src->nsecs; i++) {
		const struct sect *s = &src->secs[i];

		if (s->mapped && run >= s->run && run - s->run < s->size) {
			*a = s->link + (run - s->run);
			return 0;
		}
	}
	return -1;
}

/* DW_OP_addr: link-time (or libdwfl layout) address back to run time. */
int zdx_dwarf_to_run(void *ctx, uint64_t a, uint64_t *run)
{
	const struct zdx_dwarf *src = ctx;

	if (!src->is_rel) {
		*run = a + src->bias;
		return 0;
	}
	for (size_t i = 0; i < src->nsecs; i++) {
		const struct sect *s = &src->secs[i];

		/* <= so that an end-of-object address still maps */
		if (s->mapped && a >= s->link && a - s->link <= s->size) {
			*run = s->run + (a - s->link);
			return 0;
		}
	}
	return -1;
}

/* ---- libdw ops -> zdx ops -------------------------------------------- */

/* Copy libdw's decoded ops, fetching the byte blocks libdw keeps aside
 * (implicit_value data, entry_value's inner expression). */
size_t zdx_dwarf_convert_ops(Dwarf_Attribute *attr, const Dwarf_Op *in,
			     size_t n, struct zdx_dwarf_op *out)
{
	if (n > MAX_OPS)
		n = MAX_OPS;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Block b;
		Dwarf_Attribute inner;

		out[i] = (struct zdx_dwarf_op){ .atom = in[i].atom,
			.n1 = in[i].number, .n2 = in[i].number2,
			.offset = in[i].offset };
		if (!attr)
			continue;
		if (in[i].atom == DW_OP_implicit_value &&
		    dwarf_getlocation_implicit_value(attr, &in[i], &b) == 0) {
			out[i].block = b.data;
			out[i].n1 = b.length;
		} else if ((in[i].atom == DW_OP_entry_value ||
			    in[i].atom == DW_OP_GNU_entry_value) &&
			   dwarf_getlocation_attr(attr, &in[i], &inner) == 0 &&
			   dwarf_formblock(&inner, &b) == 0) {
			out[i].block = b.data;
			out[i].n1 = b.length;
		} else if (in[i].atom == DW_OP_implicit_value) {
			out[i].block = NULL;	/* evaluator reports it */
		}
	}
	return n;
}
