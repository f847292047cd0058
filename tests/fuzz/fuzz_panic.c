/* Panic text: crash's bt output and the kernel log, as any bytes, then
 * the decision over what was parsed. */
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
	zdx_bt_parse(text, &p.bt);
	zdx_panic_parse_log(text, &p);
	zdx_panic_decide(&p, size ? data[0] % 4 : 0);
	free(text);
	return 0;
}
