/* Fixture for tests/unit/test_dwarf.c.
 *
 * test_dwarf compiles this file at run time (gcc -g at -O2 and -O0, as a
 * relocatable object like a kernel module and as a shared object), loads
 * the shared object and *runs* these functions.  At each CAPTURE point
 * fx_capture() records the real registers and the stack above them, so
 * the test can check that what zdx's DWARF evaluator recovers from the
 * debuginfo is exactly what the code held -- no expected value is taken
 * from the DWARF itself.
 *
 * Built with -nostdlib -ffreestanding -mno-red-zone (the trampoline's call
 * would clobber a red zone, as in the kernel), so no libc here. */

typedef unsigned long u64;

/* Same size as the kernel's (64 bytes), so pointer arithmetic matches. */
struct page { unsigned long flags; void *mapping; unsigned long priv[6]; };
struct folio { struct page page; };
typedef struct { u64 val; } pfn_t;
struct pfn_range { unsigned long start_pfn, end_pfn; };

#define vmemmap ((struct page *)0xffffea0000000000UL)

/* ---- capture machinery ---------------------------------------------- */

#define FX_NSNAP 4
#define FX_STACK 2048

struct fx_snap {
	u64 regs[17];			/* DWARF numbering; [7] = rsp, [16] = rip */
	unsigned char stack[FX_STACK];	/* memory at [rsp, rsp + FX_STACK) */
};

struct fx_state {
	int n;
	struct fx_snap snap[FX_NSNAP];
};

__attribute__((visibility("hidden"))) struct fx_state fx_state;
__attribute__((visibility("hidden"))) u64 fx_scratch[17];

struct fx_state *fx_get_state(void)
{
	return &fx_state;
}

void fx_reset(void)
{
	fx_state.n = 0;
}

/* Called by fx_capture on an aligned stack, after it saved the registers. */
__attribute__((used, visibility("hidden"))) void fx_save(void)
{
	volatile unsigned char *sp = (volatile unsigned char *)fx_scratch[7];
	struct fx_snap *s;

	if (fx_state.n >= FX_NSNAP)
		return;
	s = &fx_state.snap[fx_state.n++];
	for (int i = 0; i < 17; i++)
		s->regs[i] = fx_scratch[i];
	for (int i = 0; i < FX_STACK; i++)
		s->stack[i] = sp[i];
}

/* Saves every register as it was at the call site (rsp as after return,
 * rip = the return address), calls fx_save, restores everything. */
__asm__(
	".text\n"
	".globl fx_capture\n"
	".hidden fx_capture\n"
	".type fx_capture, @function\n"
	"fx_capture:\n"
	"	mov %rax, fx_scratch+0(%rip)\n"
	"	mov %rdx, fx_scratch+8(%rip)\n"
	"	mov %rcx, fx_scratch+16(%rip)\n"
	"	mov %rbx, fx_scratch+24(%rip)\n"
	"	mov %rsi, fx_scratch+32(%rip)\n"
	"	mov %rdi, fx_scratch+40(%rip)\n"
	"	mov %rbp, fx_scratch+48(%rip)\n"
	"	lea 8(%rsp), %rax\n"
	"	mov %rax, fx_scratch+56(%rip)\n"
	"	mov %r8, fx_scratch+64(%rip)\n"
	"	mov %r9, fx_scratch+72(%rip)\n"
	"	mov %r10, fx_scratch+80(%rip)\n"
	"	mov %r11, fx_scratch+88(%rip)\n"
	"	mov %r12, fx_scratch+96(%rip)\n"
	"	mov %r13, fx_scratch+104(%rip)\n"
	"	mov %r14, fx_scratch+112(%rip)\n"
	"	mov %r15, fx_scratch+120(%rip)\n"
	"	mov (%rsp), %rax\n"
	"	mov %rax, fx_scratch+128(%rip)\n"
	"	pushfq\n"
	"	mov %rsp, %rbx\n"
	"	and $-16, %rsp\n"
	"	call fx_save\n"
	"	mov %rbx, %rsp\n"
	"	popfq\n"
	"	mov fx_scratch+0(%rip), %rax\n"
	"	mov fx_scratch+8(%rip), %rdx\n"
	"	mov fx_scratch+16(%rip), %rcx\n"
	"	mov fx_scratch+24(%rip), %rbx\n"
	"	mov fx_scratch+32(%rip), %rsi\n"
	"	mov fx_scratch+40(%rip), %rdi\n"
	"	mov fx_scratch+64(%rip), %r8\n"
	"	mov fx_scratch+72(%rip), %r9\n"
	"	mov fx_scratch+80(%rip), %r10\n"
	"	mov fx_scratch+88(%rip), %r11\n"
	"	ret\n"
	".size fx_capture, .-fx_capture\n");

