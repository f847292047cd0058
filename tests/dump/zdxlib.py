"""Shared helpers for zdx's dump tests: find the factory's dumps, run crash
with zdx loaded, collect each command's output, and print TAP."""
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("ZDX_CACHE", os.path.expanduser("~/.cache/zdx"))
ZDX_SO = os.environ.get("ZDX_SO", os.path.join(ROOT, "extension", "zdx.so"))
# where make alt-so put the zdx.so of each crash built from source; a
# branch under test builds its own elsewhere (make ZDX_CACHE=DIR
# DIR/zdx-so/crash-X/zdx.so) so as not to replace the shared cache's
ALT_SO_ROOT = os.environ.get("ZDX_ALT_SO_ROOT", os.path.join(CACHE, "zdx-so"))
# ZDX_TEST_ONLY=SUBSTRING: run the dump tests on the dumps whose path holds
# it (e.g. "6.1/fsdax-dev/vmcore.kdump").  Matching nothing is a failure.
ONLY = os.environ.get("ZDX_TEST_ONLY")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what))
        if not cond:
            self.failed += 1
            if detail:
                for line in str(detail).splitlines()[:20]:
                    print("#   " + line)
        return cond

    def skip(self, what, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, what, why))

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


class Collect:
    """Tap's interface, recorded: per-dump checks run two at a time and are
    printed in corpus order afterwards (replay)."""
    def __init__(self):
        self.rows = []

    def ok(self, cond, what, detail=None):
        self.rows.append(("ok", bool(cond), what, detail))
        return cond

    def skip(self, what, why):
        self.rows.append(("skip", None, what, why))

    def replay(self, t):
        for kind, cond, what, detail in self.rows:
            if kind == "skip":
                t.skip(what, detail)
            else:
                t.ok(cond, what, detail)


def collect_each(jobs, fn, name, workers=2):
    """Run fn(collect, *job) for every job, two at a time (crash is
    single-threaded; two cores); return the Collects in job order.  A check
    that raises fails, named by name(job), never vanishes."""
    from concurrent.futures import ThreadPoolExecutor

    def one(job):
        c = Collect()
        try:
            fn(c, *job)
        except MissingTool as e:
            c.ok(False, "%s: crash and zdx.so present" % name(job), e)
        except Exception as e:  # noqa: BLE001
            c.ok(False, "%s: check raised %r" % (name(job), e))
        return c
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, jobs))


def per_dump(corpus, fn, workers=2):
    """Run fn(collect, kernel, d, truth, entry, path, bundle) for every dump,
    two at a time; return the Collects in corpus order.  A dump whose bundle
    could not be made (no crash for its kernel, say) fails by itself, as
    any check that raises."""
    return collect_each(corpus, lambda c, *job: fn(c, *job, bundle(job[0], job[4], job[2])),
                        lambda job: job[4], workers)


def run_corpus_test(check_dump, after=None):
    """The main of a per-dump test: the corpus must not be empty, every dump
    is checked (two at a time), then after(t, corpus) adds corpus-wide
    checks.  Returns the exit status."""
    t = Tap()
    corpus = dumps()
    corpus_ok(t, corpus)
    for c in per_dump(corpus, check_dump):
        c.replay(t)
    if after:
        after(t, corpus)
    return t.done()


def corpus_ok(t, corpus):
    """The first check of every dump test: there are dumps to test (with
    ZDX_TEST_ONLY, some dump matches it).  Returns the condition."""
    if ONLY:
        return t.ok(corpus, "ZDX_TEST_ONLY=%s matches dumps of the corpus (%d)" % (ONLY, len(corpus)),
                    "no dump path under %s holds %r" % (os.path.join(CACHE, "dumps"), ONLY))
    return t.ok(corpus, "the factory's corpus has dumps (%d)" % len(corpus), "run `make dumps` first")


