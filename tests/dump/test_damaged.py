#!/usr/bin/python3
"""Damaged dumps (issue 10): every zdx command, text and -j, on each dump
tests/damaged/generate.py derives from the factory's dumps (truncated,
corrupted in place, VMCOREINFO out of range, another kernel's vmlinux,
filtered by makedumpfile at each page class and at 31),
then `sys`, in one crash session per dump, two sessions at a time.

Per dump: crash survives (`sys` still answers, no signal, no
segmentation violation), every command ends within the session's bound,
every -j answer is JSON carrying the `incomplete` list (or an error
object that says why), the text names what -j lists as incomplete; and, against the
undamaged twin (the generator's base.kdump, run in the same way):

  * an object the generator changed is never reported with the undamaged
    fact: its fields differ, or the answer names it (the `incomplete`
    list, or an error naming its address); an object no longer
    consistent (a dev_pagemap the kernel could not have registered, a
    pgmap_array node out of shape, a section whose mem_map is not in the
    vmemmap) must be named;
  * in a truncated or filtered dump, with a VMCOREINFO number out of range
    or with another kernel's vmlinux, every fact zdx prints equals the undamaged
    one or the answer says it stands on less than the dump (the
    `incomplete` list, a `?`, `not in this dump`) — nothing unread is
    printed as fact.

Where crash itself refuses the dump (a truncated header), crash exiting
cleanly is the pass: no zdx command ran, the TAP line says so."""
import functools
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "damaged"))
import zdxlib  # noqa: E402
import generate  # noqa: E402
import dumpfmt  # noqa: E402

PAGE = 4096
SESSION_TIMEOUT = int(os.environ.get("ZDX_DAMAGED_TIMEOUT", "180"))
CRASH_SIGNS = ("segmentation violation", "SIGSEGV", "Segmentation fault", "floating point exception",
               "Aborted", "core dumped", "Bus error", "stack smashing")


def commands(m):
    kmod = os.path.join(zdxlib.CACHE, "kmod", m["kernel"])
    text = ["zdx sections -a", "zdx pgmap", "zdx zones", "zdx map"]
    text += ["zdx pfn %#x" % p for p in m["pfns"]]
    text += ["zdx explain -m %s" % kmod, "zdx dumpcheck", "zdx report -m %s" % kmod]
    out = []
    for c in text:
        w = c.split(" ", 2)
        out += [c, " ".join(w[:2] + ["-j"] + w[2:])]
    return out


# every check reads the same few answers again (the twin's for each dump):
# each text is parsed once; nothing changes the parsed JSON
jload = functools.lru_cache(maxsize=64)(zdxlib.load_json)


def names(res, cmd):
    """Everything an answer says it could not use: its incomplete list
    (what, address, why), its -j error object (what, address, message;
    include/zdx/error.h) and any non-JSON line (a text error), as one
    lower-case text to search."""
    t = res["out"].get(cmd) or ""
    j = jload(t)
    if j is None:
        return t.lower()
    inc = list(j.get("incomplete") or [])
    if isinstance(j.get("error"), dict):
        e = j["error"]
        inc.append({"what": e.get("what"), "addr": e.get("addr"), "why": e.get("message")})
    return "\n".join("%s %s %s" % (e.get("what"), e.get("addr"), e.get("why")) for e in inc).lower()


def flagged(res, cmd):
    j = jload(res["out"].get(cmd))
    if j is None:
        return bool((res["out"].get(cmd) or "").strip())
    return bool(j.get("incomplete")) or bool(j.get("incomplete_not_listed")) or bool(j.get("error"))


def hexs(v):
    return ("%x" % zdxlib.h(v)) if v not in (None, "") else ""


# --- the comparisons -------------------------------------------------------

def by(j, list_key, key):
    return {str(x.get(key)): x for x in (j or {}).get(list_key) or []}


