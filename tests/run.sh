#!/usr/bin/env bash
# Run test programs that speak TAP ("ok N - what" / "not ok N - what"),
# echo their output, and end with the one summary line CI reads:
#   N passed, N failed
# A program that exits non-zero without reporting a failure counts as one
# failure, so a crashed test can never pass silently.
set -u
# Debian's python3 carries python3-drgn; a pyenv python3 earlier in PATH does not.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# glibc's malloc on transparent huge pages for every program the tests run
# (crash above all: ~300 sessions in make check).  Measured here, paired
# runs of crash's start-up under load: 8.0.2 on 6.1 34% less CPU, 8.0.6 on
# 6.12 17%, 9.0.2 on 7.3 18%; minor faults 99k -> 2.5k (on this
# machine's hypervisor every fault is dear).  What crash prints is the same.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432}
pass=0 fail=0
for t in "$@"; do
    echo "# --- $t"
    t0=$SECONDS
    out=$(mktemp)
    if [[ $t == *.py ]]; then "$PY" "$t" >"$out" 2>&1; else "$t" >"$out" 2>&1; fi
    rc=$?
    cat "$out"
    p=$(grep -cE '^ok ' "$out"); f=$(grep -cE '^not ok ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $t exited with status $rc"; f=1
    fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $t ran no test"; f=1
    fi
    echo "# --- $t: $p passed, $f failed, $((SECONDS - t0)) s"
    pass=$((pass + p)); fail=$((fail + f))
    rm -f "$out"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
