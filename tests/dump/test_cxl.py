#!/usr/bin/python3
"""The CXL owner chain (window > CXL region > nvdimm region > namespace) of
every factory dump, against what the guest recorded before the panic
(truth.json: `cxl list -vvv`, `ndctl list -RNDv`, /proc/iomem) and crash's
own kmem -n.  A dump without a CXL window must have no chain.  Never
against zdx."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zdxlib import load_json, h, run_corpus_test, dump_opened, zdx_json  # noqa: E402
from oracle_plan import parse_kmem_n  # noqa: E402

PAGE = 4096
SECTION = 1 << 27


def cxl_regions(o, decoder=None):
    """(root decoder, region object) of every region in a `cxl list -vvv`
    document: they are listed under "regions:<root decoder>"."""
    if isinstance(o, list):
        for v in o:
            yield from cxl_regions(v, decoder)
    elif isinstance(o, dict):
        for k, v in o.items():
            if k.startswith("regions:"):
                for r in v:
                    yield k.split(":", 1)[1], r
            elif isinstance(v, (list, dict)):
                yield from cxl_regions(v, decoder)


def nd_region_of(truth, ns_dev):
    """The ndctl region that lists namespace ns_dev."""
    for r in (truth.get("ndctl") or {}).get("regions", []):
        if any(n.get("dev") == ns_dev for n in r.get("namespaces", [])):
            return r["dev"]
    return None


def holding(truth, start, end, prefix):
    return [r for r in truth["iomem"] if r["name"].startswith(prefix) and h(r["start"]) <= start and h(r["end"]) >= end]


def check_region(t, tag, truth, dec, reg, zpg, zmap, out, kmem):
    start, size = reg["resource"], reg["size"]
    end = start + size - 1
    ps = [p for p in zpg["pgmaps"] if (p.get("cxl") or {}).get("region") == reg["region"]]
    if not t.ok(len(ps) == 1, "%s: one pgmap is on CXL region %s (cxl list)" % (tag, reg["region"]),
                [p.get("cxl") for p in zpg["pgmaps"]]):
        return
    c = ps[0]["cxl"]
    t.ok((h(c["region_start"]), h(c["region_end"])) == (start, end),
         "%s: %s at %#x-%#x as cxl list recorded (zdx %s-%s)" % (tag, reg["region"], start, end,
                                                              c["region_start"], c["region_end"]))
    t.ok(c["root_decoder"] == dec, "%s: %s hangs from root decoder %s (cxl list; zdx %s)"
         % (tag, reg["region"], dec, c["root_decoder"]))
    win = holding(truth, start, end, "CXL Window ")
    t.ok(len(win) == 1 and (c["window"], h(c["window_start"]), h(c["window_end"])) ==
         (win[0]["name"], h(win[0]["start"]), h(win[0]["end"])),
         "%s: window %s as /proc/iomem recorded (%s)" % (tag, c["window"], win and win[0]))
    nss = [n for n in truth["namespaces"] if start <= h(n["start"]) <= end]
    if not t.ok(len(nss) == 1, "%s: one namespace in %s (ndctl)" % (tag, reg["region"]), nss):
        return
    ns = nss[0]
    ndr = nd_region_of(truth, ns["dev"])
    t.ok(c["namespace"] == ns["dev"] and c["nvdimm_region"] == ndr,
         "%s: %s in nvdimm region %s as ndctl list recorded (zdx %s in %s)"
         % (tag, ns["dev"], ndr, c["namespace"], c["nvdimm_region"]))
    sysfs = truth["nd_devices"].get(ndr) or {}
    t.ok(sysfs.get("resource") and (h(c["nvdimm_region_start"]), h(c["nvdimm_region_end"])) ==
         (h(sysfs["resource"]), h(sysfs["resource"]) + sysfs["size"] - 1),
         "%s: nvdimm %s at %s+%s as sysfs recorded (zdx %s-%s)" % (tag, ndr, sysfs.get("resource"), sysfs.get("size"),
                                                                 c.get("nvdimm_region_start"), c.get("nvdimm_region_end")))
    t.ok(not c["unknown_why"], "%s: every link of the chain named" % tag, c["unknown_why"])
    want = "%s < nvdimm %s < CXL %s < %s" % (ns["dev"], ndr, reg["region"], win[0]["name"] if win else "?")
    runs = [r for r in zmap["runs"] if r["owner"] == "device" and h(r["start_pfn"]) * PAGE <= h(ns["start"]) < h(r["end_pfn"]) * PAGE]
    t.ok(runs and all(r.get("cxl") == want for r in runs), "%s: zdx map names the run at %s '%s'"
         % (tag, ns["start"], want), [r.get("cxl") for r in runs])
    f = load_json(out.get("zdx pfn -j %#x" % (h(ns["start"]) // PAGE + 1))) or {}
    t.ok(f.get("cxl") == want, "%s: zdx pfn of %s's second pfn names '%s'" % (tag, ns["dev"], want), f.get("cxl"))
    # crash: the region's sections are present and have a memmap
    secs = range(start // SECTION, (end + 1) // SECTION)
    t.ok(all(s in kmem and {"present", "memmap"} <= kmem[s][1] for s in secs),
         "%s: crash's kmem -n lists %s's sections %d-%d present with a memmap" % (tag, reg["region"], secs[0], secs[-1]),
         {s: kmem.get(s) for s in secs})


def check_dump(t, kernel, d, truth, entry, path, b):
    tag = dump_opened(t, kernel, truth, entry, b)
    if not tag:
        return
    out = b["out"]
    zpg, zmap = zdx_json(t, tag, b, "zdx pgmap -j", "zdx map -j") or (None, None)
    if zpg is None:
        return
    regions = list(cxl_regions(truth.get("cxl")))
    if not regions:
        has_window = any(r["name"].startswith("CXL Window ") for r in truth["iomem"])
        t.ok(has_window or not any(p.get("cxl") for p in zpg["pgmaps"]),
             "%s: no CXL window in /proc/iomem, no pgmap on CXL" % tag)
        return
    kmem = parse_kmem_n(out.get("kmem -n"))
    for dec, reg in regions:
        check_region(t, tag, truth, dec, reg, zpg, zmap, out, kmem)


if __name__ == "__main__":
    sys.exit(run_corpus_test(check_dump))