def dumps():
    """Every (kernel, scenario dir, truth, dump file entry, path) in the
    cache whose path holds ZDX_TEST_ONLY (when set)."""
    base = os.path.join(CACHE, "dumps")
    out = []
    if not os.path.isdir(base):
        return out
    for kernel in sorted(os.listdir(base)):
        for scen in sorted(os.listdir(os.path.join(base, kernel))):
            d = os.path.join(base, kernel, scen)
            tf = os.path.join(d, "truth.json")
            if not os.path.isfile(tf):
                continue
            with open(tf) as f:
                truth = json.load(f)
            for entry in truth.get("dumps", []):
                path = os.path.join(d, entry["file"])
                if os.path.isfile(path) and (not ONLY or ONLY in path):
                    out.append((kernel, d, truth, entry, path))
    return out


class MissingTool(Exception):
    """A tool make should have built before the tests (a crash, a zdx.so)."""


@functools.lru_cache(maxsize=None)
def crash_binary(kernel):
    """The crash that opens kernel's dumps (dumps/crash-for.sh), asked once
    per kernel.  Tests never build one: make's alt-so did, or the test fails
    naming what is missing."""
    helper = os.path.join(ROOT, "dumps", "crash-for.sh")
    r = subprocess.run([helper, "--no-build", kernel], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        raise MissingTool(r.stderr.strip() or "dumps/crash-for.sh %s printed nothing" % kernel)
    return r.stdout.strip()


@functools.lru_cache(maxsize=None)
def manifest_columns(kernel):
    """kernel's line of dumps/kernels.manifest as columns (comments cut)."""
    with open(os.path.join(ROOT, "dumps", "kernels.manifest")) as f:
        for line in f:
            cols = line.split("#", 1)[0].split()
            if cols and cols[0] == kernel:
                return tuple(cols)
    return ()


def crash_options(kernel, release=None):
    """The crash options the manifest gives kernel's dumps (its crash-opts
    column: crash 9.0.2 on 7.2, --no_modules); with release, only when
    that is the manifest's crash for kernel, else none."""
    cols = manifest_columns(kernel)
    if len(cols) < 7 or (release and cols[4] != release):
        return []
    return cols[6].split(",")


def vmlinux(kernel):
    return os.path.join(CACHE, "kernels", kernel, "vmlinux")


def zdx_so(kernel):
    """The zdx.so built against the defs.h of the crash that opens kernel:
    for a crash built from source ($ZDX_CACHE/crash-X/crash), the one make
    built into $ZDX_CACHE/zdx-so/crash-X/ ($ZDX_ALT_SO_ROOT/crash-X/ when
    set)."""
    crash = crash_binary(kernel)
    so = ZDX_SO
    if crash.startswith(CACHE):
        so = os.path.join(ALT_SO_ROOT, os.path.basename(os.path.dirname(crash)), "zdx.so")
    if not os.path.isfile(so):
        raise MissingTool("%s (zdx for %s) is not built: 'make alt-so' builds it" % (so, crash))
    return so


def run_crash(kernel, dump, commands, timeout=600, load_zdx=True, so=None, env=None, crash=None,
              namelist=None):
    """One crash session of its own running commands from a script (-i),
    with zdx loaded first (so, or the zdx.so for kernel's crash) unless
    load_zdx is false, and env added to crash's environment; crash is the
    command line that starts crash (the one for kernel's dumps by default),
    namelist the vmlinux it reads (the factory's by default).  Each command's output
    goes to a file of its own (crash's `>`), and a shell `!date` before and
    after it times it.  crash outliving timeout seconds is killed with
    SIGKILL (it may ignore SIGTERM; issue 10).  Bytes that are not UTF-8
    (a damaged dump's) are replaced, never an exception.  Returns
      {"out": {command: output, None if crash did not run it},
       "secs": {command: seconds, None if it started and never ended},
       "log": crash's own output, "rc": its exit status,
       "timeout": whether it was killed, "wall": seconds}."""
    distinct_commands(commands, "run_crash")
    tmp = tempfile.mkdtemp(prefix="zdx-test-")
    script = os.path.join(tmp, "cmds")
    with open(script, "w") as f:
        if load_zdx:
            f.write("extend %s\n" % (so or zdx_so(kernel)))
        for i, c in enumerate(commands):
            f.write("!date +%%s.%%N > %s/t%d\n" % (tmp, i))
            f.write("%s > %s/o%d\n" % (c, tmp, i))
        f.write("!date +%%s.%%N > %s/t%d\nexit\n" % (tmp, len(commands)))
    t0 = time.time()
    p = subprocess.Popen((crash or [crash_binary(kernel)]) + ["-s", namelist or vmlinux(kernel), dump, "-i", script],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace", env=dict(os.environ, **(env or {})))
    killed = False
    try:
        log, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        killed = True
        p.kill()
        log, _ = p.communicate()
    res = {"out": {}, "secs": {}, "log": log, "rc": p.returncode, "timeout": killed,
           "wall": time.time() - t0}
    stamps = [_read_or_none(os.path.join(tmp, "t%d" % i)) for i in range(len(commands) + 1)]
    for i, c in enumerate(commands):
        res["out"][c] = _read_or_none(os.path.join(tmp, "o%d" % i))
        if stamps[i] and stamps[i + 1]:
            res["secs"][c] = float(stamps[i + 1]) - float(stamps[i])
        elif stamps[i]:
            res["secs"][c] = None
    shutil.rmtree(tmp, ignore_errors=True)
    return res


def distinct_commands(commands, who):
    """Refuse a batch that holds a command twice: outputs are keyed by the
    command's text, so the second would silently share the first's (the
    test_modid failure of the 2026-12-01 cold run).  Raises ValueError."""
    seen = set()
    twice = sorted({c for c in commands if c in seen or seen.add(c)})
    if twice:
        raise ValueError("%s: a batch holds %s more than once; outputs are keyed by command text, "
                         "so make each command's text distinct" % (who, ", ".join(map(repr, twice))))


def vtop_phys(text):
    """The physical address crash's vtop translates a kernel address to,
    from the line "VIRTUAL PHYSICAL" heads; None where crash gave none."""
    m = re.search(r"^\s*[0-9a-f]+\s+([0-9a-f]+)\s*$", text or "", re.M)
    return int(m.group(1), 16) if m else None


def vtop_page(text):
    """The pfn of vtop_phys(text), or None."""
    p = vtop_phys(text)
    return None if p is None else p >> 12


def load_json(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def h(v):
    """Hex string or int → int."""
    if isinstance(v, int):
        return v
    return int(v, 16) if isinstance(v, str) and v.lower().startswith("0x") else int(v)


# --- one crash session per dump, shared by the zdx dump tests -------------

PAGE = 4096


def sample_pfns(truth):
    """pfns worth asking about, from the truth alone: each pmem namespace's
    edges and data start, the pfn before it, and the walker's pfn."""
    pfns = set()
    for ns in truth.get("namespaces") or []:
        if ns.get("mode") not in ("fsdax", "devdax"):
            continue
        s = h(ns["start"]) // PAGE
        e = (h(ns["start"]) + ns["size"]) // PAGE
        pfns.update({s, s + 1, e - 1, s - 1})
        if ns.get("data_start"):
            d = h(ns["data_start"]) // PAGE
            pfns.update({d, d - 1})
    w = truth.get("walker") or {}
    if w.get("pfn"):
        pfns.add(h(w["pfn"]))
    pfns.update(h(b["start_pfn"]) for b in special_blocks(truth))
    return sorted(p for p in pfns if p >= 0)


def special_blocks(truth):
    """Memory blocks worth a `zdx pfn`: hot-plugged (QMP or dax kmem) or not online."""
    hot = {b for x in truth.get("hotplug") or [] for b in x["blocks"]}
    kmem = [(h(r["start"]), h(r["end"])) for r in truth.get("iomem") or [] if r["name"] == "System RAM (kmem)"]
    return [b for b in truth.get("memory_blocks") or []
            if b["block"] in hot or b["state"] != "online"
            or any(a <= h(b["start_pfn"]) * PAGE <= e for a, e in kmem)]


BAD_INPUT = {
    "zdx pfn 0xdeadbeefdeadbeef": "beyond the last section",
    "zdx pfn": "give a pfn",
    "zdx pfn -s 0x1000": "not a struct page address",
    "zdx pgmap 0x1234": "neither a dev_pagemap",
    "zdx sections 99999999": "no present section",
    "zdx sections x-y": "not a section number",
    "zdx nonsense": "unknown subcommand",
}


def crash_commands(truth):
    """The crash-only commands every dump gets before zdx is loaded: the
    factory's checks of the corpus (sys, kmem -n, a struct page on pmem)
    and what oracle_plan needs (kmem -n, sizeof(struct page))."""
    import oracle_plan
    probe = oracle_plan.memmap_probe(truth)
    return ["sys", "kmem -n", "p sizeof(struct page)"] + (list(probe[1:]) if probe else [])


def bundle_commands(kernel, truth):
    cmds = ["zdx sections -a -j", "zdx pgmap -j", "zdx zones -j", "zdx map -j",
            "zdx explain -j -m %s" % os.path.join(CACHE, "kmod", kernel),
            "zdx dumpcheck -j", "zdx dumpcheck", "bt", "log"]
    cmds += ["zdx pfn -j %#x" % p for p in sample_pfns(truth)]
    return cmds + list(BAD_INPUT)


BUNDLE_FORMAT = "3: one crash session: crash-only, extend, zdx, extend -u, oracle_plan"


def _bundle_key(kernel, path, cmds):
    """What a bundle depends on: zdx.so's bytes (a rebuild that changes
    nothing, or another clone's identical build, reuses it), the dump file,
    the commands, the oracle planning code and the bundle format."""
    import hashlib
    hsh = hashlib.sha256(BUNDLE_FORMAT.encode())
    for f in (zdx_so(kernel), os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle_plan.py")):
        with open(f, "rb") as fh:
            hsh.update(hashlib.sha256(fh.read()).digest())
    st = os.stat(path)
    hsh.update(("%s %d %d" % (path, st.st_size, st.st_mtime_ns)).encode())
    hsh.update("\n".join(cmds).encode())
    return hsh.hexdigest()[:24]


class _Session:
    """One crash process fed batches of commands through its stdin; each
    command's output goes to a file of its own (crash's `>`), and a batch
    ends with a shell escape that creates a marker file, so the caller
    knows when a batch is done without parsing crash's output."""
    def __init__(self, kernel, dump, timeout):
        import threading
        self.tmp = tempfile.mkdtemp(prefix="zdx-test-")
        self.n = 0
        self.deadline = time.time() + timeout
        self.p = subprocess.Popen([crash_binary(kernel), "-s", vmlinux(kernel), dump],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        self.log = []
        self.reader = threading.Thread(target=lambda: self.log.extend(self.p.stdout), daemon=True)
        self.reader.start()

    def run(self, commands, last=False):
        """{command: output or None} for commands (None: crash did not run it)."""
        try:
            distinct_commands(commands, "bundle")
        except ValueError:
            self.p.kill()       # no crash left waiting on its stdin
            self.close()
            raise
        outs = {}
        lines = []
        for c in commands:
            self.n += 1
            outs[c] = os.path.join(self.tmp, "out%d" % self.n)
            lines.append("%s > %s\n" % (c, outs[c]))
        marker = os.path.join(self.tmp, "done%d" % self.n)
        lines.append("exit\n" if last else "!touch %s\n" % marker)
        try:
            self.p.stdin.write("".join(lines))
            self.p.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass
        while not os.path.exists(marker) and self.p.poll() is None and time.time() < self.deadline:
            time.sleep(0.05)
        return {c: _read_or_none(f) for c, f in outs.items()}

    def close(self):
        """crash's own output (start-up messages, errors, a timeout)."""
        try:
            self.p.wait(max(1, self.deadline - time.time()))
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            self.log.append("\nzdx test: crash timed out and was killed\n")
        self.reader.join(5)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return "".join(self.log)


def _read_or_none(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def bundle(kernel, path, truth, timeout=900):
    """Every command the dump tests need on one dump, in one crash session:
    the crash-only ones (crash_commands) first, then zdx's (extend,
    bundle_commands), then, zdx unloaded again (extend -u), every crash-only
    command the tests check zdx's answers with (oracle_plan, planned from
    zdx's output).  Kept on disk until zdx.so, the dump or the plan change."""
    import oracle_plan
    so = zdx_so(kernel)
    first, cmds = crash_commands(truth), bundle_commands(kernel, truth)
    cache = os.path.join(CACHE, "test-bundles", _bundle_key(kernel, path, first + cmds) + ".json")
    try:
        with open(cache) as f:
            return json.load(f)
    except (OSError, ValueError):
        pass
    t0 = time.time()
    s = _Session(kernel, path, timeout)
    out = s.run(first + ["extend %s" % so] + cmds)
    out.pop("extend %s" % so)
    res = {"out": out, "oracle": {}}
    entry = next((e for e in truth.get("dumps", []) if e["file"] == os.path.basename(path)), {})
    ocmds = oracle_plan.plan(truth, entry, out) if _ran_any(out) else []
    res["oracle"] = s.run(["extend -u %s" % so] + ocmds, last=True)
    res["oracle"].pop("extend -u %s" % so)
    res["log"] = s.close()
    res["seconds"] = time.time() - t0
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + ".tmp", "w") as f:
        json.dump(res, f)
    os.replace(cache + ".tmp", cache)
    return res


def bundles(corpus, workers=2):
    """bundle() for every dump of the corpus, two crash sessions at a time
    (crash is single-threaded; the machine has two cores), for the tests
    that print their own checks (per_dump's run in collect_each); a dump's
    bundle that raised is that exception, so one dump cannot end the
    others."""
    from concurrent.futures import ThreadPoolExecutor

    def one(c):
        try:
            return bundle(c[0], c[4], c[2])
        except Exception as e:  # noqa: BLE001
            return e
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, corpus))


def crash_only(b, kernel, path, cmds):
    """{command: output} of crash-only commands: from the bundle's second
    session, or (a command oracle_plan did not foresee) a session of their
    own."""
    have = b.get("oracle") or {}
    if all(have.get(c) is not None for c in cmds):
        return {c: have[c] for c in cmds}
    print("# %s: %d crash-only commands oracle_plan did not foresee: a crash session of their own"
          % (path, sum(have.get(c) is None for c in cmds)), flush=True)
    return run_crash(kernel, path, cmds, load_zdx=False)["out"]


def _ran_any(out):
    """crash ran at least one command of the session."""
    return any(v is not None for v in out.values())


def dump_tag(kernel, truth, entry):
    """How a dump test names one dump file: 6.1/fsdax-dev/vmcore.kdump."""
    return "%s/%s/%s" % (kernel, truth["scenario"], entry["file"])


def dump_opened(t, kernel, truth, entry, b):
    """The start of every per-dump check: the dump's tag, or None when crash
    itself could not open the dump (then the dump is skipped, with crash's
    reason, and the check returns)."""
    tag = dump_tag(kernel, truth, entry)
    why = crash_refused(b)
    if why:
        t.skip(tag, "crash cannot open this dump: " + why)
        return None
    return tag


def zdx_json(t, tag, b, *cmds):
    """The JSON answers of zdx commands cmds in bundle b, in order, after one
    check that every one is JSON (crash's log tail when one is not); None
    when one is not, and the caller returns."""
    vals = [load_json(b["out"].get(c)) for c in cmds]
    if not t.ok(None not in vals, "%s: %s print%s JSON" % (tag, ", ".join(cmds), "s" if len(cmds) == 1 else ""),
                b["log"][-3000:]):
        return None
    return vals


def crash_refused(b):
    """Why crash itself could not open the dump (no command ran), or None.
    Known case: makedumpfile 1.7.2 -d 31 on 6.12 drops slab pages (PG_slab
    became a page type), and crash 8.0.6 stops at start-up on them."""
    if _ran_any(b["out"]):
        return None
    lines = b["log"].splitlines()
    for i, line in enumerate(lines):
        if line.startswith("crash:"):
            # "crash: incompatible arguments:" says why on the next line
            more = [m.strip() for m in lines[i + 1:i + 2] if m.strip()] if line.rstrip().endswith(":") else []
            return " ".join([line.strip()] + more)
    return "crash ran no command"
