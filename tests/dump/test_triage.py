#!/usr/bin/python3
"""zdx-triage over the whole corpus, with real parts: a local debuginfod
(Debian's) started here on a loopback port, indexing the factory's kernel
vmlinux files and walker modules, and found by build-id only; every dump's
line checked against its truth.json (verdict, pfn, kernel) and the
faulting function against the walker's own source; the build-id against
binutils' readelf; a dump whose build-id matches no vmlinux, a truncated
dump and a file that is no dump in the same run (each its own clear error,
the rest unaffected); a debuginfod that cannot be reached; the HTML summary
opened in headless chromium and its rows counted.  One crash session per
dump.  Scratch: $ZDX_TRIAGE_OUT (default $ZDX_CACHE/triage-test)."""
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import Tap, dumps, h, CACHE, ROOT, crash_binary, zdx_so, vmlinux, MissingTool  # noqa: E402

TRIAGE = os.path.join(ROOT, "tools", "zdx-triage")
BUILDID = os.path.join(ROOT, "tools", "zdx-buildid")
OUT = os.environ.get("ZDX_TRIAGE_OUT", os.path.join(CACHE, "triage-test"))
KMOD_SRC = os.path.join(ROOT, "dumps", "kmod", "zdx_walkers.c")
sys.path.insert(0, os.path.join(ROOT, "dumps"))
from check_truth import schema_errors  # noqa: E402
import verdicts  # noqa: E402  (the vocabulary: include/zdx/verdicts.h)
UNRELATED = verdicts.word("UNRELATED")
with open(os.path.join(ROOT, "docs", "report.schema.json")) as _f:
    REPORT_SCHEMA = json.load(_f)


def readelf_build_id(path):
    r = subprocess.run(["readelf", "-n", path], capture_output=True, text=True)
    m = re.search(r"Build ID: ([0-9a-f]+)", r.stdout)
    return m.group(1) if m else None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def start_debuginfod(kernels, work):
    """debuginfod -F over symlinks to each kernel's vmlinux and walker .ko."""
    scan = fresh_dir(os.path.join(work, "scan"))
    for k in kernels:
        os.symlink(vmlinux(k), os.path.join(scan, "vmlinux-" + k))
        ko = os.path.join(CACHE, "kmod", k, "zdx_walker.ko")
        if os.path.isfile(ko):
            os.symlink(ko, os.path.join(scan, "zdx_walker-%s.ko" % k))
    return start_debuginfod_over(scan, work)


def start_debuginfod_over(scan, work):
    """debuginfod -F over the ELF files of directory scan (its database in work)."""
    port = free_port()
    db = os.path.join(work, "debuginfod.sqlite")
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.unlink(f)
    log = open(os.path.join(work, "debuginfod.log"), "w")
    p = subprocess.Popen(["debuginfod", "-F", "-L", "--disable-source-scan", "-p", str(port), "-d", db,
                          "-t", "0", "-g", "0", scan], stdout=log, stderr=subprocess.STDOUT)
    return p, "http://127.0.0.1:%d" % port


def wait_indexed(url, build_ids, timeout=600):
    """Until the server answers 200 for every build-id (a GET whose body is
    not read: debuginfod has no HEAD; no client cache involved)."""
    deadline = time.time() + timeout
    pending = set(build_ids)
    while pending and time.time() < deadline:
        for b in list(pending):
            req = urllib.request.Request("%s/buildid/%s/debuginfo" % (url, b))
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    if r.status == 200:
                        pending.discard(b)
            except OSError:
                pass
        time.sleep(1)
    return not pending


UNNAMED = ("unknown or invalid address", "no symbolic reference")
REPORT_HEAD = re.compile(r"BUG: |Oops: |general protection fault|WARNING: CPU: |soft lockup - CPU#|"
                         r"hard LOCKUP|kernel BUG at")


