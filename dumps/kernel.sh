#!/usr/bin/env bash
# Resolve (dumps/resolve.py), fetch and unpack one Debian kernel of a series into the cache, without touching
# the host's dpkg database or apt state: each suite gets a private apt state
# dir, packages are downloaded with `apt-get download` and unpacked with
# dpkg-deb.  Output (under $ZDX_CACHE/kernels/NAME):
#   vmlinuz  vmlinux  System.map  config  modules/lib/modules/<abi>/...
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

# resolve -> "ABI VERSION KBUILD COMMON CODENAME REASON..." (dumps/resolve.py)
resolve() {
    local idx; idx=$(mktemp)
    apt_suite_indexes "$suite" >"$idx"
    python3 "$here/resolve.py" --series "$name" --suite "$suite" --prefer "$pabi" "$pversion" "$idx" ||
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
read -r abi version kbuild common codename why < <(resolve) || exit 1
if [ $latest = 1 ]; then echo "$abi $version $codename: $why"; exit 0; fi
step "kernel $name: $abi ($version, $codename): $why"

rm -rf "$out"; mkdir -p "$out/debs"
pkgs="linux-image-$abi linux-image-$abi-dbg linux-headers-$abi $common $kbuild"
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
for d in "$out"/debs/linux-image-"$abi"_*.deb "$out"/debs/linux-image-"$abi"-unsigned_*.deb; do
    [ -f "$d" ] && dpkg-deb -x "$d" "$tmp"
done
cp "$tmp/boot/vmlinuz-$abi" "$out/vmlinuz"
cp "$tmp/boot/config-$abi" "$out/config"
cp "$tmp/boot/System.map-$abi" "$out/System.map" 2>/dev/null || true
mkdir -p "$out/modules"
if [ -d "$tmp/lib/modules" ]; then mv "$tmp/lib" "$out/modules/"; else mkdir -p "$out/modules/lib" && mv "$tmp/usr/lib/modules" "$out/modules/lib/"; fi
rm -rf "$tmp"
dpkg-deb --fsys-tarfile "$out"/debs/linux-image-"$abi"-dbg_*.deb |
    tar -x -C "$out" --wildcards "./usr/lib/debug/boot/*" "./usr/lib/debug/lib/modules/$abi/kernel/drivers/nvdimm/*" "./usr/lib/debug/lib/modules/$abi/kernel/drivers/dax/*" 2>/dev/null ||
    dpkg-deb --fsys-tarfile "$out"/debs/linux-image-"$abi"-dbg_*.deb | tar -x -C "$out" --wildcards "./usr/lib/debug/boot/*"
mv "$out/usr/lib/debug/boot/vmlinux-$abi" "$out/vmlinux"
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
