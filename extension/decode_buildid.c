/*
 * A dump's VMCOREINFO and build-id, and an ELF file's GNU build-id (pure).
 * Only the headers and notes are read; nothing of the memory image.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "zdx/buildid.h"

#define FLAT_SIG        "makedumpfile"
#define FLAT_HDR        4096ULL
#define ET_CORE_TYPE    4
#define PT_NOTE_TYPE    4
#define SHT_NOTE_TYPE   7
#define NT_GNU_BUILD_ID 3
#define MAX_HEADERS     (1U << 16)
#define MAX_NOTES_BYTES (1U << 20)
/* disk_dump_header / kdump_sub_header (LP64) */
#define DH_VERSION      8
#define DH_BLOCK_SIZE   428
#define SH_VMCOREINFO   32    /* offset_vmcoreinfo, size_vmcoreinfo (v3+) */
#define SH_NOTE         48    /* offset_note, size_note (v4+) */

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void say(char *why, size_t wn, const char *msg)
{
	if (why && wn && !why[0])
		snprintf(why, wn, "%s", msg);
}

/* --- the flattened stream (makedumpfile -F, QEMU kdump-*) --- */

/* --- ELF notes --- */

/* Find the note (name, type; type < 0: any) in a notes blob; copies its
 * descriptor into out (up to n bytes); returns its size or -1. */
static long note_find(const unsigned char *b, size_t len, const char *name, long type,
		      unsigned char *out, size_t n)
{
	size_t off = 0, nl = strlen(name);

	while (off + 12 <= len) {
		uint64_t namesz = le(b + off, 4), descsz = le(b + off + 4, 4), t = le(b + off + 8, 4);
		size_t name_at = off + 12, desc_at = name_at + ((namesz + 3) & ~3ULL);

		if (desc_at > len || descsz > len - desc_at)
			return -1;
		if ((type < 0 || (long)t == type) && namesz >= nl && !memcmp(b + name_at, name, nl) &&
		    (namesz == nl || b[name_at + nl] == 0)) {
			size_t k = descsz < n ? descsz : n;

			memcpy(out, b + desc_at, k);
			return (long)k;
		}
		off = desc_at + ((descsz + 3) & ~3ULL);
	}
	return -1;
}

/* The note in the file's [off, off+size) notes area. */
static long note_in(zdx_file_read_fn rd, void *ctx, uint64_t off, uint64_t size, const char *name,
		    long type, unsigned char *out, size_t n)
{
	unsigned char *b;
	long r;

	if (!size || size > MAX_NOTES_BYTES || !(b = malloc(size)))
		return -1;
	r = rd(ctx, off, b, size) ? -1 : note_find(b, size, name, type, out, n);
	free(b);
	return r;
}

/* Every PT_NOTE segment, then every SHT_NOTE section (a vmlinux split off
 * by objcopy --only-keep-debug keeps its notes as sections). */
static long elf_note(zdx_file_read_fn rd, void *ctx, const unsigned char *eh, const char *name,
		     long type, unsigned char *out, size_t n)
{
	uint64_t phoff = le(eh + 32, 8), shoff = le(eh + 40, 8);
	unsigned phent = (unsigned)le(eh + 54, 2), phnum = (unsigned)le(eh + 56, 2);
	unsigned shent = (unsigned)le(eh + 58, 2), shnum = (unsigned)le(eh + 60, 2), i;
	unsigned char h[64];
	long r;

	for (i = 0; phent >= 56 && i < phnum && i < MAX_HEADERS; i++) {
		if (rd(ctx, phoff + (uint64_t)i * phent, h, 56))
			break;
		if (le(h, 4) == PT_NOTE_TYPE &&
		    (r = note_in(rd, ctx, le(h + 8, 8), le(h + 32, 8), name, type, out, n)) >= 0)
			return r;
	}
	for (i = 0; shoff && shent >= 64 && i < shnum && i < MAX_HEADERS; i++) {
		if (rd(ctx, shoff + (uint64_t)i * shent, h, 64))
			break;
		if (le(h + 4, 4) == SHT_NOTE_TYPE &&
		    (r = note_in(rd, ctx, le(h + 24, 8), le(h + 32, 8), name, type, out, n)) >= 0)
			return r;
	}
	return -1;
}

