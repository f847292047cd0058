/*
 * Parse the enum description gdb prints for "ptype enum X". Values follow
 * C rules: an enumerator without "= N" is the previous value plus one.
 */
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include "zdx/enumparse.h"

int zdx_enum_parse(const char *text, char *names, int namesz, int max)
{
	const char *p = strchr(text, '{'), *end = p ? strchr(p, '}') : NULL;
	long val = 0;
	int n = 0;

	if (!p || !end)
		return -1;
	memset(names, 0, (size_t)namesz * max);
	for (p++; p < end; ) {
		const char *s, *e;

		while (p < end && (isspace((unsigned char)*p) || *p == ','))
			p++;
		if (p >= end)
			break;
		for (s = p; p < end && (isalnum((unsigned char)*p) || *p == '_'); p++)
			;
		e = p;
		if (e == s)
			return -1;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == '=') {
			char *q;

			errno = 0;
			val = strtol(p + 1, &q, 0);
			if (q == p + 1 || errno == ERANGE)
				return -1;
			p = q;
		} else if (n && val == LONG_MIN) {
			return -1;       /* the previous enumerator was LONG_MAX: no next value */
		}
		if (val >= 0 && val < max && !names[val * namesz]) {
			size_t len = (size_t)(e - s) < (size_t)namesz - 1 ? (size_t)(e - s) : (size_t)namesz - 1;

			memcpy(names + val * namesz, s, len);
		}
		n++;
		/* C gives the next enumerator val + 1; wrap in unsigned (defined)
		 * and let LONG_MIN mark "no next value" above. */
		val = (long)((unsigned long)val + 1);
	}
	return n;
}
