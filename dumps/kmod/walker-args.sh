# Guest-side helper for zdx_walker.ko (busybox sh; sourced, not run).
#
#   zdx_walker_args MODE [ARG]
#
# prints one line "start_pfn=0x... nr_pages=N pfn=0x..." computed from sysfs:
# the first two are the module parameters, pfn is the pfn whose struct page
# the walker faults on (ground truth; "pfn=none" for control).  ARG is the
# namespace (default namespace0.0) or, for modes offline and movable-vmemmap,
# the memory block number.  Returns non-zero, with a message on stderr, when
# the layout does not fit the mode.  See README.md for the configuration each mode needs.

ZDX_SECTION_PAGES=32768         # 128 MiB sections, 4 KiB pages (x86_64)
ZDX_SUBSECTION_PAGES=512        # 2 MiB sub-sections

_zdx_hex() { printf '0x%x' "$1"; }
_zdx_err() { echo "zdx_walker_args: $*" >&2; return 1; }

# _zdx_ns_range NS: "start_pfn end_pfn" (end exclusive) of a namespace.
_zdx_ns_range() {
    local d=/sys/bus/nd/devices/$1 s n
    [ -r "$d/resource" ] || { _zdx_err "no $d/resource"; return 1; }
    s=$(cat "$d/resource"); n=$(cat "$d/size")
    echo "$((s >> 12)) $(((s + n) >> 12))"
}

# _zdx_data_pfn NS: pfn_first, the first data pfn of the fsdax (pfnX.Y) or
# devdax (daxX.Y) device claiming NS.  Its sysfs "resource" is the namespace
# start + start_pad + dataoff, i.e. what follows the info block and, with
# --map=dev, the memmap stored on the device.
_zdx_claim_dev() {  # the pfnX.Y/daxX.Y sysfs dir claiming namespace $1
    local d
    for d in /sys/bus/nd/devices/pfn* /sys/bus/nd/devices/dax*; do
        [ -r "$d/namespace" ] && [ "$(cat "$d/namespace")" = "$1" ] && [ -r "$d/resource" ] &&
            { echo "$d"; return 0; }
    done
    _zdx_err "no pfn/dax device claims $1"
}
_zdx_data_pfn() {
    local d
    d=$(_zdx_claim_dev "$1") || return 1
    echo $(($(cat "$d/resource") >> 12))
}

