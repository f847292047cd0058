#!/usr/bin/env python3
"""Turn the guest's raw truth port output (truth.txt) into truth.json.

The guest (dumps/guest/init) wrote framed sections (@@BEGIN name ... @@END
name) from sysfs, /proc and ndctl, sources independent of zdx.  This script
only parses and reshapes them; everything the guest must not know (the
expected verdict, the expected panic string) comes from the scenario file
via the factory's command line.  docs/dumps.md documents every key.
"""
import argparse
import json
import os
import re
import sys

SECTION = 1 << 27          # x86_64 SECTION_SIZE_BITS = 27
PAGE = 4096


def hx(n):
    return "0x%x" % n


def sections(lines):
    out, name, buf = {}, None, []
    for l in lines:
        if l.startswith("@@BEGIN "):
            name, buf = l[8:].strip(), []
        elif l.startswith("@@END ") and name is not None:
            out[name] = buf
            name = None
        elif name is not None:
            buf.append(l)
    return out


def parse_iomem(lines):
    res = []
    for l in lines:
        m = re.match(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$", l)
        if m:
            res.append({"start": hx(int(m.group(2), 16)), "end": hx(int(m.group(3), 16)),
                        "name": m.group(4), "depth": len(m.group(1)) // 2})
    return res


def parse_ndctl(lines):
    text = "\n".join(lines).strip()
    if not text.startswith(("{", "[")):
        return None
    return json.loads(text)


def nd_namespaces_json(nd):
    """All namespace objects of an `ndctl list -RNDv` document."""
    found = []

    def walk(o):
        if isinstance(o, dict):
            if str(o.get("dev", "")).startswith("namespace"):
                found.append(o)
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(nd)
    return found


def parse_nd_sysfs(lines):
    devs = {}
    for l in lines:
        parts = l.split(" ", 2)
        if len(parts) < 2:
            continue
        dev, attr, val = parts[0], parts[1], (parts[2].strip() if len(parts) > 2 else "")
        d = devs.setdefault(dev, {})
        if attr in ("size", "align", "sector_size", "numa_node", "target_node", "available_size") and re.match(r"^-?\d+$", val):
            d[attr] = int(val)
        elif attr == "resource" and re.match(r"^0x[0-9a-f]+$", val):
            d[attr] = val
        else:
            d[attr] = val
    return devs


def namespaces(nd_json, sysfs):
    by_dev = {n["dev"]: n for n in nd_namespaces_json(nd_json)} if nd_json else {}
    out = []
    for dev in sorted(d for d in sysfs if d.startswith("namespace")):
        s = sysfs[dev]
        if "resource" not in s or not s.get("size"):
            continue                       # an idle label-space seed namespace
        j = by_dev.get(dev, {})
        holder = s.get("holder") or None
        hs = sysfs.get(holder, {}) if holder else {}
        chardev = dax_mode = None
        for dd in (j.get("daxregion") or {}).get("devices", []):
            chardev = dd.get("chardev")
            dax_mode = dd.get("mode")
        mode = j.get("mode") or s.get("mode")
        data_start = hs.get("resource") or s["resource"]
        data_size = hs.get("size") or s["size"]
        if mode == "devdax" and chardev and sysfs.get(chardev, {}).get("resource"):
            data_start = sysfs[chardev]["resource"]
            data_size = sysfs[chardev].get("size", data_size)
        out.append({
            "dev": dev, "mode": mode, "map": j.get("map"),
            "start": s["resource"], "size": s["size"],
            "data_start": data_start, "data_size": data_size,
            "align": j.get("align") or hs.get("align") or s.get("align") or 0,
            "blockdev": j.get("blockdev"), "chardev": chardev, "holder": holder,
            "region": region_of(dev),
            "dax_mode": dax_mode,
        })
    return out


def region_of(dev):
    m = re.match(r"namespace(\d+)\.", dev)
    return "region" + m.group(1) if m else None


def parse_blocks(lines, block_bytes):
    out = []
    for l in lines:
        f = l.split()
        if len(f) < 4:
            continue
        out.append({"block": int(f[0]), "start_pfn": hx(int(f[2], 16) * block_bytes // PAGE),
                    "state": f[1], "phys_device": int(f[3]) if f[3].isdigit() else None,
                    "valid_zones": " ".join(f[4:])})
    return sorted(out, key=lambda b: b["block"])


def parse_zoneinfo(lines):
    zones, cur = [], None
    for l in lines:
        m = re.match(r"^Node (\d+), zone\s+(\S+)", l)
        if m:
            cur = {"node": int(m.group(1)), "zone": m.group(2)}
            zones.append(cur)
            continue
        m = re.match(r"^\s+(spanned|present|managed)\s+(\d+)", l)
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2))
        m = re.match(r"^\s+start_pfn:\s+(\d+)", l)
        if m and cur is not None:
            cur["start_pfn"] = hx(int(m.group(1)))
    return [z for z in zones if "start_pfn" in z]


def kv(lines):
    d = {}
    for l in lines:
        if "=" in l:
            k, v = l.split("=", 1)
            d[k.strip()] = v.strip()
    return d


def pmem_sections(nss, iomem):
    """Sections overlapping a namespace; pmem_only when no System RAM shares it."""
    ram = [(int(r["start"], 16), int(r["end"], 16)) for r in iomem
           if r["name"] == "System RAM" and r["depth"] == 0]
    secs = {}
    for n in nss:
        if n.get("dax_mode") == "system-ram":
            continue                       # dax kmem: its memory is System RAM now
        a = int(n["start"], 16)
        b = a + n["size"] - 1
        for s in range(a // SECTION, b // SECTION + 1):
            secs.setdefault(s, set()).add(n["dev"])
    out = []
    for s, devs in sorted(secs.items()):
        lo, hi = s * SECTION, (s + 1) * SECTION - 1
        shared = any(r0 <= hi and r1 >= lo for r0, r1 in ram)
        out.append({"section": s, "namespaces": sorted(devs), "pmem_only": not shared})
    return out


def mdf_level(d, what="dump level"):
    """The dump level of vmcore.d31 (of vmcore.guest-d31: what="guest dump
    level"), as the factory logged it (31 before it did)."""
    try:
        with open(os.path.join(d, "makedumpfile.log"), errors="replace") as f:
            m = re.search(r"^%s: (\d+)$" % what, f.read(), re.M)
        return int(m.group(1)) if m else 31
    except OSError:
        return 31


def mdf_version(d):
    """makedumpfile's version, from the log of the run that made vmcore.d31."""
    try:
        with open(os.path.join(d, "makedumpfile.log"), errors="replace") as f:
            m = re.search(r"makedumpfile: version (\S+)", f.read())
        return m.group(1) if m else "?"
    except OSError:
        return "?"


def dumps_list(d, derived_from):
    how = {
        "vmcore.kdump": ("kdump-zlib", "qmp dump-guest-memory format=kdump-zlib paging=false", False, None, True),
        "vmcore.elf": ("elf", "qmp dump-guest-memory format=elf paging=false; program headers moved to offset 64 (dumps/elffix.py)", False, None, True),
        # None: not known.  makedumpfile keeps or drops each page of a
        # device-resident memmap by the struct page describing that page,
        # which is one of the altmap's never-initialised ones: the raw
        # fill's random bytes, judged anew on every build (seen: the same
        # scenario's d31 holding it, then not).
        "vmcore.d31": ("kdump-compressed", "makedumpfile %s -c -d %d %s" % (mdf_version(d), mdf_level(d), derived_from),
                       True, mdf_level(d), None),
        "vmcore.guest-full": ("kdump-compressed", "in-guest kdump: capture kernel ran makedumpfile -F -l -d 0 /proc/vmcore to a virtio disk; host makedumpfile -R", False, 0, False),
        "vmcore.guest-d31": ("kdump-compressed", "in-guest kdump: capture kernel ran makedumpfile -F -c -d %d /proc/vmcore to a virtio disk; host makedumpfile -R" % mdf_level(d, "guest dump level"),
                             True, mdf_level(d, "guest dump level"), False),
    }
    out = []
    for f, (fmt, h, filt, lvl, memmap) in how.items():
        p = os.path.join(d, f)
        if os.path.exists(p):
            e = {"file": f, "format": fmt, "how": h, "filtered": filt, "bytes": os.path.getsize(p),
                 "pmem_memmap_readable": memmap}
            if lvl is not None:
                e["dump_level"] = lvl
            out.append(e)
    return out


def read_opt(path):
    try:
        with open(path) as f:
            return f.read().strip() or None
    except OSError:
        return None


def size_bytes(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * mult[s[-1]] if s and s[-1] in mult else int(s)


def main():
    ap = argparse.ArgumentParser()
    for a in ("scenario", "description", "kernel", "release", "package-version", "memory", "pmem",
              "argv", "run", "trigger", "sys-panic", "walker-mode", "verdict", "owner",
              "build-seconds", "hotplug", "raw", "dir", "out", "walker-params", "function"):
        ap.add_argument("--" + a, required=a not in ("walker-mode", "verdict", "owner", "hotplug",
                                                     "walker-params", "function"), default="")
    a = ap.parse_args()
    with open(a.raw, "rb") as f:
        lines = f.read().decode("utf-8", "replace").replace("\r", "").splitlines()
    if "@@DONE" not in lines:
        sys.exit("truth.py: %s lacks @@DONE (truncated truth)" % a.raw)
    sec = sections(lines)
    release = "\n".join(sec.get("release", [])).strip()
    if release != a.release:
        sys.exit("truth.py: guest ran %r, expected %r" % (release, a.release))
    with open(a.run) as f:
        run = json.load(f)
    with open(a.argv) as f:
        argv = [l.rstrip("\n") for l in f]
    block_bytes = int("".join(sec.get("block_size_bytes", ["0"])).strip(), 16)
    iomem = parse_iomem(sec.get("iomem", []))
    nd_json = parse_ndctl(sec.get("ndctl", []))
    nd_sysfs = parse_nd_sysfs(sec.get("nd_sysfs", []))
    nss = namespaces(nd_json, nd_sysfs)
    derived = "vmcore.elf" if "elf" in run.get("dumps", {}) else "vmcore.kdump"
    hot = []
    for m in run.get("hotplug", []):
        dd = m.get("data", {})
        if dd.get("hotplugged"):
            hot.append({"id": dd.get("id"), "start": hx(dd["addr"]), "size": dd["size"],
                        "blocks": list(range(dd["addr"] // block_bytes, (dd["addr"] + dd["size"]) // block_bytes))})
    walker = None
    if a.trigger == "walker":
        w = kv(sec.get("walker", []))
        if "pfn" not in w:
            sys.exit("truth.py: walker scenario but the guest wrote no walker pfn")
        if w.get("mode") != a.walker_mode:
            sys.exit("truth.py: guest ran walker mode %r, scenario says %r" % (w.get("mode"), a.walker_mode))
        owner = a.owner or w.get("owner") or None
        walker = {"mode": a.walker_mode,
                  "pfn": None if w["pfn"] == "none" else hx(int(w["pfn"], 0)),
                  "start_pfn": hx(int(w["start_pfn"], 0)), "nr_pages": int(w["nr_pages"], 0),
                  "expected_verdict": a.verdict,
                  "expected_owner": None if owner == "none" else owner}
        if a.walker_params:
            walker["params"] = a.walker_params
        if a.function:
            walker["expected_function"] = a.function
    truth = {
        "schema": "zdx-truth/1",
        "scenario": a.scenario,
        "description": a.description,
        "kernel": {"name": a.kernel, "release": release, "package_version": a.package_version,
                   "uname": "\n".join(sec.get("uname", [])).strip()},
        "machine": {"memory_mib": size_bytes(a.memory) >> 20, "pmem": a.pmem, "qemu": argv,
                    "cmdline": "\n".join(sec.get("cmdline", [])).strip()},
        "dumps": dumps_list(a.dir, derived),
        "panic": {"trigger": a.trigger, "sys_panic": a.sys_panic},
        "iomem": iomem,
        "ndctl": nd_json,
        "namespaces": nss,
        "nd_devices": nd_sysfs,
        "pmem_sections": pmem_sections(nss, iomem),
        "memory_block_bytes": block_bytes,
        "memory_blocks": parse_blocks(sec.get("memory_blocks", []), block_bytes),
        "zoneinfo": parse_zoneinfo(sec.get("zoneinfo", [])),
        "hotplug": hot,
        "daxctl": parse_ndctl(sec.get("daxctl", [])),
        "dax_mappings": parse_ndctl(sec.get("daxctl_mem", [])),
        "cxl": parse_ndctl(sec.get("cxl", [])),
        "memmap_on_memory": "".join(sec.get("memmap_on_memory", [])).strip() == "Y",
        "walker": walker,
        "filter_failure": read_opt(os.path.join(a.dir, "filter-failure.txt")),
        "build": {"seconds": int(a.build_seconds), "panic_seconds": run.get("panic_seconds"),
                  "dump_seconds": run.get("dumps", {}), "accel": argv[argv.index("-accel") + 1] if "-accel" in argv else None},
    }
    with open(a.out, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