def log_fault_fn(dump):
    """The function of the kernel's own report that led to the panic, from
    the guest's console log: the first `RIP: 0010:func+` after the last
    report header before `Kernel panic`; None when there is none."""
    try:
        lines = open(os.path.join(os.path.dirname(dump), "console.log"), errors="replace").read().splitlines()
    except OSError:
        return None
    end = next((i for i, ln in enumerate(lines) if "Kernel panic - not syncing" in ln), len(lines))
    head = max((i for i in range(end) if REPORT_HEAD.search(lines[i])), default=None)
    if head is None:
        return None
    for ln in lines[head:end]:
        m = re.search(r"RIP: 0010:([\w.]+)\+", ln)
        if m:
            return m.group(1)
    return None


def log_panic_caller(dump):
    """The caller of panic() in the Call Trace panic() printed (the guest's
    console log, after the last `Kernel panic - not syncing`): the first
    reliable frame (no `? `) after `panic+`; None when there is none."""
    try:
        lines = open(os.path.join(os.path.dirname(dump), "console.log"), errors="replace").read().splitlines()
    except OSError:
        return None
    start = max((i for i, ln in enumerate(lines) if "Kernel panic - not syncing" in ln), default=None)
    if start is None:
        return None
    seen_panic = False
    for ln in lines[start:start + 40]:
        m = re.search(r"\]\s+([\w.]+)\+0x[0-9a-f]+/0x[0-9a-f]+", ln)
        if not m:
            continue
        if seen_panic:
            return m.group(1)
        seen_panic = m.group(1) == "panic"
    return None


def crash_exception_fn(row):
    """(The faulting function, the caller of panic()), from outside zdx:
    the kernel's own report (the RIP line of the last report before `Kernel
    panic` in the guest's console log), else the first exception frame of
    crash's own `bt` (saved next to the report) that crash names and does
    not call bogus; the caller of panic() from that bt.  The log decides
    where it has a RIP line: crash 8.0.6 on 6.12 prints the idle loop a
    timer interrupt hit as a real frame, crash 9.0.2 on 7.2 (--no_modules)
    has no name for module code.  Likewise the caller of panic() is the
    one of the Call Trace panic() printed, where the log has it: crash
    8.0.6's bt of a 6.12 task that panicked in a system call stops at
    panic()."""
    try:
        text = open(os.path.join(os.path.dirname(row["report_md"]), "bt.txt")).read()
    except OSError:
        return None, None
    frames = []
    for m in re.finditer(r"\[exception RIP: ([^]]+)\]((?:\n {4}.*)*)\n(WARNING: possibly bogus exception frame)?",
                         text):
        if not m.group(3) and m.group(1) not in UNNAMED:
            frames.append(re.match(r"[\w.]+", m.group(1)).group(0))
    fn = log_fault_fn(row["dump"]) or (frames[0] if frames else None)
    c = re.search(r"\] panic at \w+\n\s*#\d+ \[\w+\] ([\w.]+) at", text)
    return fn, log_panic_caller(row["dump"]) or (c.group(1) if c else None)


def walker_fn(truth):
    """The walker mode's function, from the walker module's own source."""
    mode = (truth.get("walker") or {}).get("mode")
    m = re.search(r'\{\s*"%s",\s*(\w+)\s*[,}]' % re.escape(mode or "?"), open(KMOD_SRC).read())
    return m.group(1) if m else None


def release(kernel):
    """The kernel release the factory resolved for a manifest kernel."""
    with open(os.path.join(CACHE, "kernels", kernel, "release")) as f:
        return f.read().strip()


def crash_rules(kernels):
    rules = []
    for k in kernels:
        rules += ["--crash-rule", "%s=%s:%s" % (release(k), crash_binary(k), zdx_so(k))]
    return rules


