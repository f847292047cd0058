#!/usr/bin/python3
"""zdx names module code without crash's module layer.  On one walker dump
per kernel (walk-altmap-reserve, its smallest file: its fault is in the
zdx_walker module), one crash session started with --no_modules (crash
then has no module symbol at all, as crash 9.0.2 on 7.x dumps) runs
zdx explain -j.  Its faulting function and offset must be
  - the kernel's own oops line, "RIP: 0010:func+0xoff/0xlen [module]" of
    the guest's console (console.log, captured outside the guest), on
    every kernel;
  - crash's own answer where that crash opens the dump with its module
    layer (the kernels whose kernels.manifest line has no --no_modules):
    the "[exception RIP: func+off]" of `bt` in the shared session, at the
    same RIP;
and the name must say it came from the dump's module kallsyms.  The DWARF
evidence (module variables, the .ko placed at the dump's section
addresses) must be what explain gives in the shared session with crash's
module layer."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import (Tap, collect_each, dumps, CACHE, run_crash, crash_binary, load_json, bundle,  # noqa: E402
                    crash_refused, h, crash_options)
from test_explain import bt_exception_frames  # noqa: E402

SCENARIO = "walk-altmap-reserve"
KERNEL_RIP = re.compile(r"RIP: 0010:([^\s+]+)\+0x([0-9a-f]+)/0x([0-9a-f]+) \[(\w+)\]")


def console_rips(scen_dir):
    """[(func, off, module)] of the kernel-mode RIP lines in module code the
    guest's console printed."""
    try:
        with open(os.path.join(scen_dir, "console.log"), errors="replace") as f:
            text = f.read()
    except OSError:
        return []
    return [(m.group(1), int(m.group(2), 16), m.group(4)) for m in KERNEL_RIP.finditer(text)]


def dwarf_evidence(r):
    return sorted((e["value"], e["origin"]) for e in (r.get("evidence") or [])
                  if e.get("source") == "DWARF variable")


def check_kernel(t, kernel, scen_dir, truth, path):
    tag = "%s/%s/%s" % (kernel, truth["scenario"], os.path.basename(path))
    cmd = "zdx explain -j -m %s" % os.path.join(CACHE, "kmod", kernel)
    res = run_crash(kernel, path, [cmd], crash=[crash_binary(kernel), "--no_modules"])
    r = load_json(res["out"].get(cmd))
    if not t.ok(isinstance(r, dict) and r.get("faulting_function"),
                "%s: with --no_modules, zdx explain names a faulting function" % tag,
                (res["out"].get(cmd) or res["log"])[-600:]):
        return
    fn, off = r["faulting_function"], int(r["faulting_offset"], 16)
    rips = console_rips(scen_dir)
    t.ok(any(f == fn and o == off for f, o, _ in rips),
         "%s: --no_modules: %s+%#x is the kernel's own RIP line in module code" % (tag, fn, off),
         "console RIP lines: %s" % rips[-4:])
    t.ok(r.get("faulting_symbol_source") == "dump module kallsyms",
         "%s: --no_modules: the name says it is from the dump's module kallsyms (%s)"
         % (tag, r.get("faulting_symbol_source")))
    mods = {m for f, o, m in rips if f == fn and o == off}
    d = [x for x in r.get("exception_frames") or [] if x["deciding"]]
    t.ok(d and d[0].get("rip_module") in mods and d[0]["rip"] == r.get("faulting_rip"),
         "%s: --no_modules: the deciding frame is in module %s, at the faulting RIP"
         % (tag, d and d[0].get("rip_module")), "log modules %s" % mods)
    t.ok(dwarf_evidence(r), "%s: --no_modules: module DWARF variables are evidence" % tag,
         "notes: %s" % r.get("notes"))
    if "--no_modules" in crash_options(kernel):
        t.skip("%s: crash's own symbol and the DWARF with crash's module layer" % tag,
               "this kernel's crash opens its dumps only with --no_modules (kernels.manifest)")
        return
    b = bundle(kernel, path, truth)
    if crash_refused(b):
        t.skip("%s: crash's own symbol" % tag, "crash cannot open this dump: %s" % crash_refused(b))
        return
    frames = [f for f in bt_exception_frames(b["out"].get("bt")) if f[1] == h(r["faulting_rip"])]
    sym = frames[0][0] if frames else None
    m = re.match(r"([^+\s]+)\+(0x[0-9a-f]+|\d+)$", sym or "")
    t.ok(m and m.group(1) == fn and int(m.group(2), 0) == off,
         "%s: crash's own bt (module layer on) names RIP %s %s, zdx without it %s+%#x"
         % (tag, r["faulting_rip"], sym, fn, off))
    with_mods = load_json(b["out"].get(cmd))
    t.ok(isinstance(with_mods, dict) and dwarf_evidence(with_mods) == dwarf_evidence(r),
         "%s: the DWARF evidence is the one explain gives with crash's module layer (%d)"
         % (tag, len(dwarf_evidence(r))),
         "with: %s\nwithout: %s" % (isinstance(with_mods, dict) and dwarf_evidence(with_mods),
                                    dwarf_evidence(r)))


def main():
    t = Tap()
    corpus = [c for c in dumps() if c[2]["scenario"] == SCENARIO]
    if not t.ok(corpus, "the corpus has %s dumps (%d)" % (SCENARIO, len(corpus))):
        return t.done()
    picks = []
    for k in sorted({c[0] for c in corpus}):
        kernel, scen_dir, truth, _, path = min((c for c in corpus if c[0] == k),
                                               key=lambda c: os.path.getsize(c[4]))
        picks.append((kernel, scen_dir, truth, path))
    for c in collect_each(picks, check_kernel, lambda job: job[3]):
        c.replay(t)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
