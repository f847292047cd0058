/*
 * Parse the kernel log's own reports: oops and BUG headers
 * (arch/x86/mm/fault.c, arch/x86/kernel/traps.c), WARN (kernel/panic.c
 * __warn), soft and hard lockups (kernel/watchdog*.c), NMI backtraces
 * (lib/nmi_backtrace.c), panic(); each report's "CPU: N PID: P Comm: C"
 * line, its first register dump (__show_regs: "RIP: 0010:func+0x1b/0x40
 * [mod]", "RSP: 0018:...", "RAX: ... RBX: ... RCX: ...", ..., "R13: ...
 * R15: ...") and the first stack marker of its Call Trace; and dump_page()
 * lines (mm/debug.c).
 *
 * A register dump inside a Call Trace belongs to the context the report's
 * code interrupted (show_trace_log_lvl prints it at a stack switch): it is
 * never the report's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zdx/panic.h"

static const struct { const char *name; int reg; } log_regs[] = {
	{ "RAX", ZDX_RAX }, { "RBX", ZDX_RBX }, { "RCX", ZDX_RCX }, { "RDX", ZDX_RDX },
	{ "RSI", ZDX_RSI }, { "RDI", ZDX_RDI }, { "RBP", ZDX_RBP },
	{ "R08", ZDX_R8 }, { "R09", ZDX_R9 }, { "R8", ZDX_R8 }, { "R9", ZDX_R9 },
	{ "R10", ZDX_R10 }, { "R11", ZDX_R11 }, { "R12", ZDX_R12 }, { "R13", ZDX_R13 },
	{ "R14", ZDX_R14 }, { "R15", ZDX_R15 },
};

/* Where in a report the parser is (struct zdx_panic.log_state). */
enum { ST_HEAD, ST_REGS, ST_TRACE };

/* The value after a marker, e.g. "address: " → 0xffffea0001800040. */
static int value_after(const char *line, const char *marker, uint64_t *v, int base)
{
	const char *p = strstr(line, marker);
	char *end;

	if (!p)
		return 0;
	*v = strtoull(p + strlen(marker), &end, base);
	return end != p + strlen(marker);
}

/* Whole-word "KEY: value" in a register line ("RAX:" not in "ORIG_RAX:"). */
static int reg_value(const char *line, const char *name, uint64_t *v)
{
	char key[12];
	const char *p = line;

	snprintf(key, sizeof(key), "%s: ", name);
	while ((p = strstr(p, key))) {
		if (p == line || p[-1] == ' ') {
			const char *s = p + strlen(key);
			char *end;

			*v = strtoull(s, &end, 16);
			if (*end == ':') {          /* "RSP: 0018:ffffc9...": segment first */
				s = end + 1;
				*v = strtoull(s, &end, 16);
			}
			return end != s;
		}
		p += strlen(key);
	}
	return 0;
}

static struct zdx_report *cur(struct zdx_panic *p)
{
	return p->nrep ? &p->rep[p->nrep - 1] : NULL;
}

static struct zdx_report *start(struct zdx_panic *p, enum zdx_rep_kind kind, const char *text)
{
	struct zdx_report *r;

