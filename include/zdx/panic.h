/*
 * The panic's context, parsed from crash's own `bt` text and the kernel
 * log (pure: text in, facts out).  Only the kernel's own reports are read
 * from the log (oops, BUG, WARN, lockup and NMI-backtrace headers with the
 * registers the kernel printed) — never lines a driver printed about what
 * it was doing.
 *
 * decode_bt.c parses one `bt` (every exception frame with its stack and
 * crash's bogus-frame warning), decode_oops.c the log's reports, and
 * decode_panic.c decides which report and which exception frame the panic
 * is about, in what context that code ran, and where the log's Call Trace
 * stands in for a bt crash cut short.
 */
#ifndef ZDX_PANIC_H
#define ZDX_PANIC_H

#include <stddef.h>
#include <stdint.h>
#include "zdx/dwarf.h"

#define ZDX_MAX_FRAMES 64
#define ZDX_MAX_EXC 8
#define ZDX_MAX_SEGS 6
#define ZDX_MAX_REPORTS 16
#define ZDX_MAX_DUMP_PAGES 8
#define ZDX_MAX_LOG_FRAMES 24

struct zdx_frame {
	char func[64];
	uint64_t pc;              /* the frame's address as bt prints it */
	uint64_t sp;
	char module[32];          /* "" for the kernel image */
	int seg;                  /* stack segment it was printed in */
	int softirq_entry;        /* pc in the kernel's softirq entry text (crash side) */
	int irq_entry;            /* an interrupt's entry: pc in the kernel's irq entry
				   * text, not an exception's (the IDT says; crash side) */
};

/* The context the code at an exception frame's RIP ran in. */
enum zdx_ctx {
	ZDX_CTX_UNKNOWN, ZDX_CTX_TASK, ZDX_CTX_SOFTIRQ, ZDX_CTX_HARDIRQ,
	ZDX_CTX_NMI, ZDX_CTX_EXCSTACK, ZDX_CTX_USER,
};

/* One exception frame of a bt: "[exception RIP: ...]" and its registers,
 * or a register block without that line (crash prints user-mode frames so). */
struct zdx_exc {
	char func[64];            /* symbol crash printed; "" when it found none */
	char rip_text[80];        /* crash's text inside [exception RIP: ...] */
	uint64_t off;             /* offset after the symbol (decimal or 0x hex, as crash printed) */
	struct zdx_regs regs;
	uint64_t cs, ss;
	int user;                 /* user-mode frame */
	int bogus;                /* crash: "possibly bogus exception frame", or crash side:
				     RIP outside kernel text */
	int not_text;             /* bogus because its RIP is not kernel text (crash side) */
	int from_kallsyms;        /* func/off named from the dump's module kallsyms, crash
				     having no symbol there (crash side, decode_modsym.c) */
	char module[32];          /* the module of a func so named, else "" */
	int frame;                /* index in frame[] of the first frame printed after it */
	int seg;                  /* the stack the interrupted code ran on */
	int boundary;             /* the context a switch to another stack interrupted */
	int at_dump;              /* printed before frame #0: the CPU's registers when the
				     dump was taken (QMP/ELF notes), not an exception */
	enum zdx_ctx ctx;         /* filled by zdx_panic_decide() */
};

/* A stack segment: the frames between two "--- <X> ---" markers. */
struct zdx_seg {
	char name[40];            /* "IRQ stack", "NMI exception stack", "process stack" */
};

struct zdx_bt {
	int valid;
	int cpu;                  /* -1 when the header said none */
	long pid;
	char comm[32];
	uint64_t task;
	struct zdx_frame frame[ZDX_MAX_FRAMES];
	int nframes;
	struct zdx_exc exc[ZDX_MAX_EXC];
	int nexc;
	struct zdx_seg seg[ZDX_MAX_SEGS];
	int nseg;
	unsigned long frames_dropped, exc_dropped;   /* beyond the arrays: counted */
};

