/*
 * Reads from the dump. Every read is RETURN_ON_ERROR|QUIET: a page that the
 * dump does not hold is reported by the caller as missing, never as zeros.
 */
#include "defs.h"
#include "zdx/crash_glue.h"

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
	unsigned long i;

	if (!n)
		return -1;
	buf[0] = 0;
	if (!addr)
		return -1;
	/* Byte-wise reads stop at a page the dump lacks; names are short. */
	for (i = 0; i + 1 < n; i++) {
		if (zdx_kread(addr + i, &buf[i], 1))
			return -1;
		if (!buf[i])
			return 0;
	}
	buf[n - 1] = 0;
	return 0;
}