SECTION_FACTS = ("flags", "coded_mem_map", "mem_map", "subsection_map", "owner")
PGMAP_FACTS = ("type", "type_name", "kind", "owner", "flags", "ranges", "altmap", "regions", "vmemmap_shift")
ZONE_FACTS = ("start_pfn", "spanned", "present", "managed", "owns")
PFN_FACTS = ("section_flags", "subsection_populated", "pfn_valid", "pfn_to_online_page", "owner",
             "pgmap", "region", "pgmap_pfn_valid", "struct_page", "page_flags", "struct_page_verdict")


def unread_marked(kind, x):
    """An item that says itself it stands on data the dump lacks."""
    if kind == "sections":
        return "?" in (x.get("subsection_map") or "") or x.get("usage_in_dump") is False
    if kind == "pfn":
        return x.get("struct_page_in_dump") is False or str(x.get("struct_page_verdict", "")).startswith("unknown")
    return False


def same_or_flagged(base, dmg, cmds):
    """Truncated / VMCOREINFO / vmlinux dumps: every fact zdx printed equals
    the undamaged dump's, or its answer is flagged.  Returns the list of
    silent differences."""
    bad = []
    specs = [("zdx sections -j -a", "sections", "nr", SECTION_FACTS),
             ("zdx pgmap -j", "pgmaps", "addr", PGMAP_FACTS),
             ("zdx zones -j", "zones", None, ZONE_FACTS)]
    for c, lk, key, facts in specs:
        d = jload(dmg["out"].get(c))
        b = jload(base["out"].get(c))
        if d is None or b is None:
            continue
        if key is None:
            bi = {"%s/%s" % (x["node"], x["zone"]): x for x in b.get(lk) or []}
            di = {"%s/%s" % (x["node"], x["zone"]): x for x in d.get(lk) or []}
        else:
            bi, di = by(b, lk, key), by(d, lk, key)
        fl = flagged(dmg, c)
        for k, x in di.items():
            y = bi.get(k)
            diff = [f for f in facts if y is None or x.get(f) != y.get(f)]
            if diff and not fl and not unread_marked(lk, x):
                bad.append("%s: %s %s: %s printed as fact (undamaged: %s)" % (
                    c, lk, k, {f: x.get(f) for f in diff}, {f: (y or {}).get(f) for f in diff}))
        if set(bi) - set(di) and not fl:
            bad.append("%s: %s %s dropped without a word" % (c, lk, sorted(set(bi) - set(di))[:5]))
    for c in cmds:
        if not c.startswith("zdx pfn -j"):
            continue
        d, b = jload(dmg["out"].get(c)), jload(base["out"].get(c))
        if d is None or b is None:
            continue
        diff = [f for f in PFN_FACTS if d.get(f) != b.get(f)]
        if diff and not flagged(dmg, c) and not unread_marked("pfn", d):
            bad.append("%s: %s printed as fact (undamaged: %s)" % (
                c, {f: d.get(f) for f in diff}, {f: b.get(f) for f in diff}))
    return bad


def filtered_checks(dm, path, res):
    """A makedumpfile-filtered dump: the dump level dumpcheck reads is the
    one makedumpfile was given; each chosen pfn's struct page is said to be
    in the dump exactly when the file's bitmap holds its page (the
    generator read the bitmap: dm["struct_page_dumped"]); every page
    dumpcheck calls present (missing) is (is not) in the file's bitmap."""
    bad = []
    dc_all = jload(res["out"].get("zdx dumpcheck -j")) or {}
    dc = dc_all.get("dumpfile") or {}
    if dc_all and dc.get("dump_level") != dm["dump_level"]:
        bad.append("zdx dumpcheck -j: dump_level %r, makedumpfile was given -d %d"
                   % (dc.get("dump_level"), dm["dump_level"]))
    bm = dumpfmt.Kdump(path)
    for c in dc_all.get("classes") or []:
        for key, want in (("present", True), ("missing", False)):
            for r in c.get(key) or []:
                lo, hi = zdxlib.h(r["start"]) // PAGE, (zdxlib.h(r["end"]) + PAGE - 1) // PAGE
                off = next((p for p in range(lo, hi) if bool(bm.dumped(p)) is not want), None)
                if off is not None:
                    bad.append("zdx dumpcheck -j: %s: %s range %s-%s: pfn %#x is%s in the file's bitmap"
                               % (c.get("name"), key, r["start"], r["end"], off, " not" if want else ""))
    for pfn, dumped in dm["struct_page_dumped"].items():
        c = "zdx pfn -j %s" % pfn
        j = jload(res["out"].get(c))
        if j is None or dumped is None or "error" in j:
            continue
        if j.get("struct_page_in_dump") is not dumped:
            bad.append("%s: struct_page_in_dump %r, the file's bitmap says %s"
                       % (c, j.get("struct_page_in_dump"), dumped))
    return bad


