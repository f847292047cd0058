/*
 * Which kernel a dump needs (pure, no crash): VMCOREINFO text from a dump
 * file — the "VMCOREINFO" ELF note of an ELF vmcore, or the kdump-compressed
 * sub-header's vmcoreinfo block (header v3+, else its ELF notes), through
 * the flattened form too — and its BUILD-ID= / OSRELEASE= lines; and the
 * GNU build-id note of an ELF file (a vmlinux).  The caller supplies the
 * file reader, so tests feed synthesized files.
 */
#ifndef ZDX_BUILDID_H
#define ZDX_BUILDID_H

#include <stddef.h>
#include "zdx/dumpfile.h"     /* zdx_file_read_fn */

#define ZDX_VMCOREINFO_MAX (64 * 1024)
#define ZDX_BUILD_ID_HEX   129   /* up to 64 bytes as hex, NUL */

enum zdx_elf_id_kind {
	ZDX_ID_NONE,              /* not an ELF64-LE/kdump file we understand */
	ZDX_ID_VMCORE,            /* a dump: ids from VMCOREINFO */
	ZDX_ID_VMLINUX,           /* an ELF object: its GNU build-id note */
};

struct zdx_file_ids {
	enum zdx_elf_id_kind kind;
	char build_id[ZDX_BUILD_ID_HEX];   /* lower-case hex, "" if none */
	char osrelease[65];                /* dumps: OSRELEASE=, "" if none */
	char why[160];                     /* why build_id is empty */
};

/* Read a file's ids; returns 0 when a build-id was found, -1 otherwise
 * (ids->why says why: no VMCOREINFO, no BUILD-ID line, truncated, ...). */
int zdx_file_ids(zdx_file_read_fn rd, void *ctx, struct zdx_file_ids *ids);

/* The VMCOREINFO text of a dump file into buf (NUL-terminated); length,
 * or -1 with why set. */
long zdx_vmcoreinfo_text(zdx_file_read_fn rd, void *ctx, char *buf, size_t n,
			 char *why, size_t wn);

/* The value of KEY= in VMCOREINFO text ("BUILD-ID", "OSRELEASE"); 0 when
 * found. */
int zdx_vmcoreinfo_get(const char *text, const char *key, char *out, size_t n);

/* 1 when s is a plausible build-id (even number of hex digits, 2..128). */
int zdx_build_id_valid(const char *s);

/* 1 when a and b are both valid build-ids and the same (case ignored). */
int zdx_build_id_same(const char *a, const char *b);

/* The GNU build-id (NT_GNU_BUILD_ID) of a blob of ELF notes, as lower-case
 * hex into hex (ZDX_BUILD_ID_HEX bytes); 0, or -1 when the blob holds none
 * or is malformed. */
int zdx_notes_build_id(const unsigned char *notes, size_t len, char *hex, size_t n);

#endif
