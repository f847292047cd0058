/* Dump file headers: synthesized ELF64, kdump-compressed and flattened
 * files, then the first bytes of the factory's real dumps when present. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include "tap.h"
#include "zdx/dumpfile.h"
#include "bytes_fixture.h"

/* A kdump file: header, 1-block sub-header, 2 bitmap blocks.  Source has
 * pfns 0-49, the dump wrote 0-9 and 20-29; dump level 31. */
static size_t make_kdump(unsigned char *f)
{
	int i;

	memset(f, 0, 4 * 4096);
	memcpy(f, "KDUMP   ", 8);
	put(f + 8, 6, 4);
	memcpy(f + 12 + 130, "6.1.0-test", 10);
	put(f + 424, 0x11, 4);         /* zlib | excluded vmemmap */
	put(f + 428, 4096, 4);
	put(f + 432, 1, 4);
	put(f + 436, 2, 4);
	put(f + 440, 100, 4);
	put(f + 4096 + 8, 31, 4);
	put(f + 4096 + 96, 100, 8);    /* max_mapnr_64 */
	for (i = 0; i < 50; i++)
		f[2 * 4096 + i / 8] |= 1 << (i % 8);
	for (i = 0; i < 30; i++)
		if (i < 10 || i >= 20)
			f[3 * 4096 + i / 8] |= 1 << (i % 8);
	return 4 * 4096;
}

static void count_run(void *arg, uint64_t s, uint64_t e)
{
	uint64_t *v = arg;

	v[0]++;
	v[1] += e - s;
}

static void check_kdump(struct zdx_dumpfile *df, const char *what)
{
	char cls[256];
	uint64_t r[2] = { 0, 0 };

	ok(df->kind == ZDX_DUMP_KDUMP, "%s: kdump-compressed", what);
	is_u64(df->header_version, 6, "%s: header version", what);
	is_u64(df->block_size, 4096, "%s: block size", what);
	is_u64(df->dump_level, 31, "%s: dump level from the sub-header", what);
	ok(!strcmp(df->release, "6.1.0-test"), "%s: release %s", what, df->release);
	ok(!strcmp(zdx_dumpfile_compression(df->status), "zlib"), "%s: zlib", what);
	ok(df->status & ZDX_DH_EXCLUDED_VMEMMAP, "%s: excluded-vmemmap flag", what);
	is_u64(df->bitmap_bits, 100, "%s: bitmaps cover max_mapnr", what);
	ok(zdx_dumpfile_page(df, 5 * 4096, 4096) == ZDX_FP_DUMPED, "%s: pfn 5 dumped", what);
	ok(zdx_dumpfile_page(df, 15 * 4096 + 12, 4096) == ZDX_FP_EXCLUDED,
	   "%s: pfn 15 excluded", what);
	ok(zdx_dumpfile_page(df, 60 * 4096, 4096) == ZDX_FP_NOT_CAPTURED,
	   "%s: pfn 60 not captured", what);
	ok(zdx_dumpfile_page(df, 1000 * 4096ULL, 4096) == ZDX_FP_NOT_CAPTURED,
	   "%s: beyond max_mapnr not captured", what);
	zdx_dumpfile_bitmap_runs(df, 2, count_run, r);
	ok(r[0] == 2 && r[1] == 20 * 4096, "%s: 2 written runs, 20 pages (%llu, %llu)", what,
	   (unsigned long long)r[0], (unsigned long long)r[1]);
	ok(!strcmp(zdx_dump_level_classes(df->dump_level, cls, sizeof(cls)),
		   "zero pages, page cache (non-private), page cache (private), "
		   "user process pages, free pages"), "%s: classes of level 31", what);
}

/* The same file as a flattened stream, cut into records of 1000 bytes,
 * written out of order to show offsets are honoured. */
static size_t make_flat(unsigned char *out, const unsigned char *f, size_t n)
{
	size_t pos = 4096, off;
	long rec;
	const size_t chunk = 1000;
	long nrec = (long)((n + chunk - 1) / chunk);

	memset(out, 0, 4096);
	memcpy(out, "makedumpfile", 12);
	put_be(out + 16, 1);
	put_be(out + 24, 1);
	/* the first record at offset 0 (readers sniff it), then the rest reversed */
	for (rec = 0; rec < nrec; rec++) {
		long r = rec == 0 ? 0 : nrec - rec;
		size_t len;

		off = (size_t)r * chunk;
		len = n - off < chunk ? n - off : chunk;
		put_be(out + pos, off);
		put_be(out + pos + 8, len);
		memcpy(out + pos + 16, f + off, len);
		pos += 16 + len;
	}
	put_be(out + pos, (uint64_t)-1);
	put_be(out + pos + 8, (uint64_t)-1);
	return pos + 16;
}