def changed_object_checks(m, e, base, dmg):
    """[(what, silent-unchanged?, named?)] for each object the generator
    changed: silent = reported with the undamaged fact and not named;
    named = the answer names it (incomplete list or error)."""
    out = []
    pg = hexs(m["pgmap"])

    def sections():
        """`zdx sections -j -a` of the damaged dump and of its twin, by number."""
        return [by(jload(r["out"].get("zdx sections -j -a")), "sections", "nr") for r in (dmg, base)]
    for dm in e["damage"]:
        cls = dm["class"]
        if cls == "dev_pagemap":
            c = "zdx pgmap -j"
            d, b = by(jload(dmg["out"].get(c)), "pgmaps", "addr"), by(jload(base["out"].get(c)), "pgmaps", "addr")
            key = next((k for k in b if hexs(k) == pg), None)
            x, y = d.get(key), b.get(key)
            field = dm["field"].split()[0]
            facts = {"nr_range": ("ranges",), "type": ("type", "type_name", "kind"),
                     "altmap.reserve": ("altmap",), "range.end": ("ranges",)}[field]
            named = pg in names(dmg, c)
            same = x is not None and y is not None and all(x.get(f) == y.get(f) for f in facts)
            out.append(("dev_pagemap %s %s" % (pg, field), same and not named, named))
        elif cls == "pgmap_array":
            c = "zdx pgmap -j"
            named = "pgmap_array" in names(dmg, c)
            out.append(("pgmap_array %s" % dm["field"], False, named))
        elif cls == "mem_section" and dm["field"] == "root pointer":
            # the root points at a readable page that is no section array:
            # every section zdx lists from it must be named or marked
            c = "zdx sections -j -a"
            root = int(dm["object"].split()[-1])
            spr = m["sections_per_root"]
            txt = names(dmg, c)
            d, b = sections()
            listed = [x for k, x in d.items() if root * spr <= int(k) < (root + 1) * spr]
            unnamed = [x["nr"] for x in listed
                       if not unread_marked("sections", x) and ("section %d:" % x["nr"]) not in txt]
            silent = [x["nr"] for x in listed if x["nr"] in unnamed
                      and all(x.get(f) == (b.get(str(x["nr"])) or {}).get(f) for f in SECTION_FACTS)]
            out.append(("mem_section root %d (%d sections listed from it, unnamed: %s)"
                        % (root, len(listed), unnamed[:8]), bool(silent), not unnamed))
        elif cls in ("mem_section", "usage_map"):
            nr = int(dm["object"].split()[-1])
            c = "zdx sections -j -a"
            d, b = (x.get(str(nr)) for x in sections())
            facts = {"section_mem_map": ("coded_mem_map", "flags", "mem_map"),
                     "usage": ("subsection_map", "usage_in_dump"),
                     "subsection_map[0]": ("subsection_map",)}[dm["field"]]
            txt = names(dmg, c)
            named = ("section %d" % nr) in txt or (d is not None and hexs(d.get("usage")) in txt and dm["field"] == "usage")
            if d is not None and dm["field"] == "usage" and unread_marked("sections", d):
                named = True
            same = d is not None and b is not None and all(d.get(f) == b.get(f) for f in facts)
            out.append(("%s %s" % (dm["object"], dm["field"]), same and not named,
                        named if dm["field"] != "subsection_map[0]" else True))
        elif cls == "log":
            # prb aimed at memory the dump lacks: dumpcheck names the ring
            # field it could not read, at an address crash's own rd cannot
            # read either, and counts the page as missing from the log class
            c = "zdx dumpcheck -j"
            addr = int(dm["unreadable"], 16)
            rd = dmg["out"].get(oracle_rd(dm["unreadable"]))
            crash_fails = rd is not None and ("%x:" % addr) not in rd
            txt = names(dmg, c)
            named = ("%x" % addr) in txt and "not in this dump" in txt
            d = by(jload(dmg["out"].get(c)), "classes", "class").get("log") or {}
            b = by(jload(base["out"].get(c)), "classes", "class").get("log") or {}
            same = d.get("missing_pages") == b.get("missing_pages") and not named
            out.append(("prb: %#x %s; crash's rd of it %s" % (
                addr, "named" if named else "not named", "fails too" if crash_fails else "does not fail"),
                same, named and crash_fails))
        elif cls == "struct_page":
            pfn = int(dm["object"].split()[-1], 16)
            c = "zdx pfn -j %#x" % pfn
            d, b = jload(dmg["out"].get(c)), jload(base["out"].get(c))
            if d is None or b is None:
                out.append(("struct page of pfn %#x" % pfn, False, d is None and bool(dmg["out"].get(c))))
                continue
            facts = ("page_flags", "struct_page_verdict", "page_state")
            same = all(d.get(f) == b.get(f) for f in facts)
            verdict = str(d.get("struct_page_verdict", ""))
            named = verdict != "initialised" and verdict != b.get("struct_page_verdict")
            out.append(("struct page of pfn %#x (verdict %r)" % (pfn, verdict), same, named))
    return out


