/*
 * Parsing crash's bt text and the kernel's reports, and choosing the
 * exception frame a panic is about.  Fixtures in panic_fixtures/ are
 * modelled on crash 8.0.x `bt` and Debian 6.1/6.6/6.12 logs: a timer
 * callback faulting in softirq over idle (crash flags the idle frame
 * bogus), a hardirq fault over a busy task with a user frame, a nested
 * fault (with and without the inner frame in crash's bt), a soft lockup (no fault at all), an NMI backtrace of the CPU a
 * hard lockup was about, and a WARN with panic_on_warn; and, from real
 * 6.12 and 7.2 dumps, where the log's Call Trace stands in for crash's bt.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "zdx/panic.h"

static char fxdir[4096];

static char *fixture(const char *name)
{
	char path[4200];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fxdir, name);
	if (!(f = fopen(path, "r"))) {
		printf("# cannot open %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	if (fread(buf, 1, n, f) != (size_t)n)
		n = 0;
	fclose(f);
	return buf;
}

/* Parse NAME.bt (and NAME.log) into a fresh panic. */
static struct zdx_panic *load(const char *bt, const char *log)
{
	static struct zdx_panic p;
	char *t;

	memset(&p, 0, sizeof(p));
	t = fixture(bt);
	zdx_bt_parse(t, &p.bt);
	free(t);
	if (log) {
		t = fixture(log);
		zdx_panic_parse_log(t, &p);
		free(t);
	}
	return &p;
}

/* What the crash side does: mark frames in the softirq entry text. */
static void mark_softirq(struct zdx_bt *b, const char *fn)
{
	int i;

	for (i = 0; i < b->nframes; i++)
		if (!strcmp(b->frame[i].func, fn))
			b->frame[i].softirq_entry = 1;
}

