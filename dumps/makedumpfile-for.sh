#!/usr/bin/env bash
# makedumpfile-for.sh KERNEL: print the makedumpfile to filter KERNEL's dumps.
# Bookworm's makedumpfile 1.7.2 does not know 6.12 ("The kernel version is
# not supported") and its -d 31 drops pages crash needs to open the dump
# ("page excluded ... xa_node.slots").  For a kernel of a suite newer than
# the host's we use that suite's own makedumpfile binary (trixie: 1.7.6, its
# source tarball is not downloadable; forky: 1.7.8), run under the suite's
# ld.so and libraries by dumps/suite-tool.sh, as the host must not install
# another suite's packages; a backports kernel (7.3 in trixie-backports),
# newer than its suite's makedumpfile, gets the makedumpfile of the suite
# whose crash opens it (the manifest's crash column).  Older suites' kernels
# (bullseye's 5.10) and the host's own use the host's makedumpfile.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/suites.sh"
# makedumpfile-for.sh --level KERNEL: the dump level of KERNEL's filtered
# dump (vmcore.d31), the manifest's dump-level column: 31, except where the
# makedumpfile above excludes pages crash needs (the manifest says why, next
# to the kernel's line).
if [ "${1:-}" = --level ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --level KERNEL" >&2; exit 2; }
    read -r _ _ _ _ _ level _ < <(manifest_line "$2") || die "kernel '$2' is not in dumps/kernels.manifest"
    [[ "$level" =~ ^[0-9]+$ ]] && [ "$level" -le 31 ] ||
        die "kernels.manifest: bad dump-level column '$level' for $2 (makedumpfile -d: 0-31)"
    echo "$level"
    exit 0
fi
[ $# -eq 1 ] || { echo "usage: $0 [--level] KERNEL" >&2; exit 2; }
read -r _ suite _ _ crash _ < <(manifest_line "$1") || die "kernel '$1' is not in dumps/kernels.manifest"
host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
case "$suite" in
    "$host"|buster|bullseye|bookworm) command -v makedumpfile; exit 0 ;;
esac
# A backports kernel (7.3 in trixie-backports) is newer than its suite's
# makedumpfile: the suite whose crash opens the kernel has one that knows it.
[ "$crash" = system ] || suite=$(crash_suite "$crash") || exit 1
mdf=$("$here/suite-tool.sh" "$suite" makedumpfile usr/bin/makedumpfile) || die "cannot fetch $suite's makedumpfile"
"$mdf" -v >/dev/null 2>&1 || die "$suite's makedumpfile does not run here"
echo "$mdf"
