/* Parsing gdb's enum descriptions into names by value. */
#include <string.h>
#include "tap.h"
#include "zdx/enumparse.h"

int main(void)
{
	char n[8][32];

	ok(zdx_enum_parse("type = enum memory_type {MEMORY_DEVICE_PRIVATE = 1, MEMORY_DEVICE_COHERENT, "
			  "MEMORY_DEVICE_FS_DAX, MEMORY_DEVICE_GENERIC, MEMORY_DEVICE_PCI_P2PDMA}\n",
			  &n[0][0], 32, 8) == 5, "6.1 memory_type: 5 enumerators");
	ok(n[0][0] == 0, "value 0 unused");
	ok(!strcmp(n[3], "MEMORY_DEVICE_FS_DAX"), "FS_DAX is 3 in 6.1");
	ok(zdx_enum_parse("type = enum memory_type {MEMORY_DEVICE_PRIVATE = 1, MEMORY_DEVICE_FS_DAX, "
			  "MEMORY_DEVICE_GENERIC, MEMORY_DEVICE_PCI_P2PDMA}", &n[0][0], 32, 8) == 4,
	   "5.10 memory_type");
	ok(!strcmp(n[2], "MEMORY_DEVICE_FS_DAX") && !strcmp(n[3], "MEMORY_DEVICE_GENERIC"),
	   "values shift without COHERENT");
	ok(zdx_enum_parse("type = enum zone_type {ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, "
			  "ZONE_DEVICE, __MAX_NR_ZONES}", &n[0][0], 32, 8) == 6, "zone_type");
	ok(!strcmp(n[4], "ZONE_DEVICE"), "ZONE_DEVICE is 4 on x86_64");
	ok(zdx_enum_parse("type = enum x {A = -1, B, C = 0x10}", &n[0][0], 32, 8) == 3 &&
	   !strcmp(n[0], "B"), "negative and hex values");
	ok(zdx_enum_parse("No symbol \"memory_type\" in current context.", &n[0][0], 32, 8) == -1,
	   "gdb error text is not an enum");
	ok(zdx_enum_parse("type = enum y {A = }", &n[0][0], 32, 8) == -1, "malformed value refused");
	/* Issue 10: B after LONG_MAX has no value (signed overflow before). */
	ok(zdx_enum_parse("type = enum z {A = 0x7fffffffffffffff, B}", &n[0][0], 32, 8) == -1,
	   "enumerator after LONG_MAX refused, no overflow");
	ok(zdx_enum_parse("type = enum z {A = 0x7fffffffffffffff}", &n[0][0], 32, 8) == 1,
	   "LONG_MAX itself is a value");
	ok(zdx_enum_parse("type = enum z {A = 0x1ffffffffffffffff}", &n[0][0], 32, 8) == -1,
	   "value beyond long refused (ERANGE)");
	return tap_done();
}