	if (p->nrep >= ZDX_MAX_REPORTS) {
		/* keep the latest: the panic is at the end of the log */
		memmove(&p->rep[0], &p->rep[1], sizeof(p->rep[0]) * (ZDX_MAX_REPORTS - 1));
		p->nrep--;
		p->reports_dropped++;
	}
	r = &p->rep[p->nrep++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->cpu = r->subject_cpu = -1;
	r->pid = -1;
	r->episode = p->cur_episode;
	r->connected = p->after_end && !p->foreign;
	p->after_end = 0;
	snprintf(r->head, sizeof(r->head), "%.159s", text);
	p->log_state = ST_HEAD;
	p->in_trace = 0;
	return r;
}

/* "RIP: 0010:zdx_page_owner_ino+0x1b/0x40 [zdx_walker]"; a user-mode or
 * symbol-less RIP ("RIP: 0033:0x7f...") gives no function. */
static void parse_rip(const char *s, struct zdx_report *r)
{
	char sym[128] = "", mod[40] = "";
	char *plus, *slash;

	if (sscanf(s, "RIP: %*x:%127s [%39[^]]]", sym, mod) < 1 || !strncmp(sym, "0x", 2) ||
	    sym[0] == '[')
		return;
	r->have_rip = 1;
	if ((plus = strchr(sym, '+'))) {
		*plus = 0;
		r->rip_off = strtoull(plus + 1, &slash, 16);
		if (*slash == '/')
			r->rip_len = strtoull(slash + 1, NULL, 16);
	}
	snprintf(r->rip_func, sizeof(r->rip_func), "%s", sym);
	snprintf(r->rip_mod, sizeof(r->rip_mod), "%s", mod);
}

static void parse_reg_line(const char *s, struct zdx_report *r)
{
	size_t i;
	uint64_t v;

	for (i = 0; i < sizeof(log_regs) / sizeof(log_regs[0]); i++)
		if (reg_value(s, log_regs[i].name, &v))
			zdx_regs_set(&r->regs, log_regs[i].reg, v);
	if (!strncmp(s, "RSP: ", 5) && reg_value(s, "RSP", &v))
		zdx_regs_set(&r->regs, ZDX_RSP, v);
}

/* "page:ffffea0001800040 refcount:1 mapcount:0 mapping:... index:0x0 pfn:0x60001" */
static void parse_dump_page(const char *s, struct zdx_panic *p)
{
	uint64_t page, pfn;

	if (strncmp(s, "page:", 5))
		return;
	if (p->ndump_page >= ZDX_MAX_DUMP_PAGES) {
		p->dump_pages_dropped++;
		return;
	}
	if (!value_after(s, "page:", &page, 16) || page < 0xffff000000000000ULL)
		return;
	p->dump_page[p->ndump_page].page = page;
	p->dump_page[p->ndump_page].have_pfn = value_after(s, " pfn:", &pfn, 16);
	p->dump_page[p->ndump_page].pfn = pfn;
	p->dump_page[p->ndump_page].episode = p->cur_episode;
	p->ndump_page++;
}

static int is_regdump_line(const char *s)
{
	static const char *const start[] = { "RIP: ", "Code: ", "RSP: ", "RAX: ", "RDX: ", "RBP: ",
					     "R10: ", "R13: ", "FS: ", "CS: ", "CR2: ", "DR0: ",
					     "DR3: ", "PKRU: ", "Modules linked in:", "" };
	int i;

	for (i = 0; start[i][0]; i++)
		if (!strncmp(s, start[i], strlen(start[i])))
			return 1;
	return !s[0];
}

/* " func+0x9d/0x170 [mod]" of a Call Trace: a reliable frame.  Returns 1
 * for any line a Call Trace holds (frames, "? func" guesses, <IRQ>/</IRQ>
 * markers), 0 for a line that ends it. */
static int trace_line(const char *s, struct zdx_report *r)
{
	char func[64], mod[32] = "";
	unsigned long long off, len;
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	if ((n > 2 && s[0] == '<' && s[n - 1] == '>') || !strncmp(s, "? ", 2))
		return 1;
	if (sscanf(s, "%63[A-Za-z0-9_.]+0x%llx/0x%llx [%31[A-Za-z0-9_]]", func, &off, &len, mod) < 3)
		return 0;
	if (r->ntrace < ZDX_MAX_LOG_FRAMES) {
		snprintf(r->trace[r->ntrace].func, sizeof(r->trace[0].func), "%s", func);
		snprintf(r->trace[r->ntrace].mod, sizeof(r->trace[0].mod), "%s", mod);
		r->ntrace++;
	} else {
		r->trace_dropped++;
	}
	return 1;
}

/* A line of the report being read. */
static void report_line(struct zdx_panic *p, const char *s, struct zdx_report *r)
{
	const char *c;
	char marker[16];

	if (!r)
		return;
	if (p->in_trace && !is_regdump_line(s) && !trace_line(s, r))
		p->in_trace = 0;
	if (p->log_state != ST_TRACE && (c = strstr(s, "CPU: ")) && strstr(s, "PID: ") &&
	    (c == s || !strncmp(s, "WARNING:", 8))) {
		r->cpu = (int)strtol(c + 5, NULL, 10);
		if (r->subject_cpu < 0)
			r->subject_cpu = r->cpu;
		r->pid = strtol(strstr(s, "PID: ") + 5, NULL, 10);
		if ((c = strstr(s, "Comm: ")))
			sscanf(c + 6, "%31s", r->comm);
	} else if (p->log_state != ST_TRACE && !strncmp(s, "RIP: ", 5)) {
		if (p->log_state == ST_HEAD)
			parse_rip(s, r);
		p->log_state = ST_REGS;
	} else if (p->log_state == ST_REGS && s[0] == 'R' && s[3] == ':' && s[1] != 'I') {
		parse_reg_line(s, r);
	} else if (!strncmp(s, "Call Trace:", 11)) {
		p->log_state = ST_TRACE;
		p->in_trace = 1;
	} else if (p->log_state == ST_TRACE && !r->trace_ctx[0] &&
		   sscanf(s, " <%15[A-Z]>", marker) == 1) {
		snprintf(r->trace_ctx, sizeof(r->trace_ctx), "%s", marker);
	} else if (p->log_state == ST_REGS && !strncmp(s, "Code: ", 6)) {
		/* between RIP and RSP */
	} else if (p->log_state == ST_REGS && s[0] != 'R' && strncmp(s, "FS:", 3) &&
		   strncmp(s, "CS:", 3) && strncmp(s, "CR2:", 4) && strncmp(s, "DR", 2) &&
		   strncmp(s, "PKRU", 4)) {
		p->log_state = ST_TRACE;   /* the register dump has ended */
	}
}

static void parse_log_line(const char *s, struct zdx_panic *p)
{
	struct zdx_report *r;
	const char *t;
	uint64_t v;

	if (strstr(s, "BUG: unable to handle page fault for address: ") ||
	    strstr(s, "BUG: unable to handle kernel paging request at ")) {
		r = start(p, ZDX_REP_FAULT, s);
		r->have_fault_addr = value_after(s, "address: ", &r->fault_addr, 16) ||
				     value_after(s, "request at ", &r->fault_addr, 16);
	} else if (strstr(s, "BUG: kernel NULL pointer dereference, address: ")) {
		r = start(p, ZDX_REP_FAULT, s);
		r->have_fault_addr = value_after(s, "address: ", &r->fault_addr, 16);
	} else if (strstr(s, "general protection fault")) {
		r = start(p, ZDX_REP_GPF, s);
		r->have_fault_addr = value_after(s, "non-canonical address 0x", &r->fault_addr, 16);
	} else if ((t = strstr(s, "kernel BUG at "))) {
		r = start(p, ZDX_REP_BUG, s);
		snprintf(r->bug_at, sizeof(r->bug_at), "%s", t + 14);
		r->bug_at[strcspn(r->bug_at, "!")] = 0;
	} else if (strstr(s, "invalid opcode: ") && !((r = cur(p)) && r->kind == ZDX_REP_BUG &&
						      p->log_state == ST_HEAD)) {
		start(p, ZDX_REP_BUG, s);
	} else if (!strncmp(s, "WARNING: CPU: ", 14)) {
		report_line(p, s, start(p, ZDX_REP_WARN, s));
	} else if ((t = strstr(s, "soft lockup - CPU#"))) {
		r = start(p, ZDX_REP_SOFTLOCKUP, s);
		r->subject_cpu = (int)strtol(t + 18, NULL, 10);
	} else if ((t = strstr(s, "Watchdog detected hard LOCKUP on cpu "))) {
		r = start(p, ZDX_REP_HARDLOCKUP, s);
		r->subject_cpu = (int)strtol(t + 37, NULL, 10);
	} else if ((t = strstr(s, "NMI backtrace for cpu ")) && value_after(t, "cpu ", &v, 10)) {
		r = start(p, ZDX_REP_NMI_BT, s);
		r->subject_cpu = (int)v;
	} else if (strstr(s, "Kernel panic - not syncing: ")) {
		start(p, ZDX_REP_PANIC, s);
	} else if (strstr(s, "---[ end trace")) {
		p->cur_episode++;
		p->log_state = ST_TRACE;
		p->in_trace = 0;
		p->after_end = 1;
		p->foreign = 0;
	} else if (!strncmp(s, "page:", 5)) {
		parse_dump_page(s, p);
	} else {
		/* oops_end() repeats the registers after its end trace ("executive
		 * summary"); anything else means the log moved on */
		if (p->after_end && !is_regdump_line(s))
			p->foreign++;
		report_line(p, s, cur(p));
	}
}

/* The text of a log line: after "[ time]" and an optional "[ T123]". */
static const char *line_text(const char *buf)
{
	while (*buf == '[' && strchr(buf, ']'))
		buf = strchr(buf, ']') + 1 + (strchr(buf, ']')[1] == ' ');
	return buf;
}

void zdx_panic_parse_log(const char *text, struct zdx_panic *p)
{
	const char *pos = text;
	char buf[512];

	p->log_state = ST_TRACE;
	while (zdx_next_line(&pos, buf, sizeof(buf)))
		parse_log_line(line_text(buf), p);
}
