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

/* Each subcommand's synopsis after "zdx ": its usage errors name it, and
 * crash's `help zdx` lists them all (zdx.c). */
#define ZDX_SYN_SECTIONS "sections [-a] [-j] [NR|NR-NR]"
#define ZDX_SYN_PGMAP "pgmap [-j] [ADDR|PFN]"
#define ZDX_SYN_ZONES "zones [-j]"
#define ZDX_SYN_MAP "map [-j]"
#define ZDX_SYN_PFN "pfn [-j] [-p|-s] PFN|PHYSADDR|PAGE"
#define ZDX_SYN_EXPLAIN "explain [-j] [-m MODULE_DIR]..."
#define ZDX_SYN_DUMPCHECK "dumpcheck [-j]"
#define ZDX_SYN_REPORT "report [-j] [-m MODULE_DIR]..."

/* Every subcommand parses its arguments with these. */
#include "zdx/args.h"

struct zdx_err;
struct zdx_model;

/* What a subcommand takes once its flags are taken (zdx_take_flag()). */
struct zdx_cmd_args {
	const char *synopsis;   /* "zdx map [-j]": a usage error names it */
	int max;                /* arguments it takes (argv[1..max]); -1: parse checks each */
	/* its arguments into out (NULL: none to parse): 0, or -1 with e filled */
	int (*parse)(int argc, char **argv, void *out, struct zdx_err *e);
};

/* The start of every subcommand (extension/cmd_preamble.c): refuse the
 * first argument beyond a->max (ZDX_E_USAGE naming it with the synopsis),
 * run a->parse, then get the model — arguments first, so a usage error
 * does not depend on the dump.  The model, or NULL with e saying why. */
const struct zdx_model *zdx_cmd_preamble(const struct zdx_cmd_args *a, int argc, char **argv,
					 void *out, struct zdx_err *e);

#endif
