#!/usr/bin/python3
"""Bad input and missing data get clear answers, never guesses or zeros:
garbage arguments, and struct pages the dump does not hold (checked
against crash's own `rd` of the same address)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import Tap, dumps, run_crash, load_json, h, bundles, crash_refused, BAD_INPUT as BAD  # noqa: E402

def main():
    t = Tap()
    corpus = dumps()
    t.ok(corpus, "the factory's corpus has dumps (%d)" % len(corpus))
    seen_missing = seen_present = False
    for (kernel, d, truth, entry, path), b in zip(corpus, bundles(corpus)):
        nss = [n for n in truth.get("namespaces") or [] if n.get("map") == "dev"]
        if not nss:
            continue
        tag = "%s/%s/%s" % (kernel, truth["scenario"], entry["file"])
        pfn = h(nss[0]["data_start"]) // 4096
        cmds = ["zdx pfn -j %#x" % pfn]
        out, log = b["out"], b["log"]
        if crash_refused(b):
            t.skip(tag, "crash cannot open this dump: " + crash_refused(b))
            continue
        f = load_json(out.get(cmds[0]))
        if not t.ok(f is not None, "%s: zdx pfn answers" % tag, log[-2000:]):
            continue
        page = h(f["struct_page"])
        rd, _ = run_crash(kernel, path, ["rd -64 %x 8" % page], load_zdx=False)
        crash_reads = bool(re.match(r"^[0-9a-f]+:\s+[0-9a-f]{16}", rd.get("rd -64 %x 8" % page) or ""))
        t.ok(f["struct_page_in_dump"] == crash_reads,
             "%s: struct page %x in dump: zdx %s, crash rd %s" % (tag, page, f["struct_page_in_dump"], crash_reads))
        if entry.get("pmem_memmap_readable") is False:
            seen_missing = True
            t.ok(not f["struct_page_in_dump"] and f["struct_page_verdict"].startswith("unknown: not in this dump"),
                 "%s: memmap on pmem not in this dump, said so (not zeros)" % tag, f)
        else:
            seen_present = seen_present or f["struct_page_in_dump"]
        for c, words in BAD.items():
            t.ok(words in (out.get(c) or "") or words in log, "%s: '%s' says '%s'" % (tag, c, words),
                 (out.get(c) or "") + log[-500:])
    t.ok(seen_present, "some dump holds a pmem-resident memmap (QMP dumps)")
    t.ok(seen_missing, "some dump lacks the pmem-resident memmap (in-guest kdump)")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
