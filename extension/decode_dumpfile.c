/*
 * Dump file headers: ELF64 program headers, the kdump-compressed
 * disk_dump_header / kdump_sub_header / page bitmaps, and the flattened
 * stream form.  Pure: bytes come through a read callback.
 *
 * The on-disk layouts are those of makedumpfile's file format for LP64
 * machines (the header embeds a struct timeval and longs, so 32-bit dumps
 * differ; zdx only analyses 64-bit kernels).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "zdx/dumpfile.h"

/* --- byte order helpers --- */

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

uint64_t zdx_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Does the file hold [off, off+len)?  Probed by its last byte, so a size
 * read from a header is checked against the file before anything is
 * allocated or read for it. */
static int file_holds(zdx_file_read_fn rd, void *ctx, uint64_t off, uint64_t len)
{
	unsigned char b;

	if (!len)
		return 1;
	if (off + len < off)
		return 0;
	return rd(ctx, off + len - 1, &b, 1) == 0;
}

static void set_error(struct zdx_dumpfile *df, const char *msg)
{
	if (!df->error[0])
		snprintf(df->error, sizeof(df->error), "%s", msg);
}

/* --- flattened stream: "makedumpfile" header, then (offset, size) records --- */

#define FLAT_SIGNATURE   "makedumpfile"
#define FLAT_HEADER_SIZE 4096ULL
#define FLAT_RECORD_HDR  16
#define FLAT_MAX_RECORDS (1UL << 26)   /* bounds the scan of a corrupt file */

/* Read [off, off+len) of the logical file by walking the records from the
 * start.  A record that ends the stream has a negative offset/size.  Done
 * once the range is covered: makedumpfile and QEMU write each byte once. */
int zdx_flat_read(void *c, uint64_t off, void *buf, size_t len)
{
	struct zdx_flat *f = c;
	uint64_t pos = FLAT_HEADER_SIZE, covered = 0;
	unsigned char h[FLAT_RECORD_HDR];
	unsigned long i;

	memset(buf, 0, len);
	for (i = 0; i < FLAT_MAX_RECORDS && covered < len; i++) {
		int64_t so, ss;
		uint64_t lo, hi;

		if (f->rd(f->ctx, pos, h, sizeof(h)))
			break;
		so = (int64_t)zdx_be64(h);
		ss = (int64_t)zdx_be64(h + 8);
		if (so < 0 || ss < 0)
			break;
		pos += sizeof(h);
		lo = (uint64_t)so > off ? (uint64_t)so : off;
		hi = (uint64_t)so + ss < off + len ? (uint64_t)so + ss : off + len;
		if (lo < hi) {
			if (f->rd(f->ctx, pos + (lo - so), (unsigned char *)buf + (lo - off), hi - lo))
				return -1;
			covered += hi - lo;
		}
		pos += ss;
	}
	return covered >= len ? 0 : -1;
}

/* --- sniffing --- */

#define KDUMP_SIGNATURE "KDUMP   "

static enum zdx_dump_kind sniff_plain(const unsigned char *h, size_t n)
{
	if (n >= 8 && !memcmp(h, KDUMP_SIGNATURE, 8))
		return ZDX_DUMP_KDUMP;
	if (n >= 4 && !memcmp(h, "\177ELF", 4))
		return ZDX_DUMP_ELF;
	return ZDX_DUMP_UNKNOWN;
}

enum zdx_dump_kind zdx_dumpfile_sniff(const unsigned char *head, size_t n, int *flattened)
{
	*flattened = 0;
	if (n >= sizeof(FLAT_SIGNATURE) && !memcmp(head, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE))) {
		*flattened = 1;
		/* The first record normally starts at logical offset 0. */
		if (n >= FLAT_HEADER_SIZE + FLAT_RECORD_HDR + 8 &&
		    zdx_be64(head + FLAT_HEADER_SIZE) == 0)
			return sniff_plain(head + FLAT_HEADER_SIZE + FLAT_RECORD_HDR,
					   n - FLAT_HEADER_SIZE - FLAT_RECORD_HDR);
		return ZDX_DUMP_UNKNOWN;
	}
	return sniff_plain(head, n);
}

/* --- ELF64 --- */

#define EI_CLASS_64   2
#define EI_DATA_LSB   1
#define PT_LOAD_TYPE  1
#define PN_XNUM_VAL   0xffff
#define PHDR64_SIZE   56
#define MAX_PHDRS     (1U << 20)

