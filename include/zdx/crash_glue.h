/*
 * The crash-side half of zdx: the only headers that include crash's defs.h.
 */
#ifndef ZDX_CRASH_GLUE_H
#define ZDX_CRASH_GLUE_H

#include <stdint.h>
#include <stddef.h>
#include "zdx/layout.h"
#include "zdx/model.h"
#include "zdx/error.h"

/* The layout of the running dump's kernel, read once; NULL if this kernel
 * lacks what zdx needs at all (e.g. no SPARSEMEM) or its numbers are out
 * of range, with the reason in *e (when e is not NULL) on every call. */
const struct zdx_layout *zdx_layout(struct zdx_err *e);
void zdx_layout_forget(void);

/* Refuse clearly when a command needs a field the kernel lacks: returns 0
 * with e (ZDX_E_UNSUPPORTED) naming the field, the function that needs it
 * and where. */
#define ZDX_NEED(val, what, e) zdx_need((long)(val), what, e, __func__, __FILE__, __LINE__)
int zdx_need(long val, const char *what, struct zdx_err *e, const char *func, const char *file,
	     int line);

/* Reads; 0 on success, -1 when the dump does not hold the bytes. */
int zdx_kread(uint64_t addr, void *buf, unsigned long len);
int zdx_pread(uint64_t paddr, void *buf, unsigned long len);
int zdx_kread_cb(void *ctx, uint64_t addr, void *buf, unsigned long len);
/* The field reader for the dump (zdx_field_read() of zdx/field.h through
 * crash): the size-byte (1..8) field at offset off of the struct at addr;
 * 0, or with *v = 0 ZDX_FIELD_ABSENT (-1: off < 0 or addr 0) or
 * ZDX_FIELD_UNREADABLE (-2: the bytes are not in the dump). */
int zdx_kread_field(uint64_t addr, long off, unsigned size, uint64_t *v);
/* Virtual → physical through the dump's page tables; 0 on success. */
int zdx_kvtop(uint64_t vaddr, uint64_t *paddr);
/* Read a NUL-terminated kernel string (at most n-1 chars). */
int zdx_kread_str(uint64_t addr, char *buf, unsigned long n);

/* The model of this dump, built on first use and kept for the session;
 * NULL when it cannot be built, with the reason (the layout's, or the
 * model's own) in *e (when e is not NULL) on every call. */
const struct zdx_model *zdx_model(struct zdx_err *e);
void zdx_model_forget(void);
/* Where a kernel virtual address of memmap lives: "ram", "dev:<owner>",
 * or "?" when the dump's page tables do not map it (crash_model.c). */
const char *zdx_memmap_home_of(uint64_t vaddr, char *buf, unsigned long n);
/* Memory blocks into the model (crash_memblock.c); its gaps go to m->inc. */
void zdx_model_read_memblocks(struct zdx_model *m);
/* Driver geometry of each pgmap (crash_devgeom.c): iomem chain, info block. */
void zdx_model_read_devgeom(struct zdx_model *m);
/* The CXL owner chain of each pgmap (crash_cxl.c), after the devgeom. */
void zdx_model_read_cxl(struct zdx_model *m);

/* A pgmap's compound pages and memmap dedup, checked in the page tables
 * (crash_compound.c; struct zdx_compound_view in zdx/vmemmap_dedup.h). */
struct zdx_compound_view;
void zdx_compound_view(const struct zdx_model *m, const struct zdx_pgmap_info *pi,
		       struct zdx_compound_view *v);

/* Panic context (crash_panic.c): 0, or -1 when the dump has no panic task. */
struct zdx_panic;
int zdx_panic_context(struct zdx_panic *p, char *panicmsg, size_t n);

/* Owner name of [start, end] in the iomem tree: from iomem_resource down,
 * at each level the child overlapping the range the most, to the deepest
 * one that overlaps it; "" if none (see crash_iomem.c).  A walk cut short
 * (a resource not in the dump, the visit budget, a chain deeper than max)
 * is recorded in inc. */
struct zdx_incomplete_list;
void zdx_iomem_owner(uint64_t start, uint64_t end, char *buf, unsigned long n,
		     struct zdx_incomplete_list *inc);
/* The iomem resources from the root down that hold all of [start, end]. */
int zdx_iomem_path(uint64_t start, uint64_t end, struct zdx_res *path, int max,
		   struct zdx_incomplete_list *inc);

#endif
