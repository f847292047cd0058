"""The crash-only commands (rd, vtop) the dump tests check zdx's answers
with, planned from one dump's bundle output (zdx's JSON, crash's kmem -n).
zdxlib.bundle() runs every test's plan at the end of the dump's one shared
crash session (zdx unloaded again), so no test opens crash again; a test
asks for its commands through zdxlib.crash_only(), which runs crash itself
only for a command the shared session did not run.  Planning only: what the answers
mean is each test's business."""
import re

from zdxlib import h, load_json as _json, special_blocks

PAGE = 4096
SECTION_PAGES = 1 << (27 - 12)
MAX_PROBES = 240
KMEM_LETTERS = {"P": "present", "M": "memmap", "O": "online", "E": "early",
                "D": "zone-device-taint"}


def _table_rows(text, header, row):
    """The matches of row in the table of crash output text that starts
    after the line matching header and ends at the next blank line."""
    on = False
    for line in (text or "").splitlines():
        if not on:
            on = re.match(header, line) is not None
        elif not line.strip():
            return
        else:
            m = re.match(row, line)
            if m:
                yield m


def parse_kmem_n(text):
    """{nr: (mem_map, set(flag words))} from crash's kmem -n section table."""
    return {int(m.group(1)): (int(m.group(2), 16), {KMEM_LETTERS[c] for c in m.group(3) if c in KMEM_LETTERS})
            for m in _table_rows(text, r"\s*NR\s+SECTION\s+CODED_MEM_MAP\s+MEM_MAP\s+STATE",
                                 r"\s*(\d+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([A-Z]+)\s+\d+")}


def parse_kmem_blocks(text):
    """{block id: state} from the MEM_BLOCK table of crash's kmem -n."""
    return {int(m.group(1)): m.group(2).lower().replace("_", "-")
            for m in _table_rows(text, r"\s*MEM_BLOCK\s+NAME\s+PHYSICAL RANGE",
                                 r"\s*[0-9a-f]+\s+memory(\d+)\s+[0-9a-f]+\s*-\s*[0-9a-f]+\s+\d+\s+(\S+)")}


def page_size(out):
    """sizeof(struct page) as crash's gdb prints it, or None."""
    m = re.search(r"= (\d+)", out.get("p sizeof(struct page)") or "")
    return int(m.group(1)) if m else None


def pmem_namespaces(truth):
    """Namespaces serving device memory (not handed to dax kmem as System RAM)."""
    return [n for n in truth.get("namespaces") or [] if n.get("mode") in ("fsdax", "devdax")
            and n.get("dax_mode") != "system-ram"]


