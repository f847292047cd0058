/*
 * The dump file itself: which format it is, which physical memory it
 * carries, and how it was filtered.  Pure parsing (no crash headers): the
 * caller supplies a read callback over the raw file, so unit tests can feed
 * synthesized headers.
 *
 * Formats understood:
 *  - ELF64 little-endian vmcores (/proc/vmcore copies, QEMU dump-guest-memory
 *    format=elf, makedumpfile -E): PT_LOAD program headers give the physical
 *    ranges with bytes in the file.
 *  - kdump-compressed ("KDUMP   " disk_dump_header + kdump_sub_header, as
 *    written by makedumpfile and QEMU format=kdump-*): the header's status
 *    (compression, incomplete, excluded vmemmap), the dump level, and the two
 *    page bitmaps — the 1st says which pfns the capture source had, the 2nd
 *    which of those were written.
 *  - the flattened stream form of either (makedumpfile -F, and every QEMU
 *    kdump-* dump): a "makedumpfile" header followed by big-endian
 *    (offset, size) records; read through transparently.
 */
#ifndef ZDX_DUMPFILE_H
#define ZDX_DUMPFILE_H

#include <stdint.h>
#include <stddef.h>

/* Read len bytes at off of the raw file into buf; 0, or -1 when short. */
typedef int (*zdx_file_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);
/* A zdx_file_read_fn over an open file: ctx points at its descriptor. */
int zdx_fd_read(void *ctx, uint64_t off, void *buf, size_t len);

enum zdx_dump_kind {
	ZDX_DUMP_UNKNOWN,
	ZDX_DUMP_ELF,             /* ELF64 vmcore */
	ZDX_DUMP_KDUMP,           /* kdump-compressed (diskdump) */
};

/* makedumpfile's dump level bits (-d): the page classes it leaves out. */
#define ZDX_DL_ZERO          0x01
#define ZDX_DL_CACHE         0x02   /* page cache without private data */
#define ZDX_DL_CACHE_PRIVATE 0x04
#define ZDX_DL_USER          0x08
#define ZDX_DL_FREE          0x10
#define ZDX_DL_ALL           0x1f

/* disk_dump_header.status bits. */
#define ZDX_DH_ZLIB          0x01
#define ZDX_DH_LZO           0x02
#define ZDX_DH_SNAPPY        0x04
#define ZDX_DH_INCOMPLETE    0x08
#define ZDX_DH_EXCLUDED_VMEMMAP 0x10  /* makedumpfile -e */
#define ZDX_DH_ZSTD          0x20

/* One PT_LOAD: [paddr, paddr+filesz) is in the file; [paddr+filesz,
 * paddr+memsz) was left out (crash reads it as zeros). */
struct zdx_dump_load {
	uint64_t paddr, filesz, memsz;
};

/* Per-pfn verdict of the file (independent of crash). */
enum zdx_file_page {
	ZDX_FP_UNKNOWN,           /* the file's metadata does not say */
	ZDX_FP_DUMPED,            /* bytes are in the file */
	ZDX_FP_EXCLUDED,          /* the source had it; the dump level left it out */
	ZDX_FP_NOT_CAPTURED,      /* the capture source never had it */
};

#define ZDX_DUMPFILE_MAX_LOADS 4096

struct zdx_dumpfile {
	enum zdx_dump_kind kind;
	int flattened;            /* makedumpfile -F / QEMU stream form */
	char error[128];          /* why parsing stopped early, "" if it did not */

	/* ELF */
	int elf_machine;
	unsigned nload;           /* PT_LOAD headers */
	struct zdx_dump_load *load;    /* sorted by paddr */
	uint64_t load_zero_tail;  /* bytes of p_memsz beyond p_filesz, summed */

	/* kdump-compressed */
	int header_version;
	unsigned status;
	unsigned block_size;
	unsigned sub_hdr_size;    /* blocks */
	unsigned bitmap_blocks;
	uint64_t max_mapnr;
	int nr_cpus;
	char release[65];         /* utsname.release */
	int has_sub;              /* kdump_sub_header read */
	uint64_t phys_base;
	int dump_level;           /* -1 when unknown */
	int split;
	uint64_t split_start_pfn, split_end_pfn;
	uint64_t bitmap_bits;     /* pfns the bitmaps cover; 0 when not read */
	unsigned char *bitmap1;   /* pfns in the capture source */
	unsigned char *bitmap2;   /* pfns written to the file */
};

/* What kind of file starts with these bytes (at least 64 needed). */
enum zdx_dump_kind zdx_dumpfile_sniff(const unsigned char *head, size_t n, int *flattened);

/* Parse headers (and kdump bitmaps up to max_bitmap bytes each). Returns 0
 * when the kind was recognised; df->error tells what could not be read. */
int zdx_dumpfile_parse(zdx_file_read_fn rd, void *ctx, size_t max_bitmap,
		       struct zdx_dumpfile *df);
void zdx_dumpfile_free(struct zdx_dumpfile *df);

/* What the file says about the page at physical address paddr (page_size
 * is the kernel's page size; for kdump the header's block size is used). */
enum zdx_file_page zdx_dumpfile_page(const struct zdx_dumpfile *df, uint64_t paddr,
				     unsigned page_size);
const char *zdx_file_page_name(enum zdx_file_page s);

/* Comma-separated names of the page classes a dump level excludes
 * ("none" for 0). */
const char *zdx_dump_level_classes(int level, char *buf, size_t n);
/* "zlib", "lzo", "snappy", "zstd" or "none". */
const char *zdx_dumpfile_compression(unsigned status);
const char *zdx_dump_kind_name(enum zdx_dump_kind k, int flattened);

/* Runs of set bits of a kdump bitmap as physical byte ranges; the callback
 * gets each run; returns the number of runs (bounded by bitmap_bits). */
uint64_t zdx_dumpfile_bitmap_runs(const struct zdx_dumpfile *df, int which,
				  void (*fn)(void *arg, uint64_t start, uint64_t end), void *arg);

/* Crash side (crash_dumpfile.c): the file crash opened, parsed once per
 * session; NULL when crash reads a live system or the file is unreadable.
 * *path gets crash's dump file name. */
const struct zdx_dumpfile *zdx_dumpfile_of_session(const char **path, uint64_t *bytes);
/* 1 when crash was told to read excluded pages as zeros (--zero_excluded),
 * so a successful read does not prove the page is in the file. */
int zdx_crash_zero_excluded(void);

/* Little helpers the flattened reader needs; exposed for tests. */
uint64_t zdx_be64(const unsigned char *p);

/* The flattened stream form (makedumpfile -F, QEMU to a pipe) read as the
 * file it stands for: zdx_flat_read(&(struct zdx_flat){rd, ctx}, ...) is a
 * zdx_file_read_fn over the logical file.  Shared by the dump-file decoder
 * and the build-id reader. */
struct zdx_flat {
	zdx_file_read_fn rd;
	void *ctx;
};
int zdx_flat_read(void *c, uint64_t off, void *buf, size_t len);

#endif