def bad_inputs(corpus, work):
    """A copy of the smallest kdump dump with its BUILD-ID changed, a
    truncated copy of another, and a file that is no dump."""
    kd = sorted((os.path.getsize(c[4]), c[4]) for c in corpus if c[4].endswith(".kdump"))
    bad = fresh_dir(os.path.join(work, "inputs"))
    data = bytearray(open(kd[0][1], "rb").read())
    i = data.find(b"BUILD-ID=")
    data[i + 9:i + 13] = b"dead"
    wrong = os.path.join(bad, "vmcore.wrong-build-id")
    open(wrong, "wb").write(data)
    src = kd[len(kd) // 2][1]
    trunc = os.path.join(bad, "vmcore.truncated")
    with open(src, "rb") as f, open(trunc, "wb") as o:
        o.write(f.read(os.path.getsize(src) * 2 // 5))
    junk = os.path.join(bad, "vmcore.not-a-dump")
    open(junk, "w").write("this is a support ticket attachment, not a vmcore\n" * 10)
    return {"wrong": (wrong, bytes(data[i + 9:i + 49]).decode()), "trunc": trunc, "junk": junk}


def verdict_class(truth):
    """What a dump tests in triage: its expected verdict (sysrq: none)."""
    w = truth.get("walker")
    return w["expected_verdict"] if w else "-"


def pick(corpus):
    """Every verdict class once and every kernel once, not their product:
    zdx explain itself is checked on every dump by test_explain, triage is
    the pipeline around it, and its cost is one crash start-up per dump.
    Per kernel its walk-altmap-reserve dump (the walker module's DWARF
    through debuginfod, with each kernel's crash), every file of it on the
    first kernel (the grouping check); each other verdict class on the
    kernels in turn (class i on kernel i mod n when that kernel has it), so
    the classes spread over the kernels.  Every dump with ZDX_TRIAGE_ALL=1."""
    if os.environ.get("ZDX_TRIAGE_ALL"):
        return corpus
    kernels = sorted({c[0] for c in corpus})
    first = [c for c in corpus if c[3]["file"] == first_file(c[2])]
    out = [c for c in corpus if c[2]["scenario"] == "walk-altmap-reserve" and (c[0] == kernels[0] or c in first)]
    for k in sorted(set(kernels) - {c[0] for c in out}):
        out.append(next(c for c in first if c[0] == k))
    by = {}
    for c in first:
        by.setdefault((c[0], verdict_class(c[2])), c)
    todo = sorted({verdict_class(c[2]) for c in first} - {verdict_class(c[2]) for c in out})
    for i, cls in enumerate(todo):
        turn = kernels[i % len(kernels):] + kernels[:i % len(kernels)]
        out.append(next(by[(k, cls)] for k in turn if (k, cls) in by))
    return out


def first_file(truth):
    """A scenario's kdump-compressed file, else its first."""
    files = [e["file"] for e in truth["dumps"]]
    return "vmcore.kdump" if "vmcore.kdump" in files else files[0]


def run_key(selected, rules):
    """What a triage run depends on: reuse its output when nothing changed."""
    import hashlib
    hsh = hashlib.sha256()
    files = [TRIAGE, BUILDID, os.path.join(ROOT, "tools", "zdx_triage_render.py"), os.path.abspath(__file__)]
    files += [r.split(":")[-1] for r in rules if ":" in r] + [c[4] for c in selected]
    for f in files:
        st = os.stat(f)
        hsh.update(("%s %d %d\n" % (f, st.st_size, st.st_mtime_ns)).encode())
    return hsh.hexdigest()


def run_triage(args, env):
    t0 = time.time()
    r = subprocess.run([sys.executable, TRIAGE, "--no-progress"] + args, capture_output=True, text=True, env=env)
    return r, time.time() - t0


def rows_of(out):
    with open(os.path.join(out, "triage.jsonl")) as f:
        return {r["dump"]: r for r in map(json.loads, f)}


def check_dump(t, row, kernel, truth, entry, bid):
    tag = "%s/%s/%s" % (kernel, truth["scenario"], entry["file"])
    if row is None:
        return t.ok(False, "%s: a triage line" % tag)
    if row["status"] != "ok" and "crash exit" in (row.get("error") or "") and "crash:" in (row.get("error") or ""):
        return t.skip(tag, "crash cannot open this dump: " + row["error"])
    if not t.ok(row["status"] == "ok", "%s: triaged" % tag, row.get("error")):
        return
    t.ok(row["build_id"] == bid, "%s: build-id %s is vmlinux's (readelf)" % (tag, bid), row["build_id"])
    t.ok(row["vmlinux_source"] == "debuginfod", "%s: vmlinux found through debuginfod" % tag, row.get("vmlinux"))
    t.ok(row["kernel"] == truth["kernel"]["release"], "%s: kernel %s" % (tag, truth["kernel"]["release"]), row["kernel"])
    w = truth.get("walker")
    want = w["expected_verdict"] if w else UNRELATED
    t.ok(row["verdict"] == want, "%s: verdict %s (got %s)" % (tag, want, row["verdict"]))
    if w and want != UNRELATED:
        t.ok(row["pfn"] and h(row["pfn"]) == h(w["pfn"]), "%s: pfn %s (got %s)" % (tag, w["pfn"], row["pfn"]))
    fn, caller = crash_exception_fn(row)
    t.ok(row.get("faulting_function") == fn, "%s: faulting function %s (the log's RIP line, else crash's bt: %s)"
         % (tag, row.get("faulting_function"), fn or "no exception frame"))
    if not fn:
        t.ok(caller and row.get("panic_caller") == caller, "%s: panic() called from %s (the log's Call Trace "
             "of panic(), else crash's bt: %s)" % (tag, row.get("panic_caller"), caller))
    if w and w.get("expected_function"):
        t.ok(row.get("faulting_function") == w["expected_function"], "%s: faulting function %s, as the scenario "
             "expects (got %s)" % (tag, w["expected_function"], row.get("faulting_function")))
    if (truth.get("panic") or {}).get("trigger") == "sysrq":
        t.ok("sysrq_handle_crash" in (fn, caller), "%s: a sysrq dump faults in or panics from sysrq_handle_crash" % tag)
    if w:
        with open(row["report_json"]) as f:
            frames = [fr["func"] for fr in json.load(f)["panic"]["backtrace"]]
        t.ok(walker_fn(truth) in frames + [fn], "%s: the walker %s (kmod source, mode %s) is in the backtrace"
             % (tag, walker_fn(truth), w["mode"]), frames)
    if w:
        module_dwarf(t, tag, kernel, row)
    t.ok(os.path.getsize(row["report_md"]) > 0, "%s: markdown report written" % tag)
    with open(row["report_json"]) as f:
        errs = schema_errors(json.load(f), REPORT_SCHEMA)
    t.ok(not errs, "%s: report.json conforms to docs/report.schema.json" % tag, "\n".join(errs))


def module_dwarf(t, tag, kernel, row):
    """No --module-dir is given: the walker module's DWARF, where explain
    needs it, comes from the local debuginfod by the build-id the dump
    holds, and it is the build readelf sees in the factory's .ko (with
    crash run with --no_modules too: zdx finds the module in the dump)."""
    with open(row["report_json"]) as f:
        notes = json.load(f).get("notes") or []
    bid = readelf_build_id(os.path.join(CACHE, "kmod", kernel, "zdx_walker.ko"))
    want = re.compile(r"zdx_walker: DWARF from %s/\S+ \(debuginfod\), build-id %s = the dump's"
                      % (re.escape(os.environ.get("DEBUGINFOD_CACHE_PATH", "")), bid))
    used = [n for n in notes if n.startswith("zdx_walker: DWARF from")]
    missing = [n for n in notes if "no zdx_walker.ko" in n or (n.startswith("refused") and "zdx_walker" in n)]
    t.ok(not missing and all(want.match(n) for n in used), "%s: walker module DWARF %s" % (
        tag, "through debuginfod, build-id %s" % bid if used else "not needed"), notes)
    MODULE_DWARF.extend(used)


MODULE_DWARF = []


def check_groups(t, rows, corpus, out):
    """One summary section per (verdict, faulting function); a scenario's
    dumps of one kernel all in one group."""
    from zdx_triage_render import group_key
    md = open(os.path.join(out, "summary.md")).read()
    keys = {group_key(r) for r in rows.values()}
    sections = re.findall(r"^## (.+?) — `(.+?)` \((\d+)\)$", md, re.M)
    t.ok({(v, f) for v, f, _ in sections} == keys, "summary.md: one section per verdict and faulting function (%d)"
         % len(keys), "\n".join(map(str, sorted(keys))))
    t.ok(sum(int(n) for _, _, n in sections) == len(rows), "summary.md: every dump in one section")
    by_scen = {}
    for kernel, d, truth, entry, path in corpus:
        r = rows.get(path)
        if r and r["status"] == "ok":
            by_scen.setdefault((kernel, truth["scenario"]), set()).add(group_key(r))
    split = [k for k, g in by_scen.items() if len(g) > 1]
    t.ok(not split, "a scenario's dumps (every format) fall in one group", split)


def check_html(t, out, nrows):
    html = os.path.join(out, "summary.html")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    r = subprocess.run(["chromium"] + flags + ["--dump-dom", "file://" + html], capture_output=True, text=True,
                       timeout=120)
    rows = len(re.findall(r'<tr class="row', r.stdout))
    t.ok(rows == nrows, "chromium renders summary.html with %d dump rows (got %d)" % (nrows, rows), r.stderr[-500:])
    png = os.path.join(out, "summary.png")
    subprocess.run(["chromium"] + flags + ["--window-size=1600,1000", "--screenshot=" + png, "file://" + html],
                   capture_output=True, timeout=120)
    t.ok(os.path.isfile(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "chromium screenshot %s" % png)


def check_bad(t, rows, bad):
    wrong, wid = bad["wrong"]
    r = rows.get(os.path.abspath(wrong)) or {}
    t.ok(r.get("status") == "error" and wid in (r.get("error") or "") and "no vmlinux with build-id" in r["error"],
         "a dump whose build-id matches no vmlinux: error names the expected build-id", r.get("error"))
    r = rows.get(os.path.abspath(bad["trunc"])) or {}
    t.ok(r.get("status") == "error" or r.get("unreadable") or r.get("lacks") not in (None, "nothing"),
         "a truncated dump: an error, or what could not be read is said (%s)" % (r.get("error") or r.get("lacks")))
    r = rows.get(os.path.abspath(bad["junk"])) or {}
    t.ok(r.get("status") == "error" and "not a dump" in (r.get("error") or ""), "a file that is no dump: %s"
         % r.get("error"))


def unreachable(t, corpus, env, rules):
    """No debuginfod listening: a clear per-dump error, quickly."""
    out = os.path.join(OUT, "unreachable")
    shutil.rmtree(out, ignore_errors=True)
    path = corpus[0][4]
    env = dict(env, DEBUGINFOD_CACHE_PATH=os.path.join(out, "empty-client-cache"))
    r, secs = run_triage(["-o", out, "--debuginfod", "http://127.0.0.1:%d" % free_port(),
                          "--debuginfod-timeout", "5"] + rules + [path], env)
    row = rows_of(out).get(path, {})
    t.ok(r.returncode == 1 and row.get("status") == "error" and "debuginfod" in (row.get("error") or "")
         and row.get("build_id") in row["error"], "no reachable debuginfod: the error says so (%.0f s): %s"
         % (secs, row.get("error")))


def other_vmlinux(t, corpus, kernels, env, rules):
    """Without debuginfod, a local vmlinux of another build is never used:
    the error names the expected build-id and what the candidate had."""
    out = os.path.join(OUT, "mismatch")
    shutil.rmtree(out, ignore_errors=True)
    kernel, path = corpus[0][0], corpus[0][4]
    other = [k for k in kernels if k != kernel]
    cand = vmlinux(other[0]) if other else "/bin/ls"
    d = os.path.join(out, "debug")
    os.makedirs(d)
    os.symlink(cand, os.path.join(d, "vmlinux-other"))
    env = dict(env, DEBUGINFOD_URLS="")
    r, secs = run_triage(["-o", out, "--debug-dir", d] + rules + [path], env)
    row = rows_of(out).get(path, {})
    err = row.get("error") or ""
    t.ok(row.get("status") == "error" and (row.get("build_id") or "?") in err and readelf_build_id(cand) in err
         and "crash.log" not in os.listdir(os.path.join(out, "dumps", row.get("id", "?"))),
         "a local vmlinux of another build is refused (crash never started), naming both build-ids: %s" % err)


def time_limit(t, corpus, env, rules):
    """A dump that outlives --timeout: crash is killed, the line says so."""
    out = os.path.join(OUT, "timeout")
    shutil.rmtree(out, ignore_errors=True)
    path = corpus[0][4]
    r, secs = run_triage(["-o", out, "--timeout", "2"] + rules + [path], env)
    row = rows_of(out).get(path, {})
    t.ok(row.get("status") == "error" and "timed out (2 s)" in (row.get("error") or "") and secs < 60,
         "--timeout 2: crash is stopped and the line says so (%.0f s): %s" % (secs, row.get("error")))


def ssh_login():
    """The host the --sshlogin case runs on: $ZDX_TRIAGE_SSH, else this
    machine through its own sshd when a key lets root in without a prompt;
    None when neither (the case is skipped)."""
    if "ZDX_TRIAGE_SSH" in os.environ:
        return os.environ["ZDX_TRIAGE_SSH"] or None
    if not shutil.which("ssh"):
        return None
    r = subprocess.run(["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "localhost", "true"],
                       capture_output=True, stdin=subprocess.DEVNULL)
    return "localhost" if r.returncode == 0 else None


def over_ssh(t, corpus, env, rules):
    """GNU parallel's --sshlogin with --transfer: the smallest dump and a
    file that is no dump are copied to the host, triaged there, their
    result directories brought back; the original stays, the host keeps no
    copy.  The host needs crash, zdx and this tree at the same paths, and
    reaches the same debuginfod (loopback: this machine only)."""
    login = ssh_login()
    if not login:
        return t.skip("zdx-triage --sshlogin --transfer", "no ssh login without a prompt (ZDX_TRIAGE_SSH=HOST)")
    out = os.path.join(OUT, "ssh")
    shutil.rmtree(out, ignore_errors=True)
    kernel, _, truth, _, path = min(corpus, key=lambda c: os.path.getsize(c[4]))
    junk = os.path.join(OUT, "inputs", "vmcore.not-a-dump")
    size = os.path.getsize(path)
    r, secs = run_triage(["-o", out, "--transfer", "--sshlogin", "1/" + login, "--timeout", "600"] + rules
                         + [path, junk], env)
    rows = rows_of(out)
    row, bad = rows.get(path, {}), rows.get(junk, {})
    w = truth.get("walker")
    t.ok(row.get("status") == "ok" and row.get("verdict") == (w["expected_verdict"] if w else UNRELATED)
         and row.get("kernel") == truth["kernel"]["release"] and os.path.isfile(row.get("report_md", "")),
         "--sshlogin %s --transfer: %s/%s triaged there (host %s, %.0f s), report back here"
         % (login, kernel, truth["scenario"], row.get("host"), secs), row.get("error"))
    t.ok(bad.get("status") == "error" and "not a dump" in (bad.get("error") or ""),
         "--sshlogin --transfer: a file that is no dump is its own error there: %s" % bad.get("error"))
    with open(os.path.join(out, "parallel.log")) as f:
        hosts = [ln.split("\t")[1] for ln in f.read().splitlines()[1:]]
    t.ok(hosts and all(h == login for h in hosts), "GNU parallel's job log: every job ran on %s (%s)"
         % (login, hosts))
    t.ok(os.path.getsize(path) == size, "the original dump is untouched")
    left = subprocess.run(["ssh", "-o", "BatchMode=yes", login, "find .parallel/tmp -name %s -size %dc"
                           % (shlex.quote(os.path.basename(path)), size)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    t.ok(left.returncode == 0 and not left.stdout.strip(), "%s keeps no copy of the dump (--cleanup)" % login,
         left.stdout + left.stderr)


def main():
    t = Tap()
    corpus = dumps()
    if not t.ok(corpus, "the factory's corpus has dumps (%d)" % len(corpus)):
        return t.done()
    for tool in ("debuginfod", "parallel", "chromium", "readelf"):
        if not t.ok(shutil.which(tool), "%s is installed (make deps)" % tool):
            return t.done()
    kernels = sorted({c[0] for c in corpus})
    os.makedirs(OUT, exist_ok=True)
    try:
        rules = crash_rules(kernels)
    except MissingTool as e:
        t.ok(False, "crash and zdx.so for every kernel", e)
        return t.done()
    bids = {k: readelf_build_id(vmlinux(k)) for k in kernels}
    srv, url = start_debuginfod(kernels, OUT)
    try:
        t0 = time.time()
        t.ok(wait_indexed(url, bids.values()), "debuginfod indexed %d vmlinux files (%.0f s)"
             % (len(bids), time.time() - t0))
        os.environ.update(DEBUGINFOD_CACHE_PATH=os.path.join(OUT, "client-cache"), DEBUGINFOD_URLS=url)
        env = dict(os.environ)
        shutil.rmtree(env["DEBUGINFOD_CACHE_PATH"], ignore_errors=True)
        sel = pick(corpus)
        out = os.path.join(OUT, "run")
        key = run_key(sel, rules)
        bad = bad_inputs(corpus, OUT)
        stamp = os.path.join(out, "test-key")
        if os.path.isfile(stamp) and open(stamp).read() == key:
            t.skip("zdx-triage over %d dumps" % (len(sel) + 3), "reused %s: nothing it depends on changed" % out)
        else:
            shutil.rmtree(out, ignore_errors=True)
            r, secs = run_triage(["-o", out, "-j", "2", "--timeout", "600"] + rules +
                                 [c[4] for c in sel] + [bad["wrong"][0], bad["trunc"], bad["junk"]], env)
            t.ok(r.returncode in (0, 1) and os.path.isfile(os.path.join(out, "triage.jsonl")),
                 "zdx-triage ran over %d dumps in %.0f s" % (len(sel) + 3, secs), r.stderr[-2000:])
            open(stamp, "w").write(key)
        rows = rows_of(out)
        t.ok(len(rows) == len(sel) + 3, "one JSON line per dump (%d)" % len(rows))
        t.ok({c[0] for c in sel} == set(kernels) and
             {verdict_class(c[2]) for c in sel} == {verdict_class(c[2]) for c in corpus},
             "every kernel and every verdict class of the corpus is triaged (%d dumps of %d)" % (len(sel), len(corpus)))
        for kernel, d, truth, entry, path in sel:
            check_dump(t, rows.get(path), kernel, truth, entry, bids[kernel])
        t.ok(MODULE_DWARF, "the walker module's DWARF came through debuginfod (%d dumps)" % len(MODULE_DWARF))
        check_bad(t, rows, bad)
        check_groups(t, rows, sel, out)
        check_html(t, out, len(rows))
        unreachable(t, corpus, env, rules)
        time_limit(t, corpus, env, rules)
        other_vmlinux(t, corpus, kernels, env, rules)
        over_ssh(t, corpus, env, rules)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
    return t.done()


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    sys.exit(main())
