#!/usr/bin/env bash
# zdx dump factory: build the vmcore corpus described by dumps/scenarios/*.scn.
#   dumps/factory.sh [--kernel K] [--scenario S] [--force] [--list]
# For every (kernel, scenario) pair whose inputs changed (see stamp()), boot a
# guest, capture its dumps and write $ZDX_CACHE/dumps/K/S/{vmcore.*,truth.json,
# console.log}.  docs/dumps.md describes scenarios, truth and layout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/scn_check.sh"

# The verdict words a walker scenario may expect: include/zdx/verdicts.h.
VERDICTS=$("$PY" "$here/verdicts.py" | tr '\n' ' ') && [ -n "$VERDICTS" ] ||
    die "dumps/verdicts.py could not read the verdict vocabulary (include/zdx/verdicts.h)"

usage() { echo "usage: $0 [--kernel K] [--scenario S] [--force] [--list]" >&2; exit 2; }

# ---- scenario files ---------------------------------------------------------
# Every variable a scenario file may set, with its default (docs/dumps.md
# describes each).  A .scn file that assigns any other name is rejected
# (scn_check, dumps/scn_check.sh, says how):
# a misspelt variable must not silently leave the real one at its default.
SCN_DEFAULTS=(
    DESCRIPTION= KERNELS=6.1 MEM=2560M SMP=2 SLOTS= MAXMEM= CMDLINE= PMEM=none
    NVDIMMS= NVDIMM_LABEL=128K NVDIMM_BACKING=ram QEMU_EXTRA= KASLR=no
    HOTPLUG= HOTPLUG_BLOCKS=0 "FORMATS=kdump-zlib@6.1 elf" KEEP_ELF=no TIMEOUT=240
    TRIGGER=sysrq "SYS_PANIC=sysrq triggered crash" WALKER_MODE= EXPECT_VERDICT= EXPECT_OWNER=
    GUEST_SETUP=: GUEST_AFTER_HOTPLUG=: GUEST_PREPARE=: GUEST_TRIGGER= GUEST_TRUTH_EXTRA=
    KDUMP=no CRASHKERNEL=256M WALKER_ARG= WALKER_PARAMS= EXPECT_FUNCTION= OPT_IN=no CXL=
    KERNELS_FULL=
)

# load_scn FILE: reset every scenario variable to its default, check that
# FILE assigns only those (scn_check, dumps/scn_check.sh), then source FILE.
load_scn() {
    local d problems
    for d in "${SCN_DEFAULTS[@]}"; do declare -g "$d"; done
    problems=$(scn_check "$1" "${SCN_DEFAULTS[@]}") ||
        die "$1: $(echo "$problems" | paste -sd';' | sed 's/;/; /g') (a scenario may set: ${SCN_DEFAULTS[*]%%=*})"
    # shellcheck disable=SC1090
    . "$1"
    [ -n "$DESCRIPTION" ] || die "$1: DESCRIPTION is empty"
    case "$PMEM" in none|legacy|nfit) ;; *) die "$1: PMEM must be none|legacy|nfit, not '$PMEM'";; esac
    case "$TRIGGER" in sysrq|walker) ;; *) die "$1: TRIGGER must be sysrq|walker";; esac
    case "$KDUMP" in yes|no) ;; *) die "$1: KDUMP must be yes|no";; esac
    case "$OPT_IN" in yes|no) ;; *) die "$1: OPT_IN must be yes|no";; esac
    local k
    for k in $KERNELS_FULL; do
        [[ " $KERNELS " != *" $k "* ]] || die "$1: kernel $k is in both KERNELS and KERNELS_FULL"
    done
    [ -z "$CXL" ] || [ -n "$MAXMEM" ] || die "$1: a CXL machine needs SLOTS and MAXMEM (QEMU places the CXL window above maxmem)"
    if [ "$TRIGGER" = walker ]; then
        [[ " $VERDICTS " == *" $EXPECT_VERDICT "* ]] || die "$1: EXPECT_VERDICT '$EXPECT_VERDICT' is not one of: $VERDICTS"
        [ -n "$WALKER_MODE" ] || die "$1: a walker scenario needs WALKER_MODE"
        [ "$SYS_PANIC" != "sysrq triggered crash" ] || SYS_PANIC="Fatal exception"
    fi
    return 0
}

