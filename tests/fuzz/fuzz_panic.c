/* Panic text: crash's bt output and the kernel log, as any bytes. */
#include <stdlib.h>
#include "fuzz.h"
#include "zdx/panic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct zdx_panic p;

	memcpy(text, data, size);
	text[size] = 0;
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_bt(text, &p);
	zdx_panic_parse_log(text, &p);
	free(text);
	return 0;
}