static void timer_softirq_idle(void)
{
	struct zdx_panic *p = load("timer-softirq-idle.bt", "timer-softirq-idle.log");
	const struct zdx_bt *b = &p->bt;

	ok(b->valid && b->cpu == 0 && b->pid == 0 && !strcmp(b->comm, "swapper/0"), "bt header: cpu %d pid %ld %s",
	   b->cpu, b->pid, b->comm);
	ok(b->nframes == 21, "all 21 frames, #10.. without the leading space (%d)", b->nframes);
	ok(b->nexc == 2, "two exception frames (%d)", b->nexc);
	ok(!strcmp(b->exc[0].func, "zdx_scrub_timer_fn") && b->exc[0].off == 13 && !b->exc[0].bogus,
	   "the fault: %s+%llu", b->exc[0].func, (unsigned long long)b->exc[0].off);
	ok(b->exc[1].bogus && !b->exc[1].func[0] && !strcmp(b->exc[1].rip_text, "unknown or invalid address"),
	   "the interrupted idle frame is flagged bogus and has no symbol");
	ok(b->exc[1].boundary && !b->exc[0].boundary, "the idle frame is the context the IRQ interrupted");
	ok(b->nseg == 2 && !strcmp(b->seg[0].name, "IRQ stack") && !strcmp(b->seg[1].name, "process stack"),
	   "segments: %s / %s", b->seg[0].name, b->seg[1].name);
	ok(b->exc[0].seg == 0 && b->exc[1].seg == 1 && b->frame[12].seg == 0 && b->frame[13].seg == 1,
	   "frames above the marker ran on the IRQ stack");
	is_u64(b->exc[0].regs.r[ZDX_RBX], 0xffffea0001800000ULL, "RBX of the fault");
	ok(p->nrep == 2 && p->rep[0].kind == ZDX_REP_FAULT && p->rep[1].kind == ZDX_REP_PANIC,
	   "log: the fault and the panic (%d reports)", p->nrep);
	ok(p->rep[0].have_rip && !strcmp(p->rep[0].rip_func, "zdx_scrub_timer_fn") && p->rep[0].rip_off == 0xd &&
	   p->rep[0].rip_len == 0x60 && !strcmp(p->rep[0].rip_mod, "zdx_walker"), "log RIP line: %s+%#llx/%#llx [%s]",
	   p->rep[0].rip_func, (unsigned long long)p->rep[0].rip_off, (unsigned long long)p->rep[0].rip_len,
	   p->rep[0].rip_mod);
	ok(!strcmp(p->rep[0].trace_ctx, "IRQ"), "the kernel's own trace starts <IRQ>");
	is_u64(p->rep[0].regs.r[ZDX_RDI], 0xffffea0001800000ULL, "log RDI from the report's own dump");
	is_u64(p->rep[0].regs.r[ZDX_RBX], 0xffffea0001800000ULL,
	       "the interrupted default_idle dump in the Call Trace is not the report's");
	is_u64(p->rep[0].regs.r[ZDX_RSP], 0xffffc90000003db8ULL, "log RSP after its segment");
	ok(p->rep[0].cpu == 0 && p->rep[0].pid == 0, "report CPU/PID");
	ok(p->rep[0].ntrace == 14 && !strcmp(p->rep[0].trace[0].func, "call_timer_fn") &&
	   !strcmp(p->rep[0].trace[6].func, "asm_sysvec_apic_timer_interrupt") &&
	   !strcmp(p->rep[0].trace[13].func, "secondary_startup_64_no_verify"),
	   "log Call Trace: 14 reliable frames, across </IRQ> and the interrupted registers (%d)",
	   p->rep[0].ntrace);

	mark_softirq(&p->bt, "__do_softirq");
	zdx_panic_decide(p, 0);
	ok(p->dexc == 0 && p->dbt == &p->bt, "deciding frame: the fault, not the bogus idle frame");
	ok(strstr(p->why, "RIP line") != NULL, "why: %s", p->why);
	ok(!strcmp(p->exc_func, "zdx_scrub_timer_fn") && p->exc_off == 13, "faulting function as log and bt name it");
	ok(p->ctx == ZDX_CTX_SOFTIRQ, "context: %s", zdx_ctx_name(p->ctx));
	ok(p->compared == 16 && !p->disagree, "crash and the log agree on %d registers", p->compared);
	ok(p->have_fault_addr && p->fault_addr == 0xffffea0001800018ULL, "fault address of the deciding report");

	/* __do_softirq is known by name as well (the crash side may find no
	 * entry text) */
	memset(&p->bt.frame[10].softirq_entry, 0, sizeof(int));
	zdx_panic_decide(p, 0);
	ok(p->ctx == ZDX_CTX_SOFTIRQ, "__do_softirq by name: softirq");
	/* 6.1.y since 2024, 6.10+: the loop is handle_softirqs, outside the
	 * entry text (which only holds the __do_softirq stub) */
	snprintf(p->bt.frame[10].func, sizeof(p->bt.frame[10].func), "handle_softirqs");
	zdx_panic_decide(p, 0);
	ok(p->ctx == ZDX_CTX_SOFTIRQ, "handle_softirqs (not in the entry text): softirq");
	/* without a softirq entry or loop among the callers, the IRQ stack
	 * means hardirq */
	snprintf(p->bt.frame[10].func, sizeof(p->bt.frame[10].func), "__sysvec_irq_work");
	zdx_panic_decide(p, 0);
	ok(p->ctx == ZDX_CTX_HARDIRQ, "no softirq entry among the callers: hardirq");
	ok(p->compared == 16 && p->dexc == 0, "a second decision starts afresh");
}

/* A real 6.1.176 dump (walk-ctx-timer-idle): the timer walker's GPF under
 * handle_softirqs, which 6.1.y no longer keeps in the softirq entry text
 * (only the __do_softirq stub is there): nothing is marked by the crash
 * side, the loop is known by name. */
static void timer_idle_61(void)
{
	struct zdx_panic *p = load("timer-idle-6.1.bt", "timer-idle-6.1.log");
	const struct zdx_bt *b = &p->bt;

	ok(b->nexc == 2 && b->exc[1].bogus && b->exc[1].boundary, "6.1.176: the fault and the bogus idle frame");
	zdx_panic_decide(p, 0);
	ok(p->dexc == 0 && !strcmp(p->exc_func, "zdx_page_owner_ino") && p->exc_off == 34,
	   "6.1.176: deciding frame zdx_page_owner_ino+34 (%s+%llu)", p->exc_func, (unsigned long long)p->exc_off);
	ok(p->ctx == ZDX_CTX_SOFTIRQ, "6.1.176: handle_softirqs among the callers: softirq (%s)", zdx_ctx_name(p->ctx));
}

/* A real 6.1.176 dump (walk-ctx-softlockup-timer): the soft lockup of a
 * timer callback spinning on the idle CPU.  The watchdog's interrupt nested
 * on the IRQ stack: crash prints no exception frame for it, only the stuck
 * code as a frame, so the log's registers decide; that frame's callers in
 * bt (handle_softirqs) say softirq, not the log's <IRQ> marker's hardirq. */
