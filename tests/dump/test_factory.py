#!/usr/bin/env python3
"""TAP tests of the dump factory's corpus ($ZDX_CACHE/dumps/K/S/).

For every scenario directory: truth.json conforms to dumps/truth.schema.json
(and the checker itself rejects a corrupted copy); for every dump file it
lists, the crash that dumps/crash-for.sh names loads it non-interactively,
`sys` shows the scenario's panic string, and `kmem -n` shows what the truth
implies: every section overlapping a namespace present with a memmap, no
pmem-only section online, hot-plugged blocks online/offline as recorded.
This judges the corpus, not the extension: the commands are the crash-only
ones each dump's shared crash session (zdxlib.bundle) runs before it loads
zdx.
"""
import copy
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "dumps"))
sys.path.insert(0, os.path.join(ROOT, "tests", "damaged"))
import check_truth  # noqa: E402
import dumpfmt  # noqa: E402
import oracle_plan  # noqa: E402
from zdxlib import Tap, CACHE, bundles, dumps, crash_binary, crash_only, vtop_page  # noqa: E402

SECTION_BYTES = 1 << 27


def scenario_dirs():
    """Every scenario directory of the corpus; with ZDX_TEST_ONLY, those
    whose path, or the path of a file in them, holds it."""
    base = os.path.join(CACHE, "dumps")
    if not os.path.isdir(base):
        return []
    dirs = [os.path.join(base, k, s) for k in sorted(os.listdir(base))
            for s in sorted(os.listdir(os.path.join(base, k)))
            if not s.startswith(".") and os.path.isdir(os.path.join(base, k, s))]
    only = os.environ.get("ZDX_TEST_ONLY")
    return [d for d in dirs if not only or any(only in os.path.join(d, f) for f in [""] + os.listdir(d))]


def check_schema(t, d, truth_path, schema):
    errs = check_truth.check(truth_path, schema)
    t.ok(not errs, "%s: truth.json conforms to truth.schema.json" % d, "\n".join(errs))


def check_checker(t, truth_path, schema):
    """The conformance check must reject a broken truth file, or it proves nothing."""
    with open(truth_path) as f:
        doc = json.load(f)
    bad = copy.deepcopy(doc)
    bad["memory_blocks"][0]["start_pfn"] = 12
    del bad["kernel"]["release"]
    bad["walker"] = None if doc["walker"] else {"mode": "x"}
    errs = check_truth.schema_errors(bad, schema) + check_truth.semantic_errors(bad, truth_path)
    t.ok(len(errs) >= 3, "check_truth rejects a corrupted truth.json (%d problems found)" % len(errs),
         "\n".join(errs))


def expect_sections(truth):
    """(section, must_be_online or None, why) implied by the truth file."""
    exp = []
    for s in truth["pmem_sections"]:
        exp.append((s["section"], False if s["pmem_only"] else None, "pmem " + ",".join(s["namespaces"])))
    per_block = truth["memory_block_bytes"] // SECTION_BYTES
    hot = {b for h in truth["hotplug"] for b in h["blocks"]}
    for b in truth["memory_blocks"]:
        if b["block"] in hot:
            for s in range(b["block"] * per_block, (b["block"] + 1) * per_block):
                exp.append((s, b["state"] == "online", "hot-plugged memory%d %s" % (b["block"], b["state"])))
    return exp


def kernel_panics(d):
    """The guest console's "Kernel panic - not syncing: ..." lines.  crash
    8.0.2 names a BUG() panic by the log's BUG line (the scenario's
    SYS_PANIC), crash 8.0.6 on 6.12 by panic()'s own message: either is
    what the kernel said."""
    try:
        with open(os.path.join(d, "console.log"), errors="replace") as f:
            return [m.group(1) for m in re.finditer(r"(Kernel panic - not syncing: [^\r\n]*?)\s*$", f.read(), re.M)]
    except OSError:
        return []


def struct_page_absent(kernel, truth, entry, path, b):
    """Whether the page holding the probed struct page is missing from the
    kdump-compressed file at path: its own bitmap says so, read by
    tests/damaged/dumpfmt.py, not by crash; where it is, from crash's vtop
    (oracle_plan.memmap_probe_vtop)."""
    v = oracle_plan.memmap_probe_vtop(truth, b["out"])
    if not v or entry.get("format") != "kdump-compressed":
        return False
    pfn = vtop_page(crash_only(b, kernel, path, [v])[v])
    return pfn is not None and not dumpfmt.Kdump(path).dumped(pfn)


