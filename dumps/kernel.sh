#!/usr/bin/env bash
# Resolve (dumps/resolve.py), fetch and unpack one Debian kernel of a series into the cache, without touching
# the host's dpkg database or apt state: each suite gets a private apt state
# dir, packages are downloaded with `apt-get download` and unpacked with
# dpkg-deb.  Output (under $ZDX_CACHE/kernels/NAME):
#   vmlinuz  vmlinux  System.map  config  modules/lib/modules/<abi>/...
# Both packagings are understood: the image package holding /boot/vmlinuz-ABI
# and /lib/modules (up to trixie), and forky's split, where linux-image-ABI
# only depends on linux-binary-ABI (/usr/lib/modules/ABI/vmlinuz),
# linux-base-ABI (config, modules.builtin; its System.map is a placeholder)
# and linux-modules-ABI (/usr/lib/modules/ABI/...); the -dbg
# vmlinux is /usr/lib/debug/boot/vmlinux-ABI, or in forky
# /usr/lib/debug/lib/modules/ABI/vmlinux (boot/ has only a symlink).
#   headers/usr/src/linux-headers-<abi>  (+ -common, + linux-kbuild)
#   release  (uname -r)   version  (package version)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() { echo "usage: $0 [--latest|--refresh] NAME   (NAME: a series in dumps/kernels.manifest)" >&2; exit 2; }
# --latest: print what a cold machine would fetch now, and why; fetch nothing.
# --refresh: re-read the archive's index first (after a failed download).
latest=0 refresh=0
case "${1:-}" in --latest) latest=1; shift ;; --refresh) refresh=1; shift ;; esac
[ $# -eq 1 ] || usage
read -r name suite pabi pversion _ < <(manifest_line "$1") || die "kernel '$1' is not in dumps/kernels.manifest"

# resolve -> "ABI VERSION KBUILD COMMON CODENAME PARTS REASON..." (dumps/resolve.py)
resolve() {
    local idx; idx=$(mktemp)
    apt_suite_indexes "$suite" >"$idx"
    "$PY" "$here/resolve.py" --series "$name" --suite "$suite" --prefer "$pabi" "$pversion" "$idx" ||
        { rm -f "$idx"; die "kernel $name: nothing to build from $suite's archive (above); after fixing the host's apt sources, 'dumps/kernel.sh --refresh $name' retries"; }
    rm -f "$idx"
}

out="$ZDX_CACHE/kernels/$name"
if [ $latest = 0 ] && [ -f "$out/.done" ]; then
    step "kernel $name: $(cat "$out/release") ($(cat "$out/version")), already in the cache"
    exit 0
fi
[ $refresh = 1 ] && rm -rf "$(apt_suite_dir "$suite")/state/lists"
apt_suite_init "$suite"
read -r abi version kbuild common codename parts why < <(resolve) || exit 1
# The image's parts (forky: linux-binary-ABI, linux-modules-ABI), or none.
[ "$parts" = - ] && parts="" || parts=${parts//,/ }
[ -n "$parts" ] && why="$why (image in: $parts)"
if [ $latest = 1 ]; then echo "$abi $version $codename: $why"; exit 0; fi
step "kernel $name: $abi ($version, $codename): $why"

rm -rf "$out"; mkdir -p "$out/debs"
pkgs="linux-image-$abi $parts linux-image-$abi-dbg linux-headers-$abi $common $kbuild"
# Debian's image package is sometimes named linux-image-<abi>-unsigned.
step "kernel $name: downloading $pkgs ($version)"
( cd "$out/debs"
  for p in $pkgs; do
      if ! apt_suite_cmd "$suite" apt-get download -q "$p=$version" >/dev/null 2>"$out/debs/$p.err"; then
          if [ "$p" = "linux-image-$abi" ] && apt_suite_cmd "$suite" apt-get download -q "linux-image-$abi-unsigned=$version" >/dev/null 2>&1; then
              continue
          fi
          cat "$out/debs/$p.err" >&2
          die "cannot download $p=$version from $codename (sources: $(apt_suite_dir "$suite")/sources.list); the index may be stale: 'dumps/kernel.sh --refresh $name' re-reads it and resolves again"
      fi
  done )
step "kernel $name: unpacking"
tmp="$out/x"; mkdir -p "$tmp"
for d in "$out"/debs/linux-image-"$abi"_*.deb "$out"/debs/linux-image-"$abi"-unsigned_*.deb \
         "$out"/debs/linux-binary-"$abi"_*.deb "$out"/debs/linux-modules-"$abi"_*.deb \
         "$out"/debs/linux-base-"$abi"_*.deb; do
    [ -f "$d" ] && dpkg-deb -x "$d" "$tmp"
done
# boot_file NAME: /boot/NAME-ABI, or forky's /usr/lib/modules/ABI/NAME.
boot_file() {
    local f
    for f in "$tmp/boot/$1-$abi" "$tmp/usr/lib/modules/$abi/$1" "$tmp/lib/modules/$abi/$1"; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}
cp "$(boot_file vmlinuz)" "$out/vmlinuz" || die "kernel $name: no vmlinuz in linux-image-$abi $parts"
cp "$(boot_file config)" "$out/config" || die "kernel $name: no config in linux-image-$abi $parts"
# (forky's is a one-line placeholder pointing at the -dbg package: skipped)
f=$(boot_file System.map) && [ "$(wc -l <"$f")" -gt 1 ] && cp "$f" "$out/System.map"
mkdir -p "$out/modules/lib"
if [ -d "$tmp/lib/modules" ]; then mv "$tmp/lib/modules" "$out/modules/lib/"; else mv "$tmp/usr/lib/modules" "$out/modules/lib/"; fi
rm -f "$out/modules/lib/modules/$abi"/{vmlinuz,config,System.map}
rm -rf "$tmp"
# One pass over the (1-1.2 GB) -dbg package: the vmlinux in either place and
# the nvdimm/dax modules' debuginfo; patterns a kernel lacks are not errors.
dbgmods="./usr/lib/debug/lib/modules/$abi"
dpkg-deb --fsys-tarfile "$out"/debs/linux-image-"$abi"-dbg_*.deb |
    tar -x -C "$out" --wildcards "./usr/lib/debug/boot/*" "$dbgmods/vmlinux" \
        "$dbgmods/kernel/drivers/nvdimm/*" "$dbgmods/kernel/drivers/dax/*" 2>"$out/dbg-tar.err" || true
if [ -f "$out/usr/lib/debug/boot/vmlinux-$abi" ] && [ ! -L "$out/usr/lib/debug/boot/vmlinux-$abi" ]; then
    mv "$out/usr/lib/debug/boot/vmlinux-$abi" "$out/vmlinux"
elif [ -f "$out/$dbgmods/vmlinux" ]; then
    mv "$out/$dbgmods/vmlinux" "$out/vmlinux"
else
    cat "$out/dbg-tar.err" >&2; die "kernel $name: no vmlinux in linux-image-$abi-dbg"
fi
rm -f "$out/dbg-tar.err"
[ -d "$out/usr/lib/debug/lib/modules" ] && mv "$out/usr/lib/debug/lib/modules" "$out/debug-modules"
rm -rf "$out/usr"
mkdir -p "$out/headers"
for d in "$out"/debs/linux-headers-*.deb "$out"/debs/linux-kbuild-*.deb; do dpkg-deb -x "$d" "$out/headers"; done
# Debian's headers link scripts/ and tools/ to /usr/lib/linux-kbuild-X; point them into our copy.
hdir="$out/headers/usr/src/linux-headers-$abi"
for l in $(find "$out/headers/usr/src" -maxdepth 2 -type l); do
    t=$(readlink "$l"); case "$t" in /*) ln -sfn "$out/headers$t" "$l";; esac
done
rm -rf "$out/debs"
echo "$abi" >"$out/release"
echo "$version" >"$out/version"
echo "$abi $version $codename: $why" >"$out/resolved"
echo "$abi $version" >"$out/.done"
step "kernel $name: ready in $out"
