#!/usr/bin/python3
"""zdx sections, map, pgmap and pfn on every factory dump drgn 0.3.0 opens,
against drgn's own helpers on the same file (tests/dump/drgn_helpers_oracle.py,
one drgn process per dump file): for_each_present_section() and
decode_section_flags(), for_each_valid_page_range() (pfn_valid() with the
sub-section map), for_each_memory_block(), xa_for_each()/xa_load() of
pgmap_array with each pgmap's type, ranges and altmap as drgn's DWARF reads
them.  Never against zdx's own output.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import load_json, h, run_corpus_test, dump_opened, sample_pfns  # noqa: E402
from drgn_run import helpers_oracle  # noqa: E402
from test_memblocks import block_runs  # noqa: E402

RUNS = []   # (tag, wall seconds, cached) of every oracle run, for the summary


# Measured 2026-12-01 on 5.10, 6.1, 6.12 and 7.2: QEMU 7.2 writes its
# kdump-zlib files in makedumpfile's flattened format, which drgn 0.3.0's
# libkdumpfile 0.5.6 does not read ("the given file is in the makedumpfile
# flattened format ... reassemble it with 'makedumpfile -R'", then
# "kdump_get_string_attr(KDUMP_ATTR_ARCH_NAME): Key has no value").  Not
# run: 1.5 s a file to learn that again.  A later drgn (dumps/drgn.sh takes
# >= 0.3.0) may read them: then this skip hides it, and the skip's reason
# names the version measured.
UNREADABLE = {"kdump-zlib": "drgn 0.3.0 (libkdumpfile 0.5.6) cannot read QEMU's flattened kdump-zlib file"}


def opened(t, tag, d):
    """Whether drgn answered, and each of its parts."""
    why = d.get("open_error") or d.get("run_error")
    if not t.ok(not why, "%s: drgn %s opened the dump" % (tag, d.get("drgn")), why):
        return False
    for part in ("sections", "valid_ranges", "memory_blocks", "pgmaps"):
        t.ok(part not in d["errors"], "%s: drgn's %s helpers answered" % (tag, part), d["errors"].get(part))
    return True


def check_sections(t, tag, zsec, d):
    z = {s["nr"]: s for s in zsec["sections"] if s["flag"].get("SECTION_MARKED_PRESENT")}
    g = {s["nr"]: s for s in d.get("sections") or []}
    t.ok(set(z) == set(g), "%s: same present sections as drgn's for_each_present_section() (%d)" % (tag, len(g)),
         "only zdx: %s\nonly drgn: %s" % (sorted(set(z) - set(g))[:10], sorted(set(g) - set(z))[:10]))
    both = sorted(set(z) & set(g))
    bad = [(nr, z[nr]["coded_mem_map"], hex(g[nr]["section_mem_map"])) for nr in both
           if h(z[nr]["coded_mem_map"]) != g[nr]["section_mem_map"]]
    t.ok(not bad, "%s: every section's section_mem_map word equals drgn's" % tag, bad[:10])
    bad = [(nr, z[nr]["mem_map"], hex(g[nr]["mem_map"])) for nr in both
           if h(z[nr]["mem_map"] or "0x0") != g[nr]["mem_map"]]
    t.ok(not bad, "%s: every section's memmap equals drgn's section_decode_mem_map()" % tag, bad[:10])
    bad = [(nr, sorted(f for f, v in z[nr]["flag"].items() if v), sorted(g[nr]["flags"])) for nr in both
           if {f for f, v in z[nr]["flag"].items() if v} != set(g[nr]["flags"])]
    t.ok(not bad, "%s: every section's flag names equal drgn's decode_section_flags()" % tag, bad[:10])


def valid(ranges, pfn):
    return any(a <= pfn < b for a, b in ranges)


def check_subsections(t, tag, zsec, d):
    """The sub-section map of every section whose validity it decides
    (memmap, not early: pfn_valid() takes an early section whole)."""
    per_sec, ranges = d["section_pages"], d["valid_ranges"]
    bad, n = [], 0
    for s in zsec["sections"]:
        f, m = s["flag"], s.get("subsection_map")
        if not f.get("SECTION_HAS_MEM_MAP") or f.get("SECTION_IS_EARLY") or not m:
            continue
        n += 1
        per_sub = per_sec // len(m)
        want = "".join("#" if valid(ranges, s["nr"] * per_sec + i * per_sub) else "." for i in range(len(m)))
        if m != want:
            bad.append((s["nr"], m, want))
    t.ok(not bad, "%s: sub-section maps of %d non-early memmap sections equal drgn's for_each_valid_page_range()"
         % (tag, n), bad[:5])


def merged(ranges):
    out = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def check_map(t, tag, zmap, d):
    """zdx map's non-hole runs are exactly the pfns drgn finds valid."""
    z = merged([[h(r["start_pfn"]), h(r["end_pfn"])] for r in zmap["runs"] if r["owner"] != "hole"])
    g = merged(d["valid_ranges"])
    t.ok(z == g, "%s: zdx map's non-hole pfns equal drgn's valid pfn ranges (%d)" % (tag, len(g)),
         "zdx:  %s\ndrgn: %s" % ([(hex(a), hex(b)) for a, b in z][:8], [(hex(a), hex(b)) for a, b in g][:8]))


