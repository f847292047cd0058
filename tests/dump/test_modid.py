#!/usr/bin/python3
"""zdx explain takes a module's DWARF only from the build the dump ran.
On one walker dump per kernel (walk-altmap-reserve, its smallest file):
the build-id the dump holds for zdx_walker (read by drgn from the
module's notes, its own walk of struct module) is the one binutils'
readelf -n sees in the .ko the factory loaded into the guest; then, in
one crash session, zdx explain -j
  - with the factory's .ko: uses it, naming readelf's id;
  - with another build loaded by crash's `mod -s` (crash takes it without
    a word): refuses it; with the right one loaded so, or found by
    `mod -S DIR` in a directory tree: uses it first;
  - in a session of its own with crash's CRASH_MODULE_PATH naming a
    directory that holds the right .ko (no -m, no debuginfod): finds it
    there, on crash's own search path;
  - with another kernel's build of the module and the same source
    rebuilt with an extra -D (another build-id): refuses both, naming
    each file with readelf's id and the dump's, and finds the right one
    through a local debuginfod (Debian's, started here on a loopback
    port over a directory of the factory's .ko files), by build-id.
Scratch: $ZDX_CACHE/modid-test."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import Tap, dumps, CACHE, run_crash, load_json, vmlinux, MissingTool, crash_options  # noqa: E402
from test_triage import readelf_build_id, fresh_dir, start_debuginfod_over, wait_indexed  # noqa: E402

OUT = os.path.join(CACHE, "modid-test")
SCENARIO = "walk-altmap-reserve"
MODULE = "zdx_walker"


def kmod(kernel):
    return os.path.join(CACHE, "kmod", kernel, MODULE + ".ko")


def drgn_module_build_id(kernel, dump):
    """The GNU build-id in the loaded module's notes, read by drgn: its
    own types and reads, not zdx's (either shape of struct
    module_notes_attrs).  None when drgn finds none."""
    code = r"""
import sys, drgn
from drgn.helpers.linux.list import list_for_each_entry
p = drgn.Program(); p.set_core_dump(sys.argv[2]); p.load_debug_info([sys.argv[1]])
for m in list_for_each_entry("struct module", p["modules"].address_of_(), "list"):
    if m.name.string_().decode() != sys.argv[3]:
        continue
    na = m.notes_attrs
    try:
        attrs = [na.attrs[i] for i in range(na.notes.value_())]
    except (AttributeError, LookupError):   # no count: the attribute_group form (7.2)
        attrs, i = [], 0
        while na.grp.bin_attrs[i].value_():
            attrs.append(na.grp.bin_attrs[i][0])
            i += 1
    for a in attrs:
        b = p.read(a.private.value_(), a.size.value_())
        off = 0
        while off + 12 <= len(b):
            nsz, dsz, typ = (int.from_bytes(b[off + k:off + k + 4], "little") for k in (0, 4, 8))
            name = b[off + 12:off + 12 + nsz].rstrip(b"\0")
            desc = off + 12 + (nsz + 3) // 4 * 4
            if name == b"GNU" and typ == 3:
                print(b[desc:desc + dsz].hex())
                sys.exit(0)
            off = desc + (dsz + 3) // 4 * 4
