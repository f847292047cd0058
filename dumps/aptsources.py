#!/usr/bin/env python3
"""aptsources.py SUITE: print a one-line-style sources.list for Debian suite
SUITE, made from the host's own apt configuration.

The factory fetches kernels of other suites (bullseye, trixie, ...) into a
private apt state.  It must use the archive the user's machine already uses
(a corporate mirror, a proxy configured in apt.conf.d, a snapshot), so no
mirror host is written in the project: every deb line of the host whose
suite is the host's codename (or codename-updates, codename-security, ...)
is copied with the codename replaced by SUITE.

The host's configuration is read from $ZDX_APT_ETC (default /etc/apt):
sources.list, sources.list.d/*.list and deb822 sources.list.d/*.sources.
The host's codename is $ZDX_HOST_CODENAME, else VERSION_CODENAME from
/etc/os-release.  Exit status 1 with a message when nothing maps.
"""
import glob
import os
import sys


def one_line_entries(text):
    """(options, uri, suite, components) of each 'deb' line."""
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        rest = line[4:].strip()
        opts = ""
        if rest.startswith("["):
            end = rest.find("]")
            if end < 0:
                continue
            opts, rest = rest[1:end].strip(), rest[end + 1:].strip()
        f = rest.split()
        if len(f) >= 3:
            out.append((opts, f[0], f[1], f[2:]))
    return out


def deb822_stanzas(text):
    stanzas, cur, key = [], {}, None
    for raw in text.splitlines() + [""]:
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if cur:
                stanzas.append(cur)
            cur, key = {}, None
            continue
        if raw[0] in " \t" and key:
            cur[key] += "\n" + raw.strip()
            continue
        if ":" in raw:
            key, val = raw.split(":", 1)
            key = key.strip().lower()
            cur[key] = val.strip()
    return stanzas


def deb822_entries(text):
    out = []
    for st in deb822_stanzas(text):
        if "deb" not in st.get("types", "").split():
            continue
        if st.get("enabled", "yes").lower() == "no":
            continue
        opts = []
        if "signed-by" in st and "\n" not in st["signed-by"]:
            opts.append("signed-by=" + st["signed-by"])
        if "trusted" in st:
            opts.append("trusted=" + st["trusted"])
        for uri in st.get("uris", "").split():
            for suite in st.get("suites", "").split():
                out.append((" ".join(opts), uri, suite, st.get("components", "main").split()))
    return out


def host_entries(etc):
    out = []
    files = [os.path.join(etc, "sources.list")] + sorted(glob.glob(os.path.join(etc, "sources.list.d", "*")))
    for path in files:
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        if path.endswith(".list"):
            out += one_line_entries(text)
        elif path.endswith(".sources"):
            out += deb822_entries(text)
    return out


def host_codename():
    env = os.environ.get("ZDX_HOST_CODENAME")
    if env:
        return env
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("VERSION_CODENAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return ""


def mapped(entries, codename, suite):
    """The host's lines for codename, codename-updates, codename-security,
    rewritten for suite; each (uri, suite) once.  A backports suite (a newer
    kernel built for a stable release) has no -updates or -security of its
    own: only the main archive's line serves it."""
    lines, seen = [], set()
    for opts, uri, s, comps in entries:
        if s != codename and not s.startswith(codename + "-"):
            continue
        if s.endswith("-backports"):
            continue
        if suite.endswith("-backports") and s != codename:
            continue
        target = suite + s[len(codename):]
        if (uri, target) in seen:
            continue
        seen.add((uri, target))
        o = "[%s] " % opts if opts else ""
        lines.append("deb %s%s %s main" % (o, uri, target))
    return lines


def main():
    if len(sys.argv) != 2:
        print("usage: aptsources.py SUITE", file=sys.stderr)
        return 2
    etc = os.environ.get("ZDX_APT_ETC", "/etc/apt")
    codename = host_codename()
    if not codename:
        print("cannot tell this host's Debian codename (no VERSION_CODENAME in /etc/os-release); "
              "set ZDX_HOST_CODENAME", file=sys.stderr)
        return 1
    lines = mapped(host_entries(etc), codename, sys.argv[1])
    if not lines:
        print("the apt sources in %s name no '%s' suite to model '%s' on; add the Debian archive "
              "you use for %s there (or point ZDX_APT_ETC at a directory that does)"
              % (etc, codename, sys.argv[1], codename), file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
