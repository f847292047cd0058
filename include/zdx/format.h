/* Small pure formatting helpers shared by the commands. */
#ifndef ZDX_FORMAT_H
#define ZDX_FORMAT_H

#include <stdint.h>

/* "512 MiB", "8 KiB", "1.5 GiB" into buf. */
const char *zdx_fmt_bytes(uint64_t bytes, char *buf, unsigned n);

#endif
