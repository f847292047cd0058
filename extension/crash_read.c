/*
 * Reads from the dump. Every read is RETURN_ON_ERROR|QUIET: a page that the
 * dump does not hold is reported by the caller as missing, never as zeros.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/field.h"

int zdx_kread(uint64_t addr, void *buf, unsigned long len)
{
	return readmem(addr, KVADDR, buf, (long)len, "zdx", RETURN_ON_ERROR | QUIET) ? 0 : -1;
}

int zdx_pread(uint64_t paddr, void *buf, unsigned long len)
{
	return readmem(paddr, PHYSADDR, buf, (long)len, "zdx", RETURN_ON_ERROR | QUIET) ? 0 : -1;
}

int zdx_kread_cb(void *ctx, uint64_t addr, void *buf, unsigned long len)
{
	return zdx_kread(addr, buf, len);
}

/* The contract of zdx_field_read() (zdx/field.h): absent and unreadable
 * are told apart, -1 and -2. */
int zdx_kread_field(uint64_t addr, long off, unsigned size, uint64_t *v)
{
	return zdx_field_read(zdx_kread_cb, NULL, addr, off, size, v);
}

int zdx_kvtop(uint64_t vaddr, uint64_t *paddr)
{
	physaddr_t p;

	if (!kvtop(NULL, vaddr, &p, 0))
		return -1;
	*paddr = p;
	return 0;
}

int zdx_kread_str(uint64_t addr, char *buf, unsigned long n)
{
	unsigned long i = 0;

	if (!n)
		return -1;
	buf[0] = 0;
	if (!addr)
		return -1;
	/* One read per page the string touches, never past a page boundary
	 * (the next page may be missing from the dump). */
	while (i + 1 < n) {
		unsigned long chunk = PAGESIZE() - ((addr + i) & (PAGESIZE() - 1));
		char *nul;

		if (chunk > n - 1 - i)
			chunk = n - 1 - i;
		if (zdx_kread(addr + i, buf + i, chunk))
			return -1;
		buf[i + chunk] = 0;
		if ((nul = memchr(buf + i, 0, chunk)))
			return 0;
		i += chunk;
	}
	buf[n - 1] = 0;
	return 0;
}