static void softlockup_timer_61(void)
{
	struct zdx_panic *p = load("softlockup-timer-6.1.bt", "softlockup-timer-6.1.log");
	int i;

	for (i = 0; i < p->nrep; i++)     /* what the crash side resolves */
		if (p->rep[i].have_rip && !strcmp(p->rep[i].rip_func, "zdx_scrub_wait"))
			p->rep[i].rip_addr = 0xffffffffc02ab730ULL + p->rep[i].rip_off;
	zdx_panic_decide(p, 0);
	ok(p->regs_from_log && p->dexc < 0 && !strcmp(p->exc_func, "zdx_scrub_wait") && p->exc_off == 0xd4,
	   "6.1.176 soft lockup in a timer: the log's registers decide (%s+%#llx)", p->exc_func,
	   (unsigned long long)p->exc_off);
	ok(p->ctx == ZDX_CTX_SOFTIRQ, "6.1.176 soft lockup in a timer: bt's frame at the RIP runs under "
	   "handle_softirqs: softirq (%s)", zdx_ctx_name(p->ctx));
	for (i = 0; i < p->nrep; i++)
		p->rep[i].rip_addr = 0;
	zdx_panic_decide(p, 0);
	ok(p->ctx == ZDX_CTX_HARDIRQ, "without the RIP's address: the log's <IRQ> marker (%s)", zdx_ctx_name(p->ctx));
}

/* The same scenario on 6.12.117 (crash 8.0.6): crash prints the idle loop
 * the timer interrupt hit as a real exception frame (pv_native_safe_halt,
 * not flagged bogus) and no frame for the softirq code above it; the log's
 * RIP line names the walker. */
static void softlockup_timer_612(void)
{
	struct zdx_panic *p = load("softlockup-timer-6.12.bt", "softlockup-timer-6.12.log");
	int i;

	for (i = 0; i < p->nrep; i++)
		if (p->rep[i].have_rip && !strcmp(p->rep[i].rip_func, "zdx_scrub_wait"))
			p->rep[i].rip_addr = 0xffffffffc02ab200ULL + p->rep[i].rip_off;
	ok(p->bt.nexc == 1 && !p->bt.exc[0].bogus && !strcmp(p->bt.exc[0].func, "pv_native_safe_halt"),
	   "6.12.117: crash's only exception frame is the idle loop, not flagged bogus");
	zdx_panic_decide(p, 0);
	ok(p->regs_from_log && p->dexc < 0 && !strcmp(p->exc_func, "zdx_scrub_wait") && p->exc_off == 0x5b,
	   "6.12.117 soft lockup in a timer: not the idle frame; the log's registers decide (%s+%#llx)",
	   p->exc_func, (unsigned long long)p->exc_off);
	ok(p->ctx == ZDX_CTX_SOFTIRQ, "6.12.117: bt's frame at the RIP runs under handle_softirqs: softirq (%s)",
	   zdx_ctx_name(p->ctx));
}

static void hardirq_busy(void)
{
	struct zdx_panic *p = load("hardirq-busy.bt", "hardirq-busy.log");
	const struct zdx_bt *b = &p->bt;

	ok(b->nexc == 3 && b->exc[2].user && !b->exc[2].func[0], "three frames, the last a user-mode block");
	is_u64(b->exc[2].regs.r[ZDX_RIP], 0x7f3c9b4e1a3dULL, "user RIP");
	ok(b->exc[2].cs == 0x33 && b->exc[0].cs == 0x10, "CS parsed");
	ok(b->exc[1].boundary && !b->exc[1].bogus, "the busy task's frame: interrupted, not bogus");
	zdx_panic_decide(p, 1);
	ok(p->dexc == 0 && p->ctx == ZDX_CTX_HARDIRQ, "hrtimer callback decides, in hardirq");
	ok(b->exc[1].ctx == ZDX_CTX_TASK && b->exc[2].ctx == ZDX_CTX_USER, "contexts of the others");
	ok(p->gpf && p->fault_addr == 0xfdfdfdfdfdfdfdfdULL, "GPF address");
	ok(p->disagree == 1u << ZDX_R15, "disagreement reported on R15 only (%#x)", p->disagree);
	is_u64(p->rep[0].regs.r[ZDX_RSP], 0xffffc900000a8e10ULL, "RSP with ORIG_RAX on the same line");
}