"""
    r = subprocess.run(["/usr/bin/python3", "-c", code, vmlinux(kernel), dump, MODULE], capture_output=True,
                       text=True, timeout=600)
    return r.stdout.strip() or None, r.stderr.strip()[-300:]


def rebuild_with_define(kernel, work):
    """The factory's module source (its build directory) built again for
    the same kernel with an extra -D: (path, None) or (None, why)."""
    src = os.path.join(CACHE, "kmod", kernel, "build")
    kdir = os.path.join(CACHE, "kernels", kernel)
    rel = open(os.path.join(kdir, "release")).read().strip()
    hdr = os.path.join(kdir, "headers", "usr", "src", "linux-headers-" + rel)
    try:
        common = re.search(r"^include /usr/src/(linux-headers-[^/]*)/Makefile", open(os.path.join(hdr, "Makefile")).read(),
                           re.M).group(1)
        cc = re.search(r'^CONFIG_CC_VERSION_TEXT="(\S+) ', open(os.path.join(kdir, "config")).read(), re.M).group(1)
    except (OSError, AttributeError):
        return None, "no headers or config for %s" % kernel
    if not shutil.which(cc) or os.path.exists(os.path.join(CACHE, "kmod", kernel, "objtree")):
        return None, "the factory builds %s's module with its own toolchain setup (dumps/kmod/build.sh)" % kernel
    b = fresh_dir(os.path.join(work, "rebuilt-src"))
    for f in os.listdir(src):
        if f.endswith((".c", ".h")) or f == "Kbuild":
            shutil.copy(os.path.join(src, f), b)
    r = subprocess.run(["make", "-s", "-C", hdr, "-f", os.path.join(kdir, "headers", "usr", "src", common, "Makefile"),
                        "M=" + b, "CC=" + cc, "KCFLAGS=-fmacro-prefix-map=%s/= -DZDX_MODID_REBUILT" % b, "modules"],
                       capture_output=True, text=True)
    ko = os.path.join(b, MODULE + ".ko")
    if r.returncode or not os.path.isfile(ko):
        return None, "rebuild failed: " + (r.stderr or r.stdout)[-300:]
    d = fresh_dir(os.path.join(work, "rebuilt"))
    shutil.copy(ko, d)
    return d, None


def explain(outs, cmd):
    return load_json(outs.get(cmd)) or {}


def loaded(t, tag, outs, wrong_ko, kernel, right, bad_cmd, good_cmd):
    """crash's `mod -s` takes a .ko of another build without a word; zdx
    does not use it, and takes the right one when crash loads that."""
    if not os.path.isfile(wrong_ko):
        return
    notes = explain(outs, bad_cmd).get("notes") or []
    t.ok("refused %s: build-id %s, the dump's module has %s" % (wrong_ko, readelf_build_id(wrong_ko), right)
         in notes, "%s: the file crash's mod -s loaded, of another build, is refused" % tag, notes)
    notes = explain(outs, good_cmd).get("notes") or []
    t.ok(any(n.startswith("%s: DWARF from %s (crash mod -s), build-id %s = the dump's" % (MODULE, kmod(kernel), right))
             for n in notes) and not any(n.startswith("refused") for n in notes),
         "%s: the file crash's mod -s loaded, of the dump's build, is used first" % tag, notes)


def crash_module_path(t, tag, kernel, dump, scan, right):
    """crash's own module search path (CRASH_MODULE_PATH, which crash's
    `mod -S` also reads) is searched before -m, with no -m given."""
    res = run_crash(kernel, dump, ["zdx explain -j"], env={"CRASH_MODULE_PATH": scan})
    notes = explain(res["out"], "zdx explain -j").get("notes") or []
    t.ok(any(re.match(r"%s: DWARF from %s/\S+ \(search path\), build-id %s = the dump's"
                      % (MODULE, re.escape(scan), right), n) for n in notes),
         "%s: the .ko in crash's CRASH_MODULE_PATH is found with no -m" % tag, notes or res["log"][-500:])


def check_kernel(t, kernel, dump, others):
    tag = "%s/%s" % (kernel, SCENARIO)
    right = readelf_build_id(kmod(kernel))
    got, err = drgn_module_build_id(kernel, dump)
    if not t.ok(got and got == right, "%s: the dump's %s build-id (drgn, module notes) %s is readelf's of the "
                "factory's .ko %s" % (tag, MODULE, got, right), err):
        return
    if "--no_modules" in crash_options(kernel):
        return t.skip("%s: zdx explain with module files" % tag, "the manifest runs this kernel's crash with "
                      "--no_modules: crash lists no module and has no mod -s/-S (zdx's own module "
                      "lookup there: test_modsym.py)")
    work = fresh_dir(os.path.join(OUT, kernel))
    wrong_k = next((k for k in others if readelf_build_id(kmod(k)) not in (None, right)), None)
    wrong = fresh_dir(os.path.join(work, "wrong"))
    if wrong_k:
        shutil.copy(kmod(wrong_k), wrong)
    rebuilt, why = rebuild_with_define(kernel, work)
    bad = [wrong] + ([rebuilt] if rebuilt else [])
    if not rebuilt:
        t.skip("%s: the module rebuilt with -D" % tag, why)
    scan = fresh_dir(os.path.join(work, "scan"))
    os.symlink(kmod(kernel), os.path.join(scan, MODULE + ".ko"))
    crash_module_path(t, tag, kernel, dump, scan, right)
    srv, url = start_debuginfod_over(scan, work)
    try:
        if not t.ok(wait_indexed(url, [right], timeout=300), "%s: debuginfod indexed %s" % (tag, MODULE)):
            return
        os.environ.update(DEBUGINFOD_URLS=url, DEBUGINFOD_CACHE_PATH=fresh_dir(os.path.join(work, "client-cache")))
        good_cmd = "zdx explain -j -m %s" % os.path.dirname(kmod(kernel))
        bad_cmd = "zdx explain -j" + "".join(" -m " + d for d in bad)
        wrong_ko = os.path.join(wrong, MODULE + ".ko")
        # outputs are keyed by command text: loaded_good names the wrong
        # directory with a trailing slash so that it never equals bad_cmd
        # (the same text when no -D rebuild could be made: 5.10, 6.12)
        loaded_bad, loaded_good = "zdx explain -j", "zdx explain -j -m %s/" % wrong
        loaded_tree = "zdx explain -j -m %s//" % wrong
        res = run_crash(kernel, dump, ["mod", good_cmd, bad_cmd, "mod -s %s %s" % (MODULE, wrong_ko),
                                       loaded_bad, "mod -d " + MODULE,
                                       "mod -s %s %s" % (MODULE, kmod(kernel)), loaded_good,
                                       # (mod -D, not a second "mod -d": outputs are keyed by text)
                                       "mod -D", "mod -S " + scan, loaded_tree])
        outs, log = res["out"], res["log"]
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        os.environ.pop("DEBUGINFOD_URLS", None)
    if MODULE not in (outs.get("mod") or ""):
        return t.skip("%s: zdx explain with module files" % tag, "crash lists no module on this kernel "
                      "(its crash runs with --no_modules): no mod -s/-S")
    notes = explain(outs, good_cmd).get("notes") or []
    t.ok(any(re.match(r"%s: DWARF from \S+ \(search path\), build-id %s = the dump's" % (MODULE, right), n)
             for n in notes), "%s: the factory's .ko used, its id %s named" % (tag, right), notes)
    t.ok(not any(n.startswith("refused") for n in notes), "%s: nothing refused with the right .ko" % tag, notes)
    res = explain(outs, bad_cmd)
    notes = res.get("notes") or []
    for d in bad:
        ko = os.path.join(d, MODULE + ".ko")
        if not os.path.isfile(ko):
            continue
        bid = readelf_build_id(ko)
        t.ok("refused %s: build-id %s, the dump's module has %s" % (ko, bid, right) in notes,
             "%s: %s (build-id %s) refused, both ids named" % (tag, ko, bid), notes)
    t.ok(any(re.match(r"%s: DWARF from %s/\S+ \(debuginfod\), build-id %s = the dump's"
                      % (MODULE, re.escape(os.path.join(work, "client-cache")), right), n) for n in notes),
         "%s: the right build found through debuginfod by id %s" % (tag, right), notes)
    loaded(t, tag, outs, wrong_ko, kernel, right, loaded_bad, loaded_good)
    notes = explain(outs, loaded_tree).get("notes") or []
    t.ok(any(re.match(r"%s: DWARF from \S+ \(crash mod -s\), build-id %s = the dump's" % (MODULE, right), n)
             for n in notes) and not any(n.startswith("refused") for n in notes),
         "%s: the file crash's mod -S found in a directory tree is used first, before -m" % tag, notes)
    t.ok(res.get("verdict") == explain(outs, good_cmd).get("verdict") and
         any(e.get("source") == "DWARF variable" for e in res.get("evidence") or []),
         "%s: the same verdict (%s) with DWARF evidence from the debuginfod file" % (tag, res.get("verdict")),
         log[-500:])


def main():
    t = Tap()
    corpus = [c for c in dumps() if c[2]["scenario"] == SCENARIO and os.path.isfile(kmod(c[0]))]
    if not t.ok(corpus, "the corpus has %s dumps with the factory's %s.ko (%d)" % (SCENARIO, MODULE, len(corpus))):
        return t.done()
    if not t.ok(shutil.which("debuginfod") and shutil.which("readelf"), "debuginfod and readelf are installed"):
        return t.done()
    kernels = sorted({c[0] for c in corpus})
    others = sorted(d for d in os.listdir(os.path.join(CACHE, "kmod")) if os.path.isfile(kmod(d)))
    for k in kernels:
        files = sorted((c for c in corpus if c[0] == k), key=lambda c: os.path.getsize(c[4]))
        try:
            check_kernel(t, k, files[0][4], [o for o in others if o != k])
        except MissingTool as e:
            t.ok(False, "%s: crash and zdx.so" % k, e)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