/* --- VMCOREINFO --- */

static long kdump_vmcoreinfo(zdx_file_read_fn rd, void *ctx, char *buf, size_t n, char *why, size_t wn)
{
	unsigned char dh[464], sh[64];
	uint64_t bs, off, size;
	long r;

	if (rd(ctx, 0, dh, sizeof(dh)))
		return say(why, wn, "kdump header truncated"), -1;
	bs = le(dh + DH_BLOCK_SIZE, 4);
	if (le(dh + DH_VERSION, 4) < 3)
		return say(why, wn, "kdump header older than version 3: no VMCOREINFO"), -1;
	if (bs < 512 || bs > (1U << 16) || rd(ctx, bs, sh, sizeof(sh)))
		return say(why, wn, "kdump sub-header truncated or malformed"), -1;
	off = le(sh + SH_VMCOREINFO, 8);
	size = le(sh + SH_VMCOREINFO + 8, 8);
	if (off && size) {
		size = size < n - 1 ? size : n - 1;
		if (rd(ctx, off, buf, size))
			return say(why, wn, "VMCOREINFO block truncated"), -1;
		buf[size] = 0;
		return (long)strlen(buf);
	}
	r = le(dh + DH_VERSION, 4) >= 4 ? note_in(rd, ctx, le(sh + SH_NOTE, 8), le(sh + SH_NOTE + 8, 8),
						   "VMCOREINFO", -1, (unsigned char *)buf, n - 1) : -1;
	if (r < 0)
		return say(why, wn, "the kdump sub-header holds no VMCOREINFO"), -1;
	buf[r] = 0;
	return (long)strlen(buf);
}

static long elf_vmcoreinfo(zdx_file_read_fn rd, void *ctx, const unsigned char *eh, char *buf,
			   size_t n, char *why, size_t wn)
{
	long r = elf_note(rd, ctx, eh, "VMCOREINFO", -1, (unsigned char *)buf, n - 1);

	if (r < 0)
		return say(why, wn, "no VMCOREINFO note in the ELF vmcore"), -1;
	buf[r] = 0;
	return (long)strlen(buf);
}

/* The file, seen through the flattened form when it has one. */
static int open_view(zdx_file_read_fn *rd, void **ctx, struct zdx_flat *f, unsigned char *head, size_t hn)
{
	unsigned char rec[16];

	if ((*rd)(*ctx, 0, head, hn))
		return -1;
	if (memcmp(head, FLAT_SIG, sizeof(FLAT_SIG)))
		return 0;
	if ((*rd)(*ctx, FLAT_HDR, rec, sizeof(rec)) || be64(rec))
		return -1;
	f->rd = *rd;
	f->ctx = *ctx;
	*rd = zdx_flat_read;
	*ctx = f;
	return (*rd)(*ctx, 0, head, hn);
}

static int is_elf64_le(const unsigned char *h)
{
	return !memcmp(h, "\177ELF", 4) && h[4] == 2 && h[5] == 1;
}

long zdx_vmcoreinfo_text(zdx_file_read_fn rd, void *ctx, char *buf, size_t n, char *why, size_t wn)
{
	unsigned char h[64];
	struct zdx_flat f;

	if (why && wn)
		why[0] = 0;
	if (n < 2 || open_view(&rd, &ctx, &f, h, sizeof(h)))
		return say(why, wn, "file too short or unreadable"), -1;
	if (!memcmp(h, "KDUMP   ", 8))
		return kdump_vmcoreinfo(rd, ctx, buf, n, why, wn);
	if (is_elf64_le(h) && le(h + 16, 2) == ET_CORE_TYPE)
		return elf_vmcoreinfo(rd, ctx, h, buf, n, why, wn);
	return say(why, wn, "not an ELF64 vmcore or a kdump-compressed dump"), -1;
}

