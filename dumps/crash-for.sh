#!/usr/bin/env bash
# crash-for.sh KERNEL: print the path of the crash binary that opens KERNEL's
# dumps, per the crash column of dumps/kernels.manifest ("system" = the
# host's Debian crash; a version = dumps/crash.sh's: 8.0.6 built from source
# (~8-12 min), 9.0.2 forky's binary (~1 min); it runs here if that crash is
# missing, unless --no-build: tests use that, as make builds every crash
# before any test runs).
# When the manifest's crash-opts column names options for KERNEL (crash
# 9.0.2 needs --no_modules on 7.2 dumps), the path printed is a wrapper,
# $ZDX_CACHE/crash-VERSION/crash.KERNEL, that starts that crash with them:
# every caller (tests, dumps/open.sh) runs it like crash itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=1
[ "${1:-}" = --no-build ] && { build=0; shift; }
[ $# -eq 1 ] || { echo "usage: $0 [--no-build] KERNEL" >&2; exit 2; }
read -r _ _ _ _ which _ opts < <(manifest_line "$1") || die "kernel '$1' is not in dumps/kernels.manifest"
case "$which" in
    system)
        command -v crash >/dev/null || die "the host has no crash (apt-get install crash)"
        [ "$opts" = - ] || die "kernels.manifest: crash-opts for $1 need a crash of the cache, not 'system'"
        command -v crash ;;
    [0-9]*)
        bin="$ZDX_CACHE/crash-$which/crash"
        if [ ! -x "$bin" ]; then
            [ $build = 1 ] || die "crash $which (for $1 dumps) is not built: 'make alt-so' builds it"
            "$here/crash.sh" "$which" >&2
        fi
        if [ "$opts" != - ]; then
            w="$bin.$1"
            printf '#!/bin/sh\n# crash %s for %s dumps, with the manifest'"'"'s crash-opts\nexec %s %s "$@"\n' \
                "$which" "$1" "$bin" "${opts//,/ }" >"$w.tmp.$$"
            chmod +x "$w.tmp.$$"
            if cmp -s "$w.tmp.$$" "$w"; then rm -f "$w.tmp.$$"; else mv "$w.tmp.$$" "$w"; fi
            bin=$w
        fi
        echo "$bin" ;;
    *) die "kernels.manifest: bad crash column '$which' for $1" ;;
esac