static int load_cmp(const void *a, const void *b)
{
	const struct zdx_dump_load *x = a, *y = b;

	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/* e_phnum, or the real count from section header 0 when it overflowed. */
static unsigned long elf_phnum(zdx_file_read_fn rd, void *ctx, const unsigned char *eh)
{
	unsigned long phnum = le(eh + 56, 2);
	unsigned char sh[64];

	if (phnum != PN_XNUM_VAL)
		return phnum;
	if (rd(ctx, le(eh + 40, 8), sh, sizeof(sh)))
		return 0;
	return le(sh + 44, 4);
}

static void elf_take_loads(struct zdx_dumpfile *df, const unsigned char *ph,
			   unsigned long phnum, unsigned long phent)
{
	unsigned long i;

	for (i = 0; i < phnum && df->nload < ZDX_DUMPFILE_MAX_LOADS; i++) {
		const unsigned char *p = ph + i * phent;
		struct zdx_dump_load *ld;

		if (le(p, 4) != PT_LOAD_TYPE)
			continue;
		ld = &df->load[df->nload++];
		ld->paddr = le(p + 24, 8);
		ld->filesz = le(p + 32, 8);
		ld->memsz = le(p + 40, 8);
		if (ld->memsz > ld->filesz)
			df->load_zero_tail += ld->memsz - ld->filesz;
	}
	if (i < phnum)
		set_error(df, "too many PT_LOAD headers; the rest were not read");
	qsort(df->load, df->nload, sizeof(*df->load), load_cmp);
}

static int parse_elf(zdx_file_read_fn rd, void *ctx, struct zdx_dumpfile *df)
{
	unsigned char eh[64], *ph;
	unsigned long phnum, phent;

	df->kind = ZDX_DUMP_ELF;
	if (rd(ctx, 0, eh, sizeof(eh)))
		return set_error(df, "ELF header truncated"), 0;
	if (eh[4] != EI_CLASS_64 || eh[5] != EI_DATA_LSB)
		return set_error(df, "not a little-endian ELF64 file: program headers not read"), 0;
	df->elf_machine = (int)le(eh + 18, 2);
	phnum = elf_phnum(rd, ctx, eh);
	phent = le(eh + 54, 2);
	if (phent != PHDR64_SIZE)
		return set_error(df, "ELF e_phentsize is not sizeof(Elf64_Phdr): program headers not read"), 0;
	if (phnum == 0 || phnum > MAX_PHDRS)
		return set_error(df, "ELF program header table is empty or malformed"), 0;
	if (!file_holds(rd, ctx, le(eh + 32, 8), phnum * phent))
		return set_error(df, "ELF program header count runs past the end of the file"), 0;
	ph = malloc(phnum * phent);
	df->load = calloc(phnum < ZDX_DUMPFILE_MAX_LOADS ? phnum : ZDX_DUMPFILE_MAX_LOADS,
			  sizeof(*df->load));
	if (!ph || !df->load) {
		free(ph);
		return set_error(df, "out of memory for the program headers"), 0;
	}
	if (rd(ctx, le(eh + 32, 8), ph, phnum * phent))
		set_error(df, "ELF program headers truncated");
	else
		elf_take_loads(df, ph, phnum, phent);
	free(ph);
	return 0;
}

/* --- kdump-compressed --- */

/* disk_dump_header (LP64): signature[8], int header_version, new_utsname
 * (6 x 65 chars), struct timeval, then unsigned/int fields. */
#define DH_VERSION       8
#define DH_UTS           12
#define DH_UTS_FIELD     65
#define DH_RELEASE       (DH_UTS + 2 * DH_UTS_FIELD)
#define DH_STATUS        424
#define DH_BLOCK_SIZE    428
#define DH_SUB_HDR_SIZE  432
#define DH_BITMAP_BLOCKS 436
#define DH_MAX_MAPNR     440
#define DH_NR_CPUS       460
#define DH_SIZE          464

/* kdump_sub_header (LP64), fields by header_version. */
#define SH_PHYS_BASE     0    /* v1 */
#define SH_DUMP_LEVEL    8    /* v1 */
#define SH_SPLIT         12   /* v2 */
#define SH_START_PFN     16
#define SH_END_PFN       24
#define SH_START_PFN_64  80   /* v6 */
#define SH_END_PFN_64    88
#define SH_MAX_MAPNR_64  96
#define SH_SIZE          104

static int sane_block_size(unsigned bs)
{
	return bs >= 512 && bs <= (1U << 16) && !(bs & (bs - 1));
}

static void kdump_sub_header(zdx_file_read_fn rd, void *ctx, struct zdx_dumpfile *df)
{
	unsigned char sh[SH_SIZE];

	if (df->header_version < 1 || df->sub_hdr_size < 1)
		return;
	if (rd(ctx, df->block_size, sh, sizeof(sh)))
		return set_error(df, "kdump sub-header truncated");
	df->has_sub = 1;
	df->phys_base = le(sh + SH_PHYS_BASE, 8);
	df->dump_level = (int)le(sh + SH_DUMP_LEVEL, 4);
	if (df->header_version >= 2) {
		df->split = (int)le(sh + SH_SPLIT, 4);
		df->split_start_pfn = le(sh + SH_START_PFN, 8);
		df->split_end_pfn = le(sh + SH_END_PFN, 8);
	}
	if (df->header_version >= 6) {
		if (le(sh + SH_MAX_MAPNR_64, 8))
			df->max_mapnr = le(sh + SH_MAX_MAPNR_64, 8);
		if (df->split) {
			df->split_start_pfn = le(sh + SH_START_PFN_64, 8);
			df->split_end_pfn = le(sh + SH_END_PFN_64, 8);
		}
	}
}

/* The bitmaps follow the sub-header: bitmap_blocks blocks, the 1st half
 * for pages the source had, the 2nd for pages written. */
static void kdump_bitmaps(zdx_file_read_fn rd, void *ctx, size_t max_bitmap,
			  struct zdx_dumpfile *df)
{
	uint64_t off = (uint64_t)df->block_size * (1 + df->sub_hdr_size);
	uint64_t half = (uint64_t)df->bitmap_blocks * df->block_size / 2;
	unsigned char *b;

	if (!half)
		return set_error(df, "kdump header has no bitmap");
	if (half > max_bitmap)
		return set_error(df, "kdump bitmaps larger than the read limit: not read");
	if (!file_holds(rd, ctx, off, 2 * half))
		return set_error(df, "kdump bitmaps truncated");
	if (!(b = malloc(2 * half)))
		return set_error(df, "out of memory for the kdump bitmaps");
	if (rd(ctx, off, b, 2 * half)) {
		free(b);
		return set_error(df, "kdump bitmaps truncated");
	}
	df->bitmap1 = b;
	df->bitmap2 = b + half;
	df->bitmap_bits = half * 8 < df->max_mapnr ? half * 8 : df->max_mapnr;
}

static int parse_kdump(zdx_file_read_fn rd, void *ctx, size_t max_bitmap,
		       struct zdx_dumpfile *df)
{
	unsigned char h[DH_SIZE];

	df->kind = ZDX_DUMP_KDUMP;
	if (rd(ctx, 0, h, sizeof(h)))
		return set_error(df, "kdump header truncated"), 0;
	df->header_version = (int)le(h + DH_VERSION, 4);
	memcpy(df->release, h + DH_RELEASE, DH_UTS_FIELD);
	df->release[DH_UTS_FIELD - 1] = 0;
	df->status = (unsigned)le(h + DH_STATUS, 4);
	df->block_size = (unsigned)le(h + DH_BLOCK_SIZE, 4);
	df->sub_hdr_size = (unsigned)le(h + DH_SUB_HDR_SIZE, 4);
	df->bitmap_blocks = (unsigned)le(h + DH_BITMAP_BLOCKS, 4);
	df->max_mapnr = le(h + DH_MAX_MAPNR, 4);
	df->nr_cpus = (int)le(h + DH_NR_CPUS, 4);
	if (!sane_block_size(df->block_size))
		return set_error(df, "kdump header block_size is not a page size"), 0;
	kdump_sub_header(rd, ctx, df);
	kdump_bitmaps(rd, ctx, max_bitmap, df);
	return 0;
}

int zdx_dumpfile_parse(zdx_file_read_fn rd, void *ctx, size_t max_bitmap,
		       struct zdx_dumpfile *df)
{
	unsigned char head[FLAT_HEADER_SIZE + FLAT_RECORD_HDR + 8];
	struct zdx_flat f = { rd, ctx };
	size_t n = sizeof(head);
	enum zdx_dump_kind k;

	memset(df, 0, sizeof(*df));
	df->dump_level = -1;
	/* Short files still sniff: try the small prefix when the big one fails. */
	if (rd(ctx, 0, head, n)) {
		n = 64;
		if (rd(ctx, 0, head, n))
			return set_error(df, "the dump file could not be read"), -1;
	}
	k = zdx_dumpfile_sniff(head, n, &df->flattened);
	if (df->flattened) {
		rd = zdx_flat_read;
		ctx = &f;
	}
	if (k == ZDX_DUMP_ELF)
		return parse_elf(rd, ctx, df);
	if (k == ZDX_DUMP_KDUMP)
		return parse_kdump(rd, ctx, max_bitmap, df);
	set_error(df, "neither ELF nor kdump-compressed");
	return -1;
}

void zdx_dumpfile_free(struct zdx_dumpfile *df)
{
	free(df->load);
	free(df->bitmap1);     /* bitmap2 shares its allocation */
	df->load = NULL;
	df->bitmap1 = df->bitmap2 = NULL;
	df->nload = 0;
	df->bitmap_bits = 0;
}

/* --- queries --- */

static int bit(const unsigned char *b, uint64_t i)
{
	return (b[i >> 3] >> (i & 7)) & 1;
}

static enum zdx_file_page elf_page(const struct zdx_dumpfile *df, uint64_t paddr)
{
	unsigned lo = 0, hi = df->nload;

	/* Last load starting at or below paddr; loads do not overlap. */
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (df->load[mid].paddr <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return ZDX_FP_NOT_CAPTURED;
	if (paddr < df->load[lo - 1].paddr + df->load[lo - 1].filesz)
		return ZDX_FP_DUMPED;
	if (paddr < df->load[lo - 1].paddr + df->load[lo - 1].memsz)
		return ZDX_FP_EXCLUDED;
	return ZDX_FP_NOT_CAPTURED;
}

enum zdx_file_page zdx_dumpfile_page(const struct zdx_dumpfile *df, uint64_t paddr,
				     unsigned page_size)
{
	uint64_t pfn;

	if (df->kind == ZDX_DUMP_ELF)
		return df->load ? elf_page(df, paddr) : ZDX_FP_UNKNOWN;
	if (df->kind != ZDX_DUMP_KDUMP || !df->bitmap_bits)
		return ZDX_FP_UNKNOWN;
	pfn = paddr / df->block_size;
	if (pfn >= df->bitmap_bits || !bit(df->bitmap1, pfn))
		return ZDX_FP_NOT_CAPTURED;
	return bit(df->bitmap2, pfn) ? ZDX_FP_DUMPED : ZDX_FP_EXCLUDED;
}

const char *zdx_file_page_name(enum zdx_file_page s)
{
	switch (s) {
	case ZDX_FP_DUMPED: return "dumped";
	case ZDX_FP_EXCLUDED: return "excluded";
	case ZDX_FP_NOT_CAPTURED: return "not-captured";
	default: return "unknown";
	}
}

uint64_t zdx_dumpfile_bitmap_runs(const struct zdx_dumpfile *df, int which,
				  void (*fn)(void *arg, uint64_t start, uint64_t end), void *arg)
{
	const unsigned char *b = which == 1 ? df->bitmap1 : df->bitmap2;
	uint64_t i = 0, start = 0, runs = 0;
	int open_ = 0;

	if (!b)
		return 0;
	while (i < df->bitmap_bits) {
		/* Whole bytes of one value move 8 pfns at a time. */
		if (!(i & 7) && i + 8 <= df->bitmap_bits &&
		    b[i >> 3] == (open_ ? 0xff : 0x00)) {
			i += 8;
			continue;
		}
		if (bit(b, i) != open_) {
			if (open_) {
				fn(arg, start * df->block_size, i * df->block_size);
				runs++;
			}
			start = i;
			open_ = !open_;
		}
		i++;
	}
	if (open_) {
		fn(arg, start * df->block_size, i * df->block_size);
		runs++;
	}
	return runs;
}

/* --- names --- */

const char *zdx_dump_level_classes(int level, char *buf, size_t n)
{
	static const struct { int bit; const char *name; } cls[] = {
		{ ZDX_DL_ZERO, "zero pages" },
		{ ZDX_DL_CACHE, "page cache (non-private)" },
		{ ZDX_DL_CACHE_PRIVATE, "page cache (private)" },
		{ ZDX_DL_USER, "user process pages" },
		{ ZDX_DL_FREE, "free pages" },
	};
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
		if (level & cls[i].bit)
			used += snprintf(buf + used, used < n ? n - used : 0, "%s%s",
					 used ? ", " : "", cls[i].name);
	if (!used)
		snprintf(buf, n, "none");
	return buf;
}

const char *zdx_dumpfile_compression(unsigned status)
{
	if (status & ZDX_DH_ZLIB)
		return "zlib";
	if (status & ZDX_DH_LZO)
		return "lzo";
	if (status & ZDX_DH_SNAPPY)
		return "snappy";
	if (status & ZDX_DH_ZSTD)
		return "zstd";
	return "none";
}

const char *zdx_dump_kind_name(enum zdx_dump_kind k, int flattened)
{
	switch (k) {
	case ZDX_DUMP_ELF:
		return flattened ? "ELF (flattened)" : "ELF";
	case ZDX_DUMP_KDUMP:
		return flattened ? "kdump-compressed (flattened)" : "kdump-compressed";
	default:
		return "unknown";
	}
}
