/*
 * Which report and which exception frame a panic is about (pure).
 *
 * The report: the last fault, BUG, WARN or lockup the kernel printed on the
 * panicking CPU (else the last one anywhere); a lockup names the CPU that
 * did the work ("CPU#N stuck", "on cpu N"), which may not be the panicking
 * one.  The frame: among the exception frames crash found on that CPU's
 * task, the one whose RIP is the report's "RIP: func+off" line, else the
 * innermost one crash did not call bogus; never a bogus or user-mode one.
 * With no such frame, the report's own registers stand in.  Where crash's
 * bt is cut short (a module RIP it cannot name, a bt that stops at
 * panic()), the report's own Call Trace stands in for it
 * (zdx_panic_log_bt()).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "zdx/panic.h"

const char *zdx_ctx_name(enum zdx_ctx c)
{
	static const char *const name[] = {
		"unknown", "process context", "softirq", "hardirq", "NMI",
		"exception stack", "user mode",
	};
	return c <= ZDX_CTX_USER ? name[c] : "?";
}

const char *zdx_rep_kind_name(enum zdx_rep_kind k)
{
	static const char *const name[] = {
		"page fault", "general protection fault", "BUG", "WARN", "soft lockup",
		"hard lockup", "NMI backtrace", "panic",
	};
	return k <= ZDX_REP_PANIC ? name[k] : "?";
}

static int is_problem(const struct zdx_report *r)
{
	return r->kind != ZDX_REP_NMI_BT && r->kind != ZDX_REP_PANIC;
}

/* Is report i part of the panic (see panic.h)? */
static int in_panic_episode(const struct zdx_panic *p, int i)
{
	int k;

	for (k = p->nrep - 1; k >= 0 && p->rep[k].kind != ZDX_REP_PANIC; k--)
		;
	if (k < 0)
		return p->rep[i].episode == p->cur_episode;
	if (i > k)
		return 0;
	return p->rep[i].episode == p->rep[k].episode ||
	       (p->rep[k].connected && p->rep[i].episode == p->rep[k].episode - 1);
}

int zdx_panic_subject_cpu(const struct zdx_panic *p, int panic_cpu, int *rep)
{
	int i, best = -1;

	for (i = 0; i < p->nrep; i++)
		if (is_problem(&p->rep[i]) && in_panic_episode(p, i) &&
		    (p->rep[i].cpu == panic_cpu || p->rep[i].cpu < 0 || panic_cpu < 0))
			best = i;
	if (best < 0)
		for (i = 0; i < p->nrep; i++)
			if (is_problem(&p->rep[i]) && in_panic_episode(p, i))
				best = i;
	*rep = best;
	if (best < 0)
		return -1;
	return p->rep[best].subject_cpu >= 0 ? p->rep[best].subject_cpu : p->rep[best].cpu;
}

/* The softirq loop by name: since 6.10 (and 6.1.y/6.6.y stable since
 * 2024) __do_softirq is a stub in the softirq entry text and the loop is
 * handle_softirqs(), ordinary text, which irq_exit and ksoftirqd call
 * directly: bt shows handle_softirqs and no frame in the entry text. */
static int softirq_loop(const char *func)
{
	size_t n = strcspn(func, ".");    /* "handle_softirqs.constprop.0" */

	return (n == 15 && !strncmp(func, "handle_softirqs", n)) ||
	       (n == 12 && !strncmp(func, "__do_softirq", n));
}

/* The context the code at exception frame x ran in: the stack it ran on,
 * and on the IRQ or a task stack whether a softirq entry is among its
 * callers (the kernel keeps those functions in their own text section;
 * newer kernels keep only a stub there: the loop is also known by name). */
static enum zdx_ctx seg_ctx(const struct zdx_bt *b, int frame, int segi)
{
	const char *seg = b->seg[segi].name;
	int i;

	/* The nearest entry outward decides: a hard interrupt taken while a
	 * softirq ran on the IRQ stack (an hrtimer callback over rcu_core,
	 * measured on 6.1) runs in hardirq context, its interrupt entry
	 * (not an exception's: the IDT tells them apart, crash_panic.c)
	 * between it and the softirq loop. */
	for (i = frame; i < b->nframes && b->frame[i].seg == segi; i++) {
		if (b->frame[i].irq_entry && i > frame)
			return ZDX_CTX_HARDIRQ;
		if (b->frame[i].softirq_entry || softirq_loop(b->frame[i].func))
			return ZDX_CTX_SOFTIRQ;
	}
	if (strstr(seg, "IRQ"))
		return ZDX_CTX_HARDIRQ;
	if (strstr(seg, "NMI"))
		return ZDX_CTX_NMI;
	if (strstr(seg, "exception") || strstr(seg, "trampoline"))
		return ZDX_CTX_EXCSTACK;
	return ZDX_CTX_TASK;
}