def check_pfns(t, tag, pfn_out, d):
    bad_valid, bad_pgmap = [], []
    for p, f in pfn_out.items():
        if f.get("pfn_valid") in (True, False) and f["pfn_valid"] != valid(d["valid_ranges"], p):
            bad_valid.append((hex(p), f["pfn_valid"]))
        want = d.get("pgmap_of", {}).get(hex(p), 0)
        if h(f.get("pgmap") or 0) != want:
            bad_pgmap.append((hex(p), f.get("pgmap"), hex(want)))
    t.ok(not bad_valid, "%s: pfn_valid() of %d sample pfns equals drgn's" % (tag, len(pfn_out)), bad_valid)
    t.ok(not bad_pgmap, "%s: pgmap of %d sample pfns equals drgn's xa_load(pgmap_array)" % (tag, len(pfn_out)),
         bad_pgmap)


def state_word(drgn_state):
    """drgn's MEM_GOING_OFFLINE -> zdx's going-offline."""
    return drgn_state[len("MEM_"):].lower().replace("_", "-")


def check_blocks(t, tag, zmap, d):
    if zmap.get("memory_blocks_note"):
        t.skip("%s: memory blocks" % tag, "zdx: " + zmap["memory_blocks_note"])
        return
    per = d["memory_block_bytes"] // (d["section_pages"] * 4096)
    g = {b["start_section_nr"] // per: state_word(b["state"]) for b in d["memory_blocks"]}
    names = [b["name"] for b in d["memory_blocks"] if b["name"] != "memory%d" % (b["start_section_nr"] // per)]
    t.ok(not names, "%s: drgn's block names are memory<first section / sections per block>" % tag, names[:5])
    z = {b: rs[0]["memory_block_state"] for b, rs in block_runs(zmap).items()}
    t.ok(z == g, "%s: memory blocks and states equal drgn's for_each_memory_block() (%d)" % (tag, len(g)),
         "only zdx: %s\nonly drgn: %s\ndiffer: %s" % (sorted(set(z) - set(g))[:10], sorted(set(g) - set(z))[:10],
                                                      [(b, z[b], g[b]) for b in g if b in z and z[b] != g[b]][:10]))


def check_pgmaps(t, tag, zpg, d):
    z = {h(p["addr"]): p for p in zpg["pgmaps"]}
    g = {h(a): p for a, p in (d.get("pgmaps") or {}).items()}
    t.ok(set(z) == set(g), "%s: same pgmaps as drgn's xa_for_each(pgmap_array) (%d)" % (tag, len(g)),
         "only zdx: %s\nonly drgn: %s" % ([hex(a) for a in set(z) - set(g)], [hex(a) for a in set(g) - set(z)]))
    for a in sorted(set(z) & set(g)):
        zp, gp = z[a], g[a]
        zr = [[h(r["start"]), h(r["end"])] for r in zp["ranges"]]
        t.ok(zp["type_name"] == gp["type"] and zr == gp["ranges"],
             "%s: pgmap %#x type %s and ranges equal drgn's" % (tag, a, gp["type"]),
             "zdx: %s %s\ndrgn: %s %s" % (zp["type_name"], zr, gp["type"], gp["ranges"]))
        if zp.get("altmap"):
            za = {k: h(v) for k, v in zp["altmap"].items()}
            t.ok(za == gp["altmap"], "%s: pgmap %#x altmap equals drgn's" % (tag, a), "zdx: %s\ndrgn: %s"
                 % (za, gp["altmap"]))


def check_dump(t, kernel, dd, truth, entry, path, b):
    tag = dump_opened(t, kernel, truth, entry, b)
    if not tag:
        return
    if entry["format"] in UNREADABLE:
        t.skip("%s: drgn 0.3.0" % tag, UNREADABLE[entry["format"]])
        return
    pfns = sample_pfns(truth)
    d = helpers_oracle(kernel, path, pfns)
    RUNS.append((tag, d.get("wall"), d.get("cached")))
    if not opened(t, tag, d):
        return
    out = b["out"]
    zsec, zpg, zmap = (load_json(out.get(c)) for c in ("zdx sections -a -j", "zdx pgmap -j", "zdx map -j"))
    if not t.ok(None not in (zsec, zpg, zmap), "%s: zdx commands print JSON" % tag, b["log"][-3000:]):
        return
    pfn_out = {p: load_json(out.get("zdx pfn -j %#x" % p)) for p in pfns}
    pfn_out = {p: f for p, f in pfn_out.items() if f and "error" not in f}
    if "sections" not in d["errors"]:
        check_sections(t, tag, zsec, d)
    if "valid_ranges" not in d["errors"]:
        check_subsections(t, tag, zsec, d)
        check_map(t, tag, zmap, d)
    if "pgmaps" not in d["errors"] and "valid_ranges" not in d["errors"]:
        check_pfns(t, tag, pfn_out, d)
    if "memory_blocks" not in d["errors"] and "valid_ranges" not in d["errors"]:
        check_blocks(t, tag, zmap, d)
    if "pgmaps" not in d["errors"]:
        check_pgmaps(t, tag, zpg, d)


def cost(t, corpus):
    """The oracle's cost: every run's wall time (when it ran; a cached
    answer keeps the time of its run)."""
    ran = [w for _, w, c in RUNS if w is not None and not c]
    all_ = [w for _, w, _ in RUNS if w is not None]
    print("# drgn 0.3.0: %d dump files, %.0f s of drgn processes when run (%d ran now: %.0f s; max %.1f s)"
          % (len(all_), sum(all_), len(ran), sum(ran), max(all_ or [0])))


def main():
    return run_corpus_test(check_dump, after=cost)


if __name__ == "__main__":
    sys.exit(main())