enum zdx_rep_kind {
	ZDX_REP_FAULT,            /* BUG: unable to handle page fault / NULL pointer */
	ZDX_REP_GPF,              /* general protection fault */
	ZDX_REP_BUG,              /* kernel BUG at / invalid opcode */
	ZDX_REP_WARN,             /* WARNING: CPU: N PID: P at ... */
	ZDX_REP_SOFTLOCKUP,       /* BUG: soft lockup - CPU#N stuck */
	ZDX_REP_HARDLOCKUP,       /* Watchdog detected hard LOCKUP on cpu N */
	ZDX_REP_NMI_BT,           /* NMI backtrace for cpu N */
	ZDX_REP_PANIC,            /* Kernel panic - not syncing: */
};

/* One report the kernel printed, with the first register dump that
 * follows its header (the registers of the code the report is about;
 * dumps inside its Call Trace are interrupted contexts). */
struct zdx_report {
	enum zdx_rep_kind kind;
	char head[160];
	int cpu;                  /* "CPU: N" of the report, -1 */
	int subject_cpu;          /* the CPU it is about ("CPU#N stuck", "on cpu N"), else cpu */
	long pid;
	char comm[32];
	int episode;              /* reports between two "---[ end trace" lines share one */
	int connected;            /* only the oops' closing register summary lies between
				     the last "end trace" and this report: it follows that oops */
	int have_rip;             /* RIP: 0010:func+0xoff/0xlen [mod] */
	char rip_func[64];
	uint64_t rip_off, rip_len;
	char rip_mod[32];
	uint64_t rip_addr;        /* resolved by the crash side (symbol + off), 0 */
	struct zdx_regs regs;     /* GPRs and RSP; RIP only when rip_addr is set */
	char trace_ctx[16];       /* first <IRQ>/<NMI>/<TASK>/<SOFTIRQ> of its Call Trace */
	int have_fault_addr;
	uint64_t fault_addr;      /* CR2, or the non-canonical GPF address */
	char bug_at[96];          /* "mm/foo.c:123" */
	/* the reliable frames of its Call Trace (not "? func": those are
	 * addresses the unwinder found on the stack but could not prove) */
	struct { char func[64]; char mod[32]; } trace[ZDX_MAX_LOG_FRAMES];
	int ntrace;
	unsigned long trace_dropped;   /* reliable frames beyond trace[]: counted */
};

struct zdx_panic {
	/* from bt: the panic task, and the CPU the deciding report is about
	 * when that is another CPU (`bt -c N`) */
	struct zdx_bt bt;
	struct zdx_bt other;
	/* from the log */
	struct zdx_report rep[ZDX_MAX_REPORTS];
	int nrep;
	int cur_episode, log_state, after_end, foreign, in_trace;   /* parser state */
	struct { uint64_t page, pfn; int have_pfn, episode; } dump_page[ZDX_MAX_DUMP_PAGES];
	int ndump_page;
	/* what the fixed arrays could not keep, counted so the answer says so */
	unsigned long reports_dropped;      /* the oldest reports, beyond ZDX_MAX_REPORTS */
	unsigned long dump_pages_dropped;   /* dump_page() lines beyond ZDX_MAX_DUMP_PAGES */

	/* the decision (zdx_panic_decide, which clears everything from here on) */
	int panic_cpu;
	int subject_cpu;          /* the CPU whose code the deciding report is about */
	int drep;                 /* deciding report, -1 */
	int dregs_rep;            /* report whose registers are the log's second source, -1 */
	const struct zdx_bt *dbt; /* the bt the deciding frame is in */
	int dexc;                 /* deciding exception frame in dbt, -1 */
	char why[240];            /* why that frame decided */
	uint32_t disagree;        /* registers where crash's frame and the log differ */
	int compared;             /* registers compared */

