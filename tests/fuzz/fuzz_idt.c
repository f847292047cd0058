/* The IDT decoder: a gate layout as debuginfo might give it (sizes and
 * offsets from the input, absent ones included), then the gates' bytes,
 * as many as the input has. */
#include "fuzz.h"
#include "zdx/panic.h"

/* A layout number from one input byte: 0xff is ABSENT, else 0..31. */
static long num(struct cursor *c)
{
	uint64_t b = take(c, 1);

	return b == 0xff ? ZDX_ABSENT : (long)(b & 31);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct zdx_layout l;
	uint64_t fn;
	int v;

	memset(&l, 0, sizeof(l));
	l.sz_gate_struct = num(&c);
	l.off_gate_offset_low = num(&c);
	l.sz_gate_offset_low = num(&c);
	l.off_gate_offset_middle = num(&c);
	l.sz_gate_offset_middle = num(&c);
	l.off_gate_offset_high = num(&c);
	l.sz_gate_offset_high = num(&c);
	fn = take(&c, 8);
	for (v = -1; v <= ZDX_X86_EXCEPTION_VECTORS; v++)
		(void)zdx_idt_gate_handler(&l, c.p, c.n, v);
	(void)zdx_idt_is_exception_entry(&l, c.p, c.n, fn);
	return 0;
}
