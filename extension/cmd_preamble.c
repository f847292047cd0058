/*
 * The start every zdx subcommand shares (zdx_cmd_preamble()): its
 * arguments, then the model.  Not a command itself: it prints nothing, the
 * command that calls it prints its error.
 */
#include "zdx/crash_glue.h"
#include "zdx/commands.h"

const struct zdx_model *zdx_cmd_preamble(const struct zdx_cmd_args *a, int argc, char **argv,
					 void *out, struct zdx_err *e)
{
	if (a->max >= 0 && argc > a->max + 1) {
		zdx_err_unexpected(e, argv[a->max + 1], a->synopsis);
		return NULL;
	}
	if (a->parse && a->parse(argc, argv, out, e))
		return NULL;
	return zdx_model(e);
}
