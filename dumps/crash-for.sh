#!/usr/bin/env bash
# crash-for.sh KERNEL: print the path of the crash binary that opens KERNEL's
# dumps, per the crash column of dumps/kernels.manifest ("system" = the
# host's Debian crash; a version = built from source by dumps/crash.sh,
# which runs here if that build is missing, ~8-12 min, unless --no-build:
# tests use that, as make builds every crash before any test runs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=1
[ "${1:-}" = --no-build ] && { build=0; shift; }
[ $# -eq 1 ] || { echo "usage: $0 [--no-build] KERNEL" >&2; exit 2; }
read -r _ _ _ _ which < <(manifest_line "$1") || die "kernel '$1' is not in dumps/kernels.manifest"
case "$which" in
    system)
        command -v crash >/dev/null || die "the host has no crash (apt-get install crash)"
        command -v crash ;;
    [0-9]*)
        bin="$ZDX_CACHE/crash-$which/crash"
        if [ ! -x "$bin" ]; then
            [ $build = 1 ] || die "crash $which (for $1 dumps) is not built: 'make alt-so' builds it"
            "$here/crash.sh" "$which" >&2
        fi
        echo "$bin" ;;
    *) die "kernels.manifest: bad crash column '$which' for $1" ;;
esac
