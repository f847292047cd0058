/*
 * The panic's context, parsed from crash's own `bt` text and the kernel log
 * (pure: text in, facts out).  Only the kernel's own oops report is read
 * from the log — never lines a driver printed about what it was doing.
 */
#ifndef ZDX_PANIC_H
#define ZDX_PANIC_H

#include <stdint.h>
#include "zdx/dwarf.h"

#define ZDX_MAX_FRAMES 64
#define ZDX_MAX_DUMP_PAGES 8

struct zdx_frame {
	char func[64];
	uint64_t pc;              /* the frame's address as bt prints it */
	uint64_t sp;
	char module[32];          /* "" for the kernel image */
};

struct zdx_panic {
	/* from bt */
	int have_exception;
	char exc_func[64];        /* [exception RIP: func+off] */
	uint64_t exc_off;
	struct zdx_regs regs;     /* exception-frame registers */
	struct zdx_frame frame[ZDX_MAX_FRAMES];
	int nframes;
	int exc_frame;            /* index of the first frame after the exception, -1 */
	/* from the log (the last oops) */
	char oops[160];           /* "BUG: unable to handle page fault for address: ..." */
	int have_fault_addr;
	uint64_t fault_addr;      /* CR2, or the non-canonical GPF address */
	int gpf;                  /* general protection fault */
	int bug;                  /* kernel BUG at / invalid opcode */
	char bug_at[96];          /* "mm/foo.c:123" */
	struct { uint64_t page, pfn; int have_pfn; } dump_page[ZDX_MAX_DUMP_PAGES];
	int ndump_page;
};

void zdx_panic_parse_bt(const char *text, struct zdx_panic *p);
void zdx_panic_parse_log(const char *text, struct zdx_panic *p);

#endif
