#!/usr/bin/python3
"""zdx core (sections, pgmap, zones, map, pfn) on every factory dump, checked
against two independent oracles:
  (a) the guest's own ground truth (ndctl/sysfs/zoneinfo/iomem, truth.json),
  (b) crash's `kmem -n` and `vtop` on the same dump.
drgn 0.3.0 reading the same dump is the third: tests/dump/test_drgn.py.
Never against zdx's own earlier output.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import crash_only, load_json, h, run_corpus_test, dump_opened, zdx_json, sample_pfns, vtop_phys  # noqa: E402
from oracle_plan import KMEM_LETTERS, memmap_home_vtops, parse_kmem_n, pmem_namespaces  # noqa: E402

PAGE = 4096
SECTION_PAGES = 1 << (27 - 12)

def check_kmem_n(t, tag, zsec, kmem):
    present = {s["nr"]: s for s in zsec["sections"]}
    t.ok(set(present) == set(kmem), "%s: same present sections as kmem -n (%d)" % (tag, len(kmem)),
         "only zdx: %s\nonly crash: %s" % (sorted(set(present) - set(kmem))[:10],
                                           sorted(set(kmem) - set(present))[:10]))
    bad_map = [nr for nr in kmem if nr in present and h(present[nr].get("mem_map") or "0x0") != kmem[nr][0]]
    t.ok(not bad_map, "%s: mem_map of every section equals kmem -n's" % tag, bad_map[:10])
    bad_flags = []
    for nr, (_, words) in kmem.items():
        if nr not in present:
            continue
        z = set(w for w in present[nr]["flag_names"].split(",") if w in KMEM_LETTERS.values())
        if z != words:
            bad_flags.append((nr, sorted(z), sorted(words)))
    t.ok(not bad_flags, "%s: section flags equal kmem -n's P/M/O/E/D" % tag, bad_flags[:10])


def check_namespaces(t, tag, truth, pgmaps, full):
    by_start = {h(p["ranges"][0]["start"]): p for p in pgmaps}
    for ns in pmem_namespaces(truth):
        start, size = h(ns["start"]), ns["size"]
        p = by_start.get(start)
        if not t.ok(p is not None, "%s: %s has a pgmap starting at %#x" % (tag, ns["dev"], start),
                    [q["ranges"] for q in pgmaps]):
            continue
        t.ok(h(p["ranges"][0]["end"]) == start + size - 1,
             "%s: %s pgmap range ends at namespace end" % (tag, ns["dev"]))
        names = {ns.get(k) for k in ("dev", "chardev", "blockdev", "holder")} - {None}
        t.ok(p["owner"] in names, "%s: pgmap owner is one of %s (got %s)" % (tag, sorted(names), p["owner"]))
        want = "fsdax" if ns["mode"] == "fsdax" else "devdax"
        t.ok(p["kind"] == want, "%s: %s pgmap type %s (got %s)" % (tag, ns["dev"], want, p["kind"]))
        if ns.get("map") == "dev":
            t.ok(p["altmap"] is not None, "%s: %s --map=dev has an altmap" % (tag, ns["dev"]))
            t.ok(h(p["pfn_first"]) * PAGE == h(ns["data_start"]),
                 "%s: %s pfn_first is the pfn device's data start %s (got %s)"
                 % (tag, ns["dev"], ns["data_start"], p["pfn_first"]))
        elif ns.get("map") == "mem":
            t.ok(p["altmap"] is None, "%s: %s --map=mem has no altmap" % (tag, ns["dev"]))


def check_blocks(t, tag, truth, zsec):
    flags = {s["nr"]: s["flag_names"].split(",") for s in zsec["sections"]}
    per_block = (truth.get("memory_block_bytes") or SECTION_PAGES * PAGE) // (SECTION_PAGES * PAGE)
    bad = []
    for b in truth.get("memory_blocks") or []:
        first = h(b["start_pfn"]) // SECTION_PAGES
        for nr in range(first, first + per_block):
            online = "online" in flags.get(nr, [])
            if online != (b["state"] == "online"):
                bad.append((b["block"], nr, b["state"], flags.get(nr)))
    t.ok(not bad, "%s: section online flags match every memory block's state (%d blocks)"
         % (tag, len(truth.get("memory_blocks") or [])), bad[:10])


def check_zones(t, tag, truth, zz):
    zones = {(z["node"], z["zone"].lower()): z for z in zz["zones"]}
    for zi in truth.get("zoneinfo") or []:
        z = zones.get((zi["node"], zi["zone"].lower()))
        if not t.ok(z is not None, "%s: zone %d/%s found" % (tag, zi["node"], zi["zone"])):
            continue
        if zi["spanned"]:
            t.ok(h(z["start_pfn"]) == h(zi["start_pfn"]) and z["spanned"] == zi["spanned"]
                 and z["present"] == zi["present"],
                 "%s: zone %d/%s span and present pages equal /proc/zoneinfo" % (tag, zi["node"], zi["zone"]),
                 (z, zi))


def check_iomem(t, tag, truth, zmap):
    runs = [(h(r["start_pfn"]), h(r["end_pfn"]), r["owner"]) for r in zmap["runs"]]

    def owners(a, b):
        return {o for s, e, o in runs if s < b and e > a}
    bad = []
    for r in truth.get("iomem") or []:
        if r.get("depth") != 0:
            continue
        a, b = h(r["start"]) // PAGE, (h(r["end"]) + 1) // PAGE
        if r["name"] == "System RAM" and owners(a, b) - {"ram"}:
            bad.append((r["name"], r["start"], sorted(owners(a, b))))
    # A pmem region may be larger than its namespaces: check the namespaces.
    for ns in pmem_namespaces(truth):
        a = h(ns["start"]) // PAGE
        b = a + ns["size"] // PAGE
        if owners(a, b) - {"device"}:
            bad.append((ns["dev"], ns["start"], sorted(owners(a, b))))
    t.ok(not bad, "%s: /proc/iomem System RAM is ram and every pmem namespace is device in zdx map" % tag, bad)


def check_pfns(t, tag, truth, pfn_out, full):
    for ns in pmem_namespaces(truth):
        s = h(ns["start"]) // PAGE
        f = pfn_out.get(s)
        if not t.ok(f is not None, "%s: zdx pfn %#x answered" % (tag, s)):
            continue
        t.ok(f["owner"] == "device" and f["pfn_valid"] is True and f["pfn_to_online_page_fixed"] is False,
             "%s: first pfn of %s is device, pfn_valid, not an online page" % (tag, ns["dev"]), f)
        if ns.get("map") == "dev":
            t.ok(f["region"] == "altmap-reserve" and f["pgmap_pfn_valid"] is False,
                 "%s: first pfn of %s is altmap reserve, pgmap_pfn_valid false" % (tag, ns["dev"]), f)
            if full and f.get("struct_page_in_dump"):
                t.ok(f["struct_page_verdict"] == "NEVER INITIALISED",
                     "%s: reserve struct page reported never initialised" % tag, f)
            d = pfn_out.get(h(ns["data_start"]) // PAGE)
            if d and full and d.get("struct_page_in_dump"):
                t.ok(d["region"] == "data" and d["struct_page_verdict"] == "initialised",
                     "%s: data start struct page initialised with its pgmap" % tag, d)


def check_memmap_home(t, tag, kernel, path, truth, entry, pgmaps, b):
    """Where each pgmap's memmap lives: zdx's answer against crash's own
    vtop of the same struct page, placed by the truth's namespace ranges."""
    ranges = [(h(n["start"]), h(n["start"]) + n["size"]) for n in pmem_namespaces(truth)]
    vtop = memmap_home_vtops(truth, entry, b["out"])
    if not vtop:
        return
    out = crash_only(b, kernel, path, list(vtop.values()))
    for p in pgmaps:
        if p["addr"] not in vtop:
            continue
        phys = vtop_phys(out.get(vtop[p["addr"]]))
        if not t.ok(phys is not None, "%s: crash vtop translates the memmap of pgmap %s" % (tag, p["addr"]),
                    out.get(vtop[p["addr"]])):
            continue
        home = "device" if any(a <= phys < b for a, b in ranges) else "ram"
        t.ok(h(p["memmap_phys"]) == phys and p["memmap_home"] == home,
             "%s: memmap of pgmap %s at %#x (%s) per crash vtop (zdx: %s, %s)"
             % (tag, p["addr"], phys, home, p["memmap_phys"], p["memmap_home"]))