static void nested(void)
{
	struct zdx_panic *p = load("nested-fault.bt", "nested-fault.log");
	const struct zdx_bt *b = &p->bt;

	ok(b->nexc == 3 && !strcmp(b->exc[0].func, "zdx_die_note") && b->exc[0].off == 0x2c,
	   "crash in hex radix: +0x2c (%llu)", (unsigned long long)b->exc[0].off);
	ok(b->exc[1].off == 0x45 && b->exc[1].seg == b->exc[0].seg && !b->exc[1].boundary,
	   "outer fault on the same stack, not a stack switch");
	ok(p->nrep == 3 && p->rep[0].kind == ZDX_REP_FAULT && p->rep[1].kind == ZDX_REP_GPF,
	   "two oopses and the panic");
	ok(p->rep[0].episode == p->rep[1].episode, "same episode");
	ok(p->rep[1].cpu == 0 && p->rep[1].pid == 153, "6.12 CPU line with UID");
	zdx_panic_decide(p, 0);
	ok(p->drep == 1 && p->dexc == 0, "the last oops decides; its frame is the inner one");
	ok(zdx_panic_exc_role(p, 0) == ZDX_EXC_DECIDING && zdx_panic_exc_role(p, 1) == ZDX_EXC_OUTER,
	   "the frame below it on the same stack is the outer fault");
	ok(p->gpf && p->fault_addr == 0xc9ec93045707334cULL, "GPF of the inner fault");
}

/* A real 6.1.176 dump (walk-ctx-nested-device): a list_del BUG on a
 * ZONE_DEVICE data page, then nest=1's die notifier faults on its NULL
 * ->zone_device_data while that BUG is reported.  crash starts the bt at
 * the BUG's die(): the inner fault has no frame, the log's registers
 * decide, and the BUG's frame is the outer fault, not an interrupted
 * context. */
static void nested_log_only(void)
{
	struct zdx_panic *p = load("nested-notifier-6.1.bt", "nested-notifier-6.1.log");
	struct zdx_exc *x = &p->bt.exc[0];

	ok(p->bt.nexc == 2 && !strcmp(x->func, "__list_del_entry_valid.cold") && x->off == 109,
	   "crash's bt: the BUG's frame and the user frame only");
	zdx_panic_decide(p, 1);
	ok(p->regs_from_log && p->dexc < 0 && !strcmp(p->exc_func, "zdx_page_lru_linked") && p->exc_off == 0x11,
	   "the inner fault decides from the log (%s+%#llx)", p->exc_func, (unsigned long long)p->exc_off);
	ok(zdx_panic_exc_role(p, 0) == ZDX_EXC_OUTER, "the BUG's frame is the outer fault");
	ok(zdx_panic_exc_role(p, 1) == ZDX_EXC_UNUSABLE, "the user frame is not used");
	x->regs.r[ZDX_RSP] = p->rep[p->drep].regs.r[ZDX_RSP];
	ok(zdx_panic_exc_role(p, 0) == ZDX_EXC_INTERRUPTED,
	   "a frame the inner fault's stack pointer is not below: only interrupted code");
	x->off++;
	zdx_panic_decide(p, 1);
	ok(zdx_panic_exc_role(p, 0) == ZDX_EXC_INTERRUPTED, "at no earlier report's RIP: interrupted code");
}

static void softlockup(void)
{
	struct zdx_panic *p = load("softlockup.bt", "softlockup.log");

	ok(p->bt.nexc == 1 && p->bt.exc[0].boundary, "one exception frame: what the watchdog interrupted");
	ok(p->nrep == 2 && p->rep[0].kind == ZDX_REP_SOFTLOCKUP && p->rep[0].subject_cpu == 0,
	   "soft lockup of CPU#0");
	ok(!strcmp(p->rep[0].trace_ctx, "TASK"), "stuck in task context per the log");
	zdx_panic_decide(p, 0);
	ok(p->dexc == 0 && p->ctx == ZDX_CTX_TASK && !strcmp(p->exc_func, "zdx_spin_walk"),
	   "the stuck code decides: %s in %s", p->exc_func, zdx_ctx_name(p->ctx));
	ok(!p->have_fault_addr && !p->disagree, "no fault address; registers agree");
	ok(!strcmp(p->oops, "watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [zdx_spin:160]"), "report: %s", p->oops);
}

