#!/usr/bin/python3
"""Memory blocks, dax kmem, memmap_on_memory and the --map=mem info block on
every factory dump, against what the guest recorded before the panic
(truth.json: /sys/devices/system/memory, /proc/iomem, ndctl/daxctl) and
crash's own vtop (where a block's memmap lives).  Never against zdx."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import crash_only, load_json, h, run_corpus_test, dump_opened, zdx_json, special_blocks, vtop_page  # noqa: E402
from oracle_plan import BLOCK_ZONE_MEMBER, memmap_on_memory_vtops, parse_kmem_blocks  # noqa: E402

PAGE = 4096


def block_runs(zmap):
    """{block id: (run, state)} from zdx map's named RAM runs."""
    out = {}
    for r in zmap["runs"]:
        m = re.match(r"memory(\d+)$", r.get("memory_block") or "")
        if m:
            for b in range(int(m.group(1)), int(m.group(1)) + r["memory_blocks"]):
                out.setdefault(b, []).append(r)
    return out


def check_blocks(t, tag, truth, zmap):
    per = truth["memory_block_bytes"] // PAGE
    runs = block_runs(zmap)
    bad, missing = [], []
    for b in truth["memory_blocks"]:
        rs = runs.get(b["block"])
        if not rs:
            missing.append(b["block"])
            continue
        s = h(b["start_pfn"])
        if any(r["memory_block_state"] != b["state"] or h(r["end_pfn"]) <= s or h(r["start_pfn"]) >= s + per
               for r in rs):
            bad.append((b["block"], b["state"], [(r["start_pfn"], r["memory_block_state"]) for r in rs]))
    t.ok(not missing, "%s: zdx map names every memory block sysfs listed (%d)" % (tag, len(truth["memory_blocks"])),
         missing[:20])
    t.ok(not bad, "%s: every memoryN run lies in its block and has the state sysfs recorded" % tag, bad[:10])
    extra = sorted(set(runs) - {b["block"] for b in truth["memory_blocks"]})
    t.ok(not extra, "%s: zdx names no block sysfs did not list" % tag, extra[:20])


def check_kmem_n_blocks(t, tag, zmap, kmem_n):
    crash = parse_kmem_blocks(kmem_n)
    if not crash:
        return
    # crash up to 9.0.2 decodes memory_block.state as the MEM_* macros
    # (MEM_ONLINE 1, MEM_GOING_OFFLINE 2, MEM_OFFLINE 4); 6.12's enum
    # memory_block_state counts from 0 (MEM_ONLINE 0, MEM_OFFLINE 2), so
    # crash prints UNKNOWN for every online block there (boot memory always
    # is) and "GOING_OFFLINE" for an offline one: the state is then only
    # compared with sysfs.
    if any(v == "unknown" for v in crash.values()):
        zdx = block_runs(zmap)
        t.ok(set(zdx) == set(crash), "%s: memory blocks equal crash's kmem -n MEM_BLOCK table (%d; crash "
             "cannot decode this kernel's states)" % (tag, len(crash)),
             "only zdx: %s\nonly crash: %s" % (sorted(set(zdx) - set(crash))[:10], sorted(set(crash) - set(zdx))[:10]))
        return
    zdx = {b: rs[0]["memory_block_state"] for b, rs in block_runs(zmap).items()}
    t.ok(zdx == crash, "%s: memory blocks and states equal crash's kmem -n MEM_BLOCK table (%d)" % (tag, len(crash)),
         "only zdx: %s\nonly crash: %s\ndiffer: %s" % (sorted(set(zdx) - set(crash))[:10], sorted(set(crash) - set(zdx))[:10],
                                                       [(b, zdx[b], crash[b]) for b in crash if b in zdx and zdx[b] != crash[b]][:10]))


def block_has_zone(kernel, path, b):
    """Whether this kernel's struct memory_block has a zone member (5.18
    added it; zdx reads a block's zone from it), asked of crash: it prints
    the member, or says there is no such member."""
    cmd = BLOCK_ZONE_MEMBER
    out = (crash_only(b, kernel, path, [cmd]).get(cmd) or "").strip()
    absent = "invalid" in out.lower() or "no member" in out.lower()
    return (not absent) if out else None, out or "crash printed nothing"


def check_block_pfns(t, tag, truth, out, kernel, path, bundle):
    has_zone, why = None, ""
    for b in special_blocks(truth):
        f = load_json(out.get("zdx pfn -j %#x" % h(b["start_pfn"])))
        if not t.ok(f is not None, "%s: zdx pfn of memory%d answered" % (tag, b["block"])):
            continue
        t.ok(f.get("memory_block") == "memory%d" % b["block"] and f.get("memory_block_state") == b["state"],
             "%s: pfn %s is memory%d (%s) as sysfs says" % (tag, b["start_pfn"], b["block"], b["state"]),
             {k: f.get(k) for k in ("owner", "memory_block", "memory_block_state")})
        if b["state"] == "online" and len(b["valid_zones"].split()) == 1:
            got, src = f.get("memory_block_zone"), f.get("memory_block_zone_from")
            t.ok(got is not None and got.lower() == b["valid_zones"].lower(),
                 "%s: memory%d zone %s (valid_zones) (got %s, from %s)" % (tag, b["block"], b["valid_zones"], got, src))
            if src == "page":
                # Read from the block's first struct page only where the
                # block records no zone (before 5.18: 5.10), as sysfs does.
                if has_zone is None:
                    has_zone, why = block_has_zone(kernel, path, bundle)
                t.ok(has_zone is False, "%s: memory%d zone from its first struct page: this kernel's struct "
                     "memory_block has no zone member (crash)" % (tag, b["block"]), why[-500:])