/* A snapshot point.  The operands keep the named values live (and, with
 * constraints like "b", in a known register) at the captured pc; the nop
 * makes the return address -- the captured rip -- fall inside the asm
 * statement, where the compiler's view of every variable is unchanged. */
#define CAPTURE(...) __asm__ volatile("call fx_capture\n\tnop" : : __VA_ARGS__ : "memory")

#define NOINLINE __attribute__((noinline, noclone))

/* Kill every call-clobbered register but those the asm operands use. */
#define CLOBBER_ARGS "rdi", "rsi", "rdx", "rcx", "rax", "r8", "r9", "r10", "r11"

NOINLINE void fx_sink(unsigned long x)
{
	__asm__ volatile("" : : "r"(x));
}

/* ---- 1. values in registers ------------------------------------------ */

NOINLINE unsigned long fx_reg(struct page *page)
{
	unsigned long pfn = page - vmemmap;

	/* page moves to rbx; the argument registers die, so at the capture
	 * DWARF can place page only in rbx. */
	__asm__ volatile("" : "+b"(page), "+r"(pfn) : : CLOBBER_ARGS);
	CAPTURE("b"(page), "r"(pfn));
	return pfn;
}

/* ---- 2. an inlined helper -------------------------------------------- */

static inline __attribute__((always_inline))
unsigned long fx_pfn_of(struct page *pg)
{
	unsigned long pfn = pg - vmemmap;

	CAPTURE("r"(pg), "r"(pfn));
	return pfn;
}

NOINLINE unsigned long fx_inline(struct folio *folio, unsigned long n)
{
	unsigned long sum = 0;

	for (unsigned long i = 0; i < n; i++)
		sum += fx_pfn_of(&folio->page + i);	/* FX-INLINE-CALL */
	return sum;
}

/* ---- 3. a value in the stack frame (fbreg through the CFA) ----------- */

NOINLINE unsigned long fx_slot(struct page *page)
{
	volatile unsigned long pfn = page - vmemmap;	/* lives in the frame */

	CAPTURE("r"(page));
	return pfn;
}

/* ---- 4. a value in pieces -------------------------------------------- */

NOINLINE unsigned long fx_pieces(unsigned long a, unsigned long b)
{
	struct pfn_range range = { a >> 12, b >> 12 };

	__asm__ volatile("" : "+r"(range.start_pfn), "+r"(range.end_pfn) : : CLOBBER_ARGS);
	CAPTURE("r"(range.start_pfn), "r"(range.end_pfn));
	return range.end_pfn - range.start_pfn;
}

/* Only start_pfn is kept; end_pfn's piece can only be described from the
 * entry value of b, which nothing preserved. */
NOINLINE unsigned long fx_half(unsigned long a, unsigned long b)
{
	struct pfn_range range = { a >> 12, b >> 12 };

	__asm__ volatile("" : "+r"(range.start_pfn) : : CLOBBER_ARGS);
	CAPTURE("r"(range.start_pfn));
	return range.start_pfn;
}

/* ---- 5. parameters known only through their entry values ------------ */

NOINLINE void fx_entry(struct page *page, unsigned long pfn)
{
	fx_sink((unsigned long)page);	/* page is dead after this call */
	fx_sink(pfn + 1);
	CAPTURE("i"(0));
}

/* ---- 6. a caller frame, through CFI ---------------------------------- */

NOINLINE unsigned long fx_leaf(unsigned long x)
{
	/* Scribble on the callee-saved registers (so the prologue saves
	 * them and a lazy unwinder that keeps the callee's registers would
	 * see garbage), then capture. */
	__asm__ volatile("mov $0x1111, %%rbx\n\tmov $0x1212, %%r12\n\t"
			 "mov $0x1313, %%r13\n\tmov $0x1414, %%r14\n\t"
			 "mov $0x1515, %%r15"
			 : : : "rbx", "r12", "r13", "r14", "r15");
	CAPTURE("r"(x));
	return x + 1;
}

NOINLINE unsigned long fx_outer(struct page *page)
{
	unsigned long pfn = page - vmemmap;
	unsigned long r = fx_leaf(pfn);		/* FX-OUTER-CALL */

	CAPTURE("r"(page), "r"(pfn));
	return r + pfn;
}