static enum zdx_ctx exc_ctx(const struct zdx_bt *b, const struct zdx_exc *x)
{
	if (x->user)
		return ZDX_CTX_USER;
	return seg_ctx(b, x->frame, x->seg);
}

/* The log's registers decide (crash found no usable exception frame, e.g.
 * the watchdog's interrupt nested on the IRQ stack of a softirq): crash
 * still prints the interrupted code as a frame at the log's RIP; its
 * callers in bt tell the context.  -1 when no frame is at that RIP. */
static int rip_frame(const struct zdx_bt *b, uint64_t rip)
{
	int i;

	for (i = 0; rip && i < b->nframes; i++)
		if (b->frame[i].pc == rip)
			return i;
	return -1;
}

static int usable(const struct zdx_exc *x)
{
	return !x->bogus && !x->user;
}

/* The report whose registers describe the subject CPU's code: the
 * deciding report's own, else an NMI backtrace of that CPU after it. */
static int regs_report(const struct zdx_panic *p, int drep, int cpu)
{
	int i;

	if (drep < 0)
		return -1;
	if (p->rep[drep].have_rip || p->rep[drep].regs.valid)
		return drep;
	for (i = drep + 1; i < p->nrep; i++)
		if (p->rep[i].kind == ZDX_REP_NMI_BT && p->rep[i].subject_cpu == cpu &&
		    (p->rep[i].have_rip || p->rep[i].regs.valid))
			return i;
	return -1;
}

static void compare(struct zdx_panic *p, const struct zdx_regs *bt, const struct zdx_regs *log)
{
	int reg;

	for (reg = 0; reg < ZDX_RIP; reg++) {
		if (!(bt->valid >> reg & 1) || !(log->valid >> reg & 1))
			continue;
		p->compared++;
		if (bt->r[reg] != log->r[reg])
			p->disagree |= 1u << reg;
	}
}

static void set_report_facts(struct zdx_panic *p, const struct zdx_report *r)
{
	snprintf(p->oops, sizeof(p->oops), "%s", r->head);
	p->have_fault_addr = r->have_fault_addr;
	p->fault_addr = r->fault_addr;
	p->gpf = r->kind == ZDX_REP_GPF;
	p->bug = r->kind == ZDX_REP_BUG;
	snprintf(p->bug_at, sizeof(p->bug_at), "%s", r->bug_at);
}

