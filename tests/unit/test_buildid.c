/* VMCOREINFO and build-ids from synthesized ELF vmcores, kdump-compressed
 * dumps (plain and flattened) and ELF objects, then truncated ones. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "zdx/buildid.h"
#include "bytes_fixture.h"

#define BID "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233"
static const char vmci[] = "OSRELEASE=6.1.0-50-amd64\nPAGESIZE=4096\nBUILD-ID=" BID "\nSYMBOL(init_uts_ns)=ffffffff82a13200\n";

static void elf_header(unsigned char *b, int type, uint64_t phoff, int phnum, uint64_t shoff, int shnum)
{
	memcpy(b, "\177ELF", 4);
	b[4] = 2;
	b[5] = 1;
	put(b + 16, type, 2);
	put(b + 32, phoff, 8);
	put(b + 40, shoff, 8);
	put(b + 54, 56, 2);
	put(b + 56, phnum, 2);
	put(b + 58, 64, 2);
	put(b + 60, shnum, 2);
}

/* ELF core: a CORE prstatus note, then VMCOREINFO, in one PT_NOTE. */
static size_t make_elf_core(unsigned char *b)
{
	unsigned char prs[32] = { 0 };
	size_t n = 512;

	elf_header(b, 4, 64, 1, 0, 0);
	n += note(b + n, "CORE", 1, prs, sizeof(prs));
	n += note(b + n, "VMCOREINFO", 0, vmci, strlen(vmci));
	put(b + 64, 4, 4);
	put(b + 64 + 8, 512, 8);
	put(b + 64 + 32, n - 512, 8);
	return n;
}

/* kdump-compressed v6, vmcoreinfo block in the sub-header. */
static size_t make_kdump(unsigned char *b, int version, int with_block)
{
	size_t bs = 4096, at = 3 * bs;

	memcpy(b, "KDUMP   ", 8);
	put(b + 8, version, 4);
	put(b + 428, bs, 4);
	put(b + 432, 1, 4);
	if (with_block) {
		put(b + bs + 32, at, 8);
		put(b + bs + 40, strlen(vmci), 8);
		memcpy(b + at, vmci, strlen(vmci));
		return at + strlen(vmci);
	}
	put(b + bs + 48, at, 8);
	put(b + bs + 56, note(b + at, "VMCOREINFO", 0, vmci, strlen(vmci)), 8);
	return at + 256;
}

/* The flattened form of a file: one record covering all of it. */
static size_t flatten(const unsigned char *in, size_t n, unsigned char *out)
{
	memcpy(out, "makedumpfile", 13);
	put_be(out + 4096, 0);
	put_be(out + 4104, n);
	memcpy(out + 4112, in, n);
	put_be(out + 4112 + n, (uint64_t)-1);
	put_be(out + 4120 + n, (uint64_t)-1);
	return 4128 + n;
}

/* vmlinux as objcopy --only-keep-debug leaves it: notes in a section. */
static size_t make_vmlinux(unsigned char *b)
{
	unsigned char id[20];
	size_t i, nsz;

	for (i = 0; i < sizeof(id); i++)
		id[i] = (unsigned char)(0xa0 + i);
	elf_header(b, 2, 0, 0, 1024, 2);
	nsz = note(b + 512, "GNU", 3, id, sizeof(id));
	put(b + 1024 + 64 + 4, 7, 4);
	put(b + 1024 + 64 + 24, 512, 8);
	put(b + 1024 + 64 + 32, nsz, 8);
	return 1024 + 128;
}

static void check_dump(const char *what, unsigned char *b, size_t n)
{
	struct mem m = { .b = b, .n = n };
	struct zdx_file_ids ids;

	ok(zdx_file_ids(mem_read, &m, &ids) == 0 && ids.kind == ZDX_ID_VMCORE, "%s: a dump with a build-id (%s)",
	   what, ids.why);
	ok(!strcmp(ids.build_id, BID), "%s: BUILD-ID %s", what, ids.build_id);
	ok(!strcmp(ids.osrelease, "6.1.0-50-amd64"), "%s: OSRELEASE %s", what, ids.osrelease);
	m.n = n / 2 < 600 ? n / 2 : 600;
	ok(zdx_file_ids(mem_read, &m, &ids) < 0 && ids.why[0], "%s truncated: no build-id, says why (%s)",
	   what, ids.why);
}

int main(void)
{
	unsigned char *a = calloc(1, 1 << 16), *f = calloc(1, 1 << 16);
	struct zdx_file_ids ids;
	struct mem m;
	char v[64];
	size_t n;

	check_dump("ELF vmcore", a, make_elf_core(a));
	memset(a, 0, 1 << 16);
	check_dump("kdump v6", a, n = make_kdump(a, 6, 1));
	check_dump("flattened kdump", f, flatten(a, n, f));
	memset(a, 0, 1 << 16);
	check_dump("kdump v4, VMCOREINFO among the notes", a, make_kdump(a, 4, 0));
	memset(a, 0, 1 << 16);
	n = make_kdump(a, 2, 1);
	m = (struct mem){ .b = a, .n = n };
	ok(zdx_file_ids(mem_read, &m, &ids) < 0 && strstr(ids.why, "version 3"),
	   "kdump v2 has no VMCOREINFO: %s", ids.why);

	memset(a, 0, 1 << 16);
	m = (struct mem){ .b = a, .n = make_vmlinux(a) };
	ok(zdx_file_ids(mem_read, &m, &ids) == 0 && ids.kind == ZDX_ID_VMLINUX, "vmlinux: GNU build-id note");
	ok(!strcmp(ids.build_id, "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"), "vmlinux build-id %s", ids.build_id);
	put(a + 1024 + 64 + 4, 1, 4);    /* the section is no longer a note */
	ok(zdx_file_ids(mem_read, &m, &ids) < 0 && strstr(ids.why, "no GNU build-id"),
	   "ELF without notes: %s", ids.why);
	m = (struct mem){ .b = (unsigned char *)"hello world, not a dump at all........................................",
			  .n = 70 };
	ok(zdx_file_ids(mem_read, &m, &ids) < 0 && ids.kind == ZDX_ID_NONE, "text file: %s", ids.why);

	ok(zdx_vmcoreinfo_get(vmci, "PAGESIZE", v, sizeof(v)) == 0 && !strcmp(v, "4096"), "PAGESIZE=4096");
	ok(zdx_vmcoreinfo_get(vmci, "SYMBOL", v, sizeof(v)) < 0, "a key is matched whole (SYMBOL(...) is not SYMBOL)");
	ok(zdx_vmcoreinfo_get("BUILD-ID=ab\n", "BUILD", v, sizeof(v)) < 0, "BUILD is not BUILD-ID");
	ok(zdx_build_id_valid(BID) && !zdx_build_id_valid("abc") && !zdx_build_id_valid("zz"),
	   "build-id validation: hex, even length");
	free(a);
	free(f);
	return tap_done();
}