	/* flat view of the decision, for the explain code */
	int have_exception;       /* registers of the faulting code are known */
	int regs_from_log;        /* ... and come from the log, not a bt frame */
	char exc_func[64];        /* the faulting function as the log / bt name it */
	uint64_t exc_off;
	char exc_module[32];      /* its module when the dump's module kallsyms named it */
	int exc_from_kallsyms;    /* crash had no symbol: named from the dump's module kallsyms */
	struct zdx_regs regs;
	enum zdx_ctx ctx;
	char oops[160];           /* the deciding report's header */
	int have_fault_addr;
	uint64_t fault_addr;
	int gpf, bug;
	char bug_at[96];
};

/* The text parsers' line reader: the line at *pos (without its newline,
 * cut to n - 1 bytes) into buf, *pos moved past it; 0 at the end. */
int zdx_next_line(const char **pos, char *buf, size_t n);
/* Parse one `bt` of crash into b (zeroed first). */
void zdx_bt_parse(const char *text, struct zdx_bt *b);
/* Parse the kernel log into p's reports and dump_page() lines. */
void zdx_panic_parse_log(const char *text, struct zdx_panic *p);

/* Which report decides, and the CPU whose work it reports (-1 when no
 * report belongs to this panic; *rep gets its index).  Only reports of the
 * panic's own episode count: those the "Kernel panic" line follows without
 * an "end trace" between, or the oops whose end trace and register summary
 * lead straight to it; with no panic line (kdump from the oops itself),
 * the log's last episode.  Among them the last fault/BUG/WARN/lockup on the
 * panicking CPU, else the last one. */
int zdx_panic_subject_cpu(const struct zdx_panic *p, int panic_cpu, int *rep);
/* Choose the deciding exception frame and fill the decision and the flat
 * view.  Call after parsing p->bt (and p->other when the subject CPU is
 * not the panic task's). */
void zdx_panic_decide(struct zdx_panic *p, int panic_cpu);

/* How exception frame i of p->dbt relates to the deciding fault (after
 * zdx_panic_decide()). */
enum zdx_exc_role {
	ZDX_EXC_UNUSABLE = -1,    /* bogus, user mode, or the CPU's registers at dump time */
	ZDX_EXC_DECIDING = 0,
	ZDX_EXC_OUTER,            /* a fault still being handled when the deciding one hit */
	ZDX_EXC_INTERRUPTED,      /* code the faulting code interrupted: support only */
};
enum zdx_exc_role zdx_panic_exc_role(const struct zdx_panic *p, int i);

/* Where crash's bt of the deciding task is cut short, the kernel log's own
 * Call Trace stands in for it (after zdx_panic_decide(); decode_panic.c
 * says when): report r's faulting function (rip_func, rip_mod) when
 * with_rip, then r->trace[from..ntrace). */
struct zdx_log_bt {
	const struct zdx_report *r;
	int with_rip;
	int from;
};
/* Fill lb for b (p->dbt, else p->bt); 1 when the log stands in, 0 (lb
 * zeroed) when crash's bt does. */
int zdx_panic_log_bt(const struct zdx_panic *p, const struct zdx_bt *b, struct zdx_log_bt *lb);

/* x86 reserves vectors 0-31 for exceptions (Intel SDM vol. 3, 6.2);
 * interrupts, external or the kernel's system vectors, come above. */
#define ZDX_X86_EXCEPTION_VECTORS 32

struct zdx_layout;
/* The handler address of gate v of the IDT whose first bytes are
 * idt[0..len) (extension/decode_idt.c); 0 when the layout has no struct
 * gate_struct or the gate is not inside the bytes. */
uint64_t zdx_idt_gate_handler(const struct zdx_layout *l, const void *idt, unsigned long len, int v);
/* 1 when fn (a function's start) is the handler of an exception vector
 * in idt[0..len), 0 when it is not, -1 when no gate could be decoded. */
int zdx_idt_is_exception_entry(const struct zdx_layout *l, const void *idt, unsigned long len,
			       uint64_t fn);

const char *zdx_ctx_name(enum zdx_ctx c);
const char *zdx_rep_kind_name(enum zdx_rep_kind k);

#endif
