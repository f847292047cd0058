/* Enum text as gdb's ptype prints it, as any bytes. */
#include <stdlib.h>
#include "fuzz.h"
#include "zdx/enumparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), names[8][32];

	memcpy(text, data, size);
	text[size] = 0;
	zdx_enum_parse(text, &names[0][0], 32, 8);
	free(text);
	return 0;
}
