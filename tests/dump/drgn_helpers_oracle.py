"""drgn's own helpers as an oracle: what drgn (forky's 0.3.0, run by
dumps/drgn.sh) says about a dump's sections, valid pfns, memory blocks and
pgmaps, each read with drgn's helper for it and drgn's own DWARF reader, so
that nothing of zdx (its layout, its walkers) is in the answer.
tests/dump/test_drgn.py compares it with zdx; tests/dump/kmem_n_table.py
puts drgn's crash-compatible `kmem -n` beside crash's and zdx's.

usage: PYTHON drgn_helpers_oracle.py VMLINUX DUMP [PFN ...]  → JSON on stdout

PYTHON is the python that imports drgn 0.3.0 (dumps/drgn.sh prints it; the
host's bookworm drgn 0.0.22 lacks these helpers).  One process per dump
file answers everything; a part that raises is recorded in "errors" with
its exception and the others still run.  "open_error" (and nothing else)
when drgn cannot open the dump at all.
"""
import contextlib
import io
import json
import sys
import time

import drgn
from drgn.commands import run_command
from drgn.helpers.linux.device import dev_name
from drgn.helpers.linux.mm import (decode_memory_block_state, for_each_memory_block,
                                   for_each_valid_page_range, memory_block_size_bytes)
from drgn.helpers.linux.mmzone import (decode_section_flags, for_each_present_section,
                                       section_decode_mem_map)
from drgn.helpers.linux.xarray import xa_for_each, xa_load


def sections(prog, res):
    """for_each_present_section(): the raw word, the decoded memmap and
    decode_section_flags() (flag names from the kernel's enum on 6.0+,
    drgn's table of the macros before)."""
    res["sections"] = [{"nr": nr, "section_mem_map": s.section_mem_map.value_(),
                        "mem_map": section_decode_mem_map(s, nr).value_(),
                        "flags": decode_section_flags(s).split("|")}
                       for nr, s in for_each_present_section(prog)]


def valid_ranges(prog, res):
    """for_each_valid_page_range(): pfn_valid() as drgn iterates it, whole
    early sections and the sub-section map of the others."""
    res["section_pages"] = 1 << (prog["SECTION_SIZE_BITS"] - prog["PAGE_SHIFT"]).value_()
    res["valid_ranges"] = [[a, b] for a, b, _ in for_each_valid_page_range(prog)]


def memory_blocks(prog, res):
    """for_each_memory_block(): the memory subsystem's devices (drgn walks
    the bus, zdx the memory_blocks XArray)."""
    res["memory_block_bytes"] = memory_block_size_bytes(prog).value_()
    res["memory_blocks"] = [{"name": dev_name(m.dev.address_of_()).decode(),
                             "start_section_nr": m.start_section_nr.value_(),
                             "state": decode_memory_block_state(m),
                             "nid": m.nid.value_() if m.type_.type.has_member("nid") else None}
                            for m in for_each_memory_block(prog)]


def pgmap_ranges(p):
    """The physical ranges of a dev_pagemap: ranges[nr_range] since 5.10
    (a01cbaf9b0e5 "mm/memremap_pages: support multiple ranges per
    invocation"), one struct resource before."""
    t = p.type_.type
    if t.has_member("nr_range"):
        return [[p.ranges[i].start.value_(), p.ranges[i].end.value_()] for i in range(p.nr_range.value_())]
    return [[p.res.start.value_(), p.res.end.value_()]]


def pgmaps(prog, res, pfns):
    """Every entry of pgmap_array (xa_for_each()) with its type, ranges and
    altmap as drgn's DWARF reads them, and xa_load() of each sample pfn."""
    xa = prog["pgmap_array"].address_of_()
    out = {}
    for _, entry in xa_for_each(xa):
        p = drgn.cast("struct dev_pagemap *", entry)
        a = p.altmap
        out["%#x" % p.value_()] = {
            "type": p.type.format_(type_name=False),
            "flags": p.flags.value_(),
            "ranges": pgmap_ranges(p),
            "altmap": {k: getattr(a, k).value_() for k in ("base_pfn", "end_pfn", "reserve", "free", "align", "alloc")},
        }
    res["pgmaps"] = out
    res["pgmap_of"] = {"%#x" % pfn: xa_load(xa, pfn).value_() for pfn in pfns}


def kmem_n(prog, res):
    """drgn's crash-compatible `kmem -n` (drgn.commands._crash), as text."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        run_command(prog, "crash kmem -n", globals={})
    res["kmem_n"] = buf.getvalue()


def timed(res, name, fn, *args):
    t0 = time.time()
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001 -- any failure is the answer
        res["errors"][name] = "%s: %s" % (type(e).__name__, e)
    res["seconds"][name] = round(time.time() - t0, 3)


def main():
    vmlinux, dump = sys.argv[1], sys.argv[2]
    pfns = [int(p, 0) for p in sys.argv[3:]]
    res = {"drgn": drgn.__version__, "errors": {}, "seconds": {}}
    t0 = time.time()
    prog = drgn.Program()
    try:
        prog.set_core_dump(dump)
        # main=True: a vmlinux that is not the dump's kernel is an error,
        # not a silently ignored file.
        prog.load_debug_info([vmlinux], main=True)
    except Exception as e:  # noqa: BLE001
        res["open_error"] = "%s: %s" % (type(e).__name__, e)
        json.dump(res, sys.stdout)
        return
    res["seconds"]["open"] = round(time.time() - t0, 3)
    timed(res, "sections", sections, prog, res)
    timed(res, "valid_ranges", valid_ranges, prog, res)
    timed(res, "memory_blocks", memory_blocks, prog, res)
    timed(res, "pgmaps", pgmaps, prog, res, pfns)
    timed(res, "kmem_n", kmem_n, prog, res)
    res["seconds"]["total"] = round(time.time() - t0, 3)
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