zdx_walker_args() {
    local mode=$1 ns=${2:-namespace0.0} r s e f p blk bs
    case $mode in
    altmap-reserve)
        # The info-block reserve [base, base + reserve): first pfn of the
        # namespace (when it is 2 MiB aligned, base_pfn is that pfn).
        r=$(_zdx_ns_range "$ns") || return 1; set -- $r; s=$1
        [ $((s % ZDX_SUBSECTION_PAGES)) -eq 0 ] || { _zdx_err "$ns is not 2 MiB aligned"; return 1; }
        echo "start_pfn=$(_zdx_hex $s) nr_pages=16 pfn=$(_zdx_hex $s)" ;;
    altmap-memmap)
        # The last pfn of the memmap storage [base + reserve, pfn_first).
        f=$(_zdx_data_pfn "$ns") || return 1
        r=$(_zdx_ns_range "$ns") || return 1; set -- $r
        [ $((f - $1)) -gt 2 ] || { _zdx_err "$ns has no memmap on the device (--map=mem?)"; return 1; }
        echo "start_pfn=$(_zdx_hex $((f - 1))) nr_pages=16 pfn=$(_zdx_hex $((f - 1)))" ;;
    device-page)
        f=$(_zdx_data_pfn "$ns") || return 1
        echo "start_pfn=$(_zdx_hex $f) nr_pages=16 pfn=$(_zdx_hex $f)" ;;
    shared-section)
        # Walk the whole section holding the namespace start, from its first
        # (RAM) pfn; the first pmem pfn is the first ZONE_DEVICE page.
        r=$(_zdx_ns_range "$ns") || return 1; set -- $r; s=$1
        p=$((s & ~(ZDX_SECTION_PAGES - 1)))
        [ $p -ne $s ] || { _zdx_err "$ns starts on a section boundary"; return 1; }
        # With --map=dev (pfn mode "pmem") the reserve pfns keep their
        # boot-time init and the first ZONE_DEVICE pfn moves: refuse it.
        # --map=mem on a legacy e820 namespace leaves no pfn device at all
        # (the namespace maps its pages itself, memmap in RAM): fine.
        f=$(_zdx_claim_dev "$ns" 2>/dev/null) &&
            [ "$(cat "$f/mode" 2>/dev/null)" = pmem ] && { _zdx_err "$ns: use --map=mem for this mode"; return 1; }
        echo "start_pfn=$(_zdx_hex $p) nr_pages=$ZDX_SECTION_PAGES pfn=$(_zdx_hex $s)" ;;
    subsection-hole)
        # The section holding the namespace's last pfn, from its first pfn
        # (a data pfn of the same namespace); the first pfn past the
        # namespace is in a sub-section nobody added.
        r=$(_zdx_ns_range "$ns") || return 1; set -- $r; s=$1; e=$2
        p=$(((e - 1) & ~(ZDX_SECTION_PAGES - 1)))
        f=$(_zdx_data_pfn "$ns") || return 1
        [ $((e % ZDX_SECTION_PAGES)) -ne 0 ] || { _zdx_err "$ns ends on a section boundary"; return 1; }
        [ $p -ge $f ] || { _zdx_err "$ns must start in an earlier section than it ends"; return 1; }
        echo "start_pfn=$(_zdx_hex $p) nr_pages=$ZDX_SECTION_PAGES pfn=$(_zdx_hex $e)" ;;
    offline)
        blk=/sys/devices/system/memory/memory${2:?offline needs a memory block number}
        [ "$(cat "$blk/state")" = offline ] || { _zdx_err "memory$2 is not offline"; return 1; }
        bs=$(cat /sys/devices/system/memory/block_size_bytes)
        p=$((0x$(cat "$blk/phys_index") * ZDX_SECTION_PAGES))
        echo "start_pfn=$(_zdx_hex $p) nr_pages=$((0x$bs >> 12)) pfn=$(_zdx_hex $p)" ;;
    movable-vmemmap)
        # An online_movable block hot-plugged with memmap_on_memory: its
        # first pages hold its own memmap.  Walk the whole block from its
        # first pfn, which is the first of those pages.
        blk=/sys/devices/system/memory/memory${2:?movable-vmemmap needs a memory block number}
        [ "$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory 2>/dev/null)" = Y ] ||
            { _zdx_err "memory_hotplug.memmap_on_memory is not enabled"; return 1; }
        [ "$(cat "$blk/state")" = online ] && [ "$(cat "$blk/valid_zones")" = Movable ] ||
            { _zdx_err "memory$2 is not online in ZONE_MOVABLE"; return 1; }
        bs=$(cat /sys/devices/system/memory/block_size_bytes)
        p=$((0x$(cat "$blk/phys_index") * ZDX_SECTION_PAGES))
        echo "start_pfn=$(_zdx_hex $p) nr_pages=$((0x$bs >> 12)) pfn=$(_zdx_hex $p)" ;;
    spin-memmap|warn-memmap)
        # The last memmap-storage pfn, as altmap-memmap.
        f=$(_zdx_data_pfn "$ns") || return 1
        r=$(_zdx_ns_range "$ns") || return 1; set -- $r
        [ $((f - $1)) -gt 2 ] || { _zdx_err "$ns has no memmap on the device (--map=mem?)"; return 1; }
        echo "start_pfn=$(_zdx_hex $((f - 1))) nr_pages=16 pfn=$(_zdx_hex $((f - 1)))" ;;
    spin-data|warn-data)
        f=$(_zdx_data_pfn "$ns") || return 1
        echo "start_pfn=$(_zdx_hex $f) nr_pages=16 pfn=$(_zdx_hex $f)" ;;
    spin-control)
        # Kernel-image pages: online RAM, reserved, never freed.
        p=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : Kernel code$/\1/p' /proc/iomem | head -n 1)
        [ -n "$p" ] && [ "$p" != 00000000 ] || { _zdx_err "no Kernel code in /proc/iomem"; return 1; }
        echo "start_pfn=$(_zdx_hex $((0x$p >> 12))) nr_pages=16 pfn=none" ;;
    control|warn-control)
        # One section of RAM below the namespace, then the namespace.
        r=$(_zdx_ns_range "$ns") || return 1; set -- $r; s=$1; e=$2
        p=$(((s & ~(ZDX_SECTION_PAGES - 1)) - ZDX_SECTION_PAGES))
        echo "start_pfn=$(_zdx_hex $p) nr_pages=$((e - p)) pfn=none" ;;
    *)
        _zdx_err "unknown mode '$mode'" ;;
    esac
}
