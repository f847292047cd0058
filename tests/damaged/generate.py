#!/usr/bin/python3
"""Damaged dumps derived from the factory's dumps (issue 10), seeded and
deterministic, for tests/dump/test_damaged.py.

    tests/damaged/generate.py [--force] [--clean] [KERNEL/SCENARIO...]

For each source scenario (SOURCES) it writes, under
$ZDX_CACHE/damaged/KERNEL/SCENARIO/:

  base.kdump       the scenario's QEMU kdump unflattened (makedumpfile -R in
                   Python): the undamaged twin every in-place corruption
                   starts from, and the baseline the test compares with;
  <name>.*         one file per damaged dump;
  manifest.json    what was damaged, where (virtual, physical, file offset,
                   old and new bytes) and which class, keyed by a hash of
                   the sources' sizes and mtimes, the seed and this
                   generator's code: a matching manifest means nothing is
                   regenerated.

Classes (manifest "class" of each damage):
  truncated       ELF and kdump-compressed (plain and flattened) files cut
                  inside the header, the ELF notes, the bitmap, the page
                  descriptors, mid-data;
  mem_section     a mem_section root pointed at kernel text (crash itself
                  refuses an unreadable root), a section word filled with
                  slab poison, a usage pointer into an unmapped hole;
  usage_map       a section's sub-section map;
  pgmap_array     an xa_node of pgmap_array (cycle, bad shift, two slots
                  pointing at one child, a sibling naming a later slot or
                  a slot beyond its node);
  dev_pagemap     nr_range 0 or 2^31, type outside the enum, altmap
                  reserve larger than the range, range end near 2^64;
  struct_page     the memmap page holding chosen pfns' struct pages
                  filled with slab poison (0x6b);
  log             the printk ring buffer pointer `prb` aimed into an
                  unmapped hole (its fields are then not in the dump);
  vmcoreinfo      VMCOREINFO numbers out of range (edited in the file's
                  VMCOREINFO text, same length);
  vmlinux         the dump opened with the other kernel's vmlinux;
  filtered        base.kdump (as an ELF: dumpfmt.kdump_to_elf) refiltered
                  by the makedumpfile that knows the
                  kernel (dumps/makedumpfile-for.sh) at each page-class bit
                  alone (-d 1, 2, 4, 8, 16) and at 31: a dump level is a
                  union of page classes, so the pages one level lacks are
                  the union of what its bits lack (docs/robustness.md).

Objects are found through the dump's own address translation (locate.py:
drgn for symbols and types, the kernel's page tables for virtual ->
physical) and physical addresses through the target file's own headers
(dumpfmt.py: ELF program headers, kdump bitmap and page descriptors).
In a kdump-compressed file a changed page is appended raw and its page
descriptor pointed at it; nothing is compressed again.  No file offset or
struct offset is written here."""
import hashlib
import json
import os
import random
import shutil
import struct
import sys
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dumpfmt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("ZDX_CACHE", os.path.expanduser("~/.cache/zdx"))
OUT = os.path.join(CACHE, "damaged")
SEED = int(os.environ.get("ZDX_DAMAGED_SEED", "10"))
FORMAT = "zdx-damaged/1"
PAGE = 4096
POISON = 0x6b          # POISON_FREE, include/linux/poison.h
UNMAPPED = 0xffffc88000000000  # x86_64 mm.rst: "unused hole" below vmalloc

