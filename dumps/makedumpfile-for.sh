#!/usr/bin/env bash
# makedumpfile-for.sh KERNEL: print the makedumpfile to filter KERNEL's dumps.
# Bookworm's makedumpfile 1.7.2 does not know 6.12 ("The kernel version is
# not supported") and its -d 31 drops pages crash needs to open the dump
# ("page excluded ... xa_node.slots").  For a kernel of a suite newer than
# the host's we use that suite's own makedumpfile binary (trixie: 1.7.6, its
# source tarball is not downloadable; forky: 1.7.8), run under the suite's
# ld.so and libraries by dumps/suite-tool.sh, as the host must not install
# another suite's packages.  Older suites' kernels (bullseye's 5.10) and the
# host's own use the host's makedumpfile.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# makedumpfile-for.sh --level KERNEL: the dump level of KERNEL's filtered
# dump (vmcore.d31): 31, except where the makedumpfile above excludes pages
# crash needs.  Measured on the factory's 7.2.12 dumps: forky's makedumpfile
# 1.7.8 ("The kernel version is not supported") with -d 31, or -d 8 alone,
# drops kernel pages as "user data" (crash 9.0.2 then stops at start-up:
# "page excluded: kernel virtual address: ... type: \"list entry\""); -d 23
# (zero, cache, cache private, free) dumps open.
if [ "${1:-}" = --level ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --level KERNEL" >&2; exit 2; }
    case "$2" in 7.2) echo 23 ;; *) echo 31 ;; esac
    exit 0
fi
[ $# -eq 1 ] || { echo "usage: $0 [--level] KERNEL" >&2; exit 2; }
read -r _ suite _ < <(manifest_line "$1") || die "kernel '$1' is not in dumps/kernels.manifest"
host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
case "$suite" in
    "$host"|buster|bullseye|bookworm) command -v makedumpfile; exit 0 ;;
esac
mdf=$("$here/suite-tool.sh" "$suite" makedumpfile usr/bin/makedumpfile) || die "cannot fetch $suite's makedumpfile"
"$mdf" -v >/dev/null 2>&1 || die "$suite's makedumpfile does not run here"
echo "$mdf"
