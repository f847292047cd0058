#!/usr/bin/env bash
# Run every built libFuzzer harness for FUZZ_SHORT seconds (default 4) on
# the generated seeds only (not the corpus `make fuzz` grows, whose loading
# alone can outlast the budget) and report one TAP line each:
#   ok N - fuzz_xxx: R runs, no crash
# A crash, sanitizer report, timeout or OOM is "not ok" with the log's tail.
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SHORT:-4}
n=0 failed=0
rm -rf build/fuzz/seeds
tests/fuzz/seeds.sh build/fuzz/seeds >/dev/null || exit 1
for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	n=$((n + 1))
	work=$(mktemp -d)
	cp -r "build/fuzz/seeds/$name/." "$work/" 2>/dev/null
	log=$(mktemp)
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	       -artifact_prefix="build/fuzz/$name-" "$work" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
	if [ $rc -eq 0 ] && [ -n "$runs" ]; then
		echo "ok $n - $name: $runs runs, no crash"
	else
		echo "not ok $n - $name: exit $rc"; failed=1
		tail -25 "$log" | sed 's/^/#   /'
	fi
	rm -rf "$work" "$log"
done
echo "1..$n"
[ $n -gt 0 ] && [ $failed -eq 0 ]
