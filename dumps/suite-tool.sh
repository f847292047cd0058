#!/usr/bin/env bash
# suite-tool.sh [--env VAR=VALUE]... SUITE PACKAGES PROGRAM
#
# Print the path of a wrapper that runs PROGRAM (a path inside the packages,
# e.g. usr/bin/crash) from Debian SUITE's binary PACKAGES (comma-separated)
# on this host, without installing anything: the packages and the shared
# libraries they depend on (recursively: Depends/Pre-Depends on lib*/zlib*
# packages) are downloaded through the suite's private apt state and
# unpacked into $ZDX_CACHE/suite-tools/SUITE/FIRST-PACKAGE/root, and the
# wrapper runs PROGRAM under that root's own ld.so with --library-path.
# That path is not inherited: programs PROGRAM starts (a pager, a shell)
# are the host's own, with the host's libc.  VALUEs of --env may name
# @ROOT@ (e.g. PYTHONHOME=@ROOT@/usr).
#
# Used for what the host's suite is too old for: forky's crash 9.0.2 and
# makedumpfile 1.7.8, trixie's makedumpfile 1.7.6 (their libc is newer than
# the host's, so the binaries cannot run with the host's ld.so).
# Idempotent; the root is rebuilt when PACKAGES change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

envs=()
while [ "${1:-}" = --env ]; do envs+=("$2"); shift 2; done
[ $# -eq 3 ] || { echo "usage: $0 [--env VAR=VALUE]... SUITE PACKAGE[,PACKAGE...] PROGRAM" >&2; exit 2; }
suite=$1 pkgs=${2//,/ } prog=$3
first=${pkgs%% *}
dir="$ZDX_CACHE/suite-tools/$suite/$first"
root="$dir/root"
wrapper="$dir/$suite/$(basename "$prog")"

# closure PKG...: PKGs and, recursively, the library packages they depend
# on (first alternative of each Depends/Pre-Depends; virtual names skipped).
closure() {
    local -A seen=()
    local level=("$@") next p
    while [ ${#level[@]} -gt 0 ]; do
        for p in "${level[@]}"; do seen[$p]=1; echo "$p"; done
        next=()
        # One apt-cache call per level of the graph (each call loads the cache).
        for p in $(apt_suite_cmd "$suite" apt-cache depends --no-recommends --no-suggests --no-conflicts \
                       --no-breaks --no-replaces --no-enhances "${level[@]}" 2>/dev/null |
                   awk '/^  (Pre)?Depends: [^<]/ { print $2 }' | sort -u); do
            case "$p" in lib*|zlib*) [ -n "${seen[$p]:-}" ] || next+=("$p") ;; esac
        done
        level=("${next[@]}")
    done
}

want="$pkgs $(printf '%s\n' "${envs[@]}" | sort | tr '\n' ' ')"
if [ ! -x "$wrapper" ] || [ "$(cat "$dir/.done" 2>/dev/null)" != "$want" ]; then
    t0=$(date +%s)
    step "$suite tools: fetching $pkgs and their libraries into $dir"
    apt_suite_init "$suite"
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp/debs"
    list=$(closure $pkgs | sort -u)
    # shellcheck disable=SC2086
    ( cd "$dir.tmp/debs" && apt_suite_cmd "$suite" apt-get download -qq $list ) >"$dir.tmp/download.log" 2>&1 ||
        { cat "$dir.tmp/download.log" >&2; die "cannot download $suite's $list"; }
    for f in "$dir.tmp"/debs/*.deb; do dpkg-deb -x "$f" "$dir.tmp/root"; done
    (cd "$dir.tmp/debs" && ls) >"$dir.tmp/packages"
    rm -rf "$dir.tmp/debs"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
    echo "$(( $(date +%s) - t0 ))" >"$dir/fetch-seconds"
fi
# The wrapper is cheap: always written, so it names this cache's paths.
ldso=$(suite_root_ldso "$root") || die "$suite tools: no ld.so in $root (is libc6 among the dependencies of $pkgs?)"
[ -f "$root/$prog" ] || die "$suite tools: no $prog in $pkgs"
libs=$(suite_root_libpath "$root")
mkdir -p "$dir/$suite"
{
    echo '#!/bin/sh'
    echo "# $suite's $prog ($pkgs), run under $suite's own ld.so: dumps/suite-tool.sh"
    for e in "${envs[@]}"; do printf 'export %s\n' "${e//@ROOT@/$root}"; done
    printf 'exec %s --library-path %s %s "$@"\n' "$ldso" "$libs" "$root/$prog"
} >"$wrapper.tmp"
chmod +x "$wrapper.tmp"; mv "$wrapper.tmp" "$wrapper"
echo "$want" >"$dir/.done"
echo "$wrapper"
