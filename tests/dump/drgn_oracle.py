#!/usr/bin/python3
"""Independent oracle: drgn reads the same dump and reports sections and
pgmap lookups, so zdx's answers can be checked against a second reader.

usage: drgn_oracle.py VMLINUX DUMP [PFN ...]  → JSON on stdout
"""
import json
import sys

import drgn
from drgn.helpers.linux.xarray import xa_load


def vmcoreinfo(prog):
    # drgn keeps the dump's own VMCOREINFO note; vmcoreinfo_data in kernel
    # memory may be excluded from a filtered dump.
    for name in ("VMCOREINFO", "vmcoreinfo_data"):
        try:
            text = prog[name].string_().decode(errors="replace")
            break
        except (KeyError, LookupError, drgn.FaultError):
            text = ""
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


def section_roots(prog, info, per_root):
    if "LENGTH(mem_section)" in info:
        return int(info["LENGTH(mem_section)"])
    # x86_64 (the corpus' arch): MAX_PHYSMEM_BITS is 52 with 5-level paging,
    # else 46; SECTION_SIZE_BITS is 27 (arch/x86/include/asm/sparsemem.h).
    try:
        l5 = prog["__pgtable_l5_enabled"].value_()
    except (KeyError, LookupError, drgn.FaultError):
        l5 = 0
    return (1 << ((52 if l5 else 46) - 27)) // per_root


def sections(prog, info):
    roots = prog["mem_section"]
    # SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct mem_section); PAGESIZE
    # is in every VMCOREINFO (x86_64, the corpus' arch: 4096).
    page_size = int(info.get("PAGESIZE", 4096))
    per_root = page_size // drgn.sizeof(prog.type("struct mem_section"))
    nroots = section_roots(prog, info, per_root)
    out = []
    for r in range(nroots):
        try:
            root = roots[r]
            if not root.value_():
                continue
            for i in range(per_root):
                ms = root[i]
                coded = ms.section_mem_map.value_()
                if coded:
                    out.append({"nr": r * per_root + i, "coded": coded,
                                "usage": ms.usage.value_() if hasattr(ms, "usage") else 0})
        except drgn.FaultError:
            continue
    return out


def main():
    vmlinux, dump = sys.argv[1], sys.argv[2]
    pfns = [int(p, 0) for p in sys.argv[3:]]
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    info = vmcoreinfo(prog)
    res = {"sections": sections(prog, info), "pgmap_of": {}}
    try:
        arr = prog.object("pgmap_array")
        for pfn in pfns:
            try:
                res["pgmap_of"][hex(pfn)] = xa_load(arr.address_of_(), pfn).value_()
            except drgn.FaultError:
                res["pgmap_of"][hex(pfn)] = None
    except (KeyError, LookupError):
        res["pgmap_array"] = None
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