static void nmi_hardlockup(void)
{
	struct zdx_panic *p = load("nmi-hardlockup.bt", "nmi-hardlockup.log");
	int rep, cpu;
	char *t;

	zdx_panic_decide(p, 0);
	ok(p->dbt == &p->other && p->dexc < 0 && p->regs_from_log && p->regs.r[ZDX_R12] == 0x60000,
	   "without CPU 1's bt: its NMI backtrace registers, not the panicking task's frames");
	ok(p->nrep == 3 && p->rep[0].kind == ZDX_REP_HARDLOCKUP && p->rep[0].subject_cpu == 1 &&
	   p->rep[0].cpu == -1, "hard lockup of cpu 1, printed by another CPU");
	ok(p->rep[1].kind == ZDX_REP_NMI_BT && p->rep[1].cpu == 1 && p->rep[1].have_rip, "NMI backtrace of cpu 1");
	cpu = zdx_panic_subject_cpu(p, 0, &rep);
	ok(cpu == 1 && rep == 0, "subject CPU %d from report %d", cpu, rep);
	t = fixture("nmi-hardlockup-cpu1.bt");
	zdx_bt_parse(t, &p->other);
	free(t);
	ok(p->other.nexc == 1 && p->other.exc[0].boundary && p->other.exc[0].seg == 1,
	   "the NMI's saved frame belongs below the NMI stack marker");
	ok(!strcmp(p->other.seg[0].name, "NMI exception stack"), "segment %s", p->other.seg[0].name);
	zdx_panic_decide(p, 0);
	ok(p->dbt == &p->other && p->dexc == 0 && p->dregs_rep == 1, "decided on CPU 1's frame, log regs from its "
	   "NMI backtrace");
	ok(p->ctx == ZDX_CTX_TASK && !strcmp(p->exc_func, "zdx_spin_walk"), "%s in %s", p->exc_func,
	   zdx_ctx_name(p->ctx));
	is_u64(p->regs.r[ZDX_R12], 0x60000, "R12 of the stuck CPU, not of the panicking one");
	ok(p->panic_cpu == 0 && p->subject_cpu == 1, "panic CPU kept, subject CPU 1");
}

/* A QMP dump: crash prints the CPU's registers at dump time (the panic
 * loop) before frame #0; the fault is the next frame. */
static void qmp_top_registers(void)
{
	struct zdx_panic *p = load("qmp-gpf.bt", NULL);

	ok(p->bt.nexc == 2 && p->bt.exc[0].at_dump && !p->bt.exc[1].at_dump,
	   "the register set before #0 is the CPU's at dump time");
	ok((p->bt.exc[0].regs.valid & (1u << ZDX_R15)) && p->bt.exc[0].cs == 0x10,
	   "a register block without ORIG_RAX ends at the next frame");
	zdx_panic_decide(p, 0);
	ok(p->dexc == 1 && !strcmp(p->exc_func, "zdx_page_owner_ino"),
	   "with no log, the fault frame, not the panic loop (%s)", p->exc_func);
	ok(strstr(p->why, "innermost exception frame") != NULL, "why: %s", p->why);
	p->bt.nexc = 1;
	zdx_panic_decide(p, 0);
	ok(p->dexc < 0 && !p->have_exception, "a direct panic() with only the panic loop's registers: no fault");
}

/* crash takes a garbage CS for user mode: the bogus frame under the IRQ
 * stack has no [exception RIP:] line, and the warning has crash's "bt: ". */
static void irq_bogus_user_cs(void)
{
	struct zdx_panic *p = load("irq-bogus-usercs.bt", NULL);

	ok(p->bt.nexc == 2 && p->bt.exc[1].user && p->bt.exc[1].bogus && p->bt.exc[1].boundary,
	   "headerless bogus block after the IRQ marker");
	ok(p->bt.exc[0].off == 0x30, "hex offset from crash in radix 16");
	zdx_panic_decide(p, 1);
	ok(p->dexc == 0 && p->ctx == ZDX_CTX_HARDIRQ, "irq_work callback decides, in hardirq");
}

static void warn_and_log_only(void)
{
	struct zdx_panic *p;
	char *t = fixture("warn.log");

	p = calloc(1, sizeof(*p));
	zdx_panic_parse_log(t, p);
	free(t);
	ok(p->nrep == 2 && p->rep[0].kind == ZDX_REP_WARN && p->rep[0].cpu == 0 && p->rep[0].pid == 153,
	   "WARN report with its CPU");
	p->rep[0].rip_addr = 0xffffffffc06ba03bULL;   /* the crash side resolves it */
	zdx_panic_decide(p, 0);
	ok(p->have_exception && p->regs_from_log && p->dexc < 0, "no bt frame: the log's registers stand in");
	ok(!strcmp(p->exc_func, "zdx_warn_walk") && p->exc_off == 0x3b && p->ctx == ZDX_CTX_TASK,
	   "WARN site %s+%#llx", p->exc_func, (unsigned long long)p->exc_off);
	is_u64(p->regs.r[ZDX_RIP], 0xffffffffc06ba03bULL, "RIP from symbol + offset");
	is_u64(p->regs.r[ZDX_RBX], 0xffffea0001828000ULL, "RBX from the log");
	free(p);
}

