/*
 * The panic's context from crash: the panic task's backtrace (crash's own
 * `bt`, whose exception-frame search is crash's business) and the kernel
 * log, both captured as text and parsed by decode_panic.c.
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/panic.h"

#define CAPTURE_MAX (4 << 20)

/* Read back what a crash command printed into pc->tmpfile. */
static char *slurp_tmpfile(void)
{
	long n;
	char *buf;

	fflush(pc->tmpfile);
	n = ftell(pc->tmpfile);
	if (n < 0)
		n = 0;
	if (n > CAPTURE_MAX)
		n = CAPTURE_MAX;
	buf = malloc(n + 1);
	if (!buf)
		return NULL;
	rewind(pc->tmpfile);
	n = (long)fread(buf, 1, n, pc->tmpfile);
	buf[n] = 0;
	return buf;
}

/* Run one of crash's command functions with its own argv and capture its
 * output.  crash's globals argcnt/args are ours while zdx runs: save them. */
static char *capture_command(void (*fn)(void), int argc, char **argv)
{
	int saved_argcnt = argcnt, i;
	char *saved[MAXARGS];
	char *text;

	for (i = 0; i < saved_argcnt && i < MAXARGS; i++)
		saved[i] = args[i];
	for (i = 0; i < argc; i++)
		args[i] = argv[i];
	args[argc] = NULL;
	argcnt = argc;
	optind = 0;
	open_tmpfile();
	fn();
	text = slurp_tmpfile();
	close_tmpfile();
	for (i = 0; i < saved_argcnt && i < MAXARGS; i++)
		args[i] = saved[i];
	argcnt = saved_argcnt;
	optind = 0;
	return text;
}

char *zdx_capture_bt(void)
{
	char *argv[] = { "bt", NULL };

	return capture_command(cmd_bt, 1, argv);
}

char *zdx_capture_log(void)
{
	char *text;

	open_tmpfile();
	dump_log(0);
	text = slurp_tmpfile();
	close_tmpfile();
	return text;
}

/* Panic context of this dump; returns 0, or -1 when there is no panic task. */
int zdx_panic_context(struct zdx_panic *p, char *panicmsg, size_t n)
{
	char *bt, *log;
	char msg[BUFSIZE];

	memset(p, 0, sizeof(*p));
	p->exc_frame = -1;
	if (!tt->panic_task)
		return -1;
	if ((bt = zdx_capture_bt())) {
		zdx_panic_parse_bt(bt, p);
		free(bt);
	}
	if ((log = zdx_capture_log())) {
		zdx_panic_parse_log(log, p);
		free(log);
	}
	msg[0] = 0;
	get_panicmsg(msg);
	snprintf(panicmsg, n, "%s", msg);
	panicmsg[strcspn(panicmsg, "\n")] = 0;
	return 0;
}