void zdx_panic_decide(struct zdx_panic *p, int panic_cpu)
{
	const struct zdx_report *r, *lr;
	struct zdx_bt *b;
	int cpu, i, pass, matched = 0;

	/* the decision fields run from panic_cpu to the end: start afresh */
	memset(&p->panic_cpu, 0, sizeof(*p) - offsetof(struct zdx_panic, panic_cpu));
	p->panic_cpu = panic_cpu >= 0 ? panic_cpu : p->bt.cpu;
	cpu = zdx_panic_subject_cpu(p, p->panic_cpu, &p->drep);
	p->subject_cpu = cpu >= 0 ? cpu : p->panic_cpu;
	/* a report about another CPU is read on that CPU's bt, or, without
	 * it, from the log alone: never from the panicking task's frames */
	b = cpu >= 0 && cpu != (p->bt.cpu >= 0 ? p->bt.cpu : p->panic_cpu) ? &p->other : &p->bt;
	p->dbt = b;
	p->dexc = -1;
	p->dregs_rep = regs_report(p, p->drep, cpu);
	r = p->drep >= 0 ? &p->rep[p->drep] : NULL;
	lr = p->dregs_rep >= 0 ? &p->rep[p->dregs_rep] : NULL;
	for (i = 0; i < p->bt.nexc; i++)
		p->bt.exc[i].ctx = exc_ctx(&p->bt, &p->bt.exc[i]);
	for (i = 0; i < p->other.nexc; i++)
		p->other.exc[i].ctx = exc_ctx(&p->other, &p->other.exc[i]);
	if (r)
		set_report_facts(p, r);

	/* the frame whose RIP is the log's RIP line */
	for (i = 0; lr && lr->have_rip && i < b->nexc; i++)
		if (usable(&b->exc[i]) && !strcmp(b->exc[i].func, lr->rip_func) &&
		    b->exc[i].off == lr->rip_off) {
			p->dexc = i;
			matched = 1;
			snprintf(p->why, sizeof(p->why), "its RIP %s+%#llx is the RIP line of the log's "
				 "%s report on CPU %d", lr->rip_func, (unsigned long long)lr->rip_off,
				 zdx_rep_kind_name(lr->kind), lr->cpu >= 0 ? lr->cpu : cpu);
			break;
		}
	/* else the innermost real exception frame; the CPU's registers at
	 * dump time (for the panic task, the panic path itself) only when
	 * there is nothing else and a report says something went wrong: a
	 * direct panic() has no faulting code.  Never a frame crash names
	 * other than the log's RIP line: that is code the reported code
	 * interrupted (crash 8.0.6 on 6.12 prints the idle loop a timer
	 * interrupt hit as a real frame, and the softirq that ran on the IRQ
	 * stack above it without one); the log's registers then decide. */
	for (pass = 0; pass < (r || b != &p->bt ? 2 : 1) && p->dexc < 0; pass++)
		for (i = 0; p->dexc < 0 && i < b->nexc; i++)
			if (usable(&b->exc[i]) && (pass || !b->exc[i].at_dump) &&
			    !(lr && lr->have_rip && b->exc[i].func[0] && strcmp(b->exc[i].func, lr->rip_func))) {
				p->dexc = i;
				snprintf(p->why, sizeof(p->why), "innermost %s crash did not flag as "
					 "bogus%s", b->exc[i].at_dump ? "register set (the CPU's at dump time)"
					 : "exception frame", lr && lr->have_rip
					 ? " (no frame has the log's RIP line)"
					 : " (the log has no RIP line for this CPU)");
			}

	if (p->dexc >= 0) {
		const struct zdx_exc *x = &b->exc[p->dexc];

		p->have_exception = 1;
		p->regs = x->regs;
		p->ctx = x->ctx;
		/* the log's name when the log and crash agree on the frame */
		snprintf(p->exc_func, sizeof(p->exc_func), "%s", matched ? lr->rip_func
			 : x->func[0] ? x->func : x->rip_text);
		p->exc_off = x->off;
		p->exc_from_kallsyms = x->from_kallsyms;
		snprintf(p->exc_module, sizeof(p->exc_module), "%s", x->module);
		if (lr)
			compare(p, &x->regs, &lr->regs);
	} else if (lr && lr->have_rip) {
		p->have_exception = p->regs_from_log = 1;
		p->regs = lr->regs;
		if (lr->rip_addr)
			zdx_regs_set(&p->regs, ZDX_RIP, lr->rip_addr);
		snprintf(p->exc_func, sizeof(p->exc_func), "%s", lr->rip_func);
		p->exc_off = lr->rip_off;
		if ((i = rip_frame(b, lr->rip_addr)) >= 0)
			p->ctx = seg_ctx(b, i, b->frame[i].seg);
		else
			p->ctx = !strcmp(lr->trace_ctx, "IRQ") ? ZDX_CTX_HARDIRQ
				 : !strcmp(lr->trace_ctx, "NMI") ? ZDX_CTX_NMI
				 : !strcmp(lr->trace_ctx, "TASK") ? ZDX_CTX_TASK : ZDX_CTX_UNKNOWN;
		snprintf(p->why, sizeof(p->why), "no exception frame in crash's bt of CPU %d is at the "
			 "log's RIP line (%s+%#llx; frames elsewhere are code it interrupted): registers "
			 "from the log's %s report", cpu, lr->rip_func, (unsigned long long)lr->rip_off,
			 zdx_rep_kind_name(lr->kind));
	} else {
		snprintf(p->why, sizeof(p->why), "no usable exception frame in crash's bt and no "
			 "register dump in the log");
	}
}

/* The deciding registers came from the log and x, a frame of crash's bt,
 * is at the RIP of an earlier report of the same oops episode on the same
 * CPU, below the deciding report's stack pointer: the outer fault, whose
 * reporting (a die notifier, say) faulted again.  crash (8.0.2, 8.0.6) can start
 * such a bt at the outer oops' die() and never print the inner frame. */
static int outer_in_log(const struct zdx_panic *p, const struct zdx_exc *x)
{
	const struct zdx_report *d;
	int j;

	if (p->drep < 0 || !p->regs_from_log)
		return 0;
	d = &p->rep[p->drep];
	if (!(d->regs.valid >> ZDX_RSP & 1) || !(x->regs.valid >> ZDX_RSP & 1) ||
	    d->regs.r[ZDX_RSP] >= x->regs.r[ZDX_RSP])
		return 0;
	for (j = 0; j < p->drep; j++)
		if (p->rep[j].episode == d->episode && p->rep[j].cpu == d->cpu && p->rep[j].have_rip &&
		    !strcmp(p->rep[j].rip_func, x->func) && p->rep[j].rip_off == x->off)
			return 1;
	return 0;
}

