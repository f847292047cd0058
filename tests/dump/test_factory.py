#!/usr/bin/env python3
"""TAP tests of the dump factory's corpus ($ZDX_CACHE/dumps/K/S/).

For every scenario directory: truth.json conforms to dumps/truth.schema.json
(and the checker itself rejects a corrupted copy); for every dump file it
lists, the crash that dumps/crash-for.sh names loads it non-interactively,
`sys` shows the scenario's panic string, and `kmem -n` shows what the truth
implies: every section overlapping a namespace present with a memmap, no
pmem-only section online, hot-plugged blocks online/offline as recorded.
zdx itself is not loaded: this judges the corpus, not the extension.
"""
import concurrent.futures
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "dumps"))
import check_truth  # noqa: E402

CACHE = os.environ.get("ZDX_CACHE", os.path.expanduser("~/.cache/zdx"))
SECTION_BYTES = 1 << 27
KMEM_N = re.compile(r"^\s*(\d+)\s+([0-9a-f]{16})\s+([0-9a-f]{16})\s+([0-9a-f]{16})\s+([A-Z]+)\s+(\d+)")


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, what, detail=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what), flush=True)
        if not cond:
            self.failed += 1
            for line in str(detail or "").splitlines()[:15]:
                print("#   " + line)
        return cond


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


def crash_for(kernel):
    r = subprocess.run([os.path.join(ROOT, "dumps", "crash-for.sh"), "--no-build", kernel],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    return r.stdout.strip()


def run_crash(crash, vmlinux, dump, commands, timeout=600):
    """{command: output}, plus crash's own stdout/stderr, for commands run by -i."""
    with tempfile.TemporaryDirectory(prefix="zdx-factory-test-") as tmp:
        script = os.path.join(tmp, "cmds")
        outs = {}
        with open(script, "w") as f:
            for i, c in enumerate(commands):
                outs[c] = os.path.join(tmp, "out%d" % i)
                f.write("%s > %s\n" % (c, outs[c]))
            f.write("exit\n")
        r = subprocess.run([crash, "-s", "-i", script, vmlinux, dump], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        res = {}
        for c, p in outs.items():
            res[c] = open(p).read() if os.path.exists(p) else None
        return res, r.stdout + r.stderr


def kmem_sections(text):
    """section number -> state letters (P present, M memmap, O online, E early, D device)."""
    out = {}
    for l in (text or "").splitlines():
        m = KMEM_N.match(l)
        if m:
            out[int(m.group(1))] = m.group(5)
    return out


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


def crash_job(crash, kdir, d, truth, entry):
    """Run crash on one dump (in a worker thread); returns what check_dump needs."""
    probe = memmap_probe(truth)
    cmds = ["sys", "kmem -n"] + ([probe[1]] if probe else [])
    t0 = time.time()
    try:
        res, log = run_crash(crash, os.path.join(kdir, "vmlinux"), os.path.join(d, entry["file"]), cmds)
    except subprocess.TimeoutExpired:
        res, log = None, "crash timed out"
    return res, log, probe, time.time() - t0


def check_dump(t, crash, d, truth, entry, job):
    res, log, probe, secs = job
    name = "%s/%s" % (d, entry["file"])
    if not t.ok(res is not None and "PANIC:" in (res["sys"] or ""),
                "%s: %s loads it and `sys` runs (%.0f s)" % (name, os.path.basename(crash), secs),
                log[-1500:]):
        return
    panic = [l for l in res["sys"].splitlines() if "PANIC:" in l]
    want = [truth["panic"]["sys_panic"]] + kernel_panics(d)
    t.ok(any(w in l for w in want for l in panic),
         "%s: sys PANIC contains %r or the guest log's own panic() line" % (name, truth["panic"]["sys_panic"]),
         "\n".join(panic + ["guest log: %s" % w for w in want[1:]]))
    secs = kmem_sections(res["kmem -n"])
    problems = []
    for nr, online, why in expect_sections(truth):
        st = secs.get(nr)
        if st is None or "P" not in st or "M" not in st:
            problems.append("section %d (%s): %s, want present with memmap" % (nr, why, st or "absent"))
        elif online is True and "O" not in st:
            problems.append("section %d (%s): %s, want online" % (nr, why, st))
        elif online is False and "O" in st:
            problems.append("section %d (%s): %s, want not online" % (nr, why, st))
    n = len(expect_sections(truth))
    if not secs:
        problems.append("kmem -n listed no sections:\n" + (res["kmem -n"] or log)[-800:])
    t.ok(not problems, "%s: kmem -n agrees with the truth on %d section(s)" % (name, n), "\n".join(problems))
    if probe:
        out = res[probe[1]] or ""
        readable = bool(re.search(r"\$\d+ = 0x[0-9a-f]+", out))
        want = entry["pmem_memmap_readable"]
        t.ok(readable == want, "%s: struct page of %s (memmap on pmem) is %sreadable, as truth says"
             % (name, probe[0], "" if want else "not "), out.strip()[-400:] or log[-400:])


def memmap_probe(truth):
    """(what, crash command) reading a struct page stored on pmem, or None.

    The first data pfn of a --map=dev namespace has its struct page inside the
    namespace; dumps that lack pmem (in-guest kdump) cannot read it."""
    for n in truth["namespaces"]:
        if n["map"] == "dev":
            pfn = int(n["data_start"], 16) >> 12
            # The first word (flags): an unsigned long, or memdesc_flags_t on 7.x.
            return ("pfn 0x%x" % pfn, "px *(unsigned long *)&((struct page *)vmemmap_base)[0x%x]" % pfn)
    return None


def main():
    t = Tap()
    schema = check_truth.load_schema()
    dirs = scenario_dirs()
    t.ok(len(dirs) > 0, "the factory corpus is not empty (%s)" % os.path.join(CACHE, "dumps"),
         "run `make dumps` first")
    checked_checker = False
    work = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get("ZDX_TEST_JOBS", "2")))
    for d in dirs:
        kernel = os.path.basename(os.path.dirname(d))
        truth_path = os.path.join(d, "truth.json")
        if not t.ok(os.path.isfile(truth_path), "%s: has truth.json" % d):
            continue
        check_schema(t, d, truth_path, schema)
        if not checked_checker:
            check_checker(t, truth_path, schema)
            checked_checker = True
        with open(truth_path) as f:
            truth = json.load(f)
        try:
            crash = crash_for(kernel)
        except RuntimeError as e:
            t.ok(False, "%s: a crash binary for kernel %s" % (d, kernel), str(e))
            continue
        kdir = os.path.join(CACHE, "kernels", kernel)
        work.append((crash, d, truth, [(e, pool.submit(crash_job, crash, kdir, d, truth, e)) for e in truth["dumps"]]))
    # crash runs two at a time; results are reported in corpus order.
    for crash, d, truth, jobs in work:
        for entry, fut in jobs:
            check_dump(t, crash, d, truth, entry, fut.result())
    pool.shutdown()
    print("1..%d" % t.n)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
