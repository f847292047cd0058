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