enum zdx_exc_role zdx_panic_exc_role(const struct zdx_panic *p, int i)
{
	const struct zdx_exc *x = &p->dbt->exc[i], *d;

	if (i == p->dexc)
		return ZDX_EXC_DECIDING;
	/* the CPU's registers at dump time are the panic path, not a context */
	if (x->bogus || x->user || x->at_dump)
		return ZDX_EXC_UNUSABLE;
	if (p->dexc < 0)
		return outer_in_log(p, x) ? ZDX_EXC_OUTER : ZDX_EXC_INTERRUPTED;
	d = &p->dbt->exc[p->dexc];
	return i > p->dexc && x->seg == d->seg && !x->boundary && !d->boundary
	       ? ZDX_EXC_OUTER : ZDX_EXC_INTERRUPTED;
}

/* crash's bt names the faulting function: at the deciding exception
 * frame, or (registers from the log) as one of its frames. */
static int bt_names_fault(const struct zdx_panic *p, const struct zdx_bt *b, const char *func)
{
	int i;

	/* a name zdx took from the dump's module kallsyms is not crash's:
	 * crash's unwind through that module is lost all the same */
	if (p->dexc >= 0 && p->dexc < b->nexc)
		return b->exc[p->dexc].func[0] != 0 && !b->exc[p->dexc].from_kallsyms;
	for (i = 0; i < b->nframes; i++)
		if (!strcmp(b->frame[i].func, func))
			return 1;
	return 0;
}

/* A module frame of the log's Call Trace that crash's bt does not have:
 * crash without module symbols (--no_modules) unwinds past module code. */
static int bt_lost_module_frame(const struct zdx_report *r, const struct zdx_bt *b)
{
	int i, k;

	for (i = 0; i < r->ntrace; i++) {
		if (!r->trace[i].mod[0])
			continue;
		for (k = 0; k < b->nframes && strcmp(b->frame[k].func, r->trace[i].func); k++)
			;
		if (k == b->nframes)
			return 1;
	}
	return 0;
}

/* Where crash could not name the faulting RIP or lost module frames (no
 * symbols for its modules: crash 9.0.2 opens 7.x dumps only with
 * --no_modules), the kernel's own Call Trace of the report whose
 * registers decided names those frames, the faulting function first. */
static int fault_log_bt(const struct zdx_panic *p, const struct zdx_bt *b, struct zdx_log_bt *lb)
{
	const struct zdx_report *r = p->dregs_rep >= 0 ? &p->rep[p->dregs_rep] : NULL;

	if (!r || !r->ntrace || !r->have_rip || !p->have_exception ||
	    (bt_names_fault(p, b, r->rip_func) && !bt_lost_module_frame(r, b)))
		return 0;
	lb->r = r;
	lb->with_rip = 1;
	lb->from = 0;
	return 1;
}

/* A panic() called directly (no exception frame decided) where crash's bt
 * of the panic task stops at panic(): crash 8.0.6 on 6.12 unwinds a task
 * that panicked in a system call (sysrq-c written by init) no further.
 * panic() prints the kernel's own Call Trace of its caller; the last
 * panic report of the log, if it is this task's and holds panic() with a
 * caller, names the frames from panic() on. */
static int panic_log_bt(const struct zdx_panic *p, const struct zdx_bt *b, struct zdx_log_bt *lb)
{
	const struct zdx_report *r = NULL;
	int i, k;

	if (p->have_exception || !b->nframes || strcmp(b->frame[b->nframes - 1].func, "panic"))
		return 0;
	for (k = p->nrep - 1; k >= 0 && !r; k--)
		if (p->rep[k].kind == ZDX_REP_PANIC)
			r = &p->rep[k];
	if (!r || (r->pid >= 0 && b->pid >= 0 && r->pid != b->pid))
		return 0;
	for (i = 0; i < r->ntrace && strcmp(r->trace[i].func, "panic"); i++)
		;
	if (i + 1 >= r->ntrace)
		return 0;
	lb->r = r;
	lb->with_rip = 0;
	lb->from = i;
	return 1;
}

int zdx_panic_log_bt(const struct zdx_panic *p, const struct zdx_bt *b, struct zdx_log_bt *lb)
{
	memset(lb, 0, sizeof(*lb));
	return fault_log_bt(p, b, lb) || panic_log_bt(p, b, lb);
}
