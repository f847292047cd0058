#!/usr/bin/env bash
# make bench: figures, not tests.
#  1. zdx map on a synthetic 64 TiB section table (unit level);
#  2. on the largest factory dump (the most pmem: devdax-huge, 2 TiB, when
#     built): zdx map (cold: includes building the model), zdx map again,
#     zdx pfn, and crash's own kmem -n, timed inside one crash session, with
#     crash's peak memory after each.
set -euo pipefail
cd "$(dirname "$0")/../.."
. dumps/lib.sh
${CC:-gcc} -O2 -std=gnu11 -Iinclude -o tests/bench/bench_map tests/bench/bench_map.c \
    extension/decode_map.c extension/decode_section.c extension/decode_pgmap.c \
    extension/decode_mbmap.c extension/decode_memblock.c extension/decode_infoblock.c
tests/bench/bench_map

best= bestsize=0
for t in "$ZDX_CACHE"/dumps/*/*/truth.json; do
    [ -f "$t" ] || continue
    d=$(dirname "$t")
    # QMP dumps first; an in-guest kdump's (devdax-huge) otherwise
    for f in "$d"/vmcore.kdump "$d"/vmcore.d31 "$d"/vmcore.guest-full "$d"/vmcore.guest-d31; do
        [ -f "$f" ] || continue
        # the layout with the most pmem: sum of namespace sizes in the truth
        size=$(/usr/bin/python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print(sum(n.get('size') or 0 for n in t.get('namespaces') or []))" "$t")
        if [ "$size" -gt "$bestsize" ]; then bestsize=$size; best=$f; fi
        break
    done
done
[ -n "$best" ] || { echo "no factory dump with pmem: run make dumps"; exit 0; }
kernel=$(basename "$(dirname "$(dirname "$best")")"); scen=$(basename "$(dirname "$best")")
echo "largest layout: $kernel/$scen ($((bestsize >> 30)) GiB of pmem), $(basename "$best")"
# a pfn of the layout's first namespace (its data start), from the truth
pfn=$(/usr/bin/python3 -c "import json,sys; n=json.load(open(sys.argv[1]))['namespaces'][0]; print(hex(int(n.get('data_start') or n['start'], 16) >> 12))" "$(dirname "$best")/truth.json")
# wall clock, crash's peak RSS and its CPU time (utime + stime, clock
# ticks): on a loaded machine the CPU time is the figure that carries over
mark='!echo "@t $(date +%s%N) $(grep VmHWM /proc/$PPID/status | tr -s " " | cut -d" " -f2) $(cut -d" " -f14,15 /proc/$PPID/stat | tr " " +)"'
dumps/open.sh -f "$(basename "$best")" "$kernel" "$scen" "$mark" "zdx map > /dev/null" "$mark" \
    "zdx map > /dev/null" "$mark" "zdx pfn $pfn > /dev/null" "$mark" "kmem -n > /dev/null" "$mark" 2>/dev/null |
    awk -v hz="$(getconf CLK_TCK)" 'BEGIN { n = 0 } /^@t/ { t[n] = $2; m[n] = $3; split($4, c, "+"); u[n] = c[1] + c[2]; n++ }
         END { if (n < 5) { print "bench: crash did not run the commands"; exit 1 }
               split("zdx map (cold, builds the model)|zdx map (warm)|zdx pfn|kmem -n", name, "|")
               for (i = 1; i < n; i++)
                   printf "  %-34s %8.3f s wall %7.2f s CPU   crash peak RSS %d MiB\n", name[i], (t[i] - t[i-1]) / 1e9,
                          (u[i] - u[i-1]) / hz, m[i] / 1024
               printf "  ratio zdx map (cold) / kmem -n: %.2f wall\n", (t[1] - t[0]) / (t[4] - t[3]) }'