int zdx_vmcoreinfo_get(const char *text, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = strcspn(p + kl + 1, "\n");

			snprintf(out, n, "%.*s", (int)vl, p + kl + 1);
			return 0;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

int zdx_build_id_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n > 128 || n % 2)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void to_hex(const unsigned char *b, long n, char *out, size_t on)
{
	long i;

	out[0] = 0;
	for (i = 0; i < n && (size_t)(2 * i + 2) < on; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int zdx_build_id_same(const char *a, const char *b)
{
	size_t i;

	if (!zdx_build_id_valid(a) || !zdx_build_id_valid(b) || strlen(a) != strlen(b))
		return 0;
	for (i = 0; a[i]; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
	return 1;
}

int zdx_notes_build_id(const unsigned char *notes, size_t len, char *hex, size_t n)
{
	unsigned char id[64];
	long r = note_find(notes, len, "GNU", NT_GNU_BUILD_ID, id, sizeof(id));

	if (r <= 0 || !n)
		return -1;
	to_hex(id, r, hex, n);
	return zdx_build_id_valid(hex) ? 0 : -1;
}

static int dump_ids(zdx_file_read_fn rd, void *ctx, struct zdx_file_ids *ids)
{
	char *text = malloc(ZDX_VMCOREINFO_MAX);
	size_t i;

	ids->kind = ZDX_ID_VMCORE;
	if (!text)
		return say(ids->why, sizeof(ids->why), "out of memory"), -1;
	if (zdx_vmcoreinfo_text(rd, ctx, text, ZDX_VMCOREINFO_MAX, ids->why, sizeof(ids->why)) < 0)
		return free(text), -1;
	zdx_vmcoreinfo_get(text, "OSRELEASE", ids->osrelease, sizeof(ids->osrelease));
	if (zdx_vmcoreinfo_get(text, "BUILD-ID", ids->build_id, sizeof(ids->build_id)) ||
	    !zdx_build_id_valid(ids->build_id)) {
		ids->build_id[0] = 0;
		say(ids->why, sizeof(ids->why), "VMCOREINFO has no BUILD-ID line (kernels before 5.9 "
		    "do not write it)");
		return free(text), -1;
	}
	for (i = 0; ids->build_id[i]; i++)
		ids->build_id[i] = (char)tolower((unsigned char)ids->build_id[i]);
	free(text);
	return 0;
}

int zdx_file_ids(zdx_file_read_fn rd, void *ctx, struct zdx_file_ids *ids)
{
	unsigned char h[64], id[64];
	struct zdx_flat f;
	zdx_file_read_fn vrd = rd;
	void *vctx = ctx;
	long r;

	memset(ids, 0, sizeof(*ids));
	if (open_view(&vrd, &vctx, &f, h, sizeof(h)))
		return say(ids->why, sizeof(ids->why), "file too short or unreadable"), -1;
	if (!memcmp(h, "KDUMP   ", 8) || (is_elf64_le(h) && le(h + 16, 2) == ET_CORE_TYPE))
		return dump_ids(rd, ctx, ids);
	if (!is_elf64_le(h))
		return say(ids->why, sizeof(ids->why), "not an ELF64 little-endian file or a dump"), -1;
	ids->kind = ZDX_ID_VMLINUX;
	if ((r = elf_note(vrd, vctx, h, "GNU", NT_GNU_BUILD_ID, id, sizeof(id))) <= 0)
		return say(ids->why, sizeof(ids->why), "no GNU build-id note in the ELF file"), -1;
	to_hex(id, r, ids->build_id, sizeof(ids->build_id));
	return 0;
}