static void old_cases(void)
{
	static struct zdx_panic p;

	memset(&p, 0, sizeof(p));
	zdx_panic_parse_log("[    3.1] BUG: unable to handle page fault for address: ffffea0000000000\n"
			    "[    9.0] general protection fault, probably for non-canonical address "
			    "0x8d793816181d0334: 0000 [#1] PREEMPT SMP NOPTI\n"
			    "[    9.1] CPU: 0 PID: 153 Comm: insmod\n"
			    "[    9.2] page:ffffea0001800040 refcount:1 mapcount:0 mapping:0000000000000000 "
			    "index:0x0 pfn:0x60001\n", &p);
	zdx_panic_decide(&p, 0);
	ok(p.gpf && p.have_fault_addr && p.fault_addr == 0x8d793816181d0334ULL, "the last oops wins: GPF address");
	ok(p.ndump_page == 1 && p.dump_page[0].page == 0xffffea0001800040ULL && p.dump_page[0].have_pfn &&
	   p.dump_page[0].pfn == 0x60001, "dump_page() line");
	ok(!p.have_exception && p.dexc < 0, "no bt and no register dump: no registers");
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_log("[ 1.0] kernel BUG at mm/page_alloc.c:1234!\n[ 1.1] invalid opcode: 0000 [#1] SMP\n", &p);
	zdx_panic_decide(&p, -1);
	ok(p.nrep == 1 && p.bug && !strcmp(p.bug_at, "mm/page_alloc.c:1234"), "kernel BUG at: %s", p.bug_at);
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_log("[    1.000000][    T1] BUG: kernel NULL pointer dereference, address: 0000000000000008\n", &p);
	ok(p.nrep == 1 && p.rep[0].have_fault_addr && p.rep[0].fault_addr == 8, "printk caller id skipped");
	/* a WARN long before a sysrq panic is not its cause */
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_log("[    2.0] WARNING: CPU: 0 PID: 1 at drivers/foo.c:12 foo_probe+0x3b/0x70\n"
			    "[    2.0] CPU: 0 PID: 1 Comm: swapper/0\n"
			    "[    2.0] RIP: 0010:foo_probe+0x3b/0x70\n"
			    "[    2.0] RSP: 0018:ffffc900004bbce8 EFLAGS: 00010246\n"
			    "[    2.0] RAX: 0000000000000000 RBX: ffffea0001828000 RCX: 0000000000000000\n"
			    "[    2.1] ---[ end trace 0000000000000000 ]---\n"
			    "[    3.0] virtio_blk virtio1: [vda] 2048 512-byte logical blocks\n"
			    "[   30.0] sysrq: Trigger a crash\n"
			    "[   30.0] Kernel panic - not syncing: sysrq triggered crash\n", &p);
	zdx_panic_decide(&p, 0);
	ok(p.nrep == 2 && p.drep < 0 && !p.have_exception, "an old WARN, then a direct panic: no deciding report");
	/* kdump from oops_end(): the oops is the last thing in the log */
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_log("[    2.1] ---[ end trace 0000000000000000 ]---\n"
			    "[    9.0] BUG: unable to handle page fault for address: ffffea0001800018\n"
			    "[    9.1] CPU: 1 PID: 153 Comm: insmod\n", &p);
	zdx_panic_decide(&p, 1);
	ok(p.drep == 0 && p.subject_cpu == 1 && p.have_fault_addr, "no panic line: the last episode's oops decides");

	memset(&p, 0, sizeof(p));
	zdx_bt_parse("garbage\n #x [zz] nothing\n[exception RIP: \n", &p.bt);
	ok(p.bt.nframes == 0 && !p.bt.exc[0].func[0], "garbage text yields no frames");
}

/* What the fixed arrays cannot keep is counted, so explain can say its
 * search was cut (its incomplete list) instead of standing on less. */
