#!/usr/bin/env bash
# dumps/vmlinux-boot.sh K: $ZDX_CACHE/kernels/K/vmlinux.boot, the kernel's
# own uncompressed image for QEMU to boot through its PVH entry point, once.
#
# Why: under TCG the bzImage's decompressor is the slowest part of a boot
# (Debian's kernels are xz or zstd compressed): measured 2026-12-02 on 6.1
# (xz), first kernel line 6-14 s after QEMU starts with vmlinuz, 2.5-3.3 s
# with this image (loading 65 MB through fw_cfg), the rest of the boot the
# same.  The image is vmlinux without symbols or DWARF (objcopy
# --strip-all): the same loadable segments and notes, so the same kernel
# text and the same build-id note; QEMU enters it at the address of its
# XEN_ELFNOTE_PHYS32_ENTRY note (CONFIG_PVH, every Debian kernel here).
# With no such note, or for a KASLR boot (randomisation is the
# decompressor's work; PVH entry never moves the kernel), the factory boots
# vmlinuz; vmlinux.boot.none records a kernel without the note.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
k=${1:?usage: vmlinux-boot.sh KERNEL}
d="$ZDX_CACHE/kernels/$k"
src="$d/vmlinux.debian"
[ -f "$src" ] || src="$d/vmlinux"
[ -f "$src" ] || die "kernel $k: no vmlinux in $d"
[ -f "$d/vmlinux.boot" ] || [ -f "$d/vmlinux.boot.none" ] && exit 0
# XEN_ELFNOTE_PHYS32_ENTRY = 18 (include/xen/interface/elfnote.h).
# (Not `readelf | grep -q`: with pipefail, grep leaving early is readelf's SIGPIPE.)
notes=$(readelf -nW "$src" 2>/dev/null) || die "kernel $k: readelf -n $src failed"
if [[ "$notes" != *"Unknown note type: (0x00000012)"* ]]; then
    step "kernel $k: no PVH entry note in its vmlinux: guests boot vmlinuz"
    : >"$d/vmlinux.boot.none"
    exit 0
fi
objcopy --strip-all -R .comment "$src" "$d/vmlinux.boot.tmp" || { rm -f "$d/vmlinux.boot.tmp"; die "kernel $k: objcopy --strip-all failed"; }
mv "$d/vmlinux.boot.tmp" "$d/vmlinux.boot"