# Two scenarios on two kernels.  Per source: which files, which pgmap_array
# damage, which VMCOREINFO numbers, and whether the ELF exists for the
# ELF-specific items (6.12's factory keeps no ELF).
SOURCES = {
    "6.1/fsdax-dev": {
        "trunc": "vmcore.d31", "elf_trunc": ["ELF header", "ELF notes"],
        "damage": ["root", "memmap", "xa-cycle", "xa-dag", "xa-sibling-later", "pgmap-nr0", "pgmap-type-altmap", "pgmap-end",
                   "vmcoreinfo-section-bits", "log-prb"],
        "elf": ["pgmap-end"], "vmlinux": False},
    "6.12/walk-altmap-reserve": {
        "trunc": "vmcore.kdump", "elf_trunc": [],
        "damage": ["memmap", "xa-shift", "xa-dag", "xa-sibling-out", "pgmap-nrbig", "vmcoreinfo-lengths",
                   "log-prb"],
        "elf": [], "vmlinux": True},
}
# makedumpfile -d: each page class alone, then all of them.  lzo (-l), not
# zlib (-c): 3-5 times faster here, and crash reads both.
FILTER_LEVELS = (1, 2, 4, 8, 16, 31)
OTHER_KERNEL = {"6.1": "6.12", "6.12": "6.1"}
VMCI_EDITS = {
    # name: [(key, value of the same length as the dump's)]
    "vmcoreinfo-section-bits": [("NUMBER(SECTION_SIZE_BITS)", "99")],
    "vmcoreinfo-physmem-bits": [("NUMBER(MAX_PHYSMEM_BITS)", "99")],
    "vmcoreinfo-lengths": [("LENGTH(mem_section)", "9999"), ("LENGTH(node_data)", "9999")],
}


class SourceMissing(Exception):
    pass


def source_files(src):
    kernel, scen = src.split("/")
    d = os.path.join(CACHE, "dumps", kernel, scen)
    files = {"kdump": os.path.join(d, "vmcore.kdump"), "d31": os.path.join(d, "vmcore.d31"),
             "truth": os.path.join(d, "truth.json"),
             "vmlinux": os.path.join(CACHE, "kernels", kernel, "vmlinux"),
             }
    if SOURCES[src]["vmlinux"]:
        files["other_vmlinux"] = os.path.join(CACHE, "kernels", OTHER_KERNEL[kernel], "vmlinux")
    if SOURCES[src]["elf"] or SOURCES[src]["elf_trunc"]:
        files["elf"] = os.path.join(d, "vmcore.elf")
    missing = [p for p in files.values() if not os.path.isfile(p)]
    if missing:
        raise SourceMissing("damaged-dump source %s lacks %s: build it with `make dumps KERNEL=%s "
                            "SCENARIO=%s` (and KERNEL=%s for the other vmlinux)"
                            % (src, ", ".join(missing), kernel, scen, OTHER_KERNEL[kernel]))
    return files