def iomem_chain(truth, start, end):
    """Names of the truth's iomem entries holding [start, end], innermost first."""
    return [r["name"] for r in sorted(truth["iomem"], key=lambda r: -r["depth"])
            if h(r["start"]) <= start and h(r["end"]) >= end]


def check_kmem(t, tag, truth, zmap):
    kmem = [r for r in truth["iomem"] if r["name"] == "System RAM (kmem)"]
    for k in kmem:
        a, e = h(k["start"]) // PAGE, (h(k["end"]) + 1) // PAGE
        want = " < ".join(iomem_chain(truth, h(k["start"]), h(k["end"])))
        rs = [r for r in zmap["runs"] if h(r["start_pfn"]) < e and h(r["end_pfn"]) > a]
        t.ok(rs and all(r["owner"] == "ram" and r.get("iomem") == want for r in rs),
             "%s: dax kmem %s-%s is RAM under '%s'" % (tag, k["start"], k["end"], want),
             [(r["start_pfn"], r["owner"], r.get("iomem")) for r in rs])


def check_infoblocks(t, tag, truth, zpg):
    by_start = {h(p.get("namespace_start") or "0x0"): p for p in zpg["pgmaps"]}
    for ns in truth.get("namespaces") or []:
        if ns.get("mode") not in ("fsdax", "devdax") or ns.get("dax_mode") == "system-ram":
            continue
        p = by_start.get(h(ns["start"]))
        if not t.ok(p is not None, "%s: a pgmap names %s as its namespace" % (tag, ns["dev"])):
            continue
        ib = p.get("info_block")
        if not ns.get("holder"):
            # No pfn/dax device (raw-mode fsdax): the namespace is all data.
            t.ok(ib is None and h(ns["data_start"]) == h(ns["start"]),
                 "%s: %s has no pfn/dax device and zdx reads no info block (%s)"
                 % (tag, ns["dev"], p.get("info_block_note")))
            continue
        if ib is None and "not in this dump" in (p.get("info_block_note") or ""):
            t.skip("%s: %s info block" % (tag, ns["dev"]), p["info_block_note"])
            continue
        if not t.ok(ib is not None, "%s: %s info block read (%s)" % (tag, ns["dev"], p.get("info_block_note"))):
            continue
        t.ok(ib["mode"] == {"mem": "ram", "dev": "pmem"}.get(ns["map"]),
             "%s: %s info block mode %s for --map=%s" % (tag, ns["dev"], ib["mode"], ns["map"]))
        t.ok(h(p["data_start"]) == h(ns["data_start"]),
             "%s: %s data starts at %s as ndctl/daxctl recorded (zdx %s)"
             % (tag, ns["dev"], ns["data_start"], p["data_start"]))
        if ns["mode"] == "devdax" and ns.get("chardev"):
            t.ok(p.get("data_resource") == ns["chardev"], "%s: %s data resource is %s (got %s)"
                 % (tag, ns["dev"], ns["chardev"], p.get("data_resource")))


def check_memmap_on_memory(t, tag, kernel, path, truth, entry, zmap, b):
    """The block-hosted memmap: zdx's block-memmap run of each hot-plugged
    block must hold the struct pages crash's vtop finds for that block."""
    out = b["out"]
    if not truth.get("memmap_on_memory") or not re.search(r"= (\d+)", out.get("p sizeof(struct page)") or ""):
        return
    vm = [r for r in zmap["runs"] if r.get("region") == "block-memmap"]
    hot = {blk for x in truth["hotplug"] for blk in x["blocks"]}
    t.ok({int(r["memory_block"][6:]) for r in vm} == hot,
         "%s: memmap_on_memory runs for exactly the hot-plugged blocks %s" % (tag, sorted(hot)),
         [(r["start_pfn"], r["memory_block"]) for r in vm])
    where = memmap_on_memory_vtops(truth, entry, out)
    if not where:
        return
    res = crash_only(b, kernel, path, list(where))
    for c, r in where.items():
        pfn = vtop_page(res.get(c))
        t.ok(pfn is not None and h(r["start_pfn"]) <= pfn < h(r["end_pfn"]),
             "%s: crash vtop puts %s's memmap at pfn %s, inside zdx's block-memmap run %s-%s"
             % (tag, r["memory_block"], pfn and hex(pfn), r["start_pfn"], r["end_pfn"]))


def check_dump(t, kernel, d, truth, entry, path, b):
    tag = dump_opened(t, kernel, truth, entry, b)
    if not tag:
        return
    out = b["out"]
    zmap, zpg = zdx_json(t, tag, b, "zdx map -j", "zdx pgmap -j") or (None, None)
    if zmap is None:
        return
    if zmap.get("memory_blocks_note"):
        t.skip("%s: memory blocks" % tag, zmap["memory_blocks_note"])
    else:
        check_blocks(t, tag, truth, zmap)
        check_block_pfns(t, tag, truth, out, kernel, path, b)
        check_kmem_n_blocks(t, tag, zmap, out.get("kmem -n"))
    check_kmem(t, tag, truth, zmap)
    check_infoblocks(t, tag, truth, zpg)
    if not entry.get("filtered"):
        check_memmap_on_memory(t, tag, kernel, path, truth, entry, zmap, b)


if __name__ == "__main__":
    sys.exit(run_corpus_test(check_dump))
