#!/usr/bin/python3
"""Print the markdown verdict table of `zdx explain` over the factory
corpus (scenario x kernel x format), with the truth's expectation, for
docs/explain.md.  Uses the same cached crash sessions as the dump tests."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import dumps, bundles, crash_refused, load_json, CACHE, ROOT  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "dumps"))
import verdicts  # noqa: E402


def main():
    corpus = dumps()
    print("| kernel | scenario | dump | expected | zdx verdict | confidence | pfn (truth / zdx) |")
    print("|---|---|---|---|---|---|---|")
    for (kernel, d, truth, entry, path), b in zip(corpus, bundles(corpus)):
        w = truth.get("walker") or {}
        want = w.get("expected_verdict", verdicts.word("UNRELATED"))
        cmd = "zdx explain -j -m %s" % os.path.join(CACHE, "kmod", kernel)
        r = None if isinstance(b, Exception) else load_json(b["out"].get(cmd))
        if r is None or crash_refused(b):
            got, conf, pfn = "(crash cannot open this dump)", "-", "-"
        else:
            got, conf = r["verdict"], r["confidence"]
            pfn = "%s / %s" % (w.get("pfn") or "-", r.get("pfn") or "-")
        mark = "" if got == want else " ✗"
        print("| %s | %s | %s | %s | %s%s | %s | %s |" % (kernel, truth["scenario"], entry["file"],
                                                      want, got, mark, conf, pfn))


if __name__ == "__main__":
    main()
