/*
 * The crash-side half of zdx: the only headers that include crash's defs.h.
 */
#ifndef ZDX_CRASH_GLUE_H
#define ZDX_CRASH_GLUE_H

#include <stdint.h>
#include <stddef.h>
#include "zdx/layout.h"
#include "zdx/model.h"

/* The layout of the running dump's kernel, read once; NULL + message if
 * this kernel lacks what zdx needs at all (e.g. no SPARSEMEM). */
const struct zdx_layout *zdx_layout(void);
void zdx_layout_forget(void);

/* Refuse clearly when a command needs a field the kernel lacks: prints
 * which field, which command needs it, and where; returns 0 then. */
#define ZDX_NEED(val, what) zdx_need((long)(val), what, __func__, __FILE__, __LINE__)
int zdx_need(long val, const char *what, const char *func, const char *file, int line);

/* Reads; 0 on success, -1 when the dump does not hold the bytes. */
int zdx_kread(uint64_t addr, void *buf, unsigned long len);
int zdx_pread(uint64_t paddr, void *buf, unsigned long len);
int zdx_kread_cb(void *ctx, uint64_t addr, void *buf, unsigned long len);
/* The field reader for the dump (see zdx/field.h): the size-byte (1..8)
 * field at offset off of the struct at addr; 0, or -1 with *v = 0 when the
 * field is absent (off < 0), addr is 0 or the bytes are not in the dump. */
int zdx_kread_field(uint64_t addr, long off, unsigned size, uint64_t *v);
/* Virtual → physical through the dump's page tables; 0 on success. */
int zdx_kvtop(uint64_t vaddr, uint64_t *paddr);
/* Read a NUL-terminated kernel string (at most n-1 chars). */
int zdx_kread_str(uint64_t addr, char *buf, unsigned long n);

/* The model of this dump, built on first use and kept for the session. */
const struct zdx_model *zdx_model(void);
void zdx_model_forget(void);
/* Where a kernel virtual address of memmap lives: "ram", "dev:<owner>",
 * or "?" when the dump's page tables do not map it (crash_model.c). */
const char *zdx_memmap_home_of(uint64_t vaddr, char *buf, unsigned long n);

/* Panic context (crash_panic.c): 0, or -1 when the dump has no panic task. */
struct zdx_panic;
int zdx_panic_context(struct zdx_panic *p, char *panicmsg, size_t n);

/* Owner name of [start, end] in the iomem tree: from iomem_resource down,
 * at each level the child overlapping the range the most, to the deepest
 * one that overlaps it; "" if none (see crash_iomem.c). */
void zdx_iomem_owner(uint64_t start, uint64_t end, char *buf, unsigned long n);

#endif
