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
    try:
        text = prog["VMCOREINFO"].string_().decode(errors="replace")
    except (KeyError, LookupError, drgn.FaultError):
        text = prog["vmcoreinfo_data"].string_().decode(errors="replace")
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


def section_bits(prog):
    names = ["SECTION_MARKED_PRESENT", "SECTION_HAS_MEM_MAP", "SECTION_IS_ONLINE",
             "SECTION_IS_EARLY", "SECTION_TAINT_ZONE_DEVICE"]
    bits = {}
    for n in names:
        try:
            bits[n] = prog[n + "_BIT"].value_()
        except (KeyError, LookupError):
            pass
    try:
        last = prog["SECTION_MAP_LAST_BIT"].value_()
    except (KeyError, LookupError):
        last = None
    return bits, last


def sections(prog, info):
    roots = prog["mem_section"]
    nroots = int(info["LENGTH(mem_section)"])
    per_root = prog["PAGE_SIZE"].value_() // drgn.sizeof(prog.type("struct mem_section")) \
        if "PAGE_SIZE" in dir(prog) else 4096 // drgn.sizeof(prog.type("struct mem_section"))
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
    bits, last = section_bits(prog)
    res = {"section_bits": bits, "section_map_last_bit": last,
           "sections": sections(prog, info), "pgmap_of": {}}
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
