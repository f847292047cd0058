#!/usr/bin/env python3
"""resolve.py: choose the Debian kernel build of one series the archive can
still deliver.

    resolve.py --series 6.1 --suite bookworm [--prefer ABI VERSION] INDEXES

INDEXES is a file of "CODENAME PACKAGES-FILE" lines (what `apt-get
indextargets` lists for the private apt state of SUITE).  A kernel build
qualifies when the archive has all five packages the factory needs, at one
version: linux-image-ABI (or -unsigned), linux-image-ABI-dbg,
linux-headers-ABI, the -common headers and the linux-kbuild package that
linux-headers-ABI depends on; and where the image is only a meta package
(forky and later: linux-image-ABI depends on linux-binary-ABI, the image
itself, linux-modules-ABI, the modules, and linux-base-ABI, config and
modules.builtin), those parts at the same version.  The choice, in order:

  1. the preferred ABI/version (the manifest's) if it still qualifies;
  2. the newest ABI of exactly this series that qualifies within the
     point-release suite (SUITE itself: its builds stay for months);
  3. the newest ABI of the series that qualifies in any suite listed
     (SUITE-security, SUITE-updates: these move within days).

"Exactly this series": 6.1 never matches a 6.12 backport, 5.10 never
5.100; only the generic amd64 flavour (not -rt, -cloud).  Prints one line:
    ABI VERSION KBUILD-PACKAGE COMMON-HEADERS-PACKAGE CODENAME PARTS REASON...
PARTS: the image's parts, comma-separated ("-": the image is whole).
Exit status 1 with a message when nothing qualifies.
"""
import argparse
import functools
import re
import subprocess
import sys


def read_index(path):
    """The text of a Packages index, whatever apt compressed it with."""
    if re.search(r"\.(gz|xz|lz4|zst|bz2|lzma)$", path):
        r = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], capture_output=True, text=True)
        if r.returncode != 0:
            raise OSError("cannot read %s: %s" % (path, r.stderr.strip()))
        return r.stdout
    with open(path) as f:
        return f.read()


def stanzas(text):
    for block in text.split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if line[:1] in (" ", "\t") and key:
                continue
            if ":" in line:
                key, val = line.split(":", 1)
                fields[key] = val.strip()
        if "Package" in fields and "Version" in fields:
            yield fields


# Packages a (meta) linux-image-ABI depends on that carry the kernel itself.
PARTS = ("linux-binary-", "linux-modules-", "linux-base-")


def load(indexes):
    """{package: {version: {"codenames": set, "depends": str}}}"""
    pkgs = {}
    for codename, path in indexes:
        for st in stanzas(read_index(path)):
            name = st["Package"]
            if not name.startswith(("linux-image-", "linux-headers-", "linux-kbuild-") + PARTS):
                continue
            ent = pkgs.setdefault(name, {}).setdefault(st["Version"], {"codenames": set(), "depends": ""})
            ent["codenames"].add(codename)
            ent["depends"] = st.get("Depends", ent["depends"])
    return pkgs


def vercmp(a, b):
    if a == b:
        return 0
    r = subprocess.run(["dpkg", "--compare-versions", a, "lt", b])
    return -1 if r.returncode == 0 else 1


IMAGE = re.compile(r"^linux-image-(?P<abi>(?P<major>\d+)\.(?P<minor>\d+)[0-9a-z.+~-]*-amd64)(?:-unsigned)?$")


def image_abis(pkgs, series):
    """Every ABI of exactly SERIES, generic amd64 flavour."""
    out = set()
    for name in pkgs:
        m = IMAGE.match(name)
        if not m or name.endswith("-dbg"):
            continue
        if "%s.%s" % (m.group("major"), m.group("minor")) != series:
            continue
        if re.search(r"-(rt|cloud)-amd64$", m.group("abi")):
            continue
        out.add(m.group("abi"))
    return out


def depends_named(depends, prefix):
    for alt in depends.split(","):
        name = alt.split("|")[0].strip().split(" ")[0].split(":")[0]
        if name.startswith(prefix):
            return name
    return None


