#!/usr/bin/env bash
# makedumpfile-for.sh KERNEL: print the makedumpfile to filter KERNEL's dumps.
# Bookworm's makedumpfile 1.7.2 does not know 6.12 ("The kernel version is
# not supported") and its -d 31 drops pages crash needs to open the dump
# ("page excluded ... xa_node.slots").  For trixie kernels we use trixie's
# own makedumpfile binary (1.7.6; its source tarball is not downloadable),
# run under trixie's ld.so and libraries from a private apt download, as the
# host must not install another suite's packages.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 KERNEL" >&2; exit 2; }
read -r _ suite _ < <(manifest_line "$1") || die "kernel '$1' is not in dumps/kernels.manifest"
if [ "$suite" != trixie ]; then command -v makedumpfile; exit 0; fi

rt="$ZDX_CACHE/makedumpfile-$suite"
if [ ! -x "$rt/makedumpfile" ]; then
    step "makedumpfile: fetching $suite's makedumpfile and its libraries"
    apt_suite_init "$suite"
    rm -rf "$rt.tmp"; mkdir -p "$rt.tmp/debs"
    ( cd "$rt.tmp/debs" && apt_suite_cmd "$suite" apt-get download -qq makedumpfile libc6 libdw1t64 \
          libelf1t64 liblzo2-2 libzstd1 zlib1g libbz2-1.0 liblzma5 ) >/dev/null ||
        die "cannot download $suite's makedumpfile and libraries"
    for f in "$rt.tmp"/debs/*.deb; do dpkg-deb -x "$f" "$rt.tmp/root"; done
    rm -rf "$rt.tmp/debs"
    lib="$rt/root/usr/lib/x86_64-linux-gnu"
    printf '#!/bin/sh\nexec %s --library-path %s %s "$@"\n' "$lib/ld-linux-x86-64.so.2" "$lib" \
        "$rt/root/usr/bin/makedumpfile" >"$rt.tmp/makedumpfile"
    chmod +x "$rt.tmp/makedumpfile"
    rm -rf "$rt"; mv "$rt.tmp" "$rt"
    # The wrapper names paths under $rt; they were written for $rt.tmp's final name.
    "$rt/makedumpfile" -v >/dev/null 2>&1 || die "$suite's makedumpfile does not run here"
fi
echo "$rt/makedumpfile"
