#include <stdio.h>
#include "zdx/format.h"

const char *zdx_fmt_bytes(uint64_t bytes, char *buf, unsigned n)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;
	uint64_t div = 1;

	while (u < 5 && bytes >= div * 1024) {
		div *= 1024;
		u++;
	}
	if (bytes % div == 0)
		snprintf(buf, n, "%llu %s", (unsigned long long)(bytes / div), unit[u]);
	else
		snprintf(buf, n, "%.1f %s", (double)bytes / (double)div, unit[u]);
	return buf;
}