def check_dump(t, kernel, d, truth, entry, path, b):
    full = not entry.get("filtered") or entry.get("pmem_memmap_readable")
    pfns = sample_pfns(truth)
    cmds = ["zdx sections -a -j", "zdx pgmap -j", "zdx zones -j", "zdx map -j"]
    out = b["out"]
    tag = dump_opened(t, kernel, truth, entry, b)
    if not tag:
        return
    zsec, zpg, zz, zmap = zdx_json(t, tag, b, *cmds) or (None,) * 4
    if zsec is None:
        return
    pfn_out = {p: load_json(out.get("zdx pfn -j %#x" % p)) for p in pfns}
    kmem = parse_kmem_n(out.get("kmem -n"))
    check_kmem_n(t, tag, {"sections": [s for s in zsec["sections"] if s["flag"].get("SECTION_MARKED_PRESENT")]},
                 kmem)
    check_memmap_home(t, tag, kernel, path, truth, entry, zpg["pgmaps"], b)
    check_namespaces(t, tag, truth, zpg["pgmaps"], full)
    check_blocks(t, tag, truth, zsec)
    check_zones(t, tag, truth, zz)
    check_iomem(t, tag, truth, zmap)
    check_pfns(t, tag, truth, pfn_out, full)


def main():
    return run_corpus_test(check_dump)


if __name__ == "__main__":
    sys.exit(main())
