/*
 * Parse crash's `bt` text (x86_64): the header, every frame, every
 * exception frame with its registers and crash's "possibly bogus" warning,
 * and the stack segments between "--- <X> ---" markers.
 *
 * How crash lays it out (x86_64.c): frames run innermost first; a marker
 * line closes the segment above it ("--- <IRQ stack> ---" follows the
 * frames that ran on the IRQ stack).  The registers a stack switch saved
 * (the interrupted context) are printed on the far side for the IRQ stack
 * (after the marker, under the entry frame) but on the near side for an
 * exception stack (just before its marker): both are moved to the segment
 * of the code they describe and marked as a boundary.  A kernel-mode frame
 * starts with "[exception RIP: ...]"; a user-mode one is a bare register
 * block, and so is a garbage frame whose CS looks like user mode.  crash
 * prints the bogus-frame warning after the frame's registers ("bt: " in
 * front when its errors go to a pipe).  From a dump with per-CPU register
 * notes (QMP, kdump of another CPU) crash first prints the CPU's registers
 * at dump time, before frame #0, in the same "[exception RIP:" form.
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

/* The hex value after a whole-word "KEY:" ("R8:" must not match inside
 * "ORIG_RAX:"); 1 if found. */
static int word_value(const char *line, const char *name, uint64_t *v)
{
	char key[12];
	const char *p = line;
	size_t k;

	snprintf(key, sizeof(key), "%s:", name);
	k = strlen(key);
	while ((p = strstr(p, key))) {
		if (p == line || p[-1] == ' ') {
			char *end;

			*v = strtoull(p + k, &end, 16);
			return end != p + k;
		}
		p += k;
	}
	return 0;
}

static void parse_reg_line(const char *line, struct zdx_exc *x)
{
	size_t i;
	uint64_t v;

	for (i = 0; i < sizeof(bt_regs) / sizeof(bt_regs[0]); i++)
		if (word_value(line, bt_regs[i].name, &v))
			zdx_regs_set(&x->regs, bt_regs[i].reg, v);
	if (word_value(line, "CS", &v))
		x->cs = v;
	if (word_value(line, "SS", &v))
		x->ss = v;
}

/* " #7 [ffffc90000d3bc50] func at ffffffff81a00aa6 [module]" */
static int parse_frame_line(const char *line, struct zdx_frame *f)
{
	char func[64], mod[40] = "";
	unsigned long long sp, pc;
	int n = 0;

	memset(f, 0, sizeof(*f));
	if (sscanf(line, " #%*d [%llx] %63s at %llx %n", &sp, func, &pc, &n) < 3)
		return -1;
	if (n)
		sscanf(line + n, "[%31[^]]]", mod);
	snprintf(f->func, sizeof(f->func), "%s", func);
	snprintf(f->module, sizeof(f->module), "%s", mod);
	f->sp = sp;
	f->pc = pc;
	return 0;
}

/* "PID: 153  TASK: ffff888004b8a100  CPU: 0  COMMAND: "insmod"" */
static void parse_header(const char *line, struct zdx_bt *b)
{
	const char *s;

	b->pid = strtol(strstr(line, "PID:") + 4, NULL, 10);
	if ((s = strstr(line, "TASK:")))
		b->task = strtoull(s + 5, NULL, 16);
	if ((s = strstr(line, "CPU:")))
		b->cpu = strstr(s, "CPU: (") ? -1 : (int)strtol(s + 4, NULL, 10);
	if ((s = strstr(line, "COMMAND: \"")))
		sscanf(s + 10, "%31[^\"]", b->comm);
}

/* "[exception RIP: func+69]", "+0x45", or a message with no symbol. */
static void parse_exc_head(const char *s, struct zdx_exc *x)
{
	char *plus, *end;

	snprintf(x->rip_text, sizeof(x->rip_text), "%s", s);
	x->rip_text[strcspn(x->rip_text, "]")] = 0;
	if (strchr(x->rip_text, ' ') || !x->rip_text[0])
		return;                /* "unknown or invalid address", "user space" */
	snprintf(x->func, sizeof(x->func), "%.63s", x->rip_text);
	if ((plus = strchr(x->func, '+'))) {
		/* crash prints the offset in its output radix: "+69" or "+0x45" */
		x->off = strtoull(plus + 1, &end, 0);
		*plus = 0;
	}
}

struct bt_state {
	struct zdx_bt *b;
	int in_regs;              /* inside an exception frame's register block */
	int frames_since_mark;    /* frame lines since the last marker */
	int last_was_exc;         /* nothing but an exception frame since the last frame line */
	int irq_marker;           /* the last marker switched from the IRQ stack */
};

