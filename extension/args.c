/*
 * Command-line arguments of the zdx subcommands: flags and numbers.  Pure
 * (no crash headers): unit-testable.
 */
#include <stdlib.h>
#include <string.h>
#include "zdx/args.h"

int zdx_take_flag(int *argc, char **argv, const char *flag)
{
	int i, found = 0;

	for (i = 1; i < *argc; ) {
		if (!strcmp(argv[i], flag)) {
			memmove(&argv[i], &argv[i + 1], (*argc - i) * sizeof(*argv));
			(*argc)--;
			found = 1;
		} else {
			i++;
		}
	}
	return found;
}

int zdx_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	*v = strtoull(s, &end, 0);
	if (*end == 0)
		return 0;
	/* crash users type bare hex addresses: ffffea0001800000 */
	*v = strtoull(s, &end, 16);
	return *end ? -1 : 0;
}