def data_start_page(truth, out):
    """test_badinput: (zdx pfn -j command, its JSON, crash's rd of the struct
    page zdx names) for the first --map=dev namespace's data start; None."""
    nss = [n for n in truth.get("namespaces") or [] if n.get("map") == "dev"]
    if not nss:
        return None
    cmd = "zdx pfn -j %#x" % (h(nss[0]["data_start"]) // PAGE)
    f = _json(out.get(cmd))
    if f is None or not f.get("struct_page"):
        return (cmd, f, None)
    return (cmd, f, "rd -64 %x 8" % h(f["struct_page"]))


def memmap_home_vtops(truth, entry, out):
    """test_core: {pgmap address: vtop of its first struct page}, on the
    unfiltered dumps that hold the memmap."""
    full = not entry.get("filtered") or entry.get("pmem_memmap_readable")
    size, zpg = page_size(out), _json(out.get("zdx pgmap -j"))
    if not (full and not entry.get("filtered") and size and zpg):
        return {}
    kmem = parse_kmem_n(out.get("kmem -n"))
    vaddr = {}
    for p in zpg["pgmaps"]:
        pfn = h(p["pfn_first"])
        nr = pfn // SECTION_PAGES
        if nr in kmem:
            vaddr[p["addr"]] = "vtop %x" % (kmem[nr][0] + (pfn - nr * SECTION_PAGES) * size)
    return vaddr


def _probe_pages(rng, page):
    s, e = h(rng["start"]), h(rng["end"])
    pages = {s, e - page, s + ((e - s) // page // 2) * page}
    return sorted(p for p in pages if s <= p < e)


def dumpcheck_probes(out):
    """test_dumpcheck: [(command, expect_readable, what)] over the ranges
    zdx dumpcheck -j reported present or missing."""
    report = _json(out.get("zdx dumpcheck -j"))
    if report is None:
        return []
    page = report["page_size"]
    plan = []
    for c in report["classes"]:
        for key, readable in (("present", True), ("missing", False)):
            for r in c[key]:
                for p in _probe_pages(r, page):
                    plan.append(("rd -p %x 1" % p, readable, "%s: %s phys %x" % (c["name"], key, p)))
        for r in c["unmapped_virt"]:
            plan.append(("rd %x 1" % h(r["start"]), False, "%s: unmapped virt %s" % (c["name"], r["start"])))
    # Keep every missing probe (rare and important), thin out present ones.
    miss = [p for p in plan if not p[1]]
    pres = [p for p in plan if p[1]]
    step = max(1, len(pres) // max(1, MAX_PROBES - len(miss)))
    return miss + pres[::step]


def memmap_on_memory_vtops(truth, entry, out):
    """test_memblocks: {vtop of the last struct page of each hot-plugged
    block's first section: zdx's block-memmap run}, unfiltered dumps."""
    size, zmap = page_size(out), _json(out.get("zdx map -j"))
    if entry.get("filtered") or not truth.get("memmap_on_memory") or not size or not zmap:
        return {}
    kmem = parse_kmem_n(out.get("kmem -n"))
    where = {}
    for r in zmap["runs"]:
        if r.get("region") != "block-memmap":
            continue
        s = h(r["start_pfn"])
        nr = s // SECTION_PAGES
        if nr in kmem:
            where["vtop %x" % (kmem[nr][0] + (s + SECTION_PAGES - 1 - nr * SECTION_PAGES) * size)] = r
    return where


BLOCK_ZONE_MEMBER = "struct memory_block.zone -o"


def block_zone_member(truth, out):
    """test_memblocks: crash's answer whether struct memory_block has a
    zone member, asked where zdx read a block's zone from its first struct
    page instead; None elsewhere."""
    for b in special_blocks(truth):
        f = _json(out.get("zdx pfn -j %#x" % h(b["start_pfn"]))) or {}
        if f.get("memory_block_zone_from") == "page":
            return BLOCK_ZONE_MEMBER
    return None


def memmap_probe(truth):
    """test_factory: (what, crash command reading a struct page stored on
    pmem, crash command printing its address), or None.  The first data pfn
    of a --map=dev namespace has its struct page inside the namespace; dumps
    that lack pmem (in-guest kdump) cannot read it."""
    for n in truth.get("namespaces") or []:
        if n.get("map") == "dev":
            pfn = h(n["data_start"]) // PAGE
            at = "&((struct page *)vmemmap_base)[0x%x]" % pfn
            # The first word (flags): an unsigned long, or memdesc_flags_t on 7.x.
            return ("pfn 0x%x" % pfn, "px *(unsigned long *)%s" % at, "px %s" % at)
    return None


def memmap_probe_read(out):
    """Whether crash printed a value for memmap_probe's read."""
    return bool(re.search(r"\$\d+ = 0x[0-9a-f]+", out or ""))


def memmap_probe_explained(out):
    """crash read memmap_probe's struct page, or said the dump excluded it."""
    return memmap_probe_read(out) or "page excluded" in (out or "")


def memmap_probe_vtop(truth, out):
    """test_factory: the vtop of the probed struct page when crash failed
    to read it without saying why (crash 9.0.2 answers an excluded page in
    a gdb request with "gdb request failed", 8.0.x with "page excluded"),
    so the test can look its page up in the dump file's own bitmap; None
    otherwise."""
    probe = memmap_probe(truth)
    if not probe or memmap_probe_explained(out.get(probe[1])):
        return None
    m = re.search(r"\(struct page \*\) (0x[0-9a-f]+)", out.get(probe[2]) or "")
    return "vtop %s" % m.group(1) if m else None


def canonical_struct_page(f, sz):
    """Address of the struct page zdx pfn -j says f's is a copy of, by
    crash's sizeof(struct page) from the head's address."""
    c = f["compound"]
    return h(c["head_struct_page"]) + (h(c["canonical_pfn"]) - h(c["head_pfn"])) * sz


def compound_vtops(truth, out):
    """test_compound: vtop of the memmap pages zdx pgmap sampled in each
    compound pgmap (memmap pages 1, 2 and the last of its first compound
    page, and the head's), and of the struct pages of each namespace's last
    pfn (a shared tail with the dedup) and of the pfn zdx says it copies."""
    cmds = []
    pg = _json(out.get("zdx pgmap -j")) or {}
    for p in pg.get("pgmaps") or []:
        c = p.get("compound") or {}
        cmds += ["vtop %s" % s["vaddr"] for s in c.get("samples") or [] if h(s["vaddr"])]
    for n in pmem_namespaces(truth):
        f = _json(out.get("zdx pfn -j %#x" % ((h(n["start"]) + n["size"]) // PAGE - 1))) or {}
        c = f.get("compound") or {}
        sz = page_size(out)
        if c.get("shared_copy") and sz:
            cmds += ["vtop %s" % f["struct_page"], "vtop %s" % c["head_struct_page"],
                     "vtop %#x" % canonical_struct_page(f, sz), "kmem -p %#x" % (h(f["pfn"]) * PAGE)]
    return cmds


def plan(truth, entry, out):
    """Every crash-only command the dump tests will ask for on this dump."""
    cmds = []
    d = data_start_page(truth, out)
    if d and d[2]:
        cmds.append(d[2])
    cmds += memmap_home_vtops(truth, entry, out).values()
    cmds += [p[0] for p in dumpcheck_probes(out)]
    cmds += memmap_on_memory_vtops(truth, entry, out)
    cmds += compound_vtops(truth, out)
    cmds += [c for c in (memmap_probe_vtop(truth, out), block_zone_member(truth, out)) if c]
    return list(dict.fromkeys(cmds))
