#!/usr/bin/env python3
"""Print a markdown table of the built corpus ($ZDX_CACHE/dumps/*/*/truth.json):
what each scenario's truth says, its dump files with sizes, and build times.
Used to refresh the table in docs/dumps.md after a corpus build."""
import glob
import json
import os

CACHE = os.environ.get("ZDX_CACHE", os.path.expanduser("~/.cache/zdx"))


def mb(n):
    return "%.0f MB" % (n / 1e6) if n >= 1e6 else "%.1f MB" % (n / 1e6)


def summary(t):
    parts = []
    for n in t["namespaces"]:
        parts.append("%s %s/%s %s+%dM" % (n["dev"], n["mode"], n["map"], n["start"], n["size"] >> 20))
    if t["pmem_sections"]:
        secs = t["pmem_sections"]
        shared = [s["section"] for s in secs if not s["pmem_only"]]
        parts.append("pmem sections %d-%d%s" % (secs[0]["section"], secs[-1]["section"],
                                                 " (shared with RAM: %s)" % shared if shared else ""))
    for h in t["hotplug"]:
        st = {b["block"]: b["state"] for b in t["memory_blocks"]}
        parts.append("%s %s: %s" % (h["id"], h["start"], ", ".join("%d %s" % (b, st.get(b, "?")) for b in h["blocks"])))
    w = t["walker"]
    if w:
        parts.append("walker %s pfn %s → %s (owner %s)" % (w["mode"], w["pfn"], w["expected_verdict"], w["expected_owner"]))
    return "; ".join(parts) or "no pmem"


def main():
    rows = {}
    for tf in sorted(glob.glob(os.path.join(CACHE, "dumps", "*", "*", "truth.json"))):
        with open(tf) as f:
            t = json.load(f)
        r = rows.setdefault(t["scenario"], {"desc": t["description"], "k": [], "truth": summary(t) if t["kernel"]["name"] == "6.1" else None})
        r["k"].append("%s: %s; %d s" % (t["kernel"]["name"],
                                          ", ".join("%s %s" % (d["file"][7:], mb(d["bytes"])) for d in t["dumps"]),
                                          t["build"]["seconds"]))
        if r["truth"] is None:
            r["truth"] = summary(t)
    print("scenario | configures | truth (6.1) | dumps, sizes, build time per kernel")
    print("---|---|---|---")
    for s, r in rows.items():
        print("`%s` | %s | %s | %s" % (s, r["desc"], r["truth"], "<br>".join(r["k"])))


if __name__ == "__main__":
    main()
