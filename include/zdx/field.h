/*
 * One absence and bounds contract for every field read out of a struct's
 * bytes: the offset comes from the layout (ZDX_ABSENT when this kernel's
 * debuginfo lacks the member), the width from the caller, the length from
 * what was actually read.  "Absent" and "outside the bytes" stay distinct
 * from a genuine zero, so no decoder reads past its buffer or turns a
 * missing field into a value.
 */
#ifndef ZDX_FIELD_H
#define ZDX_FIELD_H

#include <stdint.h>
#include <string.h>

enum zdx_field_rc {
	ZDX_FIELD_OK = 0,
	ZDX_FIELD_ABSENT = -1,     /* the layout has no such member */
	ZDX_FIELD_OUTSIDE = -2,    /* offset + width beyond the bytes read */
};

/* Copy width bytes at off of raw[0..len) into out (zeroed on error). */
static inline int zdx_field(const void *raw, unsigned long len, long off, unsigned width,
			    void *out)
{
	memset(out, 0, width);
	if (off < 0)
		return ZDX_FIELD_ABSENT;
	if ((unsigned long)off > len || width > len - (unsigned long)off)
		return ZDX_FIELD_OUTSIDE;
	memcpy(out, (const unsigned char *)raw + off, width);
	return ZDX_FIELD_OK;
}

/* An unsigned little-endian field of width ≤ 8 bytes; 0 and *rc set (when
 * rc is not NULL) if it cannot be read. */
static inline uint64_t zdx_field_u(const void *raw, unsigned long len, long off,
				   unsigned width, int *rc)
{
	uint64_t v = 0;
	int r = width <= 8 ? zdx_field(raw, len, off, width, &v) : ZDX_FIELD_OUTSIDE;

	if (rc)
		*rc = r;
	return r ? 0 : v;
}

/* Offset of a member of an embedded member: absent when either is. */
static inline long zdx_off_add(long outer, long inner)
{
	return outer < 0 || inner < 0 ? -1L : outer + inner;
}

#endif