static void test_kdump(void)
{
	static unsigned char f[4 * 4096], flat[4 * 4096 + 4096 + 64 * 16 + 16];
	struct mem m = { .b = f, .n = make_kdump(f) };
	struct zdx_dumpfile df;

	ok(zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df) == 0 && !df.error[0],
	   "kdump parses (%s)", df.error);
	ok(!df.flattened, "plain kdump is not flattened");
	check_kdump(&df, "kdump");
	zdx_dumpfile_free(&df);

	m.b = flat;
	m.n = make_flat(flat, f, sizeof(f));
	ok(zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df) == 0 && !df.error[0],
	   "flattened kdump parses (%s)", df.error);
	ok(df.flattened, "flattened detected");
	check_kdump(&df, "flattened");
	zdx_dumpfile_free(&df);

	/* bitmaps over the limit: headers still read, pages unknown */
	m.b = f;
	m.n = sizeof(f);
	zdx_dumpfile_parse(mem_read, &m, 100, &df);
	ok(df.dump_level == 31 && df.error[0] && !df.bitmap_bits, "bitmap limit honoured (%s)",
	   df.error);
	ok(zdx_dumpfile_page(&df, 0, 4096) == ZDX_FP_UNKNOWN, "no bitmap: page unknown");
	zdx_dumpfile_free(&df);

	/* truncated: header only */
	m.n = 500;
	zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df);
	ok(df.kind == ZDX_DUMP_KDUMP && df.error[0] && df.dump_level == -1,
	   "truncated kdump: kind known, dump level unknown (%s)", df.error);
	zdx_dumpfile_free(&df);
}

/* ELF64 with 3 PT_LOADs (one with memsz > filesz) and a PT_NOTE; phnum
 * optionally through PN_XNUM and section header 0. */
static size_t make_elf(unsigned char *f, int xnum)
{
	static const uint64_t ld[3][3] = {
		{ 0x100000, 0x1000000, 0x1000000 },
		{ 0x0, 0x9f000, 0x9f000 },
		{ 0x60000000, 0x100000, 0x20000000 },
	};
	unsigned char *ph = f + 64;
	int i;

	memset(f, 0, 1024);
	memcpy(f, "\177ELF", 4);
	f[4] = 2;
	f[5] = 1;
	put(f + 18, 62, 2);
	put(f + 32, 64, 8);
	put(f + 54, 56, 2);
	put(f + 56, xnum ? 0xffff : 4, 2);
	if (xnum) {
		put(f + 40, 512, 8);   /* e_shoff */
		put(f + 512 + 44, 4, 4);
	}
	put(ph, 4, 4);             /* PT_NOTE */
	for (i = 0; i < 3; i++) {
		unsigned char *p = ph + 56 * (i + 1);

		put(p, 1, 4);
		put(p + 24, ld[i][0], 8);
		put(p + 32, ld[i][1], 8);
		put(p + 40, ld[i][2], 8);
	}
	return 1024;
}

static void test_elf(int xnum)
{
	static unsigned char f[1024];
	struct mem m = { .b = f, .n = make_elf(f, xnum) };
	struct zdx_dumpfile df;
	const char *w = xnum ? "ELF PN_XNUM" : "ELF";

	ok(zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df) == 0 && !df.error[0], "%s parses (%s)",
	   w, df.error);
	ok(df.kind == ZDX_DUMP_ELF && df.nload == 3, "%s: 3 PT_LOADs (%u)", w, df.nload);
	ok(df.load[0].paddr == 0 && df.load[2].paddr == 0x60000000, "%s: loads sorted", w);
	ok(zdx_dumpfile_page(&df, 0x5000, 4096) == ZDX_FP_DUMPED, "%s: low page dumped", w);
	ok(zdx_dumpfile_page(&df, 0x9f000, 4096) == ZDX_FP_NOT_CAPTURED, "%s: gap not captured", w);
	ok(zdx_dumpfile_page(&df, 0x600ff000, 4096) == ZDX_FP_DUMPED, "%s: filesz part dumped", w);
	ok(zdx_dumpfile_page(&df, 0x60100000, 4096) == ZDX_FP_EXCLUDED,
	   "%s: memsz-only part excluded", w);
	ok(zdx_dumpfile_page(&df, 0x80000000, 4096) == ZDX_FP_NOT_CAPTURED, "%s: above: not captured",
	   w);
	is_u64(df.load_zero_tail, 0x20000000 - 0x100000, "%s: zero tail bytes", w);
	zdx_dumpfile_free(&df);
}

static void test_garbage(void)
{
	unsigned char f[128];
	struct mem m = { .b = f, .n = sizeof(f) };
	struct zdx_dumpfile df;
	int flat;

	memset(f, 0x41, sizeof(f));
	ok(zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df) == -1 && df.error[0],
	   "garbage is rejected (%s)", df.error);
	zdx_dumpfile_free(&df);
	f[4] = 1;
	memcpy(f, "\177ELF", 4);
	ok(zdx_dumpfile_sniff(f, sizeof(f), &flat) == ZDX_DUMP_ELF && !flat, "sniff ELF");
	zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df);
	ok(df.kind == ZDX_DUMP_ELF && df.error[0] && !df.nload, "ELF32 refused clearly (%s)", df.error);
	zdx_dumpfile_free(&df);
}

