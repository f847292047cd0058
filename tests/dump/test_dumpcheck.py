#!/usr/bin/env python3
"""zdx dumpcheck on every factory dump, checked against independent oracles:

- crash's own `rd -p` (and `rd` for unmapped virtual pages), with zdx
  unloaded (the last batch of the shared session, zdxlib.bundle): every
  range dumpcheck reports present must read, every range it reports
  missing must not (first, middle and last page of each range);
- the truth file: a memmap_on_memory guest's hot-plugged blocks each hold
  their own memmap from their first byte (dumpcheck's memmap_on_memory
  classes);
- the truth file: the device-resident memmap of a pgmap must sit inside a
  --map=dev namespace's memmap storage [start + 8 KiB info block,
  data_start); the dump entry's pmem_memmap_readable says whether it is in
  the dump (the in-guest kdump dumps: no; QEMU ELF/kdump: yes; makedumpfile
  of them: null, whatever makedumpfile kept, and what it dropped must be
  "excluded" by the dump level); the dump level recorded in the header
  matches the truth's.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import crash_only, load_json, h, run_corpus_test, dump_opened  # noqa: E402
from oracle_plan import dumpcheck_probes  # noqa: E402

INFO_BLOCK = 8192


def readable(out):
    """rd printed a data line ("addr:  value ..."), not an error."""
    if not out:
        return False
    for line in out.splitlines():
        line = line.strip()
        if ":" in line and not line.startswith("rd:"):
            head = line.split(":", 1)[0]
            try:
                int(head, 16)
                return True
            except ValueError:
                pass
    return False


def dev_storage(truth):
    """[(start, end, dev)] of the memmap storage of --map=dev namespaces."""
    out = []
    for ns in truth.get("namespaces") or []:
        if ns.get("map") == "dev" and ns.get("data_start"):
            out.append((h(ns["start"]) + INFO_BLOCK, h(ns["data_start"]), ns["dev"]))
    return out


def block_memmap_checks(t, name, truth, rep):
    """Every hot-plugged block of a memmap_on_memory guest has its memmap
    class, its pages inside the block from the block's first byte."""
    bb = truth["memory_block_bytes"]
    blocks = {"memory%d" % blk: blk * bb
              for x in truth.get("hotplug") or [] for blk in x["blocks"]}
    mom = {c.get("memory_block"): c for c in rep["classes"] if c["class"] == "memmap_on_memory"}
    t.ok(set(mom) == set(blocks), "%s: a memmap_on_memory class for each hot-plugged block %s"
         % (name, sorted(blocks)), sorted(k for k in mom if k))
    for blk, start in sorted(blocks.items()):
        c = mom.get(blk)
        if not c:
            continue
        rs = sorted(c["present"] + c["missing"], key=lambda r: h(r["start"]))
        t.ok(bool(rs) and h(rs[0]["start"]) == start and all(start <= h(r["start"]) and h(r["end"]) <= start + bb
                                                             for r in rs),
             "%s: %s's memmap is in the block, from its first byte %x" % (name, blk, start),
             [(r["start"], r["end"]) for r in rs])


def check_dump(t, kernel, d, truth, entry, path, b):
    name = dump_opened(t, kernel, truth, entry, b)
    if not name:
        return
    t0 = time.time()
    outs, log = b["out"], b["log"]
    rep = load_json(outs.get("zdx dumpcheck -j"))
    t.ok(rep is not None, "%s: dumpcheck -j is JSON" % name,
         (outs.get("zdx dumpcheck -j") or "")[-800:] + log[-800:])
    if rep is None:
        return
    text = outs.get("zdx dumpcheck") or ""
    df = rep["dumpfile"]
    want_fmt = "elf" if entry["format"] == "elf" else "kdump-compressed"
    t.ok(df["format"] == want_fmt, "%s: format %s" % (name, df["format"]), df)
    if entry.get("dump_level") is not None:
        t.ok(df.get("dump_level") == entry["dump_level"],
             "%s: header dump level %s = truth %s" % (name, df.get("dump_level"), entry["dump_level"]), df)
    kinds = {c["class"] for c in rep["classes"]}
    for k in ("section_roots", "dev_pagemap", "zone_memmap", "log"):
        t.ok(k in kinds, "%s: class %s reported" % (name, k), sorted(kinds))

    # Truth: where the device-resident memmap lives, and whether it is in the dump.
    storage = dev_storage(truth)
    dev = [c for c in rep["classes"] if c["class"] == "pgmap_memmap" and c["home"] == "device"]
    if storage:
        t.ok(len(dev) > 0, "%s: a device-resident memmap is reported (--map=dev namespaces)" % name,
             [c["name"] for c in rep["classes"]])
    for c in dev:
        for r in c["present"] + c["missing"]:
            s, e = h(r["start"]), h(r["end"])
            inside = [d for (a, b, d) in storage if a <= s and e <= b]
            t.ok(bool(inside), "%s: device memmap %x-%x inside a namespace's memmap storage %s" %
                 (name, s, e, inside), storage)
        want = entry.get("pmem_memmap_readable")
        if want is True:
            t.ok(c["missing_pages"] == 0, "%s: %s in the dump (truth: readable)" % (name, c["name"]), c)
        elif want is None:      # makedumpfile's choice (dumps/truth.py): the QMP dump it filtered held it all
            t.ok(all(r["file"] == "excluded" for r in c["missing"]),
                 "%s: %s: whatever is missing was excluded by the dump level (%d of %d pages)"
                 % (name, c["name"], c["missing_pages"], c["missing_pages"] + c["present_pages"]), c)
        elif want is False:
            t.ok(c["present_pages"] == 0 and c["missing_pages"] > 0 and
                 all(r["file"] == "not-captured" for r in c["missing"]),
                 "%s: %s reported not captured (truth: not readable)" % (name, c["name"]), c)
            t.ok("is in no kdump vmcore" in text and "--map=mem" in text,
                 "%s: advice names the kdump limit and --map=mem" % name, text[-800:])

    # Truth: memmap_on_memory keeps each hot-plugged block's memmap in the
    # block's own first pages (the guest's sysfs parameter and its QMP
    # hot-plug record say which blocks).
    if truth.get("memmap_on_memory"):
        block_memmap_checks(t, name, truth, rep)

    # Independent readmem probes, crash alone.
    plan = dumpcheck_probes(outs)
    pouts = crash_only(b, kernel, path, [p[0] for p in plan])
    bad = [(cmd, want, what, (pouts.get(cmd) or "").strip()[:120]) for cmd, want, what in plan
           if readable(pouts.get(cmd)) != want]
    t.ok(not bad, "%s: %d rd probes agree with dumpcheck's present/missing ranges (%.0f s)" %
         (name, len(plan), time.time() - t0), "\n".join(map(str, bad[:15])))


def guest_seen(t, corpus):
    if not any(entry.get("pmem_memmap_readable") is False for (_k, _d, _t, entry, _p) in corpus):
        print("# no in-guest kdump dump in the corpus: the not-captured path was not exercised")


if __name__ == "__main__":
    sys.exit(run_corpus_test(check_dump, after=guest_seen))
