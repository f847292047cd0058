# dumps/schedule.sh, sourced by dumps/factory.sh: which builds run, in which
# order, how many at once, and the recap of those that failed.  Nothing here
# shapes a dump (the factory's stamp() leaves this file out).
#
# A build's outcome is the status file it writes when it ends ($rdy/N.rc),
# never `wait PID` or `kill -0 PID` long after it started: with the default
# pid_max of 32768 a cold run's thousands of processes reuse the pids of
# early builds, and bash then answered for another process (measured
# 2026-12-02: a build that had printed "done" reported failed 37 minutes
# later, failing the whole corpus).

main() {
    local kernel="" scenario="" list=0 jobs=${ZDX_JOBS:-2}
    force=0
    while [ $# -gt 0 ]; do
        case $1 in
            --kernel) kernel=$2; shift 2 ;;
            --scenario) scenario=$2; shift 2 ;;
            --force) force=1; shift ;;
            --list) list=1; shift ;;
            --jobs) jobs=$2; shift 2 ;;
            *) usage ;;
        esac
    done
    local scns; scns=${scenario:-$(scn_names)}
    local s k t0 todo=() ; t0=$(date +%s)
    declare -A walker=()
    # Longest first (by TIMEOUT), so the big one overlaps the many small ones.
    for s in $scns; do
        [ -f "$here/scenarios/$s.scn" ] || die "no scenario '$s' (dumps/scenarios/$s.scn)"
        load_scn "$here/scenarios/$s.scn"
        # An opt-in scenario (too slow for make check) is built only when
        # named: --scenario S, or ZDX_OPT_IN=1 for all of them.
        [ "$OPT_IN" = yes ] && [ -z "$scenario" ] && [ "${ZDX_OPT_IN:-0}" != 1 ] && continue
        # Its KERNELS_FULL (the full matrix, outside the cold budget) are
        # built the same way: when named, or with ZDX_FULL_MATRIX=1.
        local ks=$KERNELS
        { [ -n "$scenario" ] || [ "${ZDX_FULL_MATRIX:-0}" = 1 ]; } && ks="$KERNELS $KERNELS_FULL"
        for k in $ks; do
            [ -n "$kernel" ] && [ "$k" != "$kernel" ] && continue
            [ $list = 1 ] && { echo "$k $s"; continue; }
            todo+=("$TIMEOUT $k $s")
            [ "$TRIGGER" = walker ] && walker[$k]=1
            [ -n "${walker[$k]:-}" ] || walker[$k]=0
        done
    done
    [ $list = 1 ] && return 0
    local ndone=${#todo[@]}
    [ ${#todo[@]} -gt 0 ] || die "no scenario matches --kernel '$kernel' --scenario '$scenario'"
    mapfile -t todo < <(printf '%s\n' "${todo[@]}" | sort -k1,1nr -s)
    # Kernels are prepared one after another beside the builds (most builds
    # first): a kernel's dumps start while the next one downloads.
    local rdy; rdy=$(mktemp -d)
    prepare_all "$rdy" $(prepare_order "${todo[@]}") &
    local prep=$! failed=() unprepared=() names=() i t n
    while [ ${#todo[@]} -gt 0 ]; do
        i=$(next_build "$rdy" "$prep" "${todo[@]}")
        [ "$i" = wait ] && { sleep 1; continue; }
        t=${i#fail:}           # "fail:N": build N's kernel could not be prepared
        read -r _ k s <<<"${todo[$t]}"
        todo=("${todo[@]:0:$t}" "${todo[@]:$((t + 1))}")
        [ "$t" != "$i" ] && { unprepared+=("$k/$s"); continue; }
        while [ "$(running "$rdy" ${#names[@]})" -ge "$jobs" ]; do
            wait -n && continue
            [ $? = 127 ] && break   # no child left: a build died before its status file
        done
        # Each build's errors also go to its own file: the recap below
        # repeats them, since a CI log keeps only its tail.
        mkdir -p "$ZDX_CACHE/dumps/$k"
        n=${#names[@]}
        ( rc=0
          ( exec 2> >(tee "$ZDX_CACHE/dumps/$k/.$s.err" >&2)
            load_scn "$here/scenarios/$s.scn"; build_one "$k" "$s" ) || rc=$?
          echo "$rc" >"$rdy/$n.rc" ) &
        names+=("$k/$s")
    done
    wait || true
    for i in "${!names[@]}"; do [ "$(cat "$rdy/$i.rc" 2>/dev/null)" = 0 ] || failed+=("${names[$i]}"); done
    local bad="" f
    for f in "$rdy"/*.failed; do [ -e "$f" ] && bad+="$(basename "$f" .failed) "; done
    rm -rf "$rdy"
    step "factory: $ndone dump(s) checked in $(( $(date +%s) - t0 )) s ($ZDX_CACHE/dumps)"
    [ ${#failed[@]} -eq 0 ] || recap "${failed[@]}"
    [ -z "$bad" ] || step "factory: kernel(s) ${bad% } could not be prepared (their messages above): ${unprepared[*]} did not run"
    failed+=("${unprepared[@]}")
    [ ${#failed[@]} -eq 0 ] || die "${#failed[@]} build(s) failed: ${failed[*]}"
}

# prepare_all DIR K:W...: prepare each kernel K (W=1: it has walker
# scenarios) in turn, leaving DIR/K.ready or DIR/K.failed.
prepare_all() {
    local dir=$1 kw
    shift
    for kw in "$@"; do
        if ( prepare "${kw%%:*}" "${kw#*:}" ); then : >"$dir/${kw%%:*}.ready"; else : >"$dir/${kw%%:*}.failed"; fi
    done
    : >"$dir/all-prepared"
}

# prepare_order TODO...: each kernel of the builds as K:W (W=1: it has
# walker scenarios), those already in the cache first (ready at once), then
# by number of builds.
prepare_order() {
    local t k
    for t in "$@"; do read -r _ k _ <<<"$t"; echo "$k"; done | sort | uniq -c |
        while read -r n k; do
            echo "$([ -f "$ZDX_CACHE/kernels/$k/.done" ] && echo 1 || echo 0) $n $k"
        done | sort -k1,1nr -k2,2nr -k3,3 | while read -r _ _ k; do echo "$k:${walker[$k]}"; done
}

# next_build DIR PREP TODO...: the index of the first (longest) build whose
# kernel is prepared; "fail:I" for one whose kernel could not be (or that
# the preparer, pid PREP, left undecided: it wrote DIR/all-prepared, or
# died); "wait" while none is ready and the preparer still runs.
next_build() {
    local dir=$1 prep=$2 i=0 t k
    shift 2
    for t in "$@"; do
        read -r _ k _ <<<"$t"
        [ -e "$dir/$k.ready" ] && { echo "$i"; return; }
        { [ -e "$dir/$k.failed" ] || [ -e "$dir/all-prepared" ] || ! kill -0 "$prep" 2>/dev/null; } &&
            [ ! -e "$dir/$k.ready" ] &&
            { echo "fail:$i"; return; }
        i=$((i + 1))
    done
    echo wait
}

# running DIR N: how many of builds 0..N-1 have not written their status.
running() {
    local n=0 i
    for ((i = 0; i < $2; i++)); do [ -e "$1/$i.rc" ] || n=$((n + 1)); done
    echo "$n"
}

# recap K/S...: what each failed build said, last.
recap() {
    local ks f
    for ks in "$@"; do
        f="$ZDX_CACHE/dumps/${ks%%/*}/.${ks#*/}.err"
        echo "--- $ks failed; its last messages ($f, work dir kept) ---" >&2
        tail -n 40 "$f" >&2 2>/dev/null || true
    done
}
