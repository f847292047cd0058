#!/usr/bin/env bash
# dumps/vmlinux-index.sh K: give $ZDX_CACHE/kernels/K/vmlinux a .gdb_index
# (gdb-add-index, from Debian's gdb), once.
#
# Why: every dump test starts crash, and crash's start-up is gdb reading the
# vmlinux's DWARF.  With the index, the gdb inside crash 8.0.x (gdb 10.2)
# looks symbols up instead of scanning every compilation unit: measured on
# the corpus, one session's CPU time 19.7 s -> 6.8 s (6.1, crash 8.0.2),
# 20.5 s -> 7.1 s (5.10, crash 8.0.2), 31.5 s -> 17.1 s (6.12, crash 8.0.6),
# every command's output identical (bt, kmem -n, struct, mod, log, the zdx
# commands).  crash 9.0.2's gdb 16 (7.2) uses it too (34.9 s -> 27.2 s),
# but most of that session is crash's own symtab_init() before gdb starts
# (18.1 s: name-hash buckets walked per symbol; docs/dumps.md), which no
# index shortens.  Bookworm's gdb-add-index (gdb 13) writes a version-8
# index; forky's (gdb 18) writes version 9, with which gdb 16.3 is slower
# than with no index at all, so every kernel gets bookworm's.  The index is
# a section of its own: the DWARF and the build-id note are unchanged, so the file is still
# the one the dump's BUILD-ID names.  Users may do the same to their vmlinux.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
k=${1:?usage: vmlinux-index.sh KERNEL}
v="$ZDX_CACHE/kernels/$k/vmlinux"
[ -f "$v" ] || die "kernel $k: no $v"
# (Not `readelf | grep -q`: with pipefail, grep leaving early is readelf's SIGPIPE.)
has_index() { [[ $(readelf -SW "$1" 2>/dev/null) == *' .gdb_index '* ]]; }
has_index "$v" && exit 0
command -v gdb-add-index >/dev/null || die "gdb-add-index not found (Debian package gdb: make deps)"
# Factories on one cache may run at once: one indexes, the others wait.
exec 9>"$v.lock"
flock 9
has_index "$v" && exit 0
step "kernel $k: adding a .gdb_index to vmlinux (crash starts faster)"
cp --reflink=auto "$v" "$v.tmp"
gdb-add-index "$v.tmp" >"$v.index.log" 2>&1 || { tail -n 5 "$v.index.log" >&2; rm -f "$v.tmp"; die "kernel $k: gdb-add-index failed"; }
has_index "$v.tmp" || { rm -f "$v.tmp"; die "kernel $k: gdb-add-index left no .gdb_index"; }
mv "$v.tmp" "$v"
rm -f "$v.index.log"
