#!/usr/bin/env bash
# crash.sh VERSION: a crash the host's Debian does not ship, with the defs.h
# an extension for it is built against, into $ZDX_CACHE/crash-VERSION/
# {crash,defs.h}.  Two recipes, by version:
#   8.0.6  trixie's crash, built from Debian's source on bookworm.  Bookworm's
#          crash 8.0.2 cannot read 6.12 dumps (gdb segfaults, module_core_size
#          offset); trixie's binary .deb needs a newer libc, so we build the
#          source (which embeds its gdb tarball).  Only the orig tarball is
#          reliably fetchable, so Debian's patches are not applied; the orig
#          tarball is what upstream released as 8.0.6.  ~8-12 min.
#   9.0.2  forky's crash binary package (9.0.2+~16.3), run under forky's own
#          ld.so and libraries (dumps/suite-tool.sh; nothing is installed on
#          the host); defs.h is the one it ships in /usr/include/crash.  A
#          source build would take as long as 8.0.6's and embeds gdb 16.3.
#          ~1 min.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

ver=${1:-8.0.6}
# VERSION -> "source SUITE" | "binary SUITE"
case "$ver" in
    8.0.6) recipe="source trixie" ;;
    9.0.2) recipe="binary forky" ;;
    *) die "no recipe for crash $ver (dumps/crash.sh knows 8.0.6 (trixie, source) and 9.0.2 (forky, binary))" ;;
esac
out="$ZDX_CACHE/crash-$ver"
[ -x "$out/crash" ] && [ -f "$out/defs.h" ] && { echo "$out/crash"; exit 0; }

# from_binary SUITE: the suite's crash package, if it is VERSION.
from_binary() {
    local suite=$1 t0 w root v
    t0=$(date +%s)
    w=$("$here/suite-tool.sh" "$suite" crash usr/bin/crash) || die "cannot fetch $suite's crash"
    root=$(dirname "$(dirname "$w")")/root
    v=$("$w" --version 2>/dev/null | awk '/^crash / {print $2; exit}')
    [ "$v" = "$ver" ] || die "$suite's crash is ${v:-not runnable here}, not $ver: change the manifest's crash column"
    [ -f "$root/usr/include/crash/defs.h" ] || die "$suite's crash package has no /usr/include/crash/defs.h"
    rm -rf "$out"; mkdir -p "$out"
    cp "$root/usr/include/crash/defs.h" "$out/defs.h"
    # A link, so the wrapper stays the one suite-tool.sh keeps current.
    ln -s "$w" "$out/crash"
    echo "$(( $(date +%s) - t0 ))" >"$out/fetch-seconds"
    step "crash $ver: $suite's binary ready in $out ($(cat "$out/fetch-seconds") s)"
    echo "$out/crash"
}

need_build_deps() {
    local missing=() p
    for p in bison flex texinfo liblzo2-dev libsnappy-dev libzstd-dev gawk binutils-dev libncurses-dev zlib1g-dev make gcc g++; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    step "crash $ver: installing bookworm build deps: ${missing[*]}"
    apt-get install -y -q "${missing[@]}" >/dev/null || die "cannot install build deps: ${missing[*]}"
}

fetch_orig() {
    local src="$ZDX_CACHE/src/crash"
    mkdir -p "$src"
    if ! ls "$src"/crash_"$ver".orig.tar.* >/dev/null 2>&1; then
        apt_suite_init_src trixie
        step "crash $ver: fetching Debian source from trixie"
        # Failure of the .dsc/.debian parts is tolerated: the orig tarball is enough.
        ( cd "$src" && apt_suite_cmd trixie apt-get source --download-only -q crash >"$src/fetch.log" 2>&1 ) || true
        ls "$src"/crash_"$ver".orig.tar.* >/dev/null 2>&1 || { cat "$src/fetch.log" >&2; die "could not fetch crash_$ver.orig.tar.* from trixie's sources"; }
    fi
    ls "$src"/crash_"$ver".orig.tar.* | head -1
}

# Like apt_suite_init, plus deb-src lines (apt-get source needs Sources indexes).
apt_suite_init_src() {
    local suite=$1 d; d=$(apt_suite_dir "$suite")
    apt_suite_init "$suite"
    if ! grep -q '^deb-src' "$d/sources.list"; then
        sed -n 's/^deb /deb-src /p' "$d/sources.list" >>"$d/sources.list"
        apt_suite_cmd "$suite" apt-get update -qq >/dev/null || die "apt-get update (deb-src) for $suite failed"
    fi
}

main() {
    set -- $recipe
    [ "$1" = binary ] && { from_binary "$2"; return; }
    need_build_deps
    local tarball build t0
    tarball=$(fetch_orig)
    build="$ZDX_CACHE/src/crash/build-$ver"
    rm -rf "$build"; mkdir -p "$build"
    tar -xf "$tarball" -C "$build" --strip-components=1
    t0=$(date +%s)
    step "crash $ver: building (make -j2 lzo snappy zstd, ~12 min; log $build/build.log)"
    ( cd "$build" && make -j2 lzo snappy zstd ) >"$build/build.log" 2>&1 ||
        { tail -n 30 "$build/build.log" >&2; die "crash $ver build failed (see $build/build.log)"; }
    mkdir -p "$out"
    cp "$build/crash" "$build/defs.h" "$out/"
    echo "$(( $(date +%s) - t0 ))" >"$out/build-seconds"
    rm -rf "$build"
    step "crash $ver: ready in $out ($(cat "$out/build-seconds") s)"
    echo "$out/crash"
}
main "$@"
