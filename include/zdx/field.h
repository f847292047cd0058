/*
 * The field readers: the designated place where a layout offset
 * (struct zdx_layout's off_* members) becomes bytes or an address.
 *
 * The absence contract: an offset the kernel lacks is ZDX_ABSENT (< 0).
 * Every reader here checks it, and checks that the field lies inside the
 * bytes the caller read, so a missing field or a short read is reported
 * (-1, or 0 for the _or0/_addr/_end forms) and never turns into a read of
 * the wrong bytes.  Values are little endian (x86_64, the only target).
 *
 * `make lint` (tests/lint/lint.py) rejects a layout offset used any other
 * way outside the field readers: tested (`off < 0`), handed whole to
 * ZDX_NEED(), or passed (alone or added to another offset) to one of the
 * functions below is fine; `buf + l->off_x` or memcpy() at it is not.
 * A field read from the dump, not from bytes in hand, goes through
 * zdx_field_read() (the crash side's zdx_kread_field() is it, with crash's
 * reader), which tells the two failures apart: ZDX_FIELD_ABSENT (this
 * kernel has no such object or field: a fact about the kernel) and
 * ZDX_FIELD_UNREADABLE (it has, but the dump does not hold the bytes: the
 * caller must say what it could not read, never go on as if it were 0).
 */
#ifndef ZDX_FIELD_H
#define ZDX_FIELD_H

#include <stdint.h>
#include <string.h>

/* The size-byte field (1..8) at off in buf[0..len): 0 and *v set, or -1
 * (and *v = 0) when the field is absent or not inside the bytes read. */
static inline int zdx_field(const void *buf, unsigned long len, long off, unsigned size,
			    uint64_t *v)
{
	*v = 0;
	if (off < 0 || size == 0 || size > 8 || (unsigned long)off + size > len)
		return -1;
	memcpy(v, (const unsigned char *)buf + off, size);
	return 0;
}

/* The same, 0 when absent: for fields whose absence the caller has
 * already handled (or where 0 is the kernel's own "none"). */
static inline uint64_t zdx_field_or0(const void *buf, unsigned long len, long off, unsigned size)
{
	uint64_t v;

	zdx_field(buf, len, off, size, &v);
	return v;
}

/* The bytes of a field of n bytes (an array, a bitmap): 0, or -1 with dst
 * zeroed when the field is absent or not inside buf[0..len). */
static inline int zdx_field_bytes(const void *buf, unsigned long len, long off, void *dst,
				  unsigned long n)
{
	if (off < 0 || (unsigned long)off + n > len) {
		memset(dst, 0, n);
		return -1;
	}
	memcpy(dst, (const unsigned char *)buf + off, n);
	return 0;
}

/* Offset of a field of an embedded struct: outer (the member holding the
 * struct) + inner (the field inside it); ZDX_ABSENT (-1) when either is. */
static inline long zdx_field_off(long outer, long inner)
{
	return outer < 0 || inner < 0 ? -1 : outer + inner;
}

/* zdx_field_or0() of field inner of the struct embedded at offset outer
 * (outer 0: a field of buf's own struct). */
static inline uint64_t zdx_field_in(const void *buf, unsigned long len, long outer, long inner,
				    unsigned size)
{
	return zdx_field_or0(buf, len, zdx_field_off(outer, inner), size);
}

/* &((struct x *)base)->field: 0 when the field is absent or base is 0. */
static inline uint64_t zdx_field_addr(uint64_t base, long off)
{
	return off < 0 || !base ? 0 : base + (uint64_t)off;
}

/* container_of(): the struct holding the field at field_addr (a list
 * entry's struct from the list_head); 0 when the field is absent or
 * field_addr is 0. */
static inline uint64_t zdx_field_container(uint64_t field_addr, long off)
{
	return off < 0 || !field_addr ? 0 : field_addr - (uint64_t)off;
}

/* Bytes of a struct up to the end of a field of size bytes (what to read
 * to hold it): 0 when the field is absent. */
static inline unsigned long zdx_field_end(long off, long size)
{
	return off < 0 || size < 0 ? 0 : (unsigned long)(off + size);
}

/* zdx_field_read()'s results: 0, or one of these (both < 0, so a caller
 * that only needs "read or not" tests the sign). */
enum zdx_field_status {
	ZDX_FIELD_ABSENT = -1,        /* no object (address 0) or no such field in this kernel */
	ZDX_FIELD_UNREADABLE = -2,    /* the dump does not hold the bytes */
};

/* How the pure code reaches kernel memory (the field reader below, the
 * XArray walk, module notes): read len bytes at kernel virtual address
 * addr; 0 when all were read, else nonzero. */
typedef int (*zdx_read_fn)(void *ctx, uint64_t addr, void *buf, unsigned long len);

/* The size-byte field (1..8) at off of the object at addr, read through rd:
 * 0 and *v set; ZDX_FIELD_ABSENT when addr is 0, off is absent or size is
 * not a field width; ZDX_FIELD_UNREADABLE when rd fails.  *v is 0 unless 0
 * is returned.  A variable is the field at offset 0 of its symbol. */
static inline int zdx_field_read(zdx_read_fn rd, void *ctx, uint64_t addr, long off,
				 unsigned size, uint64_t *v)
{
	unsigned char b[8];
	uint64_t at = zdx_field_addr(addr, off);

	*v = 0;
	if (!at || size == 0 || size > sizeof(b))
		return ZDX_FIELD_ABSENT;
	if (rd(ctx, at, b, size))
		return ZDX_FIELD_UNREADABLE;
	return zdx_field(b, size, 0, size, v);
}

/* What a zdx_field_read() result means, for an incomplete entry's why. */
static inline const char *zdx_field_status_word(int rc)
{
	return rc == 0 ? "read" : rc == ZDX_FIELD_UNREADABLE ? "not in this dump" :
	       "absent from this kernel";
}

#endif