def oracle_rd(addr):
    """crash's own read of an address the generator made unreadable."""
    return "rd -32 %s" % addr


def oracle_cmds(e):
    return [oracle_rd(dm["unreadable"]) for dm in (e or {}).get("damage", []) if dm.get("unreadable")]


# --- one dump ---------------------------------------------------------------

def zdx_ran(res, cmds):
    return sum(res["out"].get(c) is not None for c in cmds)


def crash_signs(res):
    text = res["log"] + "".join(v or "" for v in res["out"].values())
    return [s for s in CRASH_SIGNS if s in text]


def check_dump(t, m, e, base, res, cmds, stats):
    tag = "%s [%s]" % (e["name"], e["class"])
    ran = zdx_ran(res, cmds)
    sysout = res["out"].get("sys") or ""
    signs = crash_signs(res)
    stats["dumps"] += 1
    stats["commands"] += ran
    if ran == 0 and not res["timeout"]:
        why = next((ln.strip() for ln in res["log"].splitlines() if ln.startswith("crash:")), "")
        if res["rc"] is not None and res["rc"] < 0:
            # crash died from a signal while opening the dump: the extend
            # line, the first of the script, never ran, so zdx was not
            # loaded.  crash's own bug, reported, not zdx's.
            stats["crash_own"] += 1
            t.ok(True, "%s: crash itself dies (signal %d) opening the dump, before zdx is loaded: "
                 "crash's bug, not zdx's; no zdx command ran" % (tag, -res["rc"]))
            return
        t.ok(res["rc"] is not None and not signs,
             "%s: crash refused the dump and exited cleanly (status %s), no zdx command ran: %s"
             % (tag, res["rc"], why or res["log"].strip().splitlines()[-1:]), res["log"][-1500:])
        stats["refused"] += 1
        return
    crashed = bool(signs) or res["rc"] is None or res["rc"] < 0 or "RELEASE" not in sysout
    stats["crashes"] += crashed and not res["timeout"]
    t.ok(not crashed or res["timeout"], "%s: crash survives every zdx command (%d ran, `sys` answers)" % (tag, ran),
         "signs %s, status %s\n%s" % (signs, res["rc"], res["log"][-1500:]))
    hung = [c for c, s in res["secs"].items() if s is None]
    stats["hangs"] += len(hung)
    worst = max(((s, c) for c, s in res["secs"].items() if s is not None and c.startswith("zdx ")),
                default=(0, "-"))
    t.ok(not res["timeout"] and not hung, "%s: every command ends (slowest %.1f s: %s; session %.0f s)"
         % (tag, worst[0], worst[1], res["wall"]), "hung: %s" % hung)
    for c, s in res["secs"].items():
        if s is not None and c.startswith("zdx "):    # not sys, nor an oracle's rd
            sub = c.split()[1] + (" -j" if " -j" in c else "")
            if s > stats["worst"].get(sub, (0, ""))[0]:
                stats["worst"][sub] = (s, e["name"])
    # every -j answer is JSON with the incomplete list, or a refusal saying
    # why: the {"error": {...}} object of include/zdx/error.h, in the
    # command's own output
    badj = []
    for c in cmds:
        if " -j" not in c or res["out"].get(c) is None:
            continue
        j = jload(res["out"][c])
        if j is None:
            badj.append("%s: not JSON: %r" % (c, res["out"][c][:200]))
        elif "error" in j:
            if not (isinstance(j["error"], dict) and j["error"].get("message")):
                badj.append("%s: an error without a message: %r" % (c, j["error"]))
        elif "incomplete" not in j:
            badj.append("%s: JSON without the incomplete list" % c)
    t.ok(not badj, "%s: every -j answer is JSON carrying `incomplete`, or an error object naming why"
         % tag, "\n".join(badj))
    # the text says INCOMPLETE where -j lists something
    badt = []
    for c in cmds:
        if " -j" not in c:
            continue
        j = jload(res["out"].get(c))
        tc = c.replace(" -j", "", 1)
        # zdx report is markdown: its section is "## Incomplete"
        word = "## Incomplete" if tc.startswith("zdx report") else "INCOMPLETE"
        if j and j.get("incomplete") and word not in (res["out"].get(tc) or ""):
            badt.append(tc)
    t.ok(not badt, "%s: the text answers name what -j lists as incomplete" % tag, "\n".join(badt))
    # against the undamaged twin
    nozd = "this dump has no ZONE_DEVICE memory"
    if (jload(base["out"].get("zdx pgmap -j")) or {}).get("pgmaps"):
        said = nozd in (res["out"].get("zdx pgmap") or "")
        stats["silent"] += said
        t.ok(not said, "%s: `zdx pgmap` never says the dump has no ZONE_DEVICE memory (the twin has pgmaps)"
             % tag, (res["out"].get("zdx pgmap") or "")[:800])
    if e["class"] in ("truncated", "vmcoreinfo", "vmlinux", "filtered"):
        bad = same_or_flagged(base, res, cmds)
        stats["silent"] += len(bad)
        t.ok(not bad, "%s: every fact equals the undamaged dump's or is flagged" % tag, "\n".join(bad[:10]))
        if e["class"] == "filtered":
            bad = filtered_checks(e["damage"][0], e["path"], res)
            stats["silent"] += len(bad)
            t.ok(not bad, "%s: dump level and struct pages in the dump as the file's own header and bitmap say"
                 % tag, "\n".join(bad))
        return
    for what, silent, named in changed_object_checks(m, e, base, res):
        stats["silent"] += silent
        stats["unnamed"] += not named
        t.ok(not silent and named, "%s: %s: %s" % (
            tag, what, "named" if named else ("reported as the undamaged fact" if silent else "changed, not named")))