def makedumpfile(kernel):
    """(path, version line) of the makedumpfile that filters kernel's dumps."""
    r = subprocess.run([os.path.join(ROOT, "dumps", "makedumpfile-for.sh"), kernel],
                       capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        raise SourceMissing("no makedumpfile for %s: %s" % (kernel, r.stderr.strip()))
    mdf = r.stdout.strip()
    v = subprocess.run([mdf, "-v"], capture_output=True, text=True)
    return mdf, (v.stdout + v.stderr).strip().splitlines()[0]


def key_of(src, files, mdf_version):
    h = hashlib.sha256(("%s %d %s %s" % (FORMAT, SEED, src, mdf_version)).encode())
    for name in ("generate.py", "dumpfmt.py", "locate.py"):
        with open(os.path.join(HERE, name), "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    for k in sorted(files):
        st = os.stat(files[k])
        h.update(("%s %s %d %d" % (k, files[k], st.st_size, st.st_mtime_ns)).encode())
    return h.hexdigest()[:24]


# --- writing bytes at a physical address of a target file -----------------

class Target:
    """A damaged copy being written: kdump-compressed or ELF."""

    def __init__(self, path, kind):
        self.path, self.kind = path, kind
        self.fmt = dumpfmt.Kdump(path) if kind == "kdump" else dumpfmt.Elf(path)

    def read_phys(self, pa, n):
        if self.kind == "kdump":
            pfn = pa // PAGE
            return self.fmt.read_page(pfn)[pa % PAGE:pa % PAGE + n]
        off = self.fmt.phys_off(pa)
        with open(self.path, "rb") as f:
            f.seek(off)
            return f.read(n)

    def write_phys(self, pa, data):
        """Returns where the bytes went in the file."""
        assert pa // PAGE == (pa + len(data) - 1) // PAGE, "write crosses a page"
        if self.kind == "kdump":
            pfn = pa // PAGE
            page = bytearray(self.fmt.read_page(pfn))
            page[pa % PAGE:pa % PAGE + len(data)] = data
            desc, at = self.fmt.write_page(pfn, bytes(page))
            return {"page_descriptor": desc, "file_offset": at + pa % PAGE}
        off = self.fmt.phys_off(pa)
        with open(self.path, "r+b") as f:
            f.seek(off)
            f.write(data)
        return {"file_offset": off}


def patch(L, t, va, data, cls, obj, field):
    """Write data at kernel virtual address va of target t; the bytes drgn
    reads there and the target's own bytes must agree first."""
    pa = L.vtop(va)
    if pa is None:
        raise RuntimeError("%s %s at %#x: not mapped in the dump" % (obj, field, va))
    old = bytes(L.read_phys(pa, len(data)))
    have = t.read_phys(pa, len(data))
    if have != old:
        raise RuntimeError("%s: %s at phys %#x differs between the locator's dump and %s"
                           % (obj, field, pa, t.path))
    where = t.write_phys(pa, data)
    rec = {"class": cls, "object": obj, "field": field, "va": "%#x" % va, "phys": "%#x" % pa,
           "len": len(data), "old": old[:16].hex(), "new": data[:16].hex()}
    rec.update(where)
    return rec


def u64(v):
    return struct.pack("<Q", v & (2 ** 64 - 1))


def u32(v):
    return struct.pack("<I", v & (2 ** 32 - 1))


# --- the damage ----------------------------------------------------------

def plan(src, L, truth, rng):
    """Objects and pfns of this source, found through the dump."""
    ns = [n for n in truth.get("namespaces") or [] if n.get("mode") in ("fsdax", "devdax")][0]
    start_pfn = int(ns["start"], 16) // PAGE
    data_pfn = int(ns["data_start"], 16) // PAGE
    shift = L.section_shift()
    p = {"ns_pfn": start_pfn, "section": start_pfn >> shift,
         "data_pfn": data_pfn + rng.randrange(0x100, 0x4000),
         "ram_pfn": rng.randrange(0x1000, 0x5f000),
         "pgmap": L.pgmap_of(start_pfn)}
    if not p["pgmap"]:
        raise RuntimeError("%s: no pgmap in pgmap_array at pfn %#x" % (src, start_pfn))
    return p


def damage_root(L, t, p, rng):
    """The root pointer of the device's sections pointed at a readable page
    that holds no mem_section array (kernel text): crash itself reads every
    root at start-up and refuses an unreadable one, so the garbage must be
    readable for zdx to meet it."""
    va = L.mem_section_roots() + 8 * (p["section"] // L.sections_per_root())
    text = (L.prog.symbol("_stext").address + PAGE * rng.randrange(0, 64)) & ~(PAGE - 1)
    return [patch(L, t, va, u64(text), "mem_section", "mem_section root %d" % (p["section"] // L.sections_per_root()),
                  "root pointer")]


def damage_memmap(L, t, p, rng):
    """Section words of the device's first section, the sub-section map of
    the second, the usage pointer of the third; slab poison over the memmap
    pages of a device data pfn and of a RAM pfn."""
    s = p["section"]
    off_map = L.off("struct mem_section", "section_mem_map")
    off_usage = L.off("struct mem_section", "usage")
    off_sub = L.off("struct mem_section_usage", "subsection_map")
    recs = [patch(L, t, L.section(s) + off_map, bytes([POISON]) * 8, "mem_section",
                  "mem_section %d" % s, "section_mem_map")]
    usage = L.u64(L.section(s + 1) + off_usage)
    bits = rng.getrandbits(64) | 1
    recs.append(patch(L, t, usage + off_sub, u64(bits), "usage_map",
                      "mem_section_usage of section %d" % (s + 1), "subsection_map[0]"))
    bad = UNMAPPED + rng.randrange(0, 1 << 30) * PAGE
    recs.append(patch(L, t, L.section(s + 2) + off_usage, u64(bad), "mem_section",
                      "mem_section %d" % (s + 2), "usage"))
    for pfn in (p["data_pfn"], p["ram_pfn"]):
        page = L.struct_page(pfn) & ~(PAGE - 1)
        recs.append(patch(L, t, page, bytes([POISON]) * PAGE, "struct_page",
                          "memmap page of pfn %#x" % pfn, "struct pages %#x-%#x" % (
                              (page - L.struct_page(0)) // L.size("struct page"),
                              (page + PAGE - L.struct_page(0)) // L.size("struct page") - 1)))
    return recs


def xa_child(L):
    """The pgmap_array head entry and the first node one level below it."""
    head = L.u64(L.xa_head())
    if head & 3 != 2 or head < PAGE:
        raise RuntimeError("pgmap_array has no node (head %#x)" % head)
    node = head - 2
    off_slots = L.off("struct xa_node", "slots")
    for i in range(64):
        e = L.u64(node + off_slots + 8 * i)
        if e & 3 == 2 and e > PAGE:
            return head, e - 2
    raise RuntimeError("pgmap_array's head node has no child node")


def sibling_slots(L, node):
    """(slot, canonical slot) of each sibling entry of node (xa_mk_sibling:
    the canonical slot << 2 | 2, below 63 << 2 | 2)."""
    off_slots = L.off("struct xa_node", "slots")
    out = []
    for i in range(64):
        e = L.u64(node + off_slots + 8 * i)
        if e & 3 == 2 and e < (63 << 2 | 2):
            out.append((i, e >> 2))
    return out


def damage_xa(kind):
    def fn(L, t, p, rng):
        head, child = xa_child(L)
        off_slots = L.off("struct xa_node", "slots")
        if kind == "dag":
            # a second slot of the head node pointing at the same child
            empty = [i for i in range(64) if L.u64(head - 2 + off_slots + 8 * i) == 0]
            i = rng.choice(empty)
            return [patch(L, t, head - 2 + off_slots + 8 * i, u64(child + 2), "pgmap_array",
                          "xa_node %#x" % (head - 2), "slots[%d] -> xa_node %#x, already a child (DAG)" % (i, child))]
        if kind in ("sibling-later", "sibling-out"):
            sibs = sibling_slots(L, child)
            if len(sibs) < 2:
                raise RuntimeError("pgmap_array's child node %#x has no multi-index entry" % child)
            i, canon = rng.choice(sibs[:-1])
            # a later slot of the node (still a sibling encoding), or a slot
            # beyond the node's 64 (below the retry entry, 256)
            to = rng.randrange(i + 1, 63) if kind == "sibling-later" else rng.randrange(64, 256)
            return [patch(L, t, child + off_slots + 8 * i, u64(to << 2 | 2), "pgmap_array",
                          "xa_node %#x" % child, "slots[%d]: sibling of slot %d -> of slot %d (%s)"
                          % (i, canon, to, "a later slot" if to < 64 else "outside the node"))]
        if kind == "cycle":
            empty = [i for i in range(64) if L.u64(child + off_slots + 8 * i) == 0]
            i = rng.choice(empty)
            return [patch(L, t, child + off_slots + 8 * i, u64(head), "pgmap_array",
                          "xa_node %#x" % child, "slots[%d] -> head node (cycle)" % i)]
        shift = L.off("struct xa_node", "shift")
        old = L.read(child + shift, 1)[0]
        new = rng.choice([v for v in (old + 1, old + 7, 0xff) if v < 256])
        return [patch(L, t, child + shift, bytes([new]), "pgmap_array", "xa_node %#x" % child,
                      "shift %d -> %d (parent's minus 6 is %d)" % (old, new, old))]
    return fn


def damage_pgmap(kind):
    def fn(L, t, p, rng):
        pg = p["pgmap"]
        obj = "dev_pagemap %#x" % pg
        ty = "struct dev_pagemap"
        if kind == "nr_range0":
            return [patch(L, t, pg + L.off(ty, "nr_range"), u32(0), "dev_pagemap", obj, "nr_range 0")]
        if kind == "nr_range_big":
            return [patch(L, t, pg + L.off(ty, "nr_range"), u32(1 << 31), "dev_pagemap", obj, "nr_range 2^31")]
        if kind == "type_altmap":
            nvals = len(L.prog.type("enum memory_type").enumerators)
            bad = nvals + rng.randrange(1, 100)
            start, end = (L.u64(pg + L.off(ty, "range.start")), L.u64(pg + L.off(ty, "range.end")))
            reserve = (end + 1 - start) // PAGE + rng.randrange(1, 1 << 20)
            return [patch(L, t, pg + L.off(ty, "type"), u32(bad), "dev_pagemap", obj,
                          "type %d (the enum has %d values)" % (bad, nvals)),
                    patch(L, t, pg + L.off(ty, "altmap.reserve"), u64(reserve), "dev_pagemap", obj,
                          "altmap.reserve %#x (larger than the range)" % reserve)]
        end = 2 ** 64 - 1 - rng.randrange(1, 4096)
        return [patch(L, t, pg + L.off(ty, "range.end"), u64(end), "dev_pagemap", obj,
                      "range.end %#x" % end)]
    return fn


def damage_log(L, t, p, rng):
    """The printk ring buffer pointer `prb` aimed into an unmapped hole: the
    ring's fields (count_bits, descs, infos) are then not in the dump,
    which zdx must say (dumpcheck's incomplete list) instead of taking them
    for 0 and dropping the log silently.  crash's own log reads the same
    pointer and fails on the same address (the test's oracle)."""
    va = L.prog.symbol("prb").address
    bad = UNMAPPED + rng.randrange(0, 1 << 27) * PAGE    # inside the 512 GiB hole
    rec = patch(L, t, va, u64(bad), "log", "prb", "printk_ringbuffer pointer %#x" % bad)
    # the first ring field a reader of the log needs: &prb->desc_ring.count_bits
    rec["unreadable"] = "%#x" % (bad + L.off("struct printk_ringbuffer", "desc_ring")
                                 + L.off("struct prb_desc_ring", "count_bits"))
    return [rec]


def vmcoreinfo_edit(path, kind, edits):
    """Rewrite KEY=VALUE in every VMCOREINFO text of the file (kdump:
    the sub-header's block and the ELF notes; ELF: the PT_NOTE
    segments), keeping its length."""
    if kind == "kdump":
        k = dumpfmt.Kdump(path)
        regions = [(k.vmcoreinfo_off, k.vmcoreinfo_size), (k.note_off, k.note_size)]
    else:
        regions = dumpfmt.Elf(path).notes
    recs, done = [], set()
    with open(path, "r+b") as f:
        for key, value in edits:
            n = 0
            for off, size in regions:
                f.seek(off)
                buf = f.read(size)
                i = buf.find(b"\n" + key.encode() + b"=")
                if i < 0 and buf.startswith(key.encode() + b"="):
                    i = -1
                elif i < 0:
                    continue
                at = off + i + 1 + len(key) + 1
                if at in done:
                    n += 1
                    continue
                f.seek(at)
                old = f.read(len(value))
                if len(old.split(b"\n")[0]) != len(value):
                    raise RuntimeError("%s: %s's value is not %d characters" % (path, key, len(value)))
                f.seek(at)
                f.write(value.encode())
                done.add(at)
                n += 1
                recs.append({"class": "vmcoreinfo", "object": "VMCOREINFO", "field": key,
                             "file_offset": at, "old": old.decode(), "new": value})
            if not n:
                raise RuntimeError("%s: no %s in its VMCOREINFO" % (path, key))
    return recs


# --- truncation points, from each file's own headers ---------------------

def kdump_cuts(path, rng):
    """(region, cut) of a kdump-compressed file, flattened or not."""
    recs = dumpfmt.flat_records(path)
    if not recs:
        k = dumpfmt.Kdump(path)
        data0 = k.first_data_off()
        size = os.path.getsize(path)
        return [("disk_dump_header", rng.randrange(64, k.block_size)),
                ("bitmap", k.bitmap_off + rng.randrange(k.bitmap_len)),
                ("page descriptors", k.desc_off + rng.randrange(data0 - k.desc_off)),
                ("page data", data0 + (size - data0) * rng.randrange(40, 60) // 100)]
    # flattened: the logical layout from the records, then the file
    # position of a record holding each region
    head = bytearray(PAGE)
    with open(path, "rb") as f:
        for off, size, pos in recs:
            if off < PAGE:
                f.seek(pos)
                b = f.read(min(size, PAGE - off))
                head[off:off + len(b)] = b
    _bs, _sub, bm, _bml, desc = dumpfmt.layout(head)

    def pos_in(lo, hi):
        cand = [(o, s, p) for o, s, p in recs if lo <= o < hi]
        o, s, p = cand[len(cand) // 2 + rng.randrange(-len(cand) // 4, len(cand) // 4 + 1)]
        return p + rng.randrange(s)
    first = recs[0]
    # page data and descriptors are interleaved in QEMU's stream; "page
    # data" cuts mid-way through the stream inside a data record
    descs = sorted(o for o, s, p in recs if desc <= o)
    return [("disk_dump_header", first[2] + rng.randrange(64, first[1])),
            ("bitmap", pos_in(bm, desc)),
            ("page descriptors", pos_in(desc, descs[0] + PAGE * 8)),
            ("page data", pos_in(descs[len(descs) // 2], 2 ** 62))
            if descs[-1] > desc else None]


def elf_cuts(path, rng, which):
    e = dumpfmt.Elf(path)
    note_off, note_size = e.notes[0]
    cuts = {"ELF header": rng.randrange(16, 64),
            "ELF notes": note_off + rng.randrange(note_size)}
    return [(w, cuts[w]) for w in which]


def filtered(mdf, level, src, out):
    tmp = out + ".tmp"
    if os.path.exists(tmp):
        os.unlink(tmp)
    r = subprocess.run([mdf, "-l", "-d", str(level), src, tmp], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s -l -d %d %s failed: %s" % (mdf, level, src, (r.stdout + r.stderr)[-800:]))
    os.replace(tmp, out)


# --- one source -----------------------------------------------------------

def generate(src, force=False, log=print):
    import locate
    files = source_files(src)
    kernel, scen = src.split("/")
    d = os.path.join(OUT, kernel, scen)
    mpath = os.path.join(d, "manifest.json")
    mdf, mdf_version = makedumpfile(kernel)
    key = key_of(src, files, mdf_version)
    try:
        with open(mpath) as f:
            m = json.load(f)
        if not force and m.get("key") == key and all(
                os.path.isfile(x["path"]) for x in m["dumps"] + [m["baseline"]]):
            return m
    except (OSError, ValueError, KeyError):
        pass
    t0 = time.time()
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    cfg = SOURCES[src]
    rng = random.Random("%d/%s" % (SEED, src))
    with open(files["truth"]) as f:
        truth = json.load(f)
    L = locate.Locator(files["d31"], files["vmlinux"])
    p = plan(src, L, truth, rng)
    base = os.path.join(d, "base.kdump")
    dumpfmt.unflatten(files["kdump"], base)
    dumps = []

    def add(name, cls, path, damage, **kw):
        e = {"name": "%s/%s" % (src, name), "class": cls, "path": path, "kernel": kernel,
             "vmlinux_kernel": kernel, "damage": damage}
        e.update(kw)
        dumps.append(e)

    def copy_of(name, src_path=base, kind="kdump"):
        out = os.path.join(d, name + (".kdump" if kind == "kdump" else ".elf"))
        if kind == "kdump":
            shutil.copyfile(src_path, out)
        else:
            dumpfmt.sparse_copy(src_path, out)
        return Target(out, kind)

    # truncated: kdump-compressed (d31 or the flattened QMP file) and ELF
    tfile = os.path.join(os.path.dirname(files["kdump"]), cfg["trunc"])
    for cut in kdump_cuts(tfile, rng):
        if not cut:
            continue
        region, at = cut
        name = "trunc-%s-%s" % (cfg["trunc"].split(".")[1], region.split()[-1].replace("_", "-"))
        out = os.path.join(d, name + "." + cfg["trunc"].split(".")[1])
        dumpfmt.sparse_copy(tfile, out, at)
        add(name, "truncated", out, [{"class": "truncated", "object": cfg["trunc"], "field": region,
                                      "file_offset": at, "source_size": os.path.getsize(tfile)}])
    for region, at in elf_cuts(files["elf"], rng, cfg["elf_trunc"]) if cfg["elf_trunc"] else []:
        name = "trunc-elf-%s" % region.split()[1]
        out = os.path.join(d, name + ".elf")
        dumpfmt.sparse_copy(files["elf"], out, at)
        add(name, "truncated", out, [{"class": "truncated", "object": "vmcore.elf", "field": region,
                                      "file_offset": at, "source_size": os.path.getsize(files["elf"])}])
    # corrupted in place
    fns = {"root": damage_root, "memmap": damage_memmap,
           "xa-cycle": damage_xa("cycle"), "xa-shift": damage_xa("shift"), "xa-dag": damage_xa("dag"),
           "xa-sibling-later": damage_xa("sibling-later"), "xa-sibling-out": damage_xa("sibling-out"),
           "pgmap-nr0": damage_pgmap("nr_range0"), "pgmap-nrbig": damage_pgmap("nr_range_big"),
           "pgmap-type-altmap": damage_pgmap("type_altmap"), "pgmap-end": damage_pgmap("end"),
           "log-prb": damage_log}
    for name in cfg["damage"]:
        kind = "elf" if name in cfg["elf"] else "kdump"
        t = copy_of(name, files["elf"] if kind == "elf" else base, kind)
        if name in VMCI_EDITS:
            add(name, "vmcoreinfo", t.path, vmcoreinfo_edit(t.path, kind, VMCI_EDITS[name]))
            continue
        recs = fns[name](L, t, p, rng)
        add(name, recs[0]["class"], t.path, recs)
    # filtered: the twin itself refiltered, so a filtered dump differs from
    # it only by the pages makedumpfile left out
    sp_phys = {pfn: L.vtop(L.struct_page(pfn)) for pfn in (p["ns_pfn"], p["data_pfn"], p["ram_pfn"])}
    elf = os.path.join(d, "base.elf")
    dumpfmt.kdump_to_elf(base, elf)
    for level in FILTER_LEVELS:
        out = os.path.join(d, "filtered-d%d.kdump" % level)
        filtered(mdf, level, elf, out)
        k = dumpfmt.Kdump(out)
        add("filtered-d%d" % level, "filtered", out,
            [{"class": "filtered", "object": "base.kdump", "field": "makedumpfile -l -d %d" % level,
              "dump_level": level, "makedumpfile": mdf_version, "pages_dumped": k.ndesc,
              # the dump's own bitmap: is the page holding each chosen
              # pfn's struct page in this file?
              "struct_page_dumped": {"%#x" % pfn: None if pa is None else bool(k.dumped(pa // PAGE))
                                     for pfn, pa in sp_phys.items()}}])
    os.unlink(elf)
    if cfg["vmlinux"]:
        add("vmlinux-" + OTHER_KERNEL[kernel], "vmlinux", base,
            [{"class": "vmlinux", "object": "vmlinux", "field": "the %s kernel's" % OTHER_KERNEL[kernel],
              "path": files["other_vmlinux"]}], vmlinux_kernel=OTHER_KERNEL[kernel])
    m = {"format": FORMAT, "key": key, "seed": SEED, "source": src, "kernel": kernel, "scenario": scen,
         "sources": files, "baseline": {"path": base, "kernel": kernel},
         "pfns": [p["ns_pfn"], p["data_pfn"], p["ram_pfn"]],
         "pgmap": "%#x" % p["pgmap"], "section": p["section"],
         "sections_per_root": L.sections_per_root(),
         "dumps": dumps, "seconds": round(time.time() - t0, 1)}
    with open(mpath + ".tmp", "w") as f:
        json.dump(m, f, indent=1)
    os.replace(mpath + ".tmp", mpath)
    log("# damaged: %s: %d damaged dumps generated in %.1f s" % (src, len(dumps), m["seconds"]))
    return m


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if "--clean" in argv:
        shutil.rmtree(OUT, ignore_errors=True)
        return 0
    for src in args or sorted(SOURCES):
        m = generate(src, force="--force" in argv)
        for e in m["dumps"]:
            print("%-45s %-12s %s" % (e["name"], e["class"], os.path.basename(e["path"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
