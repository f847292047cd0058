#!/usr/bin/env python3
"""The factory's kernel resolver against archives that moved on, offline.

Each case builds a local file: apt archive (Packages and Release files of a
point-release suite and its -security suite), points a fake host apt
configuration at it, and runs the real `dumps/kernel.sh --latest` (private
apt state, `apt-get update`, `apt-get indextargets`, dumps/resolve.py) with
a manifest line of its own.  Nothing here needs the network.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DUMPS = os.path.join(ROOT, "dumps")
from tap import Tap  # noqa: E402

T = Tap()
ok = T.ok




def kernel(abi, version, kbuild, common=None, skip=(), split=False):
    """Packages stanzas of one complete kernel build (less those in skip).
    split: packaged as in forky, the image a meta package depending on
    linux-base-ABI, linux-binary-ABI and linux-modules-ABI at its version."""
    common = common or abi.replace("-amd64", "-common")
    st = {
        "linux-image-" + abi: "" if not split else
        "initramfs-tools | linux-initramfs-tool, linux-base-%s (= %s), linux-binary-%s (= %s), "
        "linux-modules-%s (= %s)" % (abi, version, abi, version, abi, version),
        "linux-image-%s-dbg" % abi: "",
        "linux-headers-" + abi: "%s (= %s), %s (>= %s)" % ("linux-headers-" + common, version, kbuild, version),
        "linux-headers-" + common: "",
        kbuild: "",
    }
    if split:
        st["linux-binary-" + abi] = st["linux-modules-" + abi] = "linux-base-%s (= %s)" % (abi, version)
        st["linux-base-" + abi] = ""
    out = []
    for pkg, dep in st.items():
        if pkg in skip:
            continue
        s = "Package: %s\nVersion: %s\nArchitecture: amd64\nFilename: pool/%s_%s.deb\n" % (pkg, version, pkg, version)
        if dep:
            s += "Depends: %s\n" % dep
        out.append(s)
    return out


def write_suite(archive, suite, stanzas):
    rel = "main/binary-amd64/Packages"
    d = os.path.join(archive, "dists", suite)
    os.makedirs(os.path.join(d, "main", "binary-amd64"), exist_ok=True)
    data = "\n".join(stanzas).encode()
    with open(os.path.join(d, rel), "wb") as f:
        f.write(data)
    with open(os.path.join(d, "Release"), "w") as f:
        f.write("Origin: Debian\nLabel: Debian\nSuite: %s\nCodename: %s\nArchitectures: amd64\n"
                "Components: main\nDate: Mon, 30 Nov 2026 00:00:00 UTC\nSHA256:\n %s %d %s\n"
                % (suite, suite, hashlib.sha256(data).hexdigest(), len(data), rel))


def run(tmp, series, suite, prefer, sources):
    """kernel.sh --latest SERIES with a manifest and host apt config of the case's own."""
    etc = os.path.join(tmp, "etc")
    os.makedirs(os.path.join(etc, "sources.list.d"), exist_ok=True)
    with open(os.path.join(etc, "sources.list.d", "host.sources"), "w") as f:
        f.write(sources)
    man = os.path.join(tmp, "manifest")
    with open(man, "w") as f:
        f.write("# test\n%s %s %s %s system 31\n" % (series, suite, prefer[0], prefer[1]))
    env = dict(os.environ, ZDX_CACHE=os.path.join(tmp, "cache"), ZDX_APT_ETC=etc,
               ZDX_HOST_CODENAME="bookworm", ZDX_MANIFEST=man)
    r = subprocess.run([os.path.join(DUMPS, "kernel.sh"), "--latest", series], env=env,
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout.strip(), r.stderr


def host_sources(archive):
    return ("Types: deb\nURIs: file:%s\nSuites: bookworm bookworm-security\nComponents: main\n"
            "Trusted: yes\n\nTypes: deb\nEnabled: no\nURIs: file:/nonexistent\nSuites: bookworm\n"
            "Components: main\n" % archive)


def case(name, series, prefer, point, security, expect, suite="trixie"):
    """The archive's suites are named after SUITE (the host's bookworm lines
    are mapped to it, as for a kernel of another suite)."""
    with tempfile.TemporaryDirectory(prefix="zdx-resolver-") as tmp:
        archive = os.path.join(tmp, "archive")
        write_suite(archive, suite, point)
        write_suite(archive, suite + "-security", security)
        rc, out, err = run(tmp, series, suite, prefer, host_sources(archive))
        if expect is None:
            ok(rc != 0 and "no %s kernel build" % series in err, "%s: refused with a message" % name, err or out)
        else:
            got = out.split(":")[0].split()
            ok(rc == 0 and got[:2] == list(expect[:2]), "%s: %s %s" % (name, expect[0], expect[1]),
               "rc=%d out=%r\n%s" % (rc, out, err))
            if rc == 0 and len(expect) > 2:
                ok(expect[2] in out, "%s: says why (%s)" % (name, expect[2]), out)


def cases():
    k56 = kernel("6.1.0-56-amd64", "6.1.192-2", "linux-kbuild-6.1")
    k57 = kernel("6.1.0-57-amd64", "6.1.192-3", "linux-kbuild-6.1")
    k50 = kernel("6.1.0-50-amd64", "6.1.176-1", "linux-kbuild-6.1")
    bpo = kernel("6.12.117+deb12-amd64", "6.12.117-1~deb12u1", "linux-kbuild-6.12.117+deb12",
                 common="6.12.117+deb12-common")
    rt = kernel("6.1.0-58-rt-amd64", "6.1.199-1", "linux-kbuild-6.1", common="6.1.0-58-common")
    prefer = ("6.1.0-56-amd64", "6.1.192-2")
    case("preferred build still there", "6.1", prefer, k50, k56 + k57,
         ("6.1.0-56-amd64", "6.1.192-2", "preferred build is still in the archive"))
    case("preferred gone: point release before security", "6.1", prefer, k50 + bpo, k57,
         ("6.1.0-50-amd64", "6.1.176-1", "point release"))
    case("point release incomplete (no -dbg): newest in security", "6.1", prefer,
         kernel("6.1.0-50-amd64", "6.1.176-1", "linux-kbuild-6.1", skip=("linux-image-6.1.0-50-amd64-dbg",)),
         k57, ("6.1.0-57-amd64", "6.1.192-3", "none complete in the point release"))
    case("6.1 never resolves to a 6.12 backport or an rt flavour", "6.1", prefer, bpo + rt,
         k57, ("6.1.0-57-amd64", "6.1.192-3"))
    case("6.12 resolves to the 6.12 backport", "6.12", ("6.12.1+deb12-amd64", "6.12.1-1"), bpo, [],
         ("6.12.117+deb12-amd64", "6.12.117-1~deb12u1"))
    # The newest ABI's kbuild exists only at another version: that build is
    # incomplete, the next one qualifies.
    k59 = kernel("6.1.0-59-amd64", "6.1.201-1", "linux-kbuild-6.1", skip=("linux-kbuild-6.1",))
    kb_other = ["Package: linux-kbuild-6.1\nVersion: 6.1.200-1\nArchitecture: amd64\nFilename: pool/x.deb\n"]
    case("kbuild of another version: that build is skipped", "6.1", prefer, [], k57 + k59 + kb_other,
         ("6.1.0-57-amd64", "6.1.192-3"))
    case("5.10 never resolves to 5.100", "5.10", ("5.10.0-1-amd64", "5.10.1-1"),
         kernel("5.100.0-1-amd64", "5.100.1-1", "linux-kbuild-5.100"),
         kernel("5.10.0-46-amd64", "5.10.262-1", "linux-kbuild-5.10"), ("5.10.0-46-amd64", "5.10.262-1"))
    case("nothing complete: refused", "6.1", prefer, bpo,
         kernel("6.1.0-57-amd64", "6.1.192-3", "linux-kbuild-6.1", skip=("linux-headers-6.1.0-57-common",)), None)
    # forky: the image is a meta package; its linux-binary/linux-modules
    # parts are needed at the same version, and named in the answer.
    f12 = kernel("7.2.12+deb14-amd64", "7.2.12-1", "linux-kbuild-7.2.12+deb14",
                 common="7.2.12+deb14-common", split=True)
    case("forky split image: its parts are required and named", "7.2", ("7.2.0-1-amd64", "7.2.1-1"), f12, [],
         ("7.2.12+deb14-amd64", "7.2.12-1",
          "(image in: linux-base-7.2.12+deb14-amd64 linux-binary-7.2.12+deb14-amd64 "
          "linux-modules-7.2.12+deb14-amd64)"), suite="forky")
    f13 = kernel("7.2.13+deb14-amd64", "7.2.13-1", "linux-kbuild-7.2.13+deb14", common="7.2.13+deb14-common",
                 split=True, skip=("linux-modules-7.2.13+deb14-amd64",))
    case("forky split image without its modules part: that build is skipped", "7.2",
         ("7.2.0-1-amd64", "7.2.1-1"), f12 + f13, [], ("7.2.12+deb14-amd64", "7.2.12-1"), suite="forky")
    case("security versions compared as Debian versions", "6.1", prefer, [],
         kernel("6.1.0-9-amd64", "6.1.27-1", "linux-kbuild-6.1") + k57, ("6.1.0-57-amd64", "6.1.192-3"))


def aptsources_cases():
    """The host's one-line and deb822 sources, mapped to another suite."""
    with tempfile.TemporaryDirectory(prefix="zdx-aptsrc-") as tmp:
        os.makedirs(os.path.join(tmp, "sources.list.d"))
        with open(os.path.join(tmp, "sources.list"), "w") as f:
            f.write("deb [arch=amd64] http://mirror.example.corp/debian bookworm main contrib\n"
                    "# deb http://commented.example/debian bookworm main\n"
                    "deb http://mirror.example.corp/debian bookworm-backports main\n"
                    "deb-src http://mirror.example.corp/debian bookworm main\n")
        with open(os.path.join(tmp, "sources.list.d", "sec.sources"), "w") as f:
            f.write("Types: deb\nURIs: http://mirror.example.corp/debian-security\n"
                    "Suites: bookworm-security\nComponents: main\n"
                    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
        with open(os.path.join(tmp, "sources.list.d", "other.list"), "w") as f:
            f.write("deb https://vendor.example/apt stable main\n")
        env = dict(os.environ, ZDX_APT_ETC=tmp, ZDX_HOST_CODENAME="bookworm")
        r = subprocess.run([sys.executable, os.path.join(DUMPS, "aptsources.py"), "bullseye"],
                           env=env, capture_output=True, text=True)
        want = ["deb [arch=amd64] http://mirror.example.corp/debian bullseye main",
                "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                "http://mirror.example.corp/debian-security bullseye-security main"]
        ok(r.returncode == 0 and r.stdout.split("\n")[:2] == want and "backports" not in r.stdout
           and "vendor" not in r.stdout and len(r.stdout.strip().split("\n")) == 2,
           "aptsources: the host's mirror and security lines, mapped to bullseye", r.stdout + r.stderr)
        r = subprocess.run([sys.executable, os.path.join(DUMPS, "aptsources.py"), "trixie-backports"],
                           env=env, capture_output=True, text=True)
        ok(r.returncode == 0 and r.stdout.strip() == "deb [arch=amd64] http://mirror.example.corp/debian trixie-backports main",
           "aptsources: a backports suite gets the mirror's line alone (no -updates, -security of it)",
           r.stdout + r.stderr)
        env["ZDX_HOST_CODENAME"] = "trixie"
        r = subprocess.run([sys.executable, os.path.join(DUMPS, "aptsources.py"), "bullseye"],
                           env=env, capture_output=True, text=True)
        ok(r.returncode == 1 and "name no 'trixie' suite" in r.stderr,
           "aptsources: no line of the host's codename is refused with a message", r.stderr)


def cached_case():
    """A kernel already in the cache is used as it is: no apt at all."""
    with tempfile.TemporaryDirectory(prefix="zdx-cached-") as tmp:
        k = os.path.join(tmp, "cache", "kernels", "6.1")
        os.makedirs(k)
        for name, text in (("release", "6.1.0-56-amd64"), ("version", "6.1.192-2"), (".done", "x")):
            with open(os.path.join(k, name), "w") as f:
                f.write(text + "\n")
        man = os.path.join(tmp, "manifest")
        with open(man, "w") as f:
            f.write("6.1 bookworm 6.1.0-99-amd64 6.1.999-1 system 31\n")
        env = dict(os.environ, ZDX_CACHE=os.path.join(tmp, "cache"), ZDX_MANIFEST=man,
                   ZDX_APT_ETC=os.path.join(tmp, "no-such-etc"))
        r = subprocess.run([os.path.join(DUMPS, "kernel.sh"), "6.1"], env=env, capture_output=True, text=True)
        ok(r.returncode == 0 and "6.1.0-56-amd64 (6.1.192-2), already in the cache" in r.stderr,
           "cached kernel: used without asking the archive", r.stderr)


cases()
aptsources_cases()
cached_case()
T.done()
