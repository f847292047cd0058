#!/usr/bin/python3
"""crash with zdx under AddressSanitizer + UBSan (issue 10): the host's
crash runs with the sanitizer runtime preloaded and loads build/asan/zdx.so
(`make asan`), on the undamaged twin of 6.1/fsdax-dev and a few of its
damaged dumps (tests/damaged/generate.py), every zdx command, text and -j,
then `sys`.  Any sanitizer report fails the test.

crash itself is not instrumented, so the runtime sees only its allocations
and its calls of intercepted libc functions.  Two checks fire inside crash
8.0.2 before zdx is loaded and are turned off (docs/robustness.md):
intercept_strstr (crash's x86_64_init() runs strstr() over the VMCOREINFO
text it read without a terminating NUL: a heap over-read of crash's) and
alloc_dealloc_mismatch (the embedded gdb's operator new is crash's own,
its operator delete the runtime's).  Leak detection is off: crash exits
without freeing."""
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "damaged"))
import zdxlib  # noqa: E402
import generate  # noqa: E402
import test_damaged  # noqa: E402

SOURCE = "6.1/fsdax-dev"      # the host's crash opens 6.1 dumps; the ASan zdx.so is built for it
DUMPS = ("memmap", "xa-dag", "pgmap-type-altmap", "filtered-d31")
ASAN_SO = os.path.join(zdxlib.ROOT, "build", "asan", "zdx.so")
ASAN_OPTIONS = "detect_leaks=0:intercept_strstr=0:alloc_dealloc_mismatch=0:abort_on_error=0"
SIGNS = ("ERROR: AddressSanitizer", "runtime error:", "SUMMARY: AddressSanitizer",
         "SUMMARY: UndefinedBehaviorSanitizer", "ERROR: LeakSanitizer")


def libasan():
    r = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True)
    path = r.stdout.strip()
    return os.path.realpath(path) if r.returncode == 0 and os.path.isabs(path) else None


def main():
    t = zdxlib.Tap()
    if zdxlib.ONLY and not (zdxlib.ONLY.startswith(SOURCE) or SOURCE.startswith(zdxlib.ONLY.rstrip("/"))):
        t.skip("crash under ASan", "ZDX_TEST_ONLY=%s excludes %s" % (zdxlib.ONLY, SOURCE))
        return t.done()
    rt = libasan()
    if not os.path.isfile(ASAN_SO) or not rt or not os.path.isfile(rt):
        t.ok(False, "ASan zdx.so and runtime present",
             "%s (make asan builds it), runtime %s" % (ASAN_SO, rt))
        return t.done()
    try:
        m = generate.generate(SOURCE)
    except generate.SourceMissing as ex:
        t.ok(False, "damaged dumps from %s: sources present" % SOURCE, str(ex))
        return t.done()
    by_name = {e["name"].split("/")[-1]: e for e in m["dumps"]}
    jobs = [("base", m["baseline"]["path"])] + [(n, by_name[n]["path"]) for n in DUMPS]
    cmds = test_damaged.commands(m)
    env = {"LD_PRELOAD": rt, "ASAN_OPTIONS": ASAN_OPTIONS,
           "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
    kernel = m["kernel"]

    def run(job):
        return zdxlib.run_crash(kernel, job[1], cmds + ["sys"], timeout=test_damaged.SESSION_TIMEOUT,
                                so=ASAN_SO, env=env)
    t0 = time.time()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, jobs))
    reports = 0
    for (name, _path), res in zip(jobs, results):
        text = res["log"] + "".join(v or "" for v in res["out"].values())
        signs = [s for s in SIGNS if s in text]
        reports += bool(signs)
        ran = test_damaged.zdx_ran(res, cmds)
        first = next((ln for ln in text.splitlines() if any(s in ln for s in SIGNS)), "")
        t.ok(not signs, "%s/%s under ASan+UBSan: no sanitizer report (%d zdx commands ran, %.0f s)"
             % (SOURCE, name, ran, res["wall"]), first + "\n" + res["log"][-3000:])
        t.ok(ran == len(cmds) and not res["timeout"] and "RELEASE" in (res["out"].get("sys") or ""),
             "%s/%s under ASan+UBSan: every zdx command ran and crash answers `sys` after them"
             % (SOURCE, name), "status %s, timeout %s\n%s" % (res["rc"], res["timeout"], res["log"][-1500:]))
    print("# ASan: %d sessions, %d zdx commands, %d with a sanitizer report, %.0f s"
          % (len(jobs), sum(test_damaged.zdx_ran(r, cmds) for r in results), reports, time.time() - t0))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
