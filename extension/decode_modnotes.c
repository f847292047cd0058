/*
 * A loaded module's GNU build-id from the dump (pure).  kbuild links every
 * .ko with --build-id, so it carries .note.gnu.build-id, an SHF_ALLOC note
 * section the loader copies into module memory.  For each such section
 * the kernel's add_notes_attrs() (kernel/module/sysfs.c; kernel/module.c
 * before 5.19) fills a struct bin_attribute of module->notes_attrs with
 * private = the section's address and size = its size: what
 * /sys/module/NAME/notes/.note.gnu.build-id reads.  Which of the two
 * shapes of module_notes_attrs this kernel has is the layout's to say
 * (layout.h); both lists are bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zdx/field.h"
#include "zdx/modnotes.h"

/* More note sections than a .ko has (kbuild's: .note.gnu.property,
 * .note.gnu.build-id, .note.Linux, .note.Xen ...): a larger count read
 * from the dump is corrupt. */
#define MAX_NOTE_ATTRS 64
/* One note section's size bound: a build-id note is 36 bytes. */
#define MAX_NOTE_BYTES 4096

static int why(struct zdx_module_id *id, const char *fmt, const char *a)
{
	snprintf(id->why, sizeof(id->why), fmt, a);
	return -1;
}

/* The address of the i-th bin_attribute; 0 past the end or unreadable. */
static uint64_t note_attr(const struct zdx_layout *l, uint64_t attrs, uint64_t count, uint64_t list,
			  unsigned i, zdx_read_fn rd, void *ctx)
{
	uint64_t p;

	if (list)   /* grp.bin_attrs: pointers, NULL-terminated */
		return zdx_field_read(rd, ctx, list, (long)i * 8, 8, &p) ? 0 : p;
	return i < count ? zdx_field_addr(attrs, l->off_mna_attrs) + (uint64_t)i * l->sz_bin_attribute : 0;
}

/* The build-id in one note section, 0; -1 when it holds none. */
static int attr_build_id(const struct zdx_layout *l, uint64_t a, zdx_read_fn rd, void *ctx,
			 struct zdx_module_id *id)
{
	uint64_t at, size;
	unsigned char *b;
	int r;

	if (zdx_field_read(rd, ctx, a, l->off_battr_private, 8, &at) ||
	    zdx_field_read(rd, ctx, a, l->off_battr_size, (unsigned)l->sz_battr_size, &size) ||
	    !at || size < 12 || size > MAX_NOTE_BYTES || !(b = malloc(size)))
		return -1;
	r = rd(ctx, at, b, size) ? -1 : zdx_notes_build_id(b, size, id->build_id, sizeof(id->build_id));
	free(b);
	if (!r)
		id->note = at;
	return r;
}

int zdx_module_build_id(const struct zdx_layout *l, uint64_t module, zdx_read_fn rd, void *ctx,
			struct zdx_module_id *id)
{
	uint64_t attrs, count = 0, list = 0;
	unsigned i, seen = 0;

	memset(id, 0, sizeof(*id));
	if (l->off_module_notes_attrs < 0 || l->off_mna_attrs < 0 || l->sz_bin_attribute <= 0 ||
	    l->off_battr_size < 0 || l->off_battr_private < 0 ||
	    (l->off_mna_notes < 0 && l->off_mna_bin_attrs < 0))
		return why(id, "%s", "this kernel's debuginfo has no struct module.notes_attrs (a "
			   "kernel without CONFIG_SYSFS or CONFIG_KALLSYMS keeps no module notes)");
	if (zdx_field_read(rd, ctx, module, l->off_module_notes_attrs, 8, &attrs))
		return why(id, "%s", "struct module.notes_attrs is not in the dump");
	if (!attrs)
		return why(id, "%s", "struct module.notes_attrs is NULL: the kernel kept no notes "
			   "for this module");
	if (l->off_mna_notes >= 0 ? zdx_field_read(rd, ctx, attrs, l->off_mna_notes, (unsigned)l->sz_mna_notes, &count)
	    : (zdx_field_read(rd, ctx, attrs, l->off_mna_bin_attrs, 8, &list) || !list))
		return why(id, "%s", "struct module_notes_attrs is not in the dump");
	if (count > MAX_NOTE_ATTRS)
		return why(id, "%s", "struct module_notes_attrs counts more notes than a module has: "
			   "corrupt");
	for (i = 0; i < MAX_NOTE_ATTRS; i++) {
		uint64_t a = note_attr(l, attrs, count, list, i, rd, ctx);

		if (!a)
			break;
		seen++;
		if (!attr_build_id(l, a, rd, ctx, id))
			return 0;
	}
	id->build_id[0] = 0;
	snprintf(id->why, sizeof(id->why), "no GNU build-id note readable among the module's %u "
		 "note section%s", seen, seen == 1 ? "" : "s");
	return -1;
}