/* The fixed prefix every parse tries first (flattened header + record). */
#define SNIFF_READ (4096 + 16 + 8)

/* Issue 10: program header counts and sizes come from the file; nothing
 * they say may make zdx allocate or read more than the file holds. */
static void test_hostile_elf(void)
{
	static unsigned char f[1024];
	struct mem m = { .b = f, .n = 0 };
	struct zdx_dumpfile df;

	m.n = make_elf(f, 0);
	put(f + 54, 0xffff, 2);                 /* e_phentsize 65535 */
	put(f + 56, 0xfffe, 2);                 /* e_phnum: a 4.29 GB table */
	zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df);
	ok(df.error[0] && !df.nload, "e_phentsize 65535 refused (%s)", df.error);
	ok(m.max_len <= SNIFF_READ, "no read sized by the header (largest %zu)", m.max_len);
	zdx_dumpfile_free(&df);

	m.n = make_elf(f, 0);
	put(f + 54, 64, 2);                     /* larger than an Elf64_Phdr */
	m.max_len = 0;
	zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df);
	ok(df.error[0] && !df.nload, "e_phentsize 64 is not sizeof(Elf64_Phdr): refused (%s)",
	   df.error);
	zdx_dumpfile_free(&df);

	m.n = make_elf(f, 1);
	put(f + 512 + 44, 0xfffff, 4);          /* PN_XNUM: a million headers in 1 KB */
	m.max_len = 0;
	zdx_dumpfile_parse(mem_read, &m, 1 << 20, &df);
	ok(df.error[0] && !df.nload, "PN_XNUM count beyond the file refused (%s)", df.error);
	ok(m.max_len <= SNIFF_READ, "PN_XNUM: no read sized by the header (largest %zu)", m.max_len);
	zdx_dumpfile_free(&df);
}

/* --- real dumps of the factory, read at test time --- */

static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return pread(*(int *)ctx, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static void real_dump(const char *path, const char *name)
{
	struct zdx_dumpfile df;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	ok(zdx_dumpfile_parse(fd_read, &fd, 64UL << 20, &df) == 0 && !df.error[0],
	   "%s: parses as %s (%s)", path, zdx_dump_kind_name(df.kind, df.flattened), df.error);
	if (strstr(name, "elf"))
		ok(df.kind == ZDX_DUMP_ELF && df.nload > 0, "%s: ELF with %u PT_LOADs", name, df.nload);
	else
		ok(df.kind == ZDX_DUMP_KDUMP && df.bitmap_bits > 0 && df.block_size == 4096,
		   "%s: kdump with bitmaps over %llu pfns", name, (unsigned long long)df.bitmap_bits);
	/* The level itself is the factory's choice per kernel (7.2: -d 23);
	 * test_dumpcheck compares it with the truth's. */
	if (strstr(name, "d31"))
		ok(df.dump_level > 0 && df.dump_level <= 31, "%s: a filtering dump level (%d)", name,
		   df.dump_level);
	/* QEMU writes the flattened form; makedumpfile (without -F) does not. */
	if (!strcmp(name, "vmcore.kdump"))
		ok(df.flattened, "%s: QEMU kdump is flattened", name);
	zdx_dumpfile_free(&df);
	close(fd);
}

static void real_dumps(void)
{
	const char *cache = getenv("ZDX_CACHE"), *home = getenv("HOME");
	char base[512], p[1536], q[2048];
	DIR *k, *s, *d;
	struct dirent *ek, *es, *ed;

	snprintf(base, sizeof(base), "%s/dumps", cache ? cache : "");
	if (!cache)
		snprintf(base, sizeof(base), "%s/.cache/zdx/dumps", home ? home : "/root");
	if (!(k = opendir(base)))
		return;
	while ((ek = readdir(k))) {
		if (ek->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", base, ek->d_name);
		if (!(s = opendir(p)))
			continue;
		while ((es = readdir(s))) {
			if (es->d_name[0] == '.')
				continue;
			snprintf(q, sizeof(q), "%s/%s", p, es->d_name);
			if (!(d = opendir(q)))
				continue;
			while ((ed = readdir(d))) {
				char f[2304];

				if (strncmp(ed->d_name, "vmcore.", 7))
					continue;
				snprintf(f, sizeof(f), "%s/%s", q, ed->d_name);
				real_dump(f, ed->d_name);
			}
			closedir(d);
		}
		closedir(s);
	}
	closedir(k);
}

int main(void)
{
	test_kdump();
	test_elf(0);
	test_elf(1);
	test_garbage();
	test_hostile_elf();
	real_dumps();
	return tap_done();
}