static void caps_counted(void)
{
	static struct zdx_panic p;
	static char bt[16384], log[65536];
	size_t u = 0;
	int i;

	u += snprintf(bt + u, sizeof(bt) - u, "PID: 153  TASK: ffff888004a8c000  CPU: 0  COMMAND: \"insmod\"\n");
	for (i = 0; i < ZDX_MAX_FRAMES + 5; i++)
		u += snprintf(bt + u, sizeof(bt) - u, " #%d [ffffc900004bb%03x] fn_%d at ffffffff81%06x\n",
			      i, i * 8, i, i * 16);
	memset(&p, 0, sizeof(p));
	zdx_bt_parse(bt, &p.bt);
	ok(p.bt.nframes == ZDX_MAX_FRAMES && p.bt.frames_dropped == 5,
	   "bt: %d frames kept, %lu beyond the array counted", p.bt.nframes, p.bt.frames_dropped);
	u = 0;
	for (i = 0; i < ZDX_MAX_REPORTS + 3; i++)
		u += snprintf(log + u, sizeof(log) - u, "[    9.%06d] WARNING: CPU: 0 PID: 153 at mm/x.c:%d f+0x1/0x2\n"
			      "[    9.%06d] ---[ end trace 0000000000000000 ]---\n", i, i, i);
	for (i = 0; i < ZDX_MAX_DUMP_PAGES + 2; i++)
		u += snprintf(log + u, sizeof(log) - u, "[   10.%06d] page:ffffea00018%05x refcount:1 mapcount:0 "
			      "mapping:0000000000000000 index:0x0 pfn:0x%x\n", i, i * 64, 0x60000 + i);
	u += snprintf(log + u, sizeof(log) - u, "[   11.000000] BUG: unable to handle page fault for address: ffffea0001800018\n"
		      "[   11.000001] CPU: 0 PID: 153 Comm: insmod Tainted: G           O       6.12.117-amd64 #1\n"
		      "[   11.000002] RIP: 0010:zdx_pagecache_scan+0x45/0xb0 [zdx_walker]\n"
		      "[   11.000003] Call Trace:\n[   11.000004]  <TASK>\n");
	for (i = 0; i < ZDX_MAX_LOG_FRAMES + 4; i++)
		u += snprintf(log + u, sizeof(log) - u, "[   11.%06d]  caller_%d+0x1/0x10\n", 5 + i, i);
	u += snprintf(log + u, sizeof(log) - u, "[   11.100000]  </TASK>\n");
	zdx_panic_parse_log(log, &p);
	ok(p.nrep == ZDX_MAX_REPORTS && p.reports_dropped == 4,
	   "log: the last %d reports kept, %lu older counted", p.nrep, p.reports_dropped);
	ok(p.ndump_page == ZDX_MAX_DUMP_PAGES && p.dump_pages_dropped == 2,
	   "log: %d dump_page() lines kept, %lu counted", p.ndump_page, p.dump_pages_dropped);
	ok(p.nrep && p.rep[p.nrep - 1].ntrace == ZDX_MAX_LOG_FRAMES && p.rep[p.nrep - 1].trace_dropped == 4,
	   "log: %d Call Trace frames kept, %lu counted", p.nrep ? p.rep[p.nrep - 1].ntrace : -1,
	   p.nrep ? p.rep[p.nrep - 1].trace_dropped : 0);
}

/* The kernel log's Call Trace standing in for crash's bt (zdx report's
 * backtrace).  Real logs and bts: 6.12/fsdax-dev (init writes sysrq-c, a
 * panic() called from a system call; crash 8.0.6) and 7.2/walk-altmap-reserve
 * (a GPF in a module crash 9.0.2, run with --no_modules, cannot name).  The
 * -at-panic bt is the real one's header and frame #0: the bt that zdx-triage
 * met, stopped at panic() (5d692fe). */
