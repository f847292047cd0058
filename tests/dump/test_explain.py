#!/usr/bin/python3
"""zdx explain on every factory dump: the verdict, pfn and owner must be the
ones the guest recorded before it panicked (truth.json "walker"), and
"unrelated" for dumps whose panic has nothing to do with device memory
(sysrq, the correct-walker control).  The faulting function and the
deciding frame are checked against the kernel's own oops ("RIP:" lines of
the log), crash's `bt` (the deciding frame is one crash printed, never one
it called bogus, with the same RIP) and the scenario's expected function.
The walker's module parameters and log lines are never given to zdx: only
its debuginfo directory, as a user would point `mod -s` at it."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import load_json, h, CACHE, ROOT, run_corpus_test, dump_opened  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "dumps"))
import verdicts  # noqa: E402  (the vocabulary: include/zdx/verdicts.h)

UNRELATED = verdicts.word("UNRELATED")
OFFLINE = verdicts.word("OFFLINE_MEMORY")
MEMMAP_ON_MEMORY = verdicts.word("MEMMAP_ON_MEMORY")
DEVICE_VERDICTS = verdicts.device_words()   # the pfn is device memory with an owner

LOG_RIP = re.compile(r"RIP: [0-9a-f]{4}:([^\s+]+)\+0x([0-9a-f]+)/0x[0-9a-f]+")


def bt_exception_frames(bt):
    """[(symbol text, rip, bogus)] in bt order: every register block, with
    or without its "[exception RIP:" line (user mode, or a garbage CS)."""
    frames = []
    for line in (bt or "").splitlines():
        m = re.search(r"\[exception RIP: ([^\]]*)\]", line)
        r = re.match(r"\s+RIP: ([0-9a-f]+)", line)
        if m:
            frames.append([m.group(1), None, False])
        elif r and frames and frames[-1][1] is None:
            frames[-1][1] = int(r.group(1), 16)
        elif r:
            frames.append(["(register block)", int(r.group(1), 16), False])
        elif frames and "possibly bogus exception frame" in line:
            frames[-1][2] = True
    return frames


def check_frame(t, tag, r, out):
    """The faulting function is the log's and crash's, never a bogus frame's."""
    fn = r.get("faulting_function")
    log_rips = [(m.group(1), int(m.group(2), 16)) for m in LOG_RIP.finditer(out.get("log") or "")]
    if log_rips and r.get("report") not in (None, "panic"):
        t.ok(fn is not None and any(f == fn and "%#x" % o == r.get("faulting_offset") for f, o in log_rips),
             "%s: faulting function %s+%s is a RIP line of the log" % (tag, fn, r.get("faulting_offset")),
             "log RIP lines: %s" % log_rips[-6:])
    frames = r.get("exception_frames") or []
    deciding = [f for f in frames if f["deciding"]]
    if not deciding:
        return
    d = deciding[0]
    t.ok(not d["bogus"] and d["rip"] == r["faulting_rip"],
         "%s: deciding frame %d (%s) is not bogus and has the faulting RIP" % (tag, d["n"], d["rip_symbol"]))
    if r.get("registers_from") == "bt":
        bt = bt_exception_frames(out.get("bt"))
        ok = len(bt) >= d["n"] and bt[d["n"] - 1][1] == h(d["rip"]) and not bt[d["n"] - 1][2]
        t.ok(ok, "%s: crash's bt has frame %d at RIP %s, not flagged bogus" % (tag, d["n"], d["rip"]),
             "bt frames: %s" % bt)


# Where zdx_walker.ko's ctx= runs the walker (dumps/kmod/README.md,
# "Contexts"): the context zdx must name for the deciding frame.
CTX_CONTEXT = {"task": "process context", "kthread": "process context", "workqueue": "process context",
               "timer": "softirq", "timer-busy": "softirq", "hrtimer": "hardirq", "irq_work": "hardirq"}


def expected_context(w):
    """The context the walker ran in, from its recorded module parameters."""
    params = dict(p.split("=", 1) for p in (w.get("params") or "").split() if "=" in p)
    return CTX_CONTEXT.get(params.get("ctx", "task"))


def online_type(block):
    """How the guest's sysfs says a block is onlined: its state, and for an
    online block the zone valid_zones names (the block's own)."""
    if block["state"] != "online":
        return block["state"]
    return "online_movable" if block.get("valid_zones") == "Movable" else "online_kernel"


def check_vmemmap_owner(t, tag, truth, w, r):
    """memmap_on_memory: the guest enabled it, and the owner names the
    block and how sysfs says it is onlined."""
    blocks = {"memory%d" % b["block"]: b for b in truth.get("memory_blocks") or []}
    b = blocks.get(w.get("expected_owner"))
    want = online_type(b) if b else None
    t.ok(truth.get("memmap_on_memory") is True and r.get("memmap_on_memory") is True,
         "%s: memmap_on_memory in the guest and in zdx's answer (got %s)" % (tag, r.get("memmap_on_memory")))
    t.ok(want is not None and r.get("memory_block_online") == want and
         "%s: memmap_on_memory vmemmap pages (%s)" % (w["expected_owner"], want) in (r.get("owner") or ""),
         "%s: owner %s's vmemmap pages, %s as sysfs says (got %s)" % (tag, w.get("expected_owner"), want,
                                                                       r.get("owner")))


def check_dump(t, kernel, d, truth, entry, path, b):
    tag = dump_opened(t, kernel, truth, entry, b)
    if not tag:
        return
    cmd = "zdx explain -j -m %s" % os.path.join(CACHE, "kmod", kernel)
    out, log = b["out"], b["log"]
    r = load_json(out.get(cmd))
    if not t.ok(r is not None, "%s: zdx explain prints JSON" % tag, log[-3000:]):
        return
    w = truth.get("walker")
    want = w["expected_verdict"] if w else UNRELATED
    t.ok(r["verdict"] == want, "%s: verdict %s (got %s, %s)" % (tag, want, r["verdict"], r["confidence"]),
         "\n".join("%s %s %s" % (e["source"], e["pfn"], e["origin"]) for e in r["evidence"]))
    check_frame(t, tag, r, out)
    if w and w.get("params") and expected_context(w):
        t.ok(r.get("context") == expected_context(w),
             "%s: context %s (got %s)" % (tag, expected_context(w), r.get("context")))
    if w and w.get("expected_function"):
        t.ok(r.get("faulting_function") == w["expected_function"],
             "%s: faulting function %s (got %s)" % (tag, w["expected_function"], r.get("faulting_function")))
    if not w or want == UNRELATED:
        return
    t.ok(r["pfn"] is not None and h(r["pfn"]) == h(w["pfn"]),
         "%s: pfn %s (got %s)" % (tag, w["pfn"], r["pfn"]))
    if w.get("expected_owner") and want in DEVICE_VERDICTS:
        t.ok(r.get("device") == w["expected_owner"],
             "%s: owner %s (got %s)" % (tag, w["expected_owner"], r.get("device")))
    if w.get("expected_owner") and want in (OFFLINE, MEMMAP_ON_MEMORY):
        t.ok(r.get("memory_block") == w["expected_owner"],
             "%s: memory block %s (got %s)" % (tag, w["expected_owner"], r.get("memory_block")))
    if want == MEMMAP_ON_MEMORY:
        check_vmemmap_owner(t, tag, truth, w, r)
    t.ok(all(e["check"] for e in r["evidence"]), "%s: every piece of evidence names a crash command" % tag)


if __name__ == "__main__":
    sys.exit(run_corpus_test(check_dump))
