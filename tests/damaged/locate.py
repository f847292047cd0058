"""Where a kernel object lives in a dump, found through the dump's own
address translation: drgn (/usr/bin/python3's python3-drgn) reads the
symbols, types and memory; virtual -> physical is a walk of the kernel's
own page tables (init_mm.pgd) read from physical memory.  Nothing here
knows an offset: field offsets and sizes come from drgn's types.

drgn opens the scenario's makedumpfile output (vmcore.d31, or the ELF):
libkdumpfile cannot open QEMU's kdump files (their header has no
utsname.sysname).  The generator then checks, byte for byte, that the
target file holds the same bytes at the physical address it patches."""

import drgn
from drgn import offsetof, sizeof
from drgn.helpers.linux.xarray import xa_load

PAGE = 4096
START_KERNEL_MAP = 0xffffffff80000000   # arch/x86/include/asm/page_64_types.h
PTE_PRESENT = 0x1
PTE_PSE = 0x80
PTE_ADDR = 0x000ffffffffff000            # bits 12..51 of an x86_64 entry


def vmcoreinfo(prog):
    """{key: value} of the dump's VMCOREINFO.  drgn keeps the dump's own
    note; vmcoreinfo_data in kernel memory may be excluded from a filtered
    dump."""
    for name in ("VMCOREINFO", "vmcoreinfo_data"):
        try:
            text = prog[name].string_().decode(errors="replace")
            break
        except (KeyError, LookupError, drgn.FaultError):
            text = ""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


class Locator:
    def __init__(self, core, vmlinux):
        self.prog = drgn.Program()
        self.prog.set_core_dump(core)
        self.prog.load_debug_info([vmlinux])
        p = self.prog
        self.phys_base = p.read_u64(p.symbol("phys_base").address)
        try:
            self.levels = 5 if p["__pgtable_l5_enabled"].value_() else 4
        except KeyError:
            self.levels = 4
        pgd = p["init_mm"].pgd.value_()
        self.cr3 = self.kimage_phys(pgd) if pgd >= START_KERNEL_MAP else pgd - self.page_offset()

    def page_offset(self):
        return self.prog["page_offset_base"].value_()

    def kimage_phys(self, va):
        return va - START_KERNEL_MAP + self.phys_base

    def vtop(self, va):
        """Physical address of va through the page tables, or None."""
        table = self.cr3
        shifts = [48, 39, 30, 21, 12][5 - self.levels:]
        for i, sh in enumerate(shifts):
            try:
                e = self.prog.read_u64(table + ((va >> sh) & 511) * 8, True)
            except drgn.FaultError:
                return None
            if not e & PTE_PRESENT:
                return None
            if sh in (30, 21) and e & PTE_PSE:
                return (e & PTE_ADDR & ~((1 << sh) - 1)) | (va & ((1 << sh) - 1))
            table = e & PTE_ADDR
        return table | (va & (PAGE - 1))

    def read(self, va, n):
        return self.prog.read(va, n)

    def read_phys(self, pa, n):
        return self.prog.read(pa, n, True)

    def u64(self, va):
        return self.prog.read_u64(va)

    def off(self, typ, member):
        return offsetof(self.prog.type(typ), member)

    def size(self, typ):
        return sizeof(self.prog.type(typ))

    # --- objects --------------------------------------------------------

    def mem_section_roots(self):
        """Address of the root pointer array (SPARSEMEM_EXTREME's
        struct mem_section **mem_section)."""
        return self.prog["mem_section"].value_()

    def sections_per_root(self):
        return PAGE // self.size("struct mem_section")

    def section_shift(self):
        """PFN_SECTION_SHIFT, from the dump's VMCOREINFO."""
        return int(vmcoreinfo(self.prog)["NUMBER(SECTION_SIZE_BITS)"]) - 12

    def section(self, nr):
        spr = self.sections_per_root()
        root = self.u64(self.mem_section_roots() + 8 * (nr // spr))
        return root + (nr % spr) * self.size("struct mem_section")

    def pgmap_of(self, pfn):
        return xa_load(self.prog["pgmap_array"].address_of_(), pfn).value_()

    def xa_head(self):
        return self.prog["pgmap_array"].address_of_().value_() + self.off("struct xarray", "xa_head")

    def struct_page(self, pfn):
        return self.prog["vmemmap_base"].value_() + pfn * self.size("struct page")