static void log_bt_panic_612(void)
{
	struct zdx_panic *p = load("sysrq-syscall-6.12-at-panic.bt", "sysrq-syscall-6.12.log");
	static const char *const want[] = {
		"panic", "sysrq_handle_crash", "__handle_sysrq.cold", "write_sysrq_trigger",
		"proc_reg_write", "vfs_write", "ksys_write", "do_syscall_64",
		"entry_SYSCALL_64_after_hwframe",
	};
	struct zdx_log_bt lb;
	int i, same = 1;

	zdx_panic_decide(p, 1);
	ok(!p->have_exception && zdx_panic_log_bt(p, &p->bt, &lb) == 1 && lb.r && !lb.with_rip,
	   "bt stopped at panic(): the log's Call Trace of panic() stands in");
	ok(lb.r && lb.r->ntrace - lb.from == 9, "from panic() on: %d frames, as the log's reliable ones",
	   lb.r ? lb.r->ntrace - lb.from : -1);
	for (i = 0; lb.r && i < 9 && i < lb.r->ntrace - lb.from; i++)
		same &= !strcmp(lb.r->trace[lb.from + i].func, want[i]) && !lb.r->trace[lb.from + i].mod[0];
	ok(lb.r && same, "panic, its caller sysrq_handle_crash ... entry_SYSCALL_64_after_hwframe, no \"? \" frame");
	p->bt.pid = 2;
	ok(zdx_panic_log_bt(p, &p->bt, &lb) == 0 && !lb.r, "another task's panic report: crash's bt stands");
	p = load("sysrq-syscall-6.12.bt", "sysrq-syscall-6.12.log");
	zdx_panic_decide(p, 1);
	ok(zdx_panic_log_bt(p, &p->bt, &lb) == 0, "crash's bt past panic() (%d frames): it stands", p->bt.nframes);
}

/* crash with module symbols: its bt also holds the module frames the
 * log's Call Trace names (appended; the order does not matter here). */
static void with_module_frames(const struct zdx_panic *p, struct zdx_bt *b)
{
	const struct zdx_report *r = &p->rep[p->dregs_rep];
	int i;

	for (i = 0; i < r->ntrace && b->nframes < ZDX_MAX_FRAMES; i++)
		if (r->trace[i].mod[0])
			snprintf(b->frame[b->nframes++].func, sizeof(b->frame[0].func), "%s", r->trace[i].func);
}

static void log_bt_module_72(void)
{
	struct zdx_panic *p = load("module-gpf-7.2.bt", "module-gpf-7.2.log");
	const struct zdx_bt *b;
	struct zdx_log_bt lb;

	zdx_panic_decide(p, 1);
	b = p->dbt ? p->dbt : &p->bt;
	ok(p->have_exception && zdx_panic_log_bt(p, b, &lb) == 1 && lb.with_rip && lb.from == 0,
	   "RIP crash cannot name: the log's report stands in, its faulting function first");
	ok(lb.r && !strcmp(lb.r->rip_func, "zdx_page_owner_ino") && !strcmp(lb.r->rip_mod, "zdx_walker"),
	   "the RIP line's function and module: %s [%s]", lb.r ? lb.r->rip_func : "-", lb.r ? lb.r->rip_mod : "-");
	ok(lb.r && lb.r->ntrace == 9 && !strcmp(lb.r->trace[0].func, "zdx_pagecache_scan") &&
	   !strcmp(lb.r->trace[0].mod, "zdx_walker") && !strcmp(lb.r->trace[7].func, "do_syscall_64") &&
	   !lb.r->trace[7].mod[0], "then its reliable Call Trace: %d frames, zdx_pagecache_scan [zdx_walker] .. "
	   "do_syscall_64, entry_SYSCALL_64_after_hwframe", lb.r ? lb.r->ntrace : -1);
	if (p->dexc >= 0)
		snprintf(p->bt.exc[p->dexc].func, sizeof(p->bt.exc[0].func), "zdx_page_owner_ino");
	else
		snprintf(p->bt.frame[0].func, sizeof(p->bt.frame[0].func), "zdx_page_owner_ino");
	ok(zdx_panic_log_bt(p, b, &lb) == 1, "crash names the faulting function but lost the module's "
	   "callers (no module symbols): the log's report stands in");
	with_module_frames(p, (struct zdx_bt *)b);
	ok(zdx_panic_log_bt(p, b, &lb) == 0, "crash names the faulting function and the module's callers: "
	   "its bt stands");
}

int main(int argc, char **argv)
{
	const char *env = getenv("ZDX_PANIC_FIXTURES");
	char exe[4096];

	snprintf(exe, sizeof(exe), "%s", argv[0]);
	snprintf(fxdir, sizeof(fxdir), "%s", env ? env : "tests/unit/panic_fixtures");
	if (!env && access(fxdir, R_OK))
		snprintf(fxdir, sizeof(fxdir), "%s/panic_fixtures", dirname(exe));
	timer_softirq_idle();
	timer_idle_61();
	softlockup_timer_61();
	softlockup_timer_612();
	hardirq_busy();
	nested();
	nested_log_only();
	softlockup();
	nmi_hardlockup();
	qmp_top_registers();
	irq_bogus_user_cs();
	warn_and_log_only();
	old_cases();
	caps_counted();
	log_bt_panic_612();
	log_bt_module_72();
	return tap_done();
}
