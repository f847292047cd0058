#!/usr/bin/env python3
"""The verdict vocabulary of `zdx explain`, read from its one definition,
include/zdx/verdicts.h (lines of the form X(ID, "word", device)).

    verdicts.py            the words, one per line (dumps/factory.sh reads this)
    verdicts.py --device   those whose pfn is device memory with an owner

Python users: words(), word("UNRELATED"), device_words(), no_verdict().
"""
import os
import re
import sys

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "include", "zdx", "verdicts.h")
ENTRY = re.compile(r'^\s*X\((\w+),\s*"([a-z][a-z-]*)",\s*([01])\)')
NO_VERDICT = re.compile(r'^#define\s+ZDX_NO_VERDICT\s+"([a-z-]+)"')


def _table(path=HEADER):
    with open(path) as f:
        rows = [ENTRY.match(line) for line in f]
    rows = [(m.group(1), m.group(2), m.group(3) == "1") for m in rows if m]
    if not rows:
        raise RuntimeError("%s: no X(ID, \"word\", device) lines" % path)
    return rows


def words(path=HEADER):
    """Every verdict word, in the header's order."""
    return [w for _, w, _ in _table(path)]


def word(ident, path=HEADER):
    """The word of the verdict whose C id is ZDX_VERDICT_<ident>."""
    for i, w, _ in _table(path):
        if i == ident:
            return w
    raise KeyError("%s: no verdict %s" % (path, ident))


def device_words(path=HEADER):
    """The verdicts that name device memory and its owner."""
    return [w for _, w, dev in _table(path) if dev]


def no_verdict(path=HEADER):
    """What zdx prints when it cannot decide (not a verdict)."""
    with open(path) as f:
        for line in f:
            m = NO_VERDICT.match(line)
            if m:
                return m.group(1)
    raise RuntimeError("%s: no ZDX_NO_VERDICT" % path)


if __name__ == "__main__":
    print("\n".join(device_words() if sys.argv[1:] == ["--device"] else words()))
