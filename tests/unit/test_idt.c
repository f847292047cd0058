/* The IDT decoder (extension/decode_idt.c): which entry stub is an
 * exception's, from the gates' bytes and debuginfo's struct gate_struct
 * (the fixture's: Debian 6.1's); the addresses are that kernel's
 * asm_exc_page_fault and asm_sysvec_apic_timer_interrupt. */
#include <string.h>
#include "tap.h"
#include "layout_fixture.h"
#include "zdx/panic.h"

#define EXC_PAGE_FAULT   0xffffffff81c00be0ULL
#define SYSVEC_APIC_TIMER 0xffffffff81c00ef0ULL

/* Gate v of idt set as pack_gate() would: the address split 16/16/32. */
static void set_gate(unsigned char *idt, int v, uint64_t addr)
{
	unsigned char *g = idt + 16 * v;

	memset(g, 0, 16);
	g[0] = addr & 0xff; g[1] = addr >> 8 & 0xff;
	g[2] = 0x10;                               /* __KERNEL_CS */
	g[5] = 0x8e;                               /* present, DPL 0, interrupt gate */
	g[6] = addr >> 16 & 0xff; g[7] = addr >> 24 & 0xff;
	memcpy(g + 8, (const unsigned char *)&(uint32_t){ (uint32_t)(addr >> 32) }, 4);
}

int main(void)
{
	struct zdx_layout l;
	unsigned char idt[16 * ZDX_X86_EXCEPTION_VECTORS];
	int v;

	fixture_layout_61(&l);
	memset(idt, 0, sizeof(idt));
	for (v = 0; v < ZDX_X86_EXCEPTION_VECTORS; v++)
		if (v != 15)                      /* a reserved vector: no gate */
			set_gate(idt, v, 0xffffffff81c00000ULL + 0x40 * v);
	set_gate(idt, 14, EXC_PAGE_FAULT);

	ok(zdx_idt_gate_handler(&l, idt, sizeof(idt), 14) == EXC_PAGE_FAULT,
	   "gate 14's three address fields make asm_exc_page_fault's address");
	ok(zdx_idt_gate_handler(&l, idt, sizeof(idt), 15) == 0, "an empty gate has no handler");
	ok(zdx_idt_gate_handler(&l, idt, sizeof(idt), ZDX_X86_EXCEPTION_VECTORS) == 0,
	   "a gate past the bytes read: 0, no read past them");
	ok(zdx_idt_gate_handler(&l, idt, 16 * 14 + 10, 14) == 0, "a gate cut short: 0");
	ok(zdx_idt_is_exception_entry(&l, idt, sizeof(idt), EXC_PAGE_FAULT) == 1,
	   "the page-fault stub is an exception entry");
	ok(zdx_idt_is_exception_entry(&l, idt, sizeof(idt), SYSVEC_APIC_TIMER) == 0,
	   "the APIC timer's stub (a system vector above 31) is not");
	ok(zdx_idt_is_exception_entry(&l, idt, sizeof(idt), 0) == 0, "address 0 never matches an empty gate");

	l.sz_gate_offset_high = 8;
	ok(zdx_idt_gate_handler(&l, idt, sizeof(idt), 14) == 0,
	   "fields wider than an address together: refused, not a guess");
	fixture_layout_61(&l);
	l.sz_gate_struct = ZDX_ABSENT;
	ok(zdx_idt_is_exception_entry(&l, idt, sizeof(idt), EXC_PAGE_FAULT) == -1,
	   "no struct gate_struct in debuginfo: unknown (-1), not 'not an exception'");
	fixture_layout_61(&l);
	l.off_gate_offset_middle = ZDX_ABSENT;
	ok(zdx_idt_is_exception_entry(&l, idt, sizeof(idt), EXC_PAGE_FAULT) == -1,
	   "a gate field this kernel lacks: unknown (-1)");
	return tap_done();
}
