#!/usr/bin/env bash
# make fuzz: run each harness with the given libFuzzer flags (e.g.
# -runs=10000000) on a corpus kept in build/fuzz/corpus/<name>, and print
# the executions each did.  Stops at the first finding, leaving the
# crashing input as build/fuzz/<name>-crash-*.
cd "$(dirname "$0")/../.." || exit 1
flags=$1; shift
tests/fuzz/seeds.sh build/fuzz/corpus >/dev/null || exit 1
for bin in "$@"; do mkdir -p "build/fuzz/corpus/$(basename "$bin")"; done
for bin in "$@"; do
	name=$(basename "$bin")
	start=$(date +%s)
	"$bin" $flags -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	       -artifact_prefix="build/fuzz/$name-" "build/fuzz/corpus/$name" \
	       >"build/fuzz/$name.log" 2>&1 || { echo "$name: FINDING, see build/fuzz/$name.log"; tail -30 "build/fuzz/$name.log"; exit 1; }
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$name.log")
	echo "$name: $runs runs in $(( $(date +%s) - start )) s, no crash"
done
