/* A module's build-id from hand-built module notes in fake dump memory:
 * both shapes of struct module_notes_attrs (the notes count of 5.10-6.12,
 * the attribute_group of 7.2, offsets as their debuginfo has them), then
 * absent, NULL, missing and corrupt notes; and the build-id comparison. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "zdx/modnotes.h"
#include "layout_fixture.h"
#include "fake_mem.h"
#include "bytes_fixture.h"

#define MODULE   0xffffffffc0a00000ULL
#define NOTES    0xffff888004000000ULL
#define LIST     0xffff888004001000ULL
#define BLOBS    0xffffffffc0a04000ULL
#define BID      "f243b056077c15faaba789d305297aff1e1e5470"

static unsigned char module[1024], notes[1024], list[8 * 80], blobs[3][64];

static void hex_bytes(const char *hex, unsigned char *out)
{
	size_t i;

	for (i = 0; hex[2 * i]; i++) {
		char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };

		out[i] = (unsigned char)strtoul(b, NULL, 16);
	}
}

/* kbuild's three note sections: gnu.property, gnu.build-id, Linux. */
static size_t blob_size[3];

static void make_blobs(void)
{
	unsigned char id[20], prop[16] = { 0 }, linux_ver[4] = { 1, 6, 0, 0 };

	hex_bytes(BID, id);
	blob_size[0] = note(blobs[0], "GNU", 5, prop, sizeof(prop));
	blob_size[1] = note(blobs[1], "GNU", 3, id, sizeof(id));
	blob_size[2] = note(blobs[2], "Linux", 1, linux_ver, sizeof(linux_ver));
}

/* attrs[i] at base: private = blob i, size = its size. */
static void put_attr(const struct zdx_layout *l, unsigned char *base, int i)
{
	put(base + l->off_battr_private, BLOBS + 64 * (uint64_t)i, 8);
	put(base + l->off_battr_size, blob_size[i], 8);
}

static void layout_count_form(struct zdx_layout *l)      /* 6.1 */
{
	fixture_layout_61(l);
	l->off_module_notes_attrs = 592;
	l->off_mna_notes = 8;
	l->off_mna_bin_attrs = ZDX_ABSENT;
	l->off_mna_attrs = 16;
	l->sz_bin_attribute = 64;
	l->off_battr_size = 16;
	l->off_battr_private = 24;
}

static void layout_group_form(struct zdx_layout *l)      /* 7.2 */
{
	layout_count_form(l);
	l->off_module_notes_attrs = 952;
	l->off_mna_notes = ZDX_ABSENT;
	l->off_mna_bin_attrs = 40;      /* grp at 0, attribute_group.bin_attrs at 40 */
	l->off_mna_attrs = 48;
	l->sz_bin_attribute = 72;
}

static void mem_setup(struct fake_mem *m, const struct zdx_layout *l, uint64_t count)
{
	int i;

	memset(m, 0, sizeof(*m));
	memset(module, 0, sizeof(module));
	memset(notes, 0, sizeof(notes));
	memset(list, 0, sizeof(list));
	put(module + l->off_module_notes_attrs, NOTES, 8);
	if (l->off_mna_notes >= 0)
		put(notes + l->off_mna_notes, count, 4);
	else
		put(notes + l->off_mna_bin_attrs, LIST, 8);
	for (i = 0; i < 3; i++) {
		put_attr(l, notes + l->off_mna_attrs + i * l->sz_bin_attribute, i);
		put(list + 8 * i, NOTES + l->off_mna_attrs + i * l->sz_bin_attribute, 8);
	}
	fake_add(m, MODULE, module, sizeof(module));
	fake_add(m, NOTES, notes, sizeof(notes));
	fake_add(m, LIST, list, sizeof(list));
	fake_add(m, BLOBS, blobs, sizeof(blobs));
}

