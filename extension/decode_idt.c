/*
 * The x86 IDT, decoded from bytes: which entry stubs handle exceptions.
 * Since the idtentry rework of 5.8 the exception stubs (asm_exc_*) and the
 * interrupt stubs (asm_sysvec_*, asm_common_interrupt) all sit between
 * __irqentry_text_start and _end, so a frame there may be either: the
 * dump's own idt_table tells them apart, without their names.
 */
#include <stdint.h>
#include "zdx/field.h"
#include "zdx/layout.h"
#include "zdx/panic.h"

/* A gate keeps its handler's address in three fields, lowest bits first
 * (struct gate_struct: offset_low, offset_middle, offset_high); their
 * widths come from debuginfo. */
uint64_t zdx_idt_gate_handler(const struct zdx_layout *l, const void *idt, unsigned long len, int v)
{
	const unsigned char *g;
	uint64_t lo, mid, hi;
	unsigned long at;
	unsigned shift_mid, shift_hi;

	if (l->sz_gate_struct <= 0 || v < 0 || l->sz_gate_offset_low <= 0 ||
	    l->sz_gate_offset_middle <= 0 || l->sz_gate_offset_high <= 0 ||
	    l->sz_gate_offset_low + l->sz_gate_offset_middle + l->sz_gate_offset_high > 8)
		return 0;
	at = (unsigned long)v * (unsigned long)l->sz_gate_struct;
	if (at >= len)
		return 0;
	g = (const unsigned char *)idt + at;
	if (zdx_field(g, len - at, l->off_gate_offset_low, l->sz_gate_offset_low, &lo) ||
	    zdx_field(g, len - at, l->off_gate_offset_middle, l->sz_gate_offset_middle, &mid) ||
	    zdx_field(g, len - at, l->off_gate_offset_high, l->sz_gate_offset_high, &hi))
		return 0;
	shift_mid = 8 * (unsigned)l->sz_gate_offset_low;
	shift_hi = shift_mid + 8 * (unsigned)l->sz_gate_offset_middle;
	return lo | mid << shift_mid | (shift_hi < 64 ? hi << shift_hi : 0);
}

int zdx_idt_is_exception_entry(const struct zdx_layout *l, const void *idt, unsigned long len,
			       uint64_t fn)
{
	int v, decoded = 0;

	for (v = 0; v < ZDX_X86_EXCEPTION_VECTORS; v++) {
		uint64_t h = zdx_idt_gate_handler(l, idt, len, v);

		if (!h)
			continue;
		decoded = 1;
		if (h == fn)
			return 1;
	}
	return decoded ? 0 : -1;
}
