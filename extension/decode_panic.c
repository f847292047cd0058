/*
 * Parse crash's `bt` output (frames, the exception frame's registers) and
 * the kernel log's last oops report.  Formats are crash's and the kernel's
 * (arch/x86/mm/fault.c, arch/x86/kernel/traps.c, mm/debug.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zdx/panic.h"

static const struct { const char *name; int reg; } bt_regs[] = {
	{ "RAX", ZDX_RAX }, { "RBX", ZDX_RBX }, { "RCX", ZDX_RCX }, { "RDX", ZDX_RDX },
	{ "RSI", ZDX_RSI }, { "RDI", ZDX_RDI }, { "RBP", ZDX_RBP }, { "RSP", ZDX_RSP },
	{ "R8", ZDX_R8 }, { "R9", ZDX_R9 }, { "R10", ZDX_R10 }, { "R11", ZDX_R11 },
	{ "R12", ZDX_R12 }, { "R13", ZDX_R13 }, { "R14", ZDX_R14 }, { "R15", ZDX_R15 },
	{ "RIP", ZDX_RIP },
};

/* "RAX: ffff...  RBX: 0000..." → registers. */
static void parse_reg_line(const char *line, struct zdx_regs *r)
{
	size_t i;

	for (i = 0; i < sizeof(bt_regs) / sizeof(bt_regs[0]); i++) {
		char key[8];
		const char *p = line;
		size_t k;

		snprintf(key, sizeof(key), "%s:", bt_regs[i].name);
		k = strlen(key);
		while ((p = strstr(p, key))) {
			/* whole word: "R8:" must not match inside "ORIG_RAX:" etc. */
			if (p == line || p[-1] == ' ') {
				zdx_regs_set(r, bt_regs[i].reg, strtoull(p + k, NULL, 16));
				break;
			}
			p += k;
		}
	}
}

/* " #7 [ffffc90000d3bc50] func at ffffffff81a00aa6 [module]" */
static int parse_frame_line(const char *line, struct zdx_frame *f)
{
	char func[64], mod[40] = "";
	unsigned long long sp, pc;
	int n;

	memset(f, 0, sizeof(*f));
	if (sscanf(line, " #%*d [%llx] %63s at %llx %n", &sp, func, &pc, &n) < 3)
		return -1;
	sscanf(line + n, "[%31[^]]]", mod);
	snprintf(f->func, sizeof(f->func), "%s", func);
	snprintf(f->module, sizeof(f->module), "%s", mod);
	f->sp = sp;
	f->pc = pc;
	return 0;
}

void zdx_panic_parse_bt(const char *text, struct zdx_panic *p)
{
	const char *line = text;

	p->exc_frame = -1;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char buf[512], *ex;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		if ((ex = strstr(buf, "[exception RIP: "))) {
			char *plus;

			p->have_exception = 1;
			memset(&p->regs, 0, sizeof(p->regs));
			snprintf(p->exc_func, sizeof(p->exc_func), "%s", ex + 16);
			if ((plus = strchr(p->exc_func, '+'))) {
				p->exc_off = strtoull(plus + 1, NULL, 10);   /* crash prints decimal */
				*plus = 0;
			}
			strtok(p->exc_func, "]");
			p->exc_frame = p->nframes;
		} else if (p->have_exception && p->exc_frame == p->nframes &&
			   strchr(buf, ':') && !strstr(buf, " #")) {
			parse_reg_line(buf, &p->regs);
		} else if (p->nframes < ZDX_MAX_FRAMES &&
			   parse_frame_line(buf, &p->frame[p->nframes]) == 0) {
			p->nframes++;
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* The value after a marker, e.g. "address: " → 0xffffea0001800040. */
static int value_after(const char *line, const char *marker, uint64_t *v)
{
	const char *p = strstr(line, marker);
	char *end;

	if (!p)
		return 0;
	*v = strtoull(p + strlen(marker), &end, 16);
	return end != p + strlen(marker);
}

/* "page:ffffea0001800040 refcount:1 mapcount:0 mapping:... index:0x0 pfn:0x60001" */
static void parse_dump_page(const char *line, struct zdx_panic *p)
{
	const char *s = strstr(line, "page:");
	uint64_t page, pfn;

	if (!s || (s > line && s[-1] != ' ' && s[-1] != ']') || p->ndump_page >= ZDX_MAX_DUMP_PAGES)
		return;
	if (!value_after(s, "page:", &page) || page < 0xffff000000000000ULL)
		return;
	p->dump_page[p->ndump_page].page = page;
	p->dump_page[p->ndump_page].have_pfn = value_after(s, " pfn:", &pfn);
	p->dump_page[p->ndump_page].pfn = pfn;
	p->ndump_page++;
}

/* A new oops starts: forget what an earlier one said. */
static void oops_start(struct zdx_panic *p, const char *line)
{
	const char *s = strstr(line, "] ");

	p->have_fault_addr = p->gpf = p->bug = 0;
	p->bug_at[0] = 0;
	p->ndump_page = 0;
	snprintf(p->oops, sizeof(p->oops), "%.159s", s ? s + 2 : line);
}

static void parse_log_line(const char *line, struct zdx_panic *p)
{
	const char *s;

	if (strstr(line, "BUG: unable to handle page fault for address: ")) {
		oops_start(p, line);
		p->have_fault_addr = value_after(line, "for address: ", &p->fault_addr);
	} else if (strstr(line, "BUG: kernel NULL pointer dereference, address: ")) {
		oops_start(p, line);
		p->have_fault_addr = value_after(line, "address: ", &p->fault_addr);
	} else if (strstr(line, "general protection fault")) {
		oops_start(p, line);
		p->gpf = 1;
		p->have_fault_addr = value_after(line, "non-canonical address 0x", &p->fault_addr);
	} else if ((s = strstr(line, "kernel BUG at "))) {
		oops_start(p, line);
		p->bug = 1;
		snprintf(p->bug_at, sizeof(p->bug_at), "%s", s + 14);
		strtok(p->bug_at, "!");
	} else if (strstr(line, "invalid opcode: ") && !p->bug) {
		p->bug = 1;
	} else {
		parse_dump_page(line, p);
	}
}

void zdx_panic_parse_log(const char *text, struct zdx_panic *p)
{
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char buf[512];
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		parse_log_line(buf, p);
		line = nl ? nl + 1 : NULL;
	}
}
