/* Parse gdb's "type = enum NAME {A = 1, B, C}" into names indexed by value. */
#ifndef ZDX_ENUMPARSE_H
#define ZDX_ENUMPARSE_H

/* Fills names[v] (each namesz bytes) for values 0..max-1; returns the number
 * of enumerators seen, -1 if text is not an enum type description. */
int zdx_enum_parse(const char *text, char *names, int namesz, int max);

#endif
