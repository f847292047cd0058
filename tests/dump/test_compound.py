#!/usr/bin/python3
"""Compound devmaps and vmemmap dedup (devdax --align, vmemmap_shift) on
every factory dump with one, against the guest's own record (truth.json:
the namespace's align from ndctl) and crash's own vtop, kmem -p and
sizeof(struct page).  Never against zdx."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import crash_only, load_json, h, run_corpus_test, dump_opened, zdx_json, vtop_page  # noqa: E402
from oracle_plan import canonical_struct_page, compound_vtops, page_size, pmem_namespaces  # noqa: E402

PAGE = 4096


def check_pgmap(t, tag, truth, p, sz, res):
    ns = [n for n in pmem_namespaces(truth) if h(n["start"]) == h(p.get("namespace_start") or "0x0")]
    c = p.get("compound")
    if not ns or not c:
        return
    align = ns[0]["align"]
    t.ok(1 << p["vmemmap_shift"] == align // PAGE,
         "%s: %s vmemmap_shift %d = the namespace's align %d (ndctl)" % (tag, ns[0]["dev"], p["vmemmap_shift"], align))
    pfns = sum((h(r["end"]) + 1 - h(r["start"])) // PAGE for r in p["ranges"])
    t.ok(p["memmap_pages"]["mapped"] == pfns * sz // PAGE,
         "%s: %d memmap pages mapped = %d pfns x sizeof(struct page) %d (crash) / 4096"
         % (tag, p["memmap_pages"]["mapped"], pfns, sz))
    if not c.get("dedup_seen"):
        return
    phys = [vtop_page(res.get("vtop %s" % s["vaddr"])) for s in c["samples"]]
    t.ok(None not in phys and len(set(phys)) == 1,
         "%s: crash's vtop maps memmap pages 1, 2 and the last of the compound page at %s to one physical page %s"
         % (tag, c["checked_head_pfn"], [hex(x) if x else x for x in phys]))
    # compound pages from the guest's record: the namespace's size in
    # units of its alignment (a short last one keeps its own 2 as well)
    n = -(-ns[0]["size"] // align)
    t.ok(p["memmap_pages"]["distinct"] == 2 * n,
         "%s: %d distinct memmap pages: 2 (crash's vtop above) for each of the %d compound pages of %s (ndctl size/align)"
         % (tag, p["memmap_pages"]["distinct"], n, ns[0]["dev"]))


def check_tail(t, tag, truth, out, sz, res):
    for n in pmem_namespaces(truth):
        f = load_json(out.get("zdx pfn -j %#x" % ((h(n["start"]) + n["size"]) // PAGE - 1))) or {}
        c = f.get("compound") or {}
        if not c.get("shared_copy"):
            continue
        mine = vtop_page(res.get("vtop %s" % f["struct_page"]))
        canon = vtop_page(res.get("vtop %#x" % canonical_struct_page(f, sz)))
        head = vtop_page(res.get("vtop %s" % c["head_struct_page"]))
        t.ok(mine is not None and mine == canon and mine != head,
             "%s: the struct page of %s's last pfn %s (a shared copy, zdx) is on the physical page of pfn %s's "
             "(crash vtop: %s, %s), not the head's (%s)" % (tag, n["dev"], f["pfn"], c["canonical_pfn"],
                                                           mine and hex(mine), canon and hex(canon), head and hex(head)))
        m = re.search(r"^([0-9a-f]{16})\s+([0-9a-f]+)\s+\S+\s+\S+\s+\d+\s+([0-9a-f]+)", res.get(
            "kmem -p %#x" % (h(f["pfn"]) * PAGE)) or "", re.M)
        t.ok(m and h("0x" + m.group(1)) == h(f["struct_page"]) and h("0x" + m.group(3)) == h(f["page_flags"]),
             "%s: crash's kmem -p of pfn %s: struct page and flags as zdx read them (%s)"
             % (tag, f["pfn"], m and m.group(0)))


def check_dump(t, kernel, d, truth, entry, path, b):
    tag = dump_opened(t, kernel, truth, entry, b)
    if not tag:
        return
    out = b["out"]
    zpg, = zdx_json(t, tag, b, "zdx pgmap -j") or (None,)
    if zpg is None:
        return
    if not any(p.get("compound") for p in zpg["pgmaps"]):
        return
    sz = page_size(out)
    if not t.ok(sz, "%s: crash printed sizeof(struct page)" % tag):
        return
    res = crash_only(b, kernel, path, compound_vtops(truth, out))
    for p in zpg["pgmaps"]:
        check_pgmap(t, tag, truth, p, sz, res)
    check_tail(t, tag, truth, out, sz, res)


if __name__ == "__main__":
    sys.exit(run_corpus_test(check_dump))
