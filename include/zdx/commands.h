/* The zdx subcommands (crash side). Each parses its own options from
 * crash's argcnt/args starting at the subcommand word. */
#ifndef ZDX_COMMANDS_H
#define ZDX_COMMANDS_H

void zdx_cmd_sections(int argc, char **argv);
void zdx_cmd_pgmap(int argc, char **argv);
void zdx_cmd_zones(int argc, char **argv);
void zdx_cmd_map(int argc, char **argv);
void zdx_cmd_pfn(int argc, char **argv);
void zdx_cmd_explain(int argc, char **argv);
void zdx_cmd_dumpcheck(int argc, char **argv);
void zdx_cmd_report(int argc, char **argv);

/* Shared: does argv carry -j? (removes it). */
int zdx_take_flag(int *argc, char **argv, const char *flag);
/* Parse a number (hex with 0x, or decimal); 0 on success. */
int zdx_parse_u64(const char *s, uint64_t *v);
/* Where a kernel virtual address of memmap lives: "ram", "dev:<owner>", "?" */
const char *zdx_memmap_home_of(uint64_t vaddr, char *buf, unsigned long n);

#endif
