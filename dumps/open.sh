#!/usr/bin/env bash
# Open a factory dump in crash with zdx loaded.
#   dumps/open.sh [-f FILE] KERNEL SCENARIO            interactive
#   dumps/open.sh [-f FILE] KERNEL SCENARIO CMD...     run CMDs and exit
# FILE is the dump file in the scenario directory (default: vmcore.kdump, or
# the first of vmcore.d31 / vmcore.elf the scenario has, as not every
# scenario keeps every form).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

file=
if [ "${1:-}" = -f ]; then file=$2; shift 2; fi
[ $# -ge 2 ] || { echo "usage: $0 [-f FILE] KERNEL SCENARIO [CRASH-COMMAND...]" >&2; exit 2; }
kernel=$1 scenario=$2; shift 2
dir="$ZDX_CACHE/dumps/$kernel/$scenario"
if [ -z "$file" ]; then
    for file in vmcore.kdump vmcore.d31 vmcore.elf; do [ -f "$dir/$file" ] && break; done
fi
vmlinux="$ZDX_CACHE/kernels/$kernel/vmlinux"
[ -f "$dir/$file" ] || die "no dump $dir/$file: build it with 'make dumps KERNEL=$kernel SCENARIO=$scenario'"
crash=crash
[ -x "$here/crash-for.sh" ] && crash=$("$here/crash-for.sh" "$kernel")
so=${ZDX_SO:-$here/../extension/zdx.so}
# A crash built from source needs the zdx.so built against its defs.h.
case "$crash" in "$ZDX_CACHE"/crash-*) so=${ZDX_SO:-$ZDX_CACHE/zdx-so/$(basename "$(dirname "$crash")")/zdx.so} ;; esac
[ -f "$so" ] || die "no $so: run 'make' first"
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")

if [ $# -eq 0 ]; then
    exec "$crash" -s "$vmlinux" "$dir/$file" -i <(echo "extend $so")
fi
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
{ echo "extend $so"; for c in "$@"; do echo "$c"; done; echo exit; } >"$cmds"
timeout "${ZDX_CRASH_TIMEOUT:-300}" "$crash" -s "$vmlinux" "$dir/$file" -i "$cmds" </dev/null