scn_names() { for f in "$here"/scenarios/*.scn; do basename "$f" .scn; done; }

# ---- accelerator ------------------------------------------------------------
# KVM is used only if a real guest boots under it (a /dev/kvm that exists but
# cannot run a stock kernel is known here); the answer is cached per host
# kernel and QEMU version.
accel() {
    local key f
    key="$(uname -r)-$(qemu-system-x86_64 --version | awk 'NR == 1 {print $4}')"
    f="$ZDX_CACHE/accel-$key"
    [ -f "$f" ] && { cat "$f"; return; }
    local a=tcg
    if [ -w /dev/kvm ]; then
        step "probing KVM with a real boot (30 s limit; result cached in $f)"
        local t; t=$(mktemp -d)
        printf '#!/bin/busybox sh\n/bin/busybox echo ZDX-KVM-BOOTED >/dev/console\n/bin/busybox poweroff -f\n' >"$t/init"
        chmod +x "$t/init"; mkdir -p "$t/bin"; cp /bin/busybox "$t/bin/"
        ( cd "$t" && printf 'init\nbin\nbin/busybox\n' | cpio -o -H newc --quiet ) >"$t/i.cpio"
        timeout 30 qemu-system-x86_64 -accel kvm -cpu host -m 512M -nodefaults -display none -no-reboot \
            -kernel "$ZDX_CACHE/kernels/$1/vmlinuz" -initrd "$t/i.cpio" -append "console=ttyS0 panic=-1" \
            -serial file:"$t/console" >/dev/null 2>&1 || true
        grep -q ZDX-KVM-BOOTED "$t/console" 2>/dev/null && a=kvm
        rm -rf "$t"
    fi
    echo "$a" >"$f"; echo "$a"
}
# accel_args ACCEL [nohv]: nohv hides the CPUID hypervisor bit (CXL
# machines: from 6.3 on, committing a CXL region calls
# cxl_region_invalidate_memregion(), which fails "Failed to synchronize CPU
# cache state" when the CPU says it runs under a hypervisor).
accel_args() {
    local hv=${2:+,-hypervisor}
    if [ "$1" = kvm ]; then echo "-accel kvm -cpu host$hv"
    # +rdrand: the guest's crng is ready at boot (Debian trusts the CPU's RNG);
    # without it the raw fill waits seconds for /dev/urandom under TCG.
    else echo "-accel tcg -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+rdrand$hv"; fi
}

# ---- stamp ------------------------------------------------------------------
# Hash of everything a dump depends on: the scenario file, the factory
# scripts that build it and guest /init, the kernel build resolved for the
# series (its ABI and package version, not the manifest's preference), the
# filtered dump's level, and
# (walker scenarios only) the walker module's source.  Same stamp -> not rebuilt.
stamp() {
    local k=$1 s=$2
    {
        cat "$here/scenarios/$s.scn"
        # Only what shapes a dump: not the checker, schema or crash helpers.
        cat "$here"/{factory.sh,lib.sh,initramfs.sh,run_guest.py,elffix.py,truth.py} "$here"/guest/*
        cat "$ZDX_CACHE/kernels/$k/release" "$ZDX_CACHE/kernels/$k/version" 2>/dev/null
        "$here/makedumpfile-for.sh" --level "$k"
        [ "$TRIGGER" = walker ] && cat "$here"/kmod/*.c "$here"/kmod/*.h "$here"/kmod/*.sh "$here"/kmod/Makefile "$here"/kmod/Kbuild 2>/dev/null
        true
    } | sha256sum | cut -c1-16
}

# ---- guest pieces -----------------------------------------------------------
base_initramfs() {
    local k=$1 f="$ZDX_CACHE/initramfs/$1/base.cpio.gz" st
    st=$(cat "$here/initramfs.sh" "$here/guest/init" "$ZDX_CACHE/kernels/$k/version" | sha256sum | cut -c1-16)
    if [ ! -f "$f" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$st" ]; then
        step "$k: building base initramfs"
        "$here/initramfs.sh" "$k" || die "initramfs for $k failed"
        echo "$st" >"$f.stamp"
    fi
    echo "$f"
}

# scenario_cpio K WORK: the guest's /scenario.sh (and files it needs) as a
# second cpio.  Only guest-side code goes in; expectations stay on the host.
scenario_cpio() {
    local k=$1 w=$2 r="$2/scn-root"
    mkdir -p "$r"
    {
        echo "ZDX_HOTPLUG=$([ -n "$HOTPLUG" ] && echo 1 || echo 0)"
        echo "ZDX_HOTPLUG_BLOCKS=$HOTPLUG_BLOCKS"
        echo "ZDX_WALKER_MODE='$WALKER_MODE'"
        echo "ZDX_WALKER_PARAMS='$WALKER_PARAMS'"
        # the capture kernel's filter level: this kernel's (makedumpfile-for.sh)
        [ "$KDUMP" = yes ] && echo "ZDX_DUMP_LEVEL=$("$here/makedumpfile-for.sh" --level "$k")"
        printf 'zdx_setup() {\n%s\n%s\n}\n' "$([ -n "$CXL" ] && echo zdx_cxl_load)" "$GUEST_SETUP"
        [ -n "$CXL" ] && cxl_guest_code
        printf 'zdx_after_hotplug() {\n%s\n}\n' "$GUEST_AFTER_HOTPLUG"
        printf 'zdx_prepare() {\n%s\n}\n' "$GUEST_PREPARE"
        [ -n "$GUEST_TRUTH_EXTRA" ] && printf 'zdx_truth_extra() {\n%s\n}\n' "$GUEST_TRUTH_EXTRA"
        if [ "$TRIGGER" = walker ]; then walker_guest_code
        else printf 'zdx_trigger() {\n%s\n}\n' "${GUEST_TRIGGER:-echo c >/proc/sysrq-trigger}"; fi
    } >"$r/scenario.sh"
    local v
    for v in $VERDICTS; do
        grep -qi -- "$v" "$r/scenario.sh" && die "guest code of this scenario contains the verdict word '$v': keep verdicts on the host"
    done
    if [ "$TRIGGER" = walker ]; then
        local ko="$ZDX_CACHE/kmod/$k/zdx_walker.ko"
        if [ ! -f "$ko" ] || [ -n "$(find "$here/kmod" -newer "$ko" -type f 2>/dev/null | head -n 1)" ]; then
            [ -x "$here/kmod/build.sh" ] || die "walker scenario needs dumps/kmod/build.sh (not there yet)"
            step "$k: building zdx_walker.ko"
            "$here/kmod/build.sh" "$k" >"$w/kmod-build.log" 2>&1 || { tail -n 20 "$w/kmod-build.log" >&2; die "dumps/kmod/build.sh $k failed"; }
        fi
        cp "$ko" "$r/zdx_walker.ko"
        cp "$here/kmod/walker-args.sh" "$r/walker-args.sh"
    fi
    [ -n "$CXL" ] && cxl_guest_files "$k" "$r"
    if [ "$KDUMP" = yes ]; then
        # The capture kernel reuses the base initramfs: its /init sees /proc/vmcore.
        mkdir -p "$r/kdump"
        cp "$ZDX_CACHE/kernels/$k/vmlinuz" "$r/kdump/vmlinuz"
        cp "$(base_initramfs "$k")" "$r/kdump/initrd.img"
    fi
    ( cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 ) >"$w/scenario.cpio.gz"
    rm -rf "$r"
}

# ---- CXL ------------------------------------------------------------------
# A CXL scenario's guest gets, in its scenario cpio (not the base initramfs,
# which every other scenario shares), the kernel's drivers/cxl modules with
# their dependencies in load order and bookworm's `cxl` tool (ndctl package)
# with its libraries; /scenario.sh loads the modules before GUEST_SETUP runs.
cxl_guest_files() {
    local k=$1 r=$2 rel moddir m f
    rel=$(cat "$ZDX_CACHE/kernels/$k/release")
    moddir="$ZDX_CACHE/kernels/$k/modules/lib/modules/$rel"
    [ -x /usr/bin/cxl ] || die "a CXL scenario needs /usr/bin/cxl on the host (apt-get install ndctl)"
    install -D -m 0755 /usr/bin/cxl "$r/usr/bin/cxl"
    for f in $(ldd /usr/bin/cxl | awk '/=> \//{print $3}'); do install -D -m 0755 "$f" "$r$f"; done
    mkdir -p "$r/etc"; : >"$r/etc/zdx-cxl-modules"
    for m in $(cxl_module_order "$moddir"); do
        mkdir -p "$r/cxl/$(dirname "$m")"
        case $m in *.xz) xz -dc "$moddir/$m" >"$r/cxl/${m%.xz}" ;; *) cp "$moddir/$m" "$r/cxl/$m" ;; esac
        echo "/cxl/${m%.xz}" >>"$r/etc/zdx-cxl-modules"
    done
    [ -s "$r/etc/zdx-cxl-modules" ] || die "$k has no drivers/cxl modules"
}
# cxl_module_order MODDIR: drivers/cxl/*.ko and what they depend on,
# dependencies first, each once (libnvdimm is in the base initramfs too:
# its second insmod answers "File exists").  Probe order: the ACPI root
# (cxl_acpi) before the memory devices, cxl_pmem (the nvdimm bridge) last.
cxl_module_order() {
    awk -F': *' '
        { d[$1] = $2; n = $1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); path[n] = $1 }
        function visit(f,   i, k, a) { if (f in seen) return; seen[f] = 1
            k = split(d[f], a, " "); for (i = 1; i <= k; i++) visit(a[i]); print f }
        END { split("cxl_core cxl_port cxl_acpi cxl_pci cxl_mem cxl_pmem", w, " ")
              for (i = 1; i <= 6; i++) if (w[i] in path) visit(path[w[i]]) }' "$1/modules.dep"
}
cxl_guest_code() {
    cat <<'EOS'
zdx_cxl_load() {
    local m
    while read -r m; do
        insmod "$m" 2>/tmp/insmod.err || grep -q 'File exists' /tmp/insmod.err ||
            fail "insmod $m: $(cat /tmp/insmod.err)"
    done </etc/zdx-cxl-modules
}
# cxl_run ARGS: the cxl tool with its failure reported through the truth port.
cxl_run() {
    log "cxl $*"
    cxl "$@" >/tmp/cxl.out 2>&1 || { cat /tmp/cxl.out >/dev/console; fail "cxl $* failed: $(tail -n 3 /tmp/cxl.out | tr '\n' ' ')"; }
    cat /tmp/cxl.out >/dev/console
}
EOS
}

# walker_guest_code: the guest computes the walk (range and the pfn that
# must fault) from sysfs with dumps/kmod/walker-args.sh, records it on the
# truth port, then loads the walker.  WALKER_ARG is evaluated in the guest
# (a namespace name, or e.g. $ZDX_OFFLINE_BLOCK set by the scenario).
walker_guest_code() {
    cat <<EOS
zdx_walker_prepare() {
    . /walker-args.sh
    ZDX_WALK=\$(zdx_walker_args "\$ZDX_WALKER_MODE" $WALKER_ARG 2>/tmp/wa.err) ||
        fail "zdx_walker_args \$ZDX_WALKER_MODE: \$(cat /tmp/wa.err)"
    ZDX_OWNER=$WALKER_ARG
    case "\$ZDX_OWNER" in ''|namespace*) ;; *) ZDX_OWNER=memory\$ZDX_OWNER ;; esac
}
zdx_truth_extra() {
    section walker sh -c 'echo "mode=\$1"; echo "owner=\$2"; for kv in \$3; do echo "\$kv"; done' - "\$ZDX_WALKER_MODE" "\$ZDX_OWNER" "\$ZDX_WALK"
}
zdx_trigger() {
    set -- \$ZDX_WALK
    insmod /zdx_walker.ko mode="\$ZDX_WALKER_MODE" "\$1" "\$2" \$ZDX_WALKER_PARAMS
    fail "insmod zdx_walker.ko returned \$? without a crash"
}
EOS
}

# no_timer_check: the IO-APIC timer check at boot times the guest's timer
# interrupt against its own clock; on a loaded host TCG is too slow for it
# and the guest panics "IO-APIC + timer doesn't work!" (virtual machines
# commonly boot with it for that reason).
cmdline() {
    local c="console=ttyS0,115200 oops=panic panic=0 rdinit=/init no_timer_check"
    [ "$KASLR" = yes ] && c="$c kaslr" || c="$c nokaslr"
    [ "$KDUMP" = yes ] && c="$c crashkernel=$CRASHKERNEL"
    [ -n "$HOTPLUG" ] && c="$c memhp_default_state=offline"
    echo "$c $CMDLINE"
}

# boot_image K: the uncompressed vmlinux.boot (PVH entry, no decompressor
# under TCG: dumps/vmlinux-boot.sh) unless the scenario boots with KASLR,
# which only the bzImage's decompressor does.
boot_image() {
    local d="$ZDX_CACHE/kernels/$1"
    if [ "$KASLR" != yes ] && [ -f "$d/vmlinux.boot" ]; then echo "$d/vmlinux.boot"; else echo "$d/vmlinuz"; fi
}

# qemu_argv K WORK ACCEL: one argument per line (the runner reads them).
qemu_argv() {
    local k=$1 w=$2 machine=pc mem=$MEM
    [ "$PMEM" = nfit ] && machine="pc,nvdimm=on"
    [ -n "$CXL" ] && machine="q35,cxl=on"
    [ -n "$SLOTS" ] && mem="$mem,slots=$SLOTS,maxmem=$MAXMEM"
    printf '%s\n' qemu-system-x86_64 $(accel_args "$3" ${CXL:+nohv}) -machine "$machine" -m "$mem" -smp "$SMP" \
        -nodefaults -display none -no-reboot \
        -kernel "$(boot_image "$k")" -initrd "$w/initrd.img" -append "$(cmdline)" \
        -device pvpanic -device vmcoreinfo -action panic=pause \
        -serial "file:$w/console.log" -serial "file:$w/truth.txt" -qmp "unix:$w/qmp.sock,server=on,wait=off"
    local d id size
    for d in $NVDIMMS; do
        id=${d%%:*}; size=${d#*:}
        if [ "$NVDIMM_BACKING" = file ]; then
            # Sparse: QEMU touches host memory lazily; only what the guest writes is allocated.
            truncate -s "$size" "$w/$id.img"
            printf '%s\n' -object "memory-backend-file,id=mem-$id,share=on,mem-path=$w/$id.img,size=$size"
        else
            printf '%s\n' -object "memory-backend-ram,id=mem-$id,size=$size"
        fi
        printf '%s\n' -device "nvdimm,memdev=mem-$id,id=$id,label-size=$NVDIMM_LABEL"
    done
    if [ "$KDUMP" = yes ]; then
        truncate -s 1G "$w/kdump-d31.img" "$w/kdump-full.img"
        printf '%s\n' -drive "file=$w/kdump-d31.img,format=raw,if=virtio" -drive "file=$w/kdump-full.img,format=raw,if=virtio"
    fi
    [ -n "$CXL" ] && cxl_argv "$w"
    local x; for x in $QEMU_EXTRA; do echo "$x"; done
}

# cxl_argv WORK: one CXL host bridge with one root port and one type-3
# persistent memory device of $CXL bytes (sparse backing file) with a label
# storage area, and a 4 GiB CXL fixed memory window targeting the bridge.
# QEMU 7.2 spells the persistent backend memdev= (8.0+: persistent-memdev=).
# The device has a serial number (sn=), as real ones do: 7.2's cxl_pmem
# refuses a region on a memdev without one.
cxl_argv() {
    local w=$1
    truncate -s "$CXL" "$w/cxl-mem.img"; truncate -s 256M "$w/cxl-lsa.img"
    printf '%s\n' -object "memory-backend-file,id=cxl-mem0,share=on,mem-path=$w/cxl-mem.img,size=$CXL" \
        -object "memory-backend-file,id=cxl-lsa0,share=on,mem-path=$w/cxl-lsa.img,size=256M" \
        -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 \
        -device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2 \
        -device cxl-type3,bus=root_port13,memdev=cxl-mem0,lsa=cxl-lsa0,id=cxl-pmem0,sn=0x5a4458 \
        -machine cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G
}

# bytes SIZE: QEMU's size syntax (256M, 2G, 2T) in bytes.
bytes() {
    case $1 in
        *K) echo $(( ${1%K} << 10 )) ;; *M) echo $(( ${1%M} << 20 )) ;;
        *G) echo $(( ${1%G} << 30 )) ;; *T) echo $(( ${1%T} << 40 )) ;;
        *) echo $(( $1 )) ;;
    esac
}

# elf_scratch WORK: a directory for the ELF dump, which lives only until
# makedumpfile has filtered it.  tmpfs (/dev/shm) when it has room for two
# of this guest (two builds run at once) and 1 GiB to spare, else WORK.
# Measured here, a 2.5 GiB ELF: 14 s into ext4, 6.7 s into tmpfs, most of
# it system time; makedumpfile then reads it from memory.
elf_scratch() {
    local w=$1 need avail d
    need=$(bytes "$MEM")
    for d in $NVDIMMS $HOTPLUG; do need=$(( need + $(bytes "${d#*:}") )); done
    [ -z "$CXL" ] || need=$(( need + $(bytes "$CXL") ))
    avail=$(df -B1 --output=avail /dev/shm 2>/dev/null | sed -n 2p) || avail=0
    if [ "${avail:-0}" -gt $(( 2 * need + (1 << 30) )) ] && d=$(mktemp -d /dev/shm/zdx-elf.XXXXXX 2>/dev/null); then
        echo "$d"
    else
        echo "$w"
    fi
}

# ---- one dump ---------------------------------------------------------------
build_one() {
    local k=$1 s=$2 dst="$ZDX_CACHE/dumps/$1/$2" w="$ZDX_CACHE/dumps/$1/.$2.work"
    local st; st=$(stamp "$k" "$s")
    if [ $force = 0 ] && [ -f "$dst/.stamp" ] && [ "$(cat "$dst/.stamp")" = "$st" ]; then
        return 0
    fi
    local t0; t0=$(date +%s)
    step "$k/$s: building ($DESCRIPTION)"
    rm -rf "$w"; mkdir -p "$w"
    cat "$(base_initramfs "$k")" >"$w/initrd.img"
    scenario_cpio "$k" "$w"
    cat "$w/scenario.cpio.gz" >>"$w/initrd.img"
    local acc; acc=$(accel "$k")
    local dumpargs=() f elf=""
    for f in $FORMATS; do
        # FORMAT@K1,K2: that format on those kernels only.
        if [[ $f == *@* ]]; then
            [[ ",${f#*@}," == *",$k,"* ]] || continue
            f=${f%%@*}
        fi
        case $f in
            kdump-zlib) dumpargs+=(--dump "kdump-zlib:$w/vmcore.kdump") ;;
            elf)        elf=$(elf_scratch "$w")/vmcore.elf; dumpargs+=(--dump "elf:$elf") ;;
            *) die "$s: unknown format $f" ;;
        esac
    done
    # build_one runs in a subshell of its own (dumps/schedule.sh)
    [ -z "$elf" ] || [ "${elf%/*}" = "$w" ] || trap "rm -rf '${elf%/*}'" EXIT
    local runargs=()
    [ "$KDUMP" = yes ] && runargs+=(--until-exit)
    # A guest that panics while booting, before its init ran (run_guest.py
    # exit 75: a TCG emulation race, not the scenario; or hangs before its
    # init speaks) boots again, from
    # fresh backing files, up to three times in all.
    local attempt=1 rc
    while :; do
        rm -f "$w"/nv*.img "$w"/cxl-*.img "$w"/kdump-*.img "$w/qmp.sock"
        qemu_argv "$k" "$w" "$acc" >"$w/qemu.argv"
        step "$k/$s: booting ($acc, $MEM, pmem=$PMEM, trigger=$TRIGGER)"
        mapfile -t qargs <"$w/qemu.argv"
        rc=0
        "$PY" "$here/run_guest.py" --qmp "$w/qmp.sock" --console "$w/console.log" --truth "$w/truth.txt" \
            --timeout "$TIMEOUT" --hotplug "$HOTPLUG" --info "$w/run.json" "${dumpargs[@]}" "${runargs[@]}" \
            -- "${qargs[@]}" || rc=$?
        [ "$rc" = 75 ] && [ "$attempt" -lt 3 ] || break
        attempt=$((attempt + 1))
        step "$k/$s: the guest panicked while booting, before its scenario ran: booting it again (attempt $attempt of 3)"
    done
    [ "$rc" = 0 ] || die "$k/$s: guest run failed (work dir $w)"
    rm -f "$w"/nv*.img "$w"/cxl-*.img "$w/qmp.sock"
    derive "$k" "$s" "$w" "$elf"
    step "$k/$s: writing truth.json"
    write_truth "$k" "$s" "$w" "$(( $(date +%s) - t0 ))"
    rm -f "$w/initrd.img" "$w/scenario.cpio.gz" "$w/truth.txt.raw"
    echo "$st" >"$w/.stamp"
    rm -rf "$dst"; mv "$w" "$dst"
    step "$k/$s: done in $(( $(date +%s) - t0 )) s: $(cd "$dst" && ls vmcore.* | tr '\n' ' ')"
}

# derive K S WORK [ELF]: fix the ELF for makedumpfile, make the filtered dump,
# keep the ELF in WORK only when the scenario (or a failed filter) says so;
# unpack an in-guest kdump from its disk.  QEMU's kdump-compressed form is
# not filtered: makedumpfile 1.7.2 refuses it as input ("check_elf_format:
# Can't get valid ehdr", measured on 6.1/large).
derive() {
    local k=$1 s=$2 w=$3 elf=${4:-}
    if [ -n "$elf" ]; then
        "$PY" "$here/elffix.py" "$elf" || die "$k/$s: ELF fix-up failed"
        filter "$k/$s" "$w" "$elf"
        if [[ $KEEP_ELF == yes || " $KEEP_ELF " == *" $k "* ]]; then
            [ "$elf" = "$w/vmcore.elf" ] || mv "$elf" "$w/vmcore.elf"
        else
            rm -f "$elf"
        fi
    elif [ -f "$w/vmcore.kdump" ]; then
        echo "no ELF dump (FORMATS=\"$FORMATS\"): makedumpfile cannot read QEMU's kdump-compressed form" >"$w/filter-failure.txt"
    fi
    if [ "$KDUMP" = yes ]; then
        step "$k/$s: makedumpfile -R (in-guest kdump dumps from the virtio disks)"
        echo "guest dump level: $("$here/makedumpfile-for.sh" --level "$k")" >>"$w/makedumpfile.log"
        makedumpfile -R "$w/vmcore.guest-d31" <"$w/kdump-d31.img" >>"$w/makedumpfile.log" 2>&1 &&
        makedumpfile -R "$w/vmcore.guest-full" <"$w/kdump-full.img" >>"$w/makedumpfile.log" 2>&1 ||
            { tail -n 20 "$w/console.log" >&2; die "$k/$s: the in-guest kdump left no valid dump on its disks"; }
        rm -f "$w"/kdump-*.img
    fi
}

# filter WHAT WORK ELF: makedumpfile -c -d LEVEL ELF -> WORK/vmcore.d31, the
# filtered dump (LEVEL: 31, or less where that makedumpfile drops pages crash
# needs on this kernel: dumps/makedumpfile-for.sh --level; the log and the
# truth say which).  makedumpfile
# 1.7.2 reads every struct page of a present section (any dump level) and
# aborts ("Can't read the buffer of struct page") when a sub-section of it
# has no mapped memmap.  Such a dump keeps its ELF instead (a second, full
# format) and says why in filter-failure.txt (truth: filter_failure).
filter() {
    local what=$1 w=$2 src=$3 mdf lvl
    # The makedumpfile that knows this kernel (dumps/makedumpfile-for.sh).
    mdf=$("$here/makedumpfile-for.sh" "${what%%/*}") || die "$what: no makedumpfile for ${what%%/*}"
    lvl=$("$here/makedumpfile-for.sh" --level "${what%%/*}")
    step "$what: $(basename "$(dirname "$mdf")")/makedumpfile -c -d $lvl ${src##*/}"
    "$mdf" -v 2>&1 | sed -n 1p >"$w/makedumpfile.log"
    echo "dump level: $lvl" >>"$w/makedumpfile.log"
    "$mdf" -c -d "$lvl" "$src" "$w/vmcore.d31" >>"$w/makedumpfile.log" 2>&1 && return 0
    rm -f "$w/vmcore.d31"
    grep -q "Can't read the buffer of struct page" "$w/makedumpfile.log" ||
        { tail -n 20 "$w/makedumpfile.log" >&2; die "$what: makedumpfile -d $lvl ${src##*/} failed"; }
    step "$what: makedumpfile cannot filter this dump (present section with an unmapped sub-section memmap); keeping ${src##*/}"
    { echo "makedumpfile $("$mdf" -v 2>&1 | awk 'NR==1{print $3}') -d $lvl aborts:"
      grep -E "readmem: Can't convert|Can't read the buffer" "$w/makedumpfile.log" | sed -n 1,2p; } >"$w/filter-failure.txt"
    KEEP_ELF=yes
}

