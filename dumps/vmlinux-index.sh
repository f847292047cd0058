#!/usr/bin/env bash
# dumps/vmlinux-index.sh K: make $ZDX_CACHE/kernels/K/vmlinux quick for crash
# to open, once: a .gdb_index (gdb-add-index, from Debian's gdb), and no
# __pfx_ symbols in its symbol table.  The DWARF, the build-id note and
# every other symbol are unchanged, so the file is still the one the dump's
# BUILD-ID names; users may do the same to a vmlinux they open often.
#
# The index: every dump test starts crash, and crash's start-up is gdb
# reading the vmlinux's DWARF.  With the index, the gdb inside crash 8.0.x
# (gdb 10.2) looks symbols up instead of scanning every compilation unit:
# measured on the corpus, one session's CPU time 19.7 s -> 6.8 s (6.1, crash
# 8.0.2), 20.5 s -> 7.1 s (5.10), 31.5 s -> 17.1 s (6.12, crash 8.0.6); crash
# 9.0.2's gdb 16 (7.x) 34.9 s -> 27.2 s.  Bookworm's gdb-add-index (gdb 13)
# writes a version-8 index; forky's (gdb 18) writes version 9, with which
# gdb 16.3 is slower than with no index at all, so every kernel gets
# bookworm's.
#
# The __pfx_ symbols: on kernels built with function padding
# (CONFIG_FUNCTION_PADDING_ALIGNMENT; 6.12 and 7.x here, not 5.10 or 6.1)
# every function has a __pfx_NAME alias on its 16 padding bytes, with no
# code of its own (7.3: 58,614 of 244,999 symbols).  The
# crashes of this corpus (8.0.6, 9.0.2) hash each kernel symbol at start-up
# into 512 buckets by its first, middle and last byte and walk the whole
# bucket per insert; the __pfx_ names all land in a few buckets (crash fixed
# the hash after 9.0.2: ce0fc6b "symbols: optimize symname_hash with larger
# table and FNV-1a hash").  Dropped: one crash 9.0.2 session on a 7.3 dump
# 30.1 s -> 18.6 s of CPU.  No fault, return address or symbol lookup zdx
# or its tests make lands on a padding alias; tests/dump/test_vmlinux.py
# checks zdx's and crash's answers are the same with the Debian file, which
# is kept as vmlinux.debian where symbols were dropped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
k=${1:?usage: vmlinux-index.sh KERNEL}
v="$ZDX_CACHE/kernels/$k/vmlinux"
[ -f "$v" ] || die "kernel $k: no $v"
# (Not `readelf | grep -q`: with pipefail, grep leaving early is readelf's SIGPIPE.)
has_index() { [[ $(readelf -SW "$1" 2>/dev/null) == *' .gdb_index '* ]]; }
pfx_count() { nm "$1" 2>/dev/null | awk '$3 ~ /^__pfx_/ {n++} END {print n + 0}'; }
ready() { has_index "$v" && [ -f "$v.nopfx" ]; }
ready && exit 0
command -v gdb-add-index >/dev/null || die "gdb-add-index not found (Debian package gdb: make deps)"
# Factories on one cache may run at once: one prepares, the others wait.
exec 9>"$v.lock"
flock 9
ready && exit 0
n=$(pfx_count "$v")
step "kernel $k: preparing vmlinux for crash (a .gdb_index; $n __pfx_ symbols dropped)"
if [ "$n" -gt 0 ]; then
    [ -f "$v.debian" ] || cp "$v" "$v.debian"
    objcopy --wildcard --strip-symbol='__pfx_*' "$v" "$v.tmp" || { rm -f "$v.tmp"; die "kernel $k: objcopy failed"; }
else
    cp "$v" "$v.tmp"
fi
if ! has_index "$v.tmp"; then
    gdb-add-index "$v.tmp" >"$v.index.log" 2>&1 || { tail -n 5 "$v.index.log" >&2; rm -f "$v.tmp"; die "kernel $k: gdb-add-index failed"; }
    has_index "$v.tmp" || { rm -f "$v.tmp"; die "kernel $k: gdb-add-index left no .gdb_index"; }
    rm -f "$v.index.log"
fi
mv "$v.tmp" "$v"
echo "$n" >"$v.nopfx"