def main():
    t = zdxlib.Tap()
    stats = {"dumps": 0, "commands": 0, "refused": 0, "crash_own": 0, "crashes": 0, "hangs": 0, "silent": 0,
             "unnamed": 0, "worst": {}}
    srcs = []
    for src in sorted(generate.SOURCES):
        if zdxlib.ONLY and not zdxlib.ONLY.startswith(src + "/") and not src.startswith(zdxlib.ONLY.rstrip("/")) \
                and zdxlib.ONLY not in src:
            t.skip("damaged dumps from %s" % src, "ZDX_TEST_ONLY=%s excludes it" % zdxlib.ONLY)
            continue
        t0 = time.time()
        try:
            m = generate.generate(src)
        except generate.SourceMissing as ex:
            t.ok(False, "damaged dumps from %s: sources present" % src, str(ex))
            continue
        t.ok(m["dumps"], "damaged dumps from %s: %d, generated or up to date in %.1f s"
             % (src, len(m["dumps"]), time.time() - t0))
        srcs.append(m)
    if zdxlib.ONLY and not srcs and not zdxlib.dumps():
        zdxlib.corpus_ok(t, [])   # a ZDX_TEST_ONLY that matches nothing fails, never passes on skips
    jobs = []
    for m in srcs:
        cmds = commands(m)
        jobs.append((m, None, m["baseline"]["path"], m["kernel"], cmds))
        for e in m["dumps"]:
            # ZDX_TEST_ONLY=KERNEL/SCENARIO/NAME: the damaged dumps whose
            # name holds it (and their twin)
            if zdxlib.ONLY and zdxlib.ONLY.startswith(m["source"] + "/") and zdxlib.ONLY not in e["name"]:
                continue
            jobs.append((m, e, e["path"], e["vmlinux_kernel"], cmds))

    def run(job):
        m, e, path, vk, cmds = job
        try:
            # crash with the vmlinux of vk (another kernel's, for the
            # vmlinux class), then `sys`: crash still answers
            return zdxlib.run_crash(vk, path, cmds + oracle_cmds(e) + ["sys"], timeout=SESSION_TIMEOUT)
        except zdxlib.MissingTool as ex:
            return {"error": str(ex)}
    t0 = time.time()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, jobs))
    wall = time.time() - t0
    if os.environ.get("ZDX_DAMAGED_SAVE"):
        with open(os.environ["ZDX_DAMAGED_SAVE"], "w") as f:
            json.dump([{"name": (e or {}).get("name", m["source"] + "/base"), "res": r}
                       for (m, e, _p, _v, _c), r in zip(jobs, results)], f)
    base = {}
    for (m, e, path, vk, cmds), res in zip(jobs, results):
        if "error" in res:
            t.ok(False, "%s: crash and zdx.so present" % (e or {}).get("name", path), res["error"])
            continue
        if e is None:
            ran = zdx_ran(res, cmds)
            ok = ran == len(cmds) and not res["timeout"] and not crash_signs(res)
            t.ok(ok, "%s: undamaged twin (base.kdump): %d zdx commands answer (%.0f s)"
                 % (m["source"], ran, res["wall"]), res["log"][-1500:])
            inc = [c for c in cmds if " -j" in c and (jload(res["out"].get(c)) or {}).get("incomplete")]
            t.ok(not inc, "%s: undamaged twin: no answer calls itself incomplete" % m["source"],
                 "\n".join("%s: %s" % (c, jload(res["out"][c])["incomplete"][:3]) for c in inc))
            base[m["source"]] = res
            continue
        try:
            check_dump(t, m, e, base[m["source"]], res, cmds, stats)
        except Exception as ex:  # noqa: BLE001
            t.ok(False, "%s: check raised %r" % (e["name"], ex))
    print("# damaged dumps: %d (%d refused by crash itself, %d killed crash before zdx loaded), "
          "zdx commands run: %d, crashes: %d, "
          "hangs: %d, silent wrong values: %d, changed objects not named: %d; %d sessions in %.0f s"
          % (stats["dumps"], stats["refused"], stats["crash_own"], stats["commands"], stats["crashes"], stats["hangs"],
             stats["silent"], stats["unnamed"], len(jobs), wall))
    for sub, (s, name) in sorted(stats["worst"].items()):
        print("# worst time: zdx %-14s %6.2f s  (%s)" % (sub, s, name))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
