#!/usr/bin/python3
"""Print, for docs/kmem-n.md, the side-by-side of crash's `kmem -n`, drgn
0.3.0's crash-compatible `kmem -n` and zdx (`zdx sections -a -j`, the
memory blocks of `zdx map -j`), with the guest's sysfs as the judge of
block states, on the dumps whose path holds one of the
arguments (e.g. 6.1/fsdax-dev/vmcore.d31): runs of sections and of memory
blocks on which the three agree, one row each, and every difference.
Uses the dump tests' cached crash sessions and drgn answers.

usage: ZDX_CACHE=... tests/dump/kmem_n_table.py SUBSTRING...
"""
import functools
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import bundle, crash_binary, crash_refused, dumps, h, load_json, sample_pfns  # noqa: E402
from drgn_run import helpers_oracle  # noqa: E402
from oracle_plan import KMEM_LETTERS  # noqa: E402
from test_memblocks import block_runs  # noqa: E402

LETTER = {w: c for c, w in KMEM_LETTERS.items()}
SECTION_ROW = re.compile(r"\s*(\d+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([A-Z]*)\s+\d+\s*$")
BLOCK_ROW = re.compile(r"\s*[0-9a-f]+\s+memory(\d+)\s+[0-9a-f]+\s*-\s*[0-9a-f]+\s+(?:\d+\s+)?([A-Z_]+)\s+\d+\s*$")


@functools.lru_cache(maxsize=None)
def crash_version(kernel):
    """"crash 9.0.2++" -- what the crash that opens kernel's dumps says it is."""
    r = subprocess.run([crash_binary(kernel), "--version"], capture_output=True, text=True)
    m = re.search(r"^crash \S+", r.stdout, re.M)
    return m.group(0) if m else "crash ?"


def kmem_sections(text):
    """{nr: (coded mem_map, mem_map, STATE letters)} of a kmem -n's section table
    (crash's and drgn's have the same columns)."""
    out = {}
    for line in (text or "").splitlines():
        m = SECTION_ROW.match(line)
        if m:
            out[int(m.group(1))] = (int(m.group(2), 16), int(m.group(3), 16), m.group(4))
    return out


def kmem_blocks(text):
    """{block id: STATE} of a kmem -n's memory-block table."""
    return {int(m.group(1)): m.group(2) for m in map(BLOCK_ROW.match, (text or "").splitlines()) if m}


def zdx_sections(zsec):
    """{nr: (coded mem_map, mem_map, letters)}: the section word less its
    flag bits, as kmem -n's CODED_MEM_MAP column shows it."""
    out = {}
    for s in zsec["sections"]:
        if not s["flag"].get("SECTION_MARKED_PRESENT"):
            continue
        names = s["flag_names"].split(",")
        letters = "".join(LETTER.get(n, "") for n in names)
        other = [n for n in names if n not in LETTER]
        out[s["nr"]] = (h(s["coded_mem_map"]) - h(s["flags"]), h(s["mem_map"] or "0x0"),
                        letters + ("+" + "+".join(other) if other else ""))
    return out


def runs(keys, cell):
    """Consecutive keys with the same cells, as (first, last, cells)."""
    out = []
    for k in sorted(keys):
        c = cell(k)
        if out and out[-1][2] == c and out[-1][1] == k - 1:
            out[-1][1] = k
        else:
            out.append([k, k, c])
    return out


def span(a, b):
    return "%d" % a if a == b else "%d-%d" % (a, b)


def section_table(crash, drgn, zdx):
    print("| NR | crash STATE | drgn STATE | zdx flags | CODED_MEM_MAP (crash / drgn / zdx) | MEM_MAP |")
    print("|---|---|---|---|---|---|")
    nrs = set(crash) | set(drgn) | set(zdx)

    def cell(nr):
        c, d, z = crash.get(nr), drgn.get(nr), zdx.get(nr)
        states = tuple(x[2] if x else "absent" for x in (c, d, z))
        coded = {x[0] for x in (c, d, z) if x}
        # the decoded memmap advances with nr: only whether the three agree
        mm = {x[1] for x in (c, d, z) if x}
        return states + ("equal" if len(coded) == 1 else "differ: " + " / ".join(
            "%x" % x[0] if x else "-" for x in (c, d, z)), "equal" if len(mm) == 1 else "differ")
    for a, b, c in runs(nrs, cell):
        print("| %s | %s |" % (span(a, b), " | ".join(c)))


def block_table(crash, drgn, zdx, sysfs):
    """The blocks' states, with what the guest's sysfs said before the
    panic (truth.json) as the judge."""
    print("| memory blocks | crash STATE | drgn STATE | zdx state | guest sysfs |")
    print("|---|---|---|---|---|")
    ids = set(crash) | set(drgn) | set(zdx) | set(sysfs)
    for a, b, c in runs(ids, lambda i: tuple(x.get(i, "absent") for x in (crash, drgn, zdx, sysfs))):
        print("| memory%s | %s |" % (span(a, b), " | ".join(c)))


def main():
    want = sys.argv[1:]
    if not want:
        sys.exit(__doc__)
    for kernel, _, truth, entry, path in dumps():
        if not any(w in path for w in want):
            continue
        tag = "%s/%s/%s" % (kernel, truth["scenario"], entry["file"])
        b = bundle(kernel, path, truth)
        d = helpers_oracle(kernel, path, sample_pfns(truth))
        print("### %s\n" % tag)
        why = crash_refused(b) or d.get("open_error") or d.get("run_error")
        if why:
            print("Not compared: %s\n" % why)
            continue
        zsec, zmap = load_json(b["out"].get("zdx sections -a -j")), load_json(b["out"].get("zdx map -j"))
        rel = re.search(r"RELEASE: (\S+)", b["out"].get("sys") or "")
        print("Kernel %s; %s; drgn %s; zdx: `zdx sections -a -j`, `zdx map -j`.\n"
              % (rel.group(1) if rel else "?", crash_version(kernel), d["drgn"]))
        section_table(kmem_sections(b["out"].get("kmem -n")), kmem_sections(d.get("kmem_n")), zdx_sections(zsec))
        print()
        zb = {i: rs[0]["memory_block_state"].upper().replace("-", "_") for i, rs in block_runs(zmap).items()}
        sysfs = {x["block"]: x["state"].upper().replace("-", "_") for x in truth.get("memory_blocks") or []}
        block_table(kmem_blocks(b["out"].get("kmem -n")), kmem_blocks(d.get("kmem_n")), zb, sysfs)
        print()


if __name__ == "__main__":
    main()
