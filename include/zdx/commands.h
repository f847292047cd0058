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

/* Every subcommand parses its arguments with these. */
#include "zdx/args.h"

#endif
