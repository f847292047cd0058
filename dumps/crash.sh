#!/usr/bin/env bash
# crash.sh VERSION: a crash the host's Debian does not ship, with the defs.h
# an extension for it is built against, into $ZDX_CACHE/crash-VERSION/
# {crash,defs.h}: the crash binary package of the Debian suite that ships
# VERSION, run under that suite's own ld.so and libraries
# (dumps/suite-tool.sh; nothing is installed on the host), and the defs.h it
# ships in /usr/include/crash.  ~10 s to a minute, against 10-40 min for a
# source build of crash and its embedded gdb on 2 cores; and the binary is
# what that suite's users run, Debian's patches included.
#   8.0.6  trixie's: bookworm's crash 8.0.2 cannot read 6.12 dumps (gdb
#          segfaults, module_core_size offset)
#   9.0.2  forky's: 8.0.6 cannot read 7.x dumps
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/suites.sh"

ver=${1:-8.0.6}
suite=$(crash_suite "$ver") || exit 1
out="$ZDX_CACHE/crash-$ver"
[ -x "$out/crash" ] && [ -f "$out/defs.h" ] && { echo "$out/crash"; exit 0; }

# from_binary SUITE: the suite's crash package, if it is VERSION.
from_binary() {
    local suite=$1 t0 w root v
    t0=$(date +%s)
    w=$("$here/suite-tool.sh" "$suite" crash usr/bin/crash) || die "cannot fetch $suite's crash"
    root=$(dirname "$(dirname "$w")")/root
    v=$("$w" --version 2>/dev/null | awk '/^crash / && !v {v = $2} END {print v}')
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

from_binary "$suite"
