/* The field readers' absence contract: zdx_field_read() tells a field this
 * kernel lacks (ABSENT) from one the dump does not hold (UNREADABLE), so
 * no caller takes a missing page for a 0 (dumpcheck's log variables). */
#include <string.h>
#include "tap.h"
#include "fake_mem.h"
#include "zdx/field.h"

#define LOG_BUF_SYM 0xffffffff82a00000ULL   /* a variable's address: a page the fake dump holds */
#define LOST_SYM    0xffffffff82b00000ULL   /* one it does not */

int main(void)
{
	struct fake_mem m = { 0 };
	unsigned char page[64];
	uint64_t v = 0x55;

	memset(page, 0, sizeof(page));
	page[0] = 0x00; page[1] = 0x10; page[2] = 0x3f; page[3] = 0x84;   /* log_buf = 0x843f1000 */
	page[8] = 0x00; page[9] = 0x00; page[10] = 0x04;                     /* log_buf_len = 0x40000 */
	fake_add(&m, LOG_BUF_SYM, page, sizeof(page));

	ok(zdx_field_read(fake_read, &m, LOG_BUF_SYM, 0, 8, &v) == 0 && v == 0x843f1000,
	   "a variable the dump holds reads (%llx)", (unsigned long long)v);
	ok(zdx_field_read(fake_read, &m, LOG_BUF_SYM, 8, 4, &v) == 0 && v == 0x40000,
	   "a 4-byte field at its offset (%llx)", (unsigned long long)v);
	v = 0x55;
	ok(zdx_field_read(fake_read, &m, LOST_SYM, 0, 8, &v) == ZDX_FIELD_UNREADABLE && v == 0,
	   "a variable whose page the dump lacks: UNREADABLE, *v 0");
	ok(zdx_field_read(fake_read, &m, LOG_BUF_SYM, 60, 8, &v) == ZDX_FIELD_UNREADABLE,
	   "a field crossing out of the bytes the dump holds: UNREADABLE");
	m.reads = 0;
	ok(zdx_field_read(fake_read, &m, 0, 0, 8, &v) == ZDX_FIELD_ABSENT && m.reads == 0,
	   "no symbol (address 0): ABSENT, nothing read");
	ok(zdx_field_read(fake_read, &m, LOG_BUF_SYM, -1, 8, &v) == ZDX_FIELD_ABSENT && m.reads == 0,
	   "a field this kernel lacks (offset ZDX_ABSENT): ABSENT, nothing read");
	ok(zdx_field_read(fake_read, &m, LOG_BUF_SYM, 0, 0, &v) == ZDX_FIELD_ABSENT &&
	   zdx_field_read(fake_read, &m, LOG_BUF_SYM, 0, 9, &v) == ZDX_FIELD_ABSENT && m.reads == 0,
	   "a size the layout lacks (0, or not a field width): ABSENT, nothing read");
	ok(ZDX_FIELD_ABSENT < 0 && ZDX_FIELD_UNREADABLE < 0 && ZDX_FIELD_ABSENT != ZDX_FIELD_UNREADABLE,
	   "both failures are negative and distinct");
	ok(!strcmp(zdx_field_status_word(ZDX_FIELD_UNREADABLE), "not in this dump") &&
	   !strcmp(zdx_field_status_word(ZDX_FIELD_ABSENT), "absent from this kernel"),
	   "each failure has its own words for an incomplete entry");
	return tap_done();
}
