#!/usr/bin/env bash
# drgn.sh [--no-build]: print the path of a python that imports drgn 0.3.0 or
# later (the version used is recorded in $ZDX_CACHE/drgn/version),
# the second oracle of the dump tests (tests/dump/test_drgn.py).  Bookworm's
# python3-drgn 0.0.22 has none of the section, memory-block and crash
# `kmem -n` helpers the tests use and cannot read 7.x dumps; forky ships
# 0.3.0.  Forky's python3-drgn and its python3.X are run under forky's own
# ld.so and libraries by dumps/suite-tool.sh (nothing is installed on the
# host), X being the python3 forky's python3 package depends on, asked of
# the archive.  The result is $ZDX_CACHE/drgn/python, a link to
# suite-tool.sh's wrapper.  The archive moves: a later drgn than 0.3.0 is
# taken (and named in the version file), an earlier one is refused.
# --no-build: never fetch (the tests: make fetches it before any test runs).
# Pipelines read their input whole (no awk exit, head or grep -q on a
# pipe): with pipefail, a reader leaving early is the writer's SIGPIPE, and
# the script dies with status 141 (the cold make check of 2026-12-01).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

min=0.3.0 suite=forky
build=1
[ "${1:-}" = --no-build ] && { build=0; shift; }
[ $# -eq 0 ] || { echo "usage: $0 [--no-build]" >&2; exit 2; }
out="$ZDX_CACHE/drgn"
if [ -x "$out/python" ]; then echo "$out/python"; exit 0; fi
[ $build = 1 ] || die "drgn (>= $min) is not fetched: 'make drgn' fetches it"

t0=$(date +%s)
apt_suite_init "$suite"
# python3.X: the interpreter forky's python3 (which python3-drgn depends on) is.
py=$(apt_suite_cmd "$suite" apt-cache depends python3 2>/dev/null |
     awk '$1 == "Depends:" && $2 ~ /^python3\.[0-9]+$/ && !py {py = $2} END {print py}')
[ -n "$py" ] || die "cannot tell which python3.X $suite's python3 is (apt-cache depends python3)"
w=$("$here/suite-tool.sh" --env PYTHONHOME=@ROOT@/usr \
       --env PYTHONPATH=@ROOT@/usr/lib/python3/dist-packages \
       "$suite" "python3-drgn,$py-minimal,lib$py-stdlib" "usr/bin/$py") ||
    die "cannot fetch $suite's python3-drgn"
v=$("$w" -c 'import drgn; print(drgn.__version__)' 2>/dev/null) || v=
[ -n "$v" ] && [ "$(printf '%s\n' "$min" "$v" | sort -V | sed -n 1p)" = "$min" ] ||
    die "$suite's python3-drgn is ${v:-not runnable here}; the tests need $min or later"
rm -rf "$out"; mkdir -p "$out"
# A link, so the wrapper stays the one suite-tool.sh keeps current.
ln -s "$w" "$out/python"
echo "$(( $(date +%s) - t0 ))" >"$out/fetch-seconds"
echo "$v" >"$out/version"
step "drgn $v: $suite's python3-drgn under $py ready in $out ($(cat "$out/fetch-seconds") s)"
echo "$out/python"