static void shapes(void)
{
	struct zdx_layout l;
	struct fake_mem m;
	struct zdx_module_id id;

	layout_count_form(&l);
	mem_setup(&m, &l, 3);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) == 0 && !strcmp(id.build_id, BID),
	   "count form (6.1): the build-id note among three (%s)", id.build_id[0] ? id.build_id : id.why);
	ok(id.note == BLOBS + 64, "count form: the note read is the second section's (%llx)",
	   (unsigned long long)id.note);
	mem_setup(&m, &l, 1);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "among the module's 1 note"),
	   "count form: attrs past the count are not read (%s)", id.why);
	mem_setup(&m, &l, 1000);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "corrupt"),
	   "count form: a count no module has is refused (%s)", id.why);

	layout_group_form(&l);
	mem_setup(&m, &l, 0);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) == 0 && !strcmp(id.build_id, BID),
	   "group form (7.2): the build-id through grp.bin_attrs (%s)", id.build_id[0] ? id.build_id : id.why);
	put(list + 8, 0, 8);     /* the list ends before the build-id note */
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "among the module's 1 note"),
	   "group form: the NULL entry ends the list (%s)", id.why);
}

static void refusals(void)
{
	struct zdx_layout l;
	struct fake_mem m;
	struct zdx_module_id id;
	int i;

	layout_count_form(&l);
	l.off_module_notes_attrs = ZDX_ABSENT;
	mem_setup(&m, &l, 3);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "notes_attrs") && !m.reads,
	   "no notes_attrs in the debuginfo: refused before any read (%s)", id.why);
	layout_count_form(&l);
	l.off_mna_notes = l.off_mna_bin_attrs = ZDX_ABSENT;
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "notes_attrs"),
	   "neither a count nor a group: refused (%s)", id.why);

	layout_count_form(&l);
	mem_setup(&m, &l, 3);
	put(module + l.off_module_notes_attrs, 0, 8);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "NULL"),
	   "notes_attrs NULL: says so (%s)", id.why);
	mem_setup(&m, &l, 3);
	m.n = 1;                 /* only the module itself is in the dump */
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "not in the dump"),
	   "notes_attrs not in the dump: says so (%s)", id.why);
	mem_setup(&m, &l, 3);
	m.n = 3;                 /* the note sections' pages are missing */
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "3 note sections") &&
	   !id.build_id[0], "the notes' memory not in the dump: no id, says so (%s)", id.why);
	mem_setup(&m, &l, 3);
	put(notes + l.off_mna_attrs + l.sz_bin_attribute + l.off_battr_size, 1 << 20, 8);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0, "a note size no note has is not read (%s)",
	   id.why);

	layout_group_form(&l);
	mem_setup(&m, &l, 0);
	for (i = 0; i < 80; i++)     /* no terminator: every entry the property note */
		put(list + 8 * i, NOTES + l.off_mna_attrs, 8);
	ok(zdx_module_build_id(&l, MODULE, fake_read, &m, &id) < 0 && strstr(id.why, "64 note"),
	   "group form without a NULL: the walk stops at 64 (%s)", id.why);
}

static void compare(void)
{
	char hex[ZDX_BUILD_ID_HEX];
	unsigned char b[64];
	size_t n;

	ok(zdx_build_id_same(BID, "F243B056077C15FAABA789D305297AFF1E1E5470"), "same id, case ignored");
	ok(!zdx_build_id_same(BID, "d278f9b837794c9198223bdbdad9f4e90d621b10"), "another build's id differs");
	ok(!zdx_build_id_same(BID, "f243b056"), "a prefix is not the same id");
	ok(!zdx_build_id_same("", "") && !zdx_build_id_same("zz", "zz"), "empty or non-hex ids never match");
	n = note(b, "GNU", 3, (const unsigned char *)"\x01\x02\xab", 3);
	ok(zdx_notes_build_id(b, n, hex, sizeof(hex)) == 0 && !strcmp(hex, "0102ab"), "notes blob: id %s", hex);
	ok(zdx_notes_build_id(b, n - 4, hex, sizeof(hex)) < 0, "notes blob cut inside the id: none");
	n = note(b, "GNU", 1, (const unsigned char *)"\x01\x02\xab", 3);
	ok(zdx_notes_build_id(b, n, hex, sizeof(hex)) < 0, "a GNU note of another type is no build-id");
}

int main(void)
{
	make_blobs();
	shapes();
	refusals();
	compare();
	return tap_done();
}
