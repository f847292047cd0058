#!/usr/bin/env bash
# dumps/kmod/build.sh NAME: build zdx_walker.ko for the factory's kernel NAME (resolved by dumps/kernel.sh)
# (6.1, 5.10, 6.12; dumps/kernels.manifest) into $ZDX_CACHE/kmod/NAME/.
# Idempotent: rebuilds only when the module source or the kernel changed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 KERNEL-NAME" >&2; exit 2; }
k=$1
kdir="$ZDX_CACHE/kernels/$k"
[ -f "$kdir/release" ] || "$here/../kernel.sh" "$k" || die "kernel $k is not available"
release=$(cat "$kdir/release")
hdr="$kdir/headers/usr/src/linux-headers-$release"
[ -f "$hdr/Makefile" ] || die "no headers for $k in $hdr"
# Debian's arch header Makefile includes the -common one by its absolute
# /usr/src path, which is not where the cache keeps it: name it directly.
common=$(sed -n 's|^include /usr/src/\(linux-headers-[^/]*\)/Makefile|\1|p' "$hdr/Makefile")
common="$kdir/headers/usr/src/${common:-linux-headers-${release%-amd64}-common}"
[ -f "$common/Makefile" ] || die "no common headers for $k in $common"

out="$ZDX_CACHE/kmod/$k"
ko="$out/zdx_walker.ko"
st=$( { cat "$here"/*.c "$here"/*.h "$here/Kbuild" "$here/build.sh"; echo "$release"; cat "$kdir/version" 2>/dev/null; } |
      sha256sum | cut -c1-16)
if [ -f "$ko" ] && [ "$(cat "$ko.stamp" 2>/dev/null)" = "$st" ]; then
    touch "$ko"    # up to date; refresh mtime for make-style callers
    echo "$ko"
    exit 0
fi

# The kernel's own compiler if we have it (gcc-10 for 5.10, gcc-14 for 6.12),
# else the host gcc: the module ABI does not depend on the gcc version.
cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$kdir/config")
extra=()
if ! command -v "$cc" >/dev/null 2>&1; then
    cc=gcc
    # .config records what the kernel's compiler supports.  gcc-14's
    # -fmin-function-alignment (6.12) has the -falign-functions fallback
    # that kbuild itself uses for older compilers.
    grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$kdir/config" &&
        ! gcc -fmin-function-alignment=16 -x c -c -o /dev/null /dev/null 2>/dev/null &&
        extra+=(CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=)
fi

# Since 6.13 kbuild takes an external module's object tree only from O= (or
# KBUILD_OUTPUT, which Debian's arch Makefile sets to its /usr/src path):
# without it, it looks for .config and autoconf.h in the -common tree.
grep -q 'KBUILD_EXTMOD_OUTPUT' "$common/Makefile" && objtree_arg=1 || objtree_arg=0

# glibc_need FILE: the newest GLIBC_2.N version FILE needs, as N.
glibc_need() { objdump -T "$1" 2>/dev/null | grep -o 'GLIBC_2\.[0-9]*' | cut -d. -f2 | sort -n | tail -n 1 || true; }
# (awk reads all of ldd's output: "head -n 1" would SIGPIPE it under pipefail)
host_glibc=$(ldd --version | awk 'NR == 1 { n = split($NF, v, "."); print v[2] }')

# The headers' object tree is used through a private copy when it cannot be
# used as is:
#  - a newer suite's linux-kbuild (trixie's, for 6.12) has host tools linked
#    against a newer glibc than the host's: the copy runs them under that
#    suite's own ld.so and libraries;
#  - headers that ship a vmlinux (6.12) make kbuild generate module BTF with
#    pahole, which we do not have: the copy drops vmlinux, so kbuild skips
#    BTF (the analysis reads the module's DWARF, not BTF).
too_new() { local n; n=$(glibc_need "$1"); [ -n "$n" ] && [ "$n" -gt "$host_glibc" ]; }
suite_runtime() {
    local suite f
    # A backports kernel's tools are linked against its stable release's libc.
    suite=$(manifest_line "$k" | awk '{print $2}'); suite=${suite%-backports}
    rt="$ZDX_CACHE/kmod/runtime/$suite"
    ldso="$rt/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
    [ -e "$ldso" ] && return 0
    step "kmod $k: fetching $suite's libc for its kbuild tools"
    apt_suite_init "$suite"
    rm -rf "$rt.tmp"; mkdir -p "$rt.tmp/debs"
    ( cd "$rt.tmp/debs" && apt_suite_cmd "$suite" apt-get download -qq libc6 libelf1t64 zlib1g libzstd1 ) ||
        die "cannot download $suite's libc6/libelf"
    for f in "$rt.tmp"/debs/*.deb; do dpkg-deb -x "$f" "$rt.tmp"; done
    rm -rf "$rt.tmp/debs" "$rt"; mv "$rt.tmp" "$rt"
}
overlay_objtree() {
    local o="$out/objtree" f
    rm -rf "$o"; mkdir -p "$o"
    cp -a "$hdr"/. "$o"/
    rm -f "$o/scripts" "$o/tools" "$o/vmlinux"
    cp -aL "$hdr/scripts" "$o/scripts"; cp -aL "$hdr/tools" "$o/tools"
    find "$o/scripts" "$o/tools" -type f -perm -u+x | while read -r f; do
        too_new "$f" || continue
        suite_runtime
        mv "$f" "$f.bin"
        printf '#!/bin/sh\nexec %s --library-path %s "$0.bin" "$@"\n' "$ldso" "$rt/usr/lib/x86_64-linux-gnu" >"$f"
        chmod +x "$f"
    done
    hdr=$o
}
need_overlay=0
{ [ -f "$hdr/vmlinux" ] && ! command -v pahole >/dev/null; } && need_overlay=1
for f in "$hdr"/scripts/mod/modpost* "$hdr"/tools/objtool/objtool* "$hdr/scripts/basic/fixdep"; do
    [ -f "$f" ] && too_new "$f" && need_overlay=1
done
[ $need_overlay = 1 ] && overlay_objtree

[ $objtree_arg = 1 ] && extra+=(O="$hdr")

# Build in the cache, never in the repo.
b="$out/build"
rm -rf "$b"; mkdir -p "$b"
cp "$here"/*.c "$here"/*.h "$here/Kbuild" "$b/"
step "kmod $k: building zdx_walker.ko against $release with $cc"
# BUG() reports __FILE__: make it "zdx_walkers.c", not a cache path.
make -C "$hdr" -f "$common/Makefile" M="$b" CC="$cc" KCFLAGS="-fmacro-prefix-map=$b/=" "${extra[@]}" modules >"$b/build.log" 2>&1 ||
    { tail -n 30 "$b/build.log" >&2; die "kmod build for $k failed"; }
# Warnings are errors for us: the module must build cleanly on every kernel.
# One exception: a kernel whose compiler has the counted_by attribute
# (CONFIG_CC_HAS_COUNTED_BY: 7.x, built by gcc-16) annotates its headers with
# it, and an older host gcc (12) ignores it with a warning there.  It is a
# bounds-checking annotation only (no layout or code change in the module).
quiet=(-e 'Skipping BTF generation')
[ "$cc" = gcc ] && grep -q '^CONFIG_CC_HAS_COUNTED_BY=y' "$kdir/config" &&
    quiet+=(-e "linux-headers-[^:]*:[0-9:]* warning: [^ ]*counted_by[^ ]* attribute directive ignored")
if grep -E 'warning:|error:' "$b/build.log" | grep -v "${quiet[@]}" \
       -e 'compiler differs from the one used to build the kernel' \
       -e 'pahole version differs from the one used to build the kernel' >&2; then
    die "kmod build for $k produced warnings (see $b/build.log)"
fi
cp "$b/zdx_walker.ko" "$ko.tmp" && mv "$ko.tmp" "$ko"
echo "$st" >"$ko.stamp"
echo "$ko"
