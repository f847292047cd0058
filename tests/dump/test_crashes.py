#!/usr/bin/python3
"""zdx for each crash users have (issue 11): every crash the corpus knows —
the host's (bookworm 8.0.2) and those of dumps/kernels.manifest's crash
column (trixie 8.0.6, forky 9.0.2) — opens one filtered dump of every
kernel, loads the zdx.so built against its own defs.h, and zdx's sections
must equal that crash's `kmem -n`.  Before its own, each session loads the
other crashes' zdx.so files, which must refuse to load naming both
releases (extension/zdx.c) and leave crash running.  A crash that stops at
start-up on a kernel is a skip with crash's reason: which crash opens which
kernel is measured here, and docs/dumps.md's table is this test's output
(ZDX_CRASHES_TABLE=1 prints it)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import (ALT_SO_ROOT, CACHE, ZDX_SO, Tap, collect_each, crash_refused, load_json,  # noqa: E402
                    crash_options, run_crash)
from oracle_plan import parse_kmem_n  # noqa: E402

SCENARIO = "sysrq"          # the smallest dump every kernel of the corpus has
DUMP = "vmcore.d31"         # the filtered form: what users have


def crashes():
    """[(release, crash binary, its zdx.so)]: the host's, then each of the
    manifest's crash column that make alt-so fetched."""
    out = []
    host = subprocess.run(["crash", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"^crash (\S+)", host, re.M)
    if m:
        out.append((m.group(1), "crash", ZDX_SO))
    for d in sorted(os.listdir(CACHE)):
        m = re.match(r"crash-(\d\S*)$", d)
        if m and os.access(os.path.join(CACHE, d, "crash"), os.X_OK):
            out.append((m.group(1), os.path.join(CACHE, d, "crash"), os.path.join(ALT_SO_ROOT, d, "zdx.so")))
    return out


def kernels():
    """Every kernel of the corpus with its sysrq filtered dump."""
    base = os.path.join(CACHE, "dumps")
    return [k for k in sorted(os.listdir(base)) if os.path.isfile(os.path.join(base, k, SCENARIO, DUMP))]


def refused(out, rel, other):
    """The refusal zdx.c prints for a zdx.so of release other in crash rel."""
    return out is not None and ("built against crash %s's defs.h and this is crash %s" % (other, rel)) in out


def session(rel, binary, so, others, kernel):
    """One crash session: the other releases' zdx.so, then its own, then
    kmem -n and zdx sections."""
    opts = crash_options(kernel, rel)
    cmds = ["extend %s" % o for _, o in others] + ["extend %s" % so, "kmem -n", "zdx sections -j"]
    dump = os.path.join(CACHE, "dumps", kernel, SCENARIO, DUMP)
    return run_crash(kernel, dump, cmds, load_zdx=False, crash=[binary] + opts), cmds, opts


def check(t, rel, binary, so, others, kernel, table):
    tag = "crash %s, %s/%s/%s" % (rel, kernel, SCENARIO, DUMP)
    r, cmds, opts = session(rel, binary, so, others, kernel)
    why = crash_refused(r)
    if why:
        table[(rel, kernel)] = "✗ " + why
        t.skip(tag, "this crash cannot open this dump: " + why)
        return
    table[(rel, kernel)] = "✓" + (" with `%s`" % " ".join(opts) if opts else "")
    for (orel, o) in others:
        t.ok(refused(r["out"].get("extend %s" % o), rel, orel),
             "%s: the zdx.so for crash %s refuses to load, naming both releases" % (tag, orel),
             r["out"].get("extend %s" % o))
    t.ok("shared object loaded" in (r["out"].get("extend %s" % so) or ""),
         "%s: its own zdx.so (%s) loads" % (tag, so), r["out"].get("extend %s" % so))
    crash_n = parse_kmem_n(r["out"].get("kmem -n"))
    z = load_json(r["out"].get("zdx sections -j")) or {}
    zdx_n = {s["nr"]: int(s["mem_map"], 16) for s in z.get("sections", [])}
    t.ok(crash_n and zdx_n == {nr: mm for nr, (mm, _) in crash_n.items()},
         "%s: zdx sections = this crash's kmem -n (%d sections, number and mem_map)" % (tag, len(crash_n)),
         "kmem -n: %d, zdx: %d; first differences: %s" % (
             len(crash_n), len(zdx_n),
             sorted(set(zdx_n.items()) ^ {(nr, mm) for nr, (mm, _) in crash_n.items()})[:6]))


def print_table(table, rels, ks):
    print("# crash | " + " | ".join(ks))
    for rel in rels:
        print("# %s | %s" % (rel, " | ".join(table.get((rel, k), "–") for k in ks)))


def main():
    t = Tap()
    cs = crashes()
    ks = kernels()
    t.ok(len(cs) >= 2 and ks, "crashes (%s) and %s dumps (%s) to test" % (
        ", ".join(c[0] for c in cs), SCENARIO, ", ".join(ks)), "run make check's prerequisites first")
    table = {}
    jobs = [(rel, b, so, [(r2, s2) for r2, _, s2 in cs if r2 != rel], k, table) for rel, b, so in cs for k in ks]
    for c in collect_each(jobs, check, lambda job: "crash %s on %s" % (job[0], job[4])):
        c.replay(t)
    opened = {k for (rel, k), v in table.items() if v.startswith("✓")}
    t.ok(opened == set(ks), "every kernel's dump is opened by some crash with its zdx (%s)" % ", ".join(sorted(opened)),
         "no crash opened: %s" % sorted(set(ks) - opened))
    if os.environ.get("ZDX_CRASHES_TABLE"):
        print_table(table, [c[0] for c in cs], ks)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