def check_dump(t, kernel, d, truth, entry, b):
    res, log = b["out"], b["log"]
    probe = oracle_plan.memmap_probe(truth)
    name = "%s/%s" % (d, entry["file"])
    if not t.ok("PANIC:" in (res.get("sys") or ""),
                "%s: %s loads it and `sys` runs (session %.0f s)"
                % (name, os.path.basename(crash_binary(kernel)), b.get("seconds", 0)), log[-1500:]):
        return
    panic = [l for l in res["sys"].splitlines() if "PANIC:" in l]
    want = [truth["panic"]["sys_panic"]] + kernel_panics(d)
    t.ok(any(w in l for w in want for l in panic),
         "%s: sys PANIC contains %r or the guest log's own panic() line" % (name, truth["panic"]["sys_panic"]),
         "\n".join(panic + ["guest log: %s" % w for w in want[1:]]))
    secs = {nr: flags for nr, (_, flags) in oracle_plan.parse_kmem_n(res.get("kmem -n")).items()}
    problems = []
    for nr, online, why in expect_sections(truth):
        st = secs.get(nr)
        state = " ".join(sorted(st)) if st else "absent"
        if st is None or not {"present", "memmap"} <= st:
            problems.append("section %d (%s): %s, want present with memmap" % (nr, why, state))
        elif online is True and "online" not in st:
            problems.append("section %d (%s): %s, want online" % (nr, why, state))
        elif online is False and "online" in st:
            problems.append("section %d (%s): %s, want not online" % (nr, why, state))
    n = len(expect_sections(truth))
    if not secs:
        problems.append("kmem -n listed no sections:\n" + (res.get("kmem -n") or log)[-800:])
    t.ok(not problems, "%s: kmem -n agrees with the truth on %d section(s)" % (name, n), "\n".join(problems))
    if probe:
        out = res[probe[1]] or ""
        want = entry["pmem_memmap_readable"]
        if want is None:        # makedumpfile's choice (dumps/truth.py): crash must answer either way
            absent = struct_page_absent(kernel, truth, entry, name, b)
            t.ok(oracle_plan.memmap_probe_explained(out) or absent,
                 "%s: struct page of %s (memmap on pmem) read by crash, or not in this filtered dump "
                 "(crash says 'page excluded', or the file's bitmap lacks its page)%s"
                 % (name, probe[0], " (the bitmap: not dumped)" if absent else ""),
                 out.strip()[-400:] or log[-400:])
        else:
            t.ok(oracle_plan.memmap_probe_read(out) == want, "%s: struct page of %s (memmap on pmem) is %sreadable, as truth says"
                 % (name, probe[0], "" if want else "not "), out.strip()[-400:] or log[-400:])


def check_scenarios(t, dirs):
    """truth.json of every scenario directory: present, conforming, and
    naming dump files that exist; the checker rejects a corrupted one."""
    schema = check_truth.load_schema()
    checked_checker = False
    for d in dirs:
        truth_path = os.path.join(d, "truth.json")
        if not t.ok(os.path.isfile(truth_path), "%s: has truth.json" % d):
            continue
        check_schema(t, d, truth_path, schema)
        if not checked_checker:
            check_checker(t, truth_path, schema)
            checked_checker = True
        with open(truth_path) as f:
            files = [e["file"] for e in json.load(f).get("dumps", [])]
        gone = [f for f in files if not os.path.isfile(os.path.join(d, f))]
        t.ok(files and not gone, "%s: the dump files truth.json lists exist (%d)" % (d, len(files)),
             "missing: %s" % " ".join(gone) if gone else "truth.json lists no dump file")


def main():
    t = Tap()
    dirs = scenario_dirs()
    t.ok(len(dirs) > 0, "the factory corpus is not empty (%s)" % os.path.join(CACHE, "dumps"),
         "run `make dumps` first")
    check_scenarios(t, dirs)
    corpus = dumps()
    # The shared sessions: two crash processes at a time, reported in corpus order.
    for (kernel, d, truth, entry, path), b in zip(corpus, bundles(corpus)):
        if isinstance(b, Exception):
            t.ok(False, "%s: one crash session on it" % path, repr(b))
            continue
        check_dump(t, kernel, d, truth, entry, b)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
