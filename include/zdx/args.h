/* Command-line arguments of the zdx subcommands (extension/args.c). */
#ifndef ZDX_ARGS_H
#define ZDX_ARGS_H

#include <stdint.h>

/* Does argv carry flag (e.g. "-j")?  Removes every copy of it. */
int zdx_take_flag(int *argc, char **argv, const char *flag);
/* Parse a number (hex with 0x, decimal, or bare hex as crash users type
 * addresses); 0 on success, -1 when s is not a number. */
int zdx_parse_u64(const char *s, uint64_t *v);

#endif
