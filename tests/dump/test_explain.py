#!/usr/bin/python3
"""zdx explain on every factory dump: the verdict, pfn and owner must be the
ones the guest recorded before it panicked (truth.json "walker"), and
"unrelated" for dumps whose panic has nothing to do with device memory
(sysrq, the correct-walker control).  The walker's module parameters and
log lines are never given to zdx: only its debuginfo directory, as a user
would point `mod -s` at it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import Tap, dumps, load_json, h, CACHE, bundles, crash_refused  # noqa: E402


def main():
    t = Tap()
    corpus = dumps()
    t.ok(corpus, "the factory's corpus has dumps (%d)" % len(corpus))
    for (kernel, d, truth, entry, path), b in zip(corpus, bundles(corpus)):
        tag = "%s/%s/%s" % (kernel, truth["scenario"], entry["file"])
        cmd = "zdx explain -j -m %s" % os.path.join(CACHE, "kmod", kernel)
        out, log = b["out"], b["log"]
        if crash_refused(b):
            t.skip(tag, "crash cannot open this dump: " + crash_refused(b))
            continue
        r = load_json(out.get(cmd))
        if not t.ok(r is not None, "%s: zdx explain prints JSON" % tag, log[-3000:]):
            continue
        w = truth.get("walker")
        want = w["expected_verdict"] if w else "unrelated"
        t.ok(r["verdict"] == want, "%s: verdict %s (got %s, %s)" % (tag, want, r["verdict"], r["confidence"]),
             "\n".join("%s %s %s" % (e["source"], e["pfn"], e["origin"]) for e in r["evidence"]))
        if not w or want == "unrelated":
            continue
        t.ok(r["pfn"] is not None and h(r["pfn"]) == h(w["pfn"]),
             "%s: pfn %s (got %s)" % (tag, w["pfn"], r["pfn"]))
        if w.get("expected_owner") and want in ("altmap-metadata", "zone-device-page", "mixed-section"):
            t.ok(r.get("device") == w["expected_owner"],
                 "%s: owner %s (got %s)" % (tag, w["expected_owner"], r.get("device")))
        if w.get("expected_owner") and want == "offline-memory":
            t.ok(r.get("memory_block") == w["expected_owner"],
                 "%s: memory block %s (got %s)" % (tag, w["expected_owner"], r.get("memory_block")))
        t.ok(all(e["check"] for e in r["evidence"]), "%s: every piece of evidence names a crash command" % tag)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