write_truth() {
    local k=$1 s=$2 w=$3 secs=$4
    "$PY" "$here/truth.py" --scenario "$s" --description "$DESCRIPTION" --kernel "$k" \
        --release "$(cat "$ZDX_CACHE/kernels/$k/release")" --package-version "$(cat "$ZDX_CACHE/kernels/$k/version")" \
        --memory "$MEM" --pmem "$PMEM" --argv "$w/qemu.argv" --run "$w/run.json" \
        --trigger "$TRIGGER" --sys-panic "$SYS_PANIC" --walker-mode "$WALKER_MODE" \
        --verdict "$EXPECT_VERDICT" --owner "$EXPECT_OWNER" --build-seconds "$secs" \
        --walker-params "$WALKER_PARAMS" --function "$EXPECT_FUNCTION" \
        --hotplug "$HOTPLUG" --raw "$w/truth.txt" --dir "$w" --out "$w/truth.json" ||
        die "$k/$s: truth.json could not be made from the guest's truth.txt"
    "$PY" "$here/check_truth.py" "$w/truth.json" || die "$k/$s: truth.json does not conform to dumps/truth.schema.json"
}

# ---- main -------------------------------------------------------------------
# prepare K WALKER: everything scenario builds of kernel K share, built once
# before any of them starts (they would race on it).  Each step is checked: prepare runs in an `if` (prepare_all), where set -e
# does not apply.
prepare() {
    [ -f "$ZDX_CACHE/kernels/$1/.done" ] || "$here/kernel.sh" "$1" || die "kernel $1 is not available (above)"
    "$here/vmlinux-index.sh" "$1" || die "kernel $1: its vmlinux could not be prepared (above)"
    "$here/vmlinux-boot.sh" "$1" || die "kernel $1: no boot image (above)"
    base_initramfs "$1" >/dev/null || die "kernel $1: no base initramfs (above)"
    accel "$1" >/dev/null || die "kernel $1: no accelerator chosen (above)"
    if [ "$2" = 1 ]; then
        [ -x "$here/kmod/build.sh" ] || die "walker scenarios need dumps/kmod/build.sh"
        "$here/kmod/build.sh" "$1" >/dev/null || die "dumps/kmod/build.sh $1 failed"
    fi
}

# The scheduler (main: which builds, in which order, how many at once) is
# dumps/schedule.sh: it shapes no dump, so it is not in stamp().
. "$here/schedule.sh"
main "$@"