static struct zdx_exc *new_exc(struct bt_state *st)
{
	struct zdx_bt *b = st->b;
	struct zdx_exc *x;

	if (b->nexc >= ZDX_MAX_EXC) {
		b->exc_dropped++;
		return NULL;
	}
	x = &b->exc[b->nexc++];
	memset(x, 0, sizeof(*x));
	x->frame = b->nframes;
	x->seg = b->nseg - 1;
	x->at_dump = b->nframes == 0 && b->nseg == 1;
	/* the first exception frame under the entry frame after an IRQ-stack
	 * marker is what the interrupt interrupted */
	x->boundary = st->irq_marker && st->frames_since_mark <= 1;
	st->in_regs = 1;
	st->last_was_exc = 1;
	return x;
}

static void marker(struct bt_state *st, const char *name)
{
	struct zdx_bt *b = st->b;
	struct zdx_exc *x = b->nexc ? &b->exc[b->nexc - 1] : NULL;

	snprintf(b->seg[b->nseg - 1].name, sizeof(b->seg[0].name), "%s", name);
	if (b->nseg < ZDX_MAX_SEGS) {
		b->nseg++;
		snprintf(b->seg[b->nseg - 1].name, sizeof(b->seg[0].name), "process stack");
	}
	/* an exception stack's saved frame, printed just above its marker,
	 * describes the code below it */
	if (x && st->last_was_exc && x->frame == b->nframes && strstr(name, "exception stack")) {
		x->seg = b->nseg - 1;
		x->boundary = 1;
	}
	st->irq_marker = strstr(name, "IRQ") != NULL;
	st->frames_since_mark = 0;
	st->last_was_exc = 0;
	st->in_regs = 0;
}

static void parse_line(struct bt_state *st, const char *buf)
{
	struct zdx_bt *b = st->b;
	struct zdx_exc *x = b->nexc ? &b->exc[b->nexc - 1] : NULL;
	const char *s;
	char name[40];

	if (strstr(buf, "PID:") && strstr(buf, "TASK:") && !b->valid) {
		parse_header(buf, b);
		b->valid = 1;
	} else if ((s = strstr(buf, "[exception RIP: "))) {
		if ((x = new_exc(st)))
			parse_exc_head(s + 16, x);
	} else if (strstr(buf, "possibly bogus exception frame")) {
		if (x)
			x->bogus = 1;
	} else if (sscanf(buf, " --- <%39[^>]> ---", name) == 1) {
		marker(st, name);
	} else if (st->in_regs && x && strchr(buf, ':') && !strstr(buf, " #")) {
		parse_reg_line(buf, x);
		if (strstr(buf, "ORIG_RAX:"))
			st->in_regs = 0;
	} else if (!strncmp(buf + strspn(buf, " "), "RIP: ", 5)) {
		/* a register block with no [exception RIP:] line: user mode */
		if ((x = new_exc(st))) {
			x->user = 1;
			snprintf(x->rip_text, sizeof(x->rip_text), "user space");
			parse_reg_line(buf, x);
		}
	} else if (b->nframes >= ZDX_MAX_FRAMES) {
		struct zdx_frame f;

		if (parse_frame_line(buf, &f) == 0)
			b->frames_dropped++;
	} else if (parse_frame_line(buf, &b->frame[b->nframes]) == 0) {
		b->frame[b->nframes].seg = b->nseg - 1;
		b->nframes++;
		st->frames_since_mark++;
		st->last_was_exc = 0;
		st->in_regs = 0;
	}
}

int zdx_next_line(const char **pos, char *buf, size_t n)
{
	const char *line = *pos, *nl;
	size_t len;

	if (!line || !*line)
		return 0;
	nl = strchr(line, '\n');
	len = nl ? (size_t)(nl - line) : strlen(line);
	if (len >= n)
		len = n - 1;
	memcpy(buf, line, len);
	buf[len] = 0;
	*pos = nl ? nl + 1 : NULL;
	return 1;
}

void zdx_bt_parse(const char *text, struct zdx_bt *b)
{
	struct bt_state st = { .b = b };
	const char *pos = text;
	char buf[512];

	memset(b, 0, sizeof(*b));
	b->cpu = -1;
	b->nseg = 1;
	snprintf(b->seg[0].name, sizeof(b->seg[0].name), "process stack");
	while (zdx_next_line(&pos, buf, sizeof(buf)))
		parse_line(&st, buf);
}