def image_parts(depends, abi):
    """The linux-binary-ABI / linux-modules-ABI / linux-base-ABI packages an
    image depends on."""
    out = []
    for alt in depends.split(","):
        name = alt.split("|")[0].strip().split(" ")[0].split(":")[0]
        if name in [p + abi for p in PARTS]:
            out.append(name)
    return out


def has(pkgs, name, version, allowed):
    ent = pkgs.get(name, {}).get(version)
    return ent is not None and (allowed is None or ent["codenames"] & allowed)


def qualify(pkgs, abi, version, allowed):
    """(kbuild, common headers, parts) if all five packages of ABI (and the
    image's parts) exist at VERSION within ALLOWED codenames (None: any),
    else None."""
    image = None
    for name in ("linux-image-" + abi, "linux-image-%s-unsigned" % abi):
        if has(pkgs, name, version, allowed):
            image = pkgs[name][version]
            break
    headers = pkgs.get("linux-headers-" + abi, {}).get(version)
    if not image or not headers or not has(pkgs, "linux-headers-" + abi, version, allowed):
        return None
    if not has(pkgs, "linux-image-%s-dbg" % abi, version, allowed):
        return None
    common = depends_named(headers["depends"], "linux-headers-")
    kbuild = depends_named(headers["depends"], "linux-kbuild-")
    if not common or not kbuild:
        return None
    if not has(pkgs, common, version, allowed) or not has(pkgs, kbuild, version, allowed):
        return None
    parts = image_parts(image["depends"], abi)
    if not all(has(pkgs, p, version, allowed) for p in parts):
        return None
    return kbuild, common, ",".join(parts) or "-"


def builds(pkgs, abi):
    """Versions of ABI's image, newest first."""
    vs = set(pkgs.get("linux-image-" + abi, {})) | set(pkgs.get("linux-image-%s-unsigned" % abi, {}))
    return sorted(vs, key=functools.cmp_to_key(vercmp), reverse=True)


def newest(pkgs, series, allowed):
    cands = []
    for abi in image_abis(pkgs, series):
        for v in builds(pkgs, abi):
            kb = qualify(pkgs, abi, v, allowed)
            if kb:
                cands.append((abi, v) + kb)
                break
    if not cands:
        return None
    return max(cands, key=functools.cmp_to_key(lambda a, b: vercmp(a[1], b[1])))


def codename_of(pkgs, abi, version):
    cs = pkgs["linux-image-%s-dbg" % abi][version]["codenames"]
    return sorted(cs, key=len)[0]


def resolve(pkgs, series, suite, prefer):
    if prefer:
        abi, v = prefer
        kb = qualify(pkgs, abi, v, None)
        if kb:
            return (abi, v) + kb + ("the manifest's preferred build is still in the archive",)
    why = "the manifest's preferred %s (%s) is gone; " % tuple(prefer) if prefer else ""
    got = newest(pkgs, series, {suite})
    if got:
        return got + (why + "newest %s build complete in the point release %s" % (series, suite),)
    got = newest(pkgs, series, None)
    if got:
        return got + (why + "newest %s build complete in %s's suites (none complete in the point release)"
                      % (series, suite),)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", required=True)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--prefer", nargs=2, metavar=("ABI", "VERSION"))
    ap.add_argument("indexes")
    a = ap.parse_args()
    with open(a.indexes) as f:
        idx = [tuple(line.split(None, 1)) for line in f.read().splitlines() if line.strip()]
    idx = [(c, p.strip()) for c, p in idx]
    try:
        pkgs = load(idx)
    except OSError as e:
        print(str(e), file=sys.stderr)
        return 1
    got = resolve(pkgs, a.series, a.suite, a.prefer)
    if not got:
        print("no %s kernel build in %s's suites has all of linux-image, -dbg, linux-headers, "
              "-common headers, linux-kbuild (and the image's linux-binary/-modules/-base parts) at one version (%d index(es) read)"
              % (a.series, a.suite, len(idx)), file=sys.stderr)
        return 1
    abi, v, kb, common, parts, why = got
    print(abi, v, kb, common, codename_of(pkgs, abi, v), parts, why)
    return 0


if __name__ == "__main__":
    sys.exit(main())
