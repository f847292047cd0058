#!/usr/bin/python3
"""Bad input and missing data get clear answers, never guesses or zeros:
garbage arguments, and struct pages the dump does not hold (checked
against crash's own `rd` of the same address)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import crash_only, h, run_corpus_test, dump_opened, BAD_INPUT as BAD  # noqa: E402
from oracle_plan import data_start_page  # noqa: E402

def check_dump(t, kernel, d, truth, entry, path, b):
    out, log = b["out"], b["log"]
    probe = data_start_page(truth, out)
    if not probe:
        return
    tag = dump_opened(t, kernel, truth, entry, b)
    if not tag:
        return
    _cmd, f, rd_cmd = probe
    if not t.ok(f is not None, "%s: zdx pfn answers" % tag, log[-2000:]):
        return
    page = h(f["struct_page"])
    rd = crash_only(b, kernel, path, [rd_cmd])
    crash_reads = bool(re.match(r"^[0-9a-f]+:\s+[0-9a-f]{16}", rd.get(rd_cmd) or ""))
    t.ok(f["struct_page_in_dump"] == crash_reads,
         "%s: struct page %x in dump: zdx %s, crash rd %s" % (tag, page, f["struct_page_in_dump"], crash_reads))
    if entry.get("pmem_memmap_readable") is False:
        t.ok(not f["struct_page_in_dump"] and f["struct_page_verdict"].startswith("unknown: not in this dump"),
             "%s: memmap on pmem not in this dump, said so (not zeros)" % tag, f)
    # in the command's own output (include/zdx/error.h prints to it), so a
    # redirect, a pipe and zdx report see it too
    for c, words in BAD.items():
        t.ok(words in (out.get(c) or ""), "%s: '%s' says '%s'" % (tag, c, words),
             (out.get(c) or "") + log[-500:])


def memmap_forms(t, corpus):
    held = [e for (_k, _d, _t, e, _p) in corpus if e.get("pmem_memmap_readable") is True]
    lost = [e for (_k, _d, _t, e, _p) in corpus if e.get("pmem_memmap_readable") is False]
    t.ok(held, "the corpus has dumps holding a pmem-resident memmap (QMP dumps): %d" % len(held))
    t.ok(lost, "the corpus has dumps lacking it (in-guest kdump): %d" % len(lost))


def main():
    return run_corpus_test(check_dump, memmap_forms)


if __name__ == "__main__":
    sys.exit(main())
