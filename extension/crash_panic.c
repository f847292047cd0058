/*
 * The panic's context from crash: the panic task's backtrace (crash's own
 * `bt`, whose exception-frame search is crash's business) and the kernel
 * log, both captured as text and parsed by decode_panic.c.
 */
#include "defs.h"
#include <string.h>
#include <setjmp.h>
#include "zdx/crash_glue.h"
#include "zdx/panic.h"
#include "zdx/modsym.h"

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
 * output.  crash's globals argcnt/args are ours while zdx runs: save them.
 * error() skips the tmpfile (tools.c: it writes to pc->error_fp, or to
 * pc->stdpipe when zdx's output is piped), so crash's "possibly bogus
 * exception frame" warning would reach the user's terminal and not us:
 * point both at the tmpfile while the command runs.  A FATAL error inside
 * the command longjmps to crash's main loop, past the restore: catch it
 * here so the session's error stream, pipe and argv always come back. */
static char *capture_command(void (*fn)(void), int argc, char **argv)
{
	int saved_argcnt = argcnt, i;
	char *saved[MAXARGS];
	FILE *saved_err, *saved_pipe;
	jmp_buf saved_env;
	char *text;

	for (i = 0; i < saved_argcnt && i < MAXARGS; i++)
		saved[i] = args[i];
	for (i = 0; i < argc; i++)
		args[i] = argv[i];
	args[argc] = NULL;
	argcnt = argc;
	optind = 0;
	open_tmpfile();
	saved_err = pc->error_fp;
	saved_pipe = pc->stdpipe;
	pc->error_fp = pc->tmpfile;
	pc->stdpipe = NULL;
	memcpy(saved_env, pc->main_loop_env, sizeof(jmp_buf));
	if (setjmp(pc->main_loop_env) == 0)
		fn();
	memcpy(pc->main_loop_env, saved_env, sizeof(jmp_buf));
	pc->error_fp = saved_err;
	pc->stdpipe = saved_pipe;
	text = slurp_tmpfile();
	close_tmpfile();
	for (i = 0; i < saved_argcnt && i < MAXARGS; i++)
		args[i] = saved[i];
	argcnt = saved_argcnt;
	optind = 0;
	return text;
}

/* bt of a task (by address: the user may have `set` another context), or
 * of the task active on a CPU. */
static char *zdx_capture_bt(ulong task, int cpu)
{
	char buf[32];
	char *by_task[] = { "bt", buf, NULL };
	char *by_cpu[] = { "bt", "-c", buf, NULL };

	if (task) {
		snprintf(buf, sizeof(buf), "%lx", task);
		return capture_command(cmd_bt, 2, by_task);
	}
	snprintf(buf, sizeof(buf), "%d", cpu);
	return capture_command(cmd_bt, 3, by_cpu);
}

static char *zdx_capture_log(void)
{
	char *text;

	open_tmpfile();
	dump_log(0);
	text = slurp_tmpfile();
	close_tmpfile();
	return text;
}

/* A RIP crash printed no symbol for may be module text crash does not
 * know (crash run with --no_modules, crash 9.0.2 on 7.x): the dump's
 * module kallsyms name it. */
static void name_from_dump(struct zdx_exc *x)
{
	struct zdx_modsym s;

	if (x->func[0] || zdx_dump_modsym(x->regs.r[ZDX_RIP], &s))
		return;
	snprintf(x->func, sizeof(x->func), "%.63s", s.name);
	snprintf(x->module, sizeof(x->module), "%.31s", s.module);
	x->off = s.offset;
	x->from_kallsyms = 1;
}

/* The first gates of the dump's IDT (the exception vectors) into idt,
 * their length in bytes; 0 when the kernel has no struct gate_struct or
 * the dump does not hold idt_table. */
static unsigned long read_exception_gates(const struct zdx_layout *l, unsigned char *idt,
					  unsigned long max)
{
	unsigned long n;

	if (!l || !l->sym_idt_table || l->sz_gate_struct <= 0)
		return 0;
	n = (unsigned long)l->sz_gate_struct * ZDX_X86_EXCEPTION_VECTORS;
	return n <= max && !zdx_kread(l->sym_idt_table, idt, n) ? n : 0;
}

/* Frames in the irq entry text that enter an interrupt, not an exception
 * (the IDT decides: decode_idt.c).  The IDT is read only when a frame is
 * in that text; without it none is marked, and the stack crash printed
 * the frame on decides the context alone. */
static void mark_irq_entries(struct zdx_bt *b)
{
	struct syment *h0 = symbol_search("__irqentry_text_start");
	struct syment *h1 = symbol_search("__irqentry_text_end");
	const struct zdx_layout *l = NULL;
	unsigned char idt[ZDX_X86_EXCEPTION_VECTORS * 32];   /* a gate is 16 bytes */
	unsigned long len = 0;
	int i;

	for (i = 0; h0 && h1 && i < b->nframes; i++) {
		struct syment *fn;
		ulong off;

		if (b->frame[i].pc < h0->value || b->frame[i].pc >= h1->value)
			continue;
		if (!l && !(len = read_exception_gates(l = zdx_layout(NULL), idt, sizeof(idt))))
			return;
		fn = value_search(b->frame[i].pc, &off);
		b->frame[i].irq_entry = fn && zdx_idt_is_exception_entry(l, idt, len, fn->value) == 0;
	}
}

/* What the text of bt cannot say: which frames are softirq entries (the
 * kernel keeps them between __softirqentry_text_start and _end) or
 * interrupt entries, and which exception frames have a RIP outside kernel
 * text (bogus even when crash printed no warning). */
static void annotate_bt(struct zdx_bt *b)
{
	struct syment *s0 = symbol_search("__softirqentry_text_start");
	struct syment *s1 = symbol_search("__softirqentry_text_end");
	int i;

	for (i = 0; s0 && s1 && i < b->nframes; i++)
		b->frame[i].softirq_entry = b->frame[i].pc >= s0->value && b->frame[i].pc < s1->value;
	mark_irq_entries(b);
	for (i = 0; i < b->nexc; i++) {
		struct zdx_exc *x = &b->exc[i];

		if (x->user || !(x->regs.valid >> ZDX_RIP & 1) || is_kernel_text(x->regs.r[ZDX_RIP]))
			continue;
		if (zdx_dump_module_of(x->regs.r[ZDX_RIP]))
			name_from_dump(x);
		else if (!x->bogus)
			x->bogus = x->not_text = 1;
	}
}

static int capture_bt(ulong task, int cpu, struct zdx_bt *b)
{
	char *text = zdx_capture_bt(task, cpu);

	if (!text)
		return -1;
	zdx_bt_parse(text, b);
	free(text);
	annotate_bt(b);
	return b->valid ? 0 : -1;
}

/* The log names the faulting code as symbol+offset: its address, for
 * DWARF when no bt frame has the registers; a module's symbol from the
 * dump's module kallsyms when crash has none. */
static void resolve_rips(struct zdx_panic *p)
{
	int i;

	for (i = 0; i < p->nrep; i++) {
		struct syment *sp;
		uint64_t v;

		if (!p->rep[i].have_rip)
			continue;
		if ((sp = symbol_search(p->rep[i].rip_func)))
			p->rep[i].rip_addr = sp->value + p->rep[i].rip_off;
		else if (p->rep[i].rip_mod[0] &&
			 !zdx_dump_module_symbol(p->rep[i].rip_mod, p->rep[i].rip_func, &v))
			p->rep[i].rip_addr = v + p->rep[i].rip_off;   /* crash knows no module */
	}
}

/* Panic context of this dump; returns 0, or -1 when there is no panic task. */
int zdx_panic_context(struct zdx_panic *p, char *panicmsg, size_t n)
{
	struct task_context *tc;
	char *log;
	char msg[BUFSIZE];
	int panic_cpu = -1, subject, rep;

	memset(p, 0, sizeof(*p));
	p->drep = p->dexc = p->dregs_rep = -1;
	if (!tt->panic_task)
		return -1;
	if ((tc = task_to_context(tt->panic_task)))
		panic_cpu = tc->processor;
	if ((log = zdx_capture_log())) {
		zdx_panic_parse_log(log, p);
		free(log);
	}
	resolve_rips(p);
	capture_bt(tt->panic_task, -1, &p->bt);
	if (panic_cpu < 0)
		panic_cpu = p->bt.cpu;
	/* a report about another CPU (a lockup, its NMI backtrace): that
	 * CPU's active task did the work */
	subject = zdx_panic_subject_cpu(p, panic_cpu, &rep);
	if (subject >= 0 && subject != panic_cpu && subject < kt->cpus)
		capture_bt(0, subject, &p->other);
	zdx_panic_decide(p, panic_cpu);
	msg[0] = 0;
	get_panicmsg(msg);
	snprintf(panicmsg, n, "%s", msg);
	panicmsg[strcspn(panicmsg, "\n")] = 0;
	return 0;
}
