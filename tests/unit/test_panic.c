/* Parsing crash's bt text and the kernel's oops report. */
#include <string.h>
#include "tap.h"
#include "zdx/panic.h"

static const char bt[] =
"PID: 153      TASK: ffff888004b8a100  CPU: 0    COMMAND: \"insmod\"\n"
" #0 [ffffc900004bb9b8] machine_kexec at ffffffff8106c1a7\n"
" #5 [ffffc900004bbc38] asm_exc_general_protection at ffffffff81c00aa6\n"
"    [exception RIP: scan_pages+69]\n"
"    RIP: ffffffffc0a3c045  RSP: ffffc900004bbce8  RFLAGS: 00010206\n"
"    RAX: 8d793816181d0334  RBX: ffffea0001800040  RCX: 0000000000000000\n"
"    RDX: 0000000000060001  RSI: 0000000000000001  RDI: ffffea0001800040\n"
"    RBP: ffffc900004bbd10   R8: 0000000000000000   R9: ffffc900004bbb58\n"
"    R10: 0000000000000001  R11: 0000000000000001  R12: 0000000000060001\n"
"    R13: 0000000000060200  R14: ffffffffc0a3e040  R15: 0000000000000000\n"
"    ORIG_RAX: ffffffffffffffff  CS: 0010  SS: 0018\n"
" #6 [ffffc900004bbd18] zdx_walker_init at ffffffffc0a3c2a5 [zdx_walker]\n"
" #7 [ffffc900004bbd40] do_one_initcall at ffffffff81002216\n";

static const char logtext[] =
"[    3.1] BUG: unable to handle page fault for address: ffffea0000000000\n"
"[    9.0] general protection fault, probably for non-canonical address 0x8d793816181d0334: 0000 [#1] PREEMPT SMP NOPTI\n"
"[    9.1] CPU: 0 PID: 153 Comm: insmod\n"
"[    9.2] page:ffffea0001800040 refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x60001\n";

int main(void)
{
	struct zdx_panic p;

	memset(&p, 0, sizeof(p));
	zdx_panic_parse_bt(bt, &p);
	ok(p.have_exception && !strcmp(p.exc_func, "scan_pages"), "exception function: %s", p.exc_func);
	ok(p.exc_off == 69, "offset parsed as crash prints it, decimal (%llu)", (unsigned long long)p.exc_off);
	is_u64(p.regs.r[ZDX_RIP], 0xffffffffc0a3c045ULL, "RIP");
	is_u64(p.regs.r[ZDX_RBX], 0xffffea0001800040ULL, "RBX");
	is_u64(p.regs.r[ZDX_R8], 0, "R8 (right-aligned name)");
	is_u64(p.regs.r[ZDX_R12], 0x60001, "R12");
	is_u64(p.regs.r[ZDX_RSP], 0xffffc900004bbce8ULL, "RSP");
	ok(!(p.regs.valid & (1u << 17)), "ORIG_RAX is not a register slot");
	ok(p.nframes == 4 && p.exc_frame == 2, "frames %d, first after exception %d", p.nframes, p.exc_frame);
	ok(!strcmp(p.frame[2].module, "zdx_walker") && p.frame[2].pc == 0xffffffffc0a3c2a5ULL,
	   "module frame parsed");

	zdx_panic_parse_log(logtext, &p);
	ok(p.gpf && p.have_fault_addr && p.fault_addr == 0x8d793816181d0334ULL,
	   "the last oops wins: GPF address");
	ok(p.ndump_page == 1 && p.dump_page[0].page == 0xffffea0001800040ULL &&
	   p.dump_page[0].have_pfn && p.dump_page[0].pfn == 0x60001, "dump_page() line");
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_log("[ 1.0] kernel BUG at mm/page_alloc.c:1234!\n"
			    "[ 1.1] invalid opcode: 0000 [#1] SMP\n", &p);
	ok(p.bug && !strcmp(p.bug_at, "mm/page_alloc.c:1234"), "kernel BUG at: %s", p.bug_at);
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_log("[ 1.0] BUG: unable to handle page fault for address: ffffea0001c00000\n", &p);
	ok(p.have_fault_addr && p.fault_addr == 0xffffea0001c00000ULL && !p.gpf, "page fault address");
	memset(&p, 0, sizeof(p));
	zdx_panic_parse_bt("garbage\n #x [zz] nothing\n[exception RIP: \n", &p);
	ok(p.nframes == 0, "garbage text yields no frames");
	return tap_done();
}
