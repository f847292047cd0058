#!/usr/bin/env bash
# Build the base guest initramfs for one kernel:
#   $ZDX_CACHE/initramfs/NAME/base.cpio.gz
# It holds busybox-static, ndctl/daxctl with their libraries, the
# makedumpfile that filters the kernel's dumps on the host and kexec (for the
# in-guest kdump scenario), the kernel's own nvdimm/dax/
# pvpanic/fw_cfg/virtio modules (decompressed: busybox insmod cannot read
# .ko.xz) in dependency order, and dumps/guest/init.  Scenario-specific
# files are appended later as a second cpio (the kernel unpacks both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# Modules wanted, in the order the guest should probe them; their
# dependencies are loaded first.  Names missing from a kernel are skipped
# (built in or renamed, e.g. 5.10's single pvpanic.ko).
WANTED="qemu_fw_cfg pvpanic pvpanic_mmio libnvdimm nd_btt nd_pmem nd_e820 nfit
device_dax dax_pmem dax_pmem_compat kmem virtio_pci virtio_blk"

# mod_path MODDIR NAME -> relative path of module NAME (- and _ equivalent)
mod_path() {
    awk -F: -v n="$2" '{ f=$1; b=f; sub(/.*\//,"",b); sub(/\.ko(\.xz|\.zst|\.gz)?$/,"",b); gsub(/-/,"_",b);
                         if (b==n) { print f; exit } }' "$1/modules.dep"
}
mod_deps() { awk -F: -v f="$2" '$1==f { print $2; exit }' "$1/modules.dep"; }

# Depth-first: dependencies before dependants, each once.
declare -A seen=()
order=()
visit() {
    local moddir=$1 rel=$2 d
    [ -n "${seen[$rel]:-}" ] && return 0
    seen[$rel]=1
    for d in $(mod_deps "$moddir" "$rel" | tr ' ' '\n' | tac); do visit "$moddir" "$d"; done
    order+=("$rel")
}

copy_libs() {   # copy_libs ROOT BINARY... : the binaries and their shared libraries
    local root=$1; shift
    local f l
    for f in "$@"; do
        [ -x "$f" ] || die "$f is missing on the host (apt-get install ndctl daxctl makedumpfile kexec-tools)"
        install -D -m 0755 "$f" "$root$f"
        for l in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
            # 0755: the kernel needs exec permission on the ELF interpreter.
            [ -e "$root$l" ] || install -D -m 0755 "$l" "$root$l"
        done
    done
}

# guest_makedumpfile ROOT KERNEL: the capture kernel filters with the
# makedumpfile the host uses for KERNEL (makedumpfile-for.sh), not always the
# host's: bookworm's 1.7.2 does not know 6.12, and its -d 31 in a 6.12
# capture kernel dropped the pages of the memory blocks and of the pmem
# device's name (measured 2026-12-02).  Another suite's binary runs in the
# guest as it does on the host: under that suite's ld.so and libraries, from
# /opt/makedumpfile, behind a /usr/bin/makedumpfile script.
guest_makedumpfile() {
    local root=$1 mdf sroot ldso l opt="$1/opt/makedumpfile"
    mdf=$("$here/makedumpfile-for.sh" "$2") || die "no makedumpfile for $2"
    if [ "$mdf" = "$(command -v makedumpfile)" ]; then
        copy_libs "$root" "$mdf"
        return
    fi
    sroot=$(dirname "$(dirname "$mdf")")/root
    ldso=$(suite_root_ldso "$sroot") || die "no ld.so in $sroot, the root of $mdf (dumps/suite-tool.sh)"
    mkdir -p "$opt/lib"
    install -m 0755 "$sroot/usr/bin/makedumpfile" "$opt/makedumpfile"
    install -m 0755 "$ldso" "$opt/ld.so"
    for l in $("$ldso" --library-path "$(suite_root_libpath "$sroot")" \
                   --list "$sroot/usr/bin/makedumpfile" | awk '/=> \//{print $3}'); do
        install -m 0755 "$l" "$opt/lib/"
    done
    printf '#!/bin/sh\nexec /opt/makedumpfile/ld.so --library-path /opt/makedumpfile/lib /opt/makedumpfile/makedumpfile "$@"\n' \
        >"$root/usr/bin/makedumpfile"
    chmod 0755 "$root/usr/bin/makedumpfile"
}

build() {
    local name=$1 kdir="$ZDX_CACHE/kernels/$1" out="$ZDX_CACHE/initramfs/$1"
    local rel; rel=$(cat "$kdir/release")
    local moddir="$kdir/modules/lib/modules/$rel"
    [ -f "$moddir/modules.dep" ] || depmod -b "$kdir/modules" "$rel" || die "depmod failed for $name"
    local root="$out/root"
    rm -rf "$root"; mkdir -p "$root"/{bin,sbin,dev,proc,sys,run,tmp,mnt,etc,lib/modules/"$rel"}
    cp /bin/busybox "$root/bin/busybox"
    copy_libs "$root" /usr/bin/ndctl /usr/bin/daxctl /usr/sbin/kexec
    guest_makedumpfile "$root" "$name"
    local m rel_path
    for m in $WANTED; do
        rel_path=$(mod_path "$moddir" "$m")
        [ -n "$rel_path" ] && visit "$moddir" "$rel_path"
    done
    : >"$root/etc/zdx-modules"
    for rel_path in "${order[@]}"; do
        local dst="$root/lib/modules/$rel/${rel_path%.xz}"
        mkdir -p "$(dirname "$dst")"
        case "$rel_path" in
            *.xz) xz -dc "$moddir/$rel_path" >"$dst" ;;
            *)    cp "$moddir/$rel_path" "$dst" ;;
        esac
        echo "/lib/modules/$rel/${rel_path%.xz}" >>"$root/etc/zdx-modules"
    done
    install -m 0755 "$here/guest/init" "$root/init"
    ( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 ) >"$out/base.cpio.gz.tmp"
    mv "$out/base.cpio.gz.tmp" "$out/base.cpio.gz"
    rm -rf "$root"
}

[ $# -eq 1 ] || { echo "usage: $0 KERNEL" >&2; exit 2; }
[ -f "$ZDX_CACHE/kernels/$1/.done" ] || "$here/kernel.sh" "$1"
mkdir -p "$ZDX_CACHE/initramfs/$1"
build "$1"
