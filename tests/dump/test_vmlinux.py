#!/usr/bin/python3
"""The factory's vmlinux answers as Debian's does (dumps/vmlinux-index.sh).

The factory drops the __pfx_ padding aliases from the symbol table of a
vmlinux built with function padding (6.12 and 7.x here) so that crash 8.0.6 and 9.0.2 start in about half the time; it keeps
the Debian file as vmlinux.debian.  For every kernel where it did, one
walker dump is opened twice, once with each file, and crash's and zdx's
answers must be the same: sys, bt (every frame's symbol), kmem -n and the
zdx commands the dump tests check (sections, pgmap, map, explain, dumpcheck).
The wall time of both sessions is printed: what the factory's file saves."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import CACHE, Tap, collect_each, dumps, run_crash, vmlinux  # noqa: E402

# A walker dump: its bt and explain name kernel and module functions.
SCENARIOS = ("walk-altmap-reserve", "walk-offline", "sysrq")


def commands(kernel):
    return ["sys", "bt", "kmem -n", "zdx sections -a -j", "zdx pgmap -j", "zdx map -j",
            "zdx explain -j -m %s" % os.path.join(CACHE, "kmod", kernel), "zdx dumpcheck -j"]


def comparable(cmd, text):
    """text without what names the vmlinux file itself (sys's KERNEL line)."""
    if text is None or cmd != "sys":
        return text
    return "\n".join(l for l in text.splitlines() if not l.strip().startswith("KERNEL:"))


def pick(corpus, kernel):
    """(path, scenario) of the kernel's first dump of SCENARIOS, filtered form first."""
    for scen in SCENARIOS:
        found = sorted((c for c in corpus if c[0] == kernel and os.path.basename(c[1]) == scen),
                       key=lambda c: c[3]["file"] != "vmcore.d31")
        if found:
            return found[0][4], scen
    return None, None


def check(c, kernel, path, scen):
    tag = "%s/%s/%s" % (kernel, scen, os.path.basename(path))
    debian = vmlinux(kernel) + ".debian"
    cmds = commands(kernel)
    mine = run_crash(kernel, path, cmds)
    theirs = run_crash(kernel, path, cmds, namelist=debian)
    for cmd in cmds:
        a, b = comparable(cmd, mine["out"][cmd]), comparable(cmd, theirs["out"][cmd])
        c.ok(a is not None and a == b, "%s: `%s` the same with Debian's vmlinux and the factory's" % (tag, cmd),
             "factory's:\n%s\nDebian's:\n%s" % ((a or "")[:600], (b or "")[:600]))
    print("# %s: crash session %.1f s with the factory's vmlinux, %.1f s with Debian's (wall)"
          % (tag, mine["wall"], theirs["wall"]))


def main():
    t = Tap()
    corpus = dumps()
    kernels = sorted({c[0] for c in corpus if os.path.isfile(vmlinux(c[0]) + ".debian")})
    if not kernels:
        t.skip("vmlinux with dropped __pfx_ symbols", "no kernel of the corpus has a vmlinux.debian "
               "(none has __pfx_ symbols, or the corpus is empty)")
        return t.done()
    jobs = []
    for k in kernels:
        path, scen = pick(corpus, k)
        if path:
            jobs.append((k, path, scen))
        else:
            t.ok(False, "%s: a dump of %s to compare on" % (k, " or ".join(SCENARIOS)))
    for col in collect_each(jobs, check, lambda j: "%s/%s" % (j[0], j[2])):
        col.replay(t)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
