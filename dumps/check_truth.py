#!/usr/bin/env python3
"""Conformance check for truth.json files: dumps/truth.schema.json plus the
cross-field rules a schema cannot say.  Usage: check_truth.py FILE...
Exit 0 when all conform; prints one "FILE: problem" line per violation.

Uses the jsonschema package when present; otherwise a small validator for
the subset of JSON Schema that truth.schema.json uses (so the check works
with Debian's bare python3 too).
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verdicts  # noqa: E402

SCHEMA = os.path.join(HERE, "truth.schema.json")
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def mini_validate(v, s, root, path, errs):
    if "$ref" in s:
        s = root["$defs"][s["$ref"].split("/")[-1]]
    if "oneOf" in s:
        ok = [sub for sub in s["oneOf"] if not _errs(v, sub, root)]
        if len(ok) != 1:
            errs.append("%s: matches %d of oneOf" % (path, len(ok)))
        return
    t = s.get("type")
    if t is not None and not any(is_type(v, x) for x in (t if isinstance(t, list) else [t])):
        errs.append("%s: %r is not of type %s" % (path, v, t))
        return
    if "const" in s and v != s["const"]:
        errs.append("%s: %r != %r" % (path, v, s["const"]))
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r not in %s" % (path, v, s["enum"]))
    if isinstance(v, str):
        if "pattern" in s and not re.search(s["pattern"], v):
            errs.append("%s: %r does not match %s" % (path, v, s["pattern"]))
        if len(v) < s.get("minLength", 0):
            errs.append("%s: too short" % path)
    if isinstance(v, int) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            errs.append("%s: %d < %d" % (path, v, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            errs.append("%s: %d > %d" % (path, v, s["maximum"]))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: missing key %r" % (path, k))
        for k, sub in s.get("properties", {}).items():
            if k in v:
                mini_validate(v[k], sub, root, path + "." + k, errs)
        if isinstance(s.get("additionalProperties"), dict):
            for k in v:
                if k not in s.get("properties", {}):
                    mini_validate(v[k], s["additionalProperties"], root, path + "." + k, errs)
    if isinstance(v, list):
        if len(v) < s.get("minItems", 0):
            errs.append("%s: fewer than %d items" % (path, s["minItems"]))
        if "items" in s:
            for i, x in enumerate(v):
                mini_validate(x, s["items"], root, "%s[%d]" % (path, i), errs)


def _errs(v, s, root):
    e = []
    mini_validate(v, s, root, "$", e)
    return e


def schema_errors(doc, schema):
    try:
        import jsonschema
    except ImportError:
        return _errs(doc, schema, schema)
    v = jsonschema.Draft202012Validator(schema)
    return ["%s: %s" % ("$" + "".join("[%r]" % p for p in e.path), e.message) for e in v.iter_errors(doc)]


def one_qmp_format(doc):
    """The scenario asked QEMU for one format: the ELF alone (FORMATS="elf":
    the ELF is makedumpfile's input, deleted once vmcore.d31 exists, so the
    dump is tested as users have it, filtered, in one crash session, not
    also as QEMU's full copy), or its kdump-compressed form alone (a guest
    too large for an ELF; makedumpfile cannot read that form, and
    filter_failure says so).  Read from what the build recorded
    (build.dump_seconds has one key per QMP dump), not from the scenario's
    name."""
    return len((doc.get("build") or {}).get("dump_seconds") or {}) == 1


def semantic_errors(doc, path):
    """Rules across fields: files exist, walker iff walker trigger, ranges sane."""
    errs = []
    d = os.path.dirname(os.path.abspath(path))
    for x in doc.get("dumps", []):
        p = os.path.join(d, x["file"])
        if not os.path.exists(p):
            errs.append("dumps: %s listed but missing" % x["file"])
        elif os.path.getsize(p) != x["bytes"]:
            errs.append("dumps: %s is %d bytes, truth says %d" % (x["file"], os.path.getsize(p), x["bytes"]))
    dumps = doc.get("dumps", [])
    if not any(x["filtered"] for x in dumps) and not doc.get("filter_failure"):
        errs.append("dumps: need a filtered dump, or filter_failure saying why there is none")
    if one_qmp_format(doc):
        if len(dumps) != 1:
            errs.append("dumps: QEMU wrote one format, so one file: the filtered dump of its ELF, the ELF "
                        "makedumpfile failed on, or its kdump-compressed dump")
    else:
        if all(x["filtered"] for x in dumps):
            errs.append("dumps: need at least one full dump")
        if len({x["file"] for x in dumps}) < 2:
            errs.append("dumps: need at least two formats")
    is_walker = doc.get("panic", {}).get("trigger") == "walker"
    if is_walker != (doc.get("walker") is not None):
        errs.append("walker: present iff panic.trigger is 'walker'")
    if doc.get("machine", {}).get("pmem") != "none" and not doc.get("namespaces"):
        errs.append("namespaces: pmem configured but no namespace recorded")
    for n in doc.get("namespaces", []):
        a, b = int(n["start"], 16), int(n["start"], 16) + n["size"]
        ds = int(n["data_start"], 16)
        if not (a <= ds < b and ds + n["data_size"] <= b):
            errs.append("namespaces: %s data range outside its namespace" % n["dev"])
    errs += walker_errors(doc)
    return errs


def walker_errors(doc):
    """The guest-computed pfn must lie where the expected owner says."""
    w = doc.get("walker")
    if not isinstance(w, dict) or "expected_verdict" not in w:
        return []
    unrelated = verdicts.word("UNRELATED")
    if (w.get("pfn") is None) != (w["expected_verdict"] == unrelated):
        return ["walker: pfn is null iff the expected verdict is %r" % unrelated]
    if w.get("pfn") is None:
        return []
    pfn = int(w["pfn"], 16)
    owner = w.get("expected_owner")
    nss = {n["dev"]: n for n in doc.get("namespaces", [])}
    if owner in nss:
        a = int(nss[owner]["start"], 16) >> 12
        if not a <= pfn < a + (nss[owner]["size"] >> 12):
            return ["walker: pfn %s outside its owner %s" % (w["pfn"], owner)]
    elif owner and owner.startswith("memory"):
        blocks = {"memory%d" % b["block"]: b for b in doc.get("memory_blocks", [])}
        if owner not in blocks:
            return ["walker: owner %s is not a memory block" % owner]
        a = int(blocks[owner]["start_pfn"], 16)
        if not a <= pfn < a + doc["memory_block_bytes"] // 4096:
            return ["walker: pfn %s outside %s" % (w["pfn"], owner)]
        # memmap_on_memory places a block's memmap at the block's start:
        # the walker's target is its first pfn, in a block the guest onlined.
        if w["expected_verdict"] == verdicts.word("MEMMAP_ON_MEMORY") and not (
                doc.get("memmap_on_memory") is True and pfn == a and blocks[owner]["state"] == "online"):
            return ["walker: pfn %s is not the first pfn of the online memmap_on_memory block %s"
                    % (w["pfn"], owner)]
    elif owner is None:
        for n in nss.values():
            a = int(n["start"], 16) >> 12
            if a <= pfn < a + (n["size"] >> 12):
                return ["walker: pfn %s is in %s but the expected owner is null" % (w["pfn"], n["dev"])]
    else:
        return ["walker: unknown expected owner %r" % owner]
    return []


def check(path, schema):
    with open(path) as f:
        doc = json.load(f)
    return schema_errors(doc, schema) + semantic_errors(doc, path)


def load_schema():
    """truth.schema.json, with the verdict enum filled from the vocabulary."""
    with open(SCHEMA) as f:
        schema = json.load(f)
    schema["$defs"]["verdict"]["enum"] = verdicts.words()
    return schema


def main(paths):
    schema = load_schema()
    bad = 0
    for p in paths:
        for e in check(p, schema):
            print("%s: %s" % (p, e))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: check_truth.py truth.json...")
    sys.exit(main(sys.argv[1:]))
