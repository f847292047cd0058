#!/usr/bin/env bash
# `make CFLAGS=...` must keep what zdx needs to compile (-std, -Iinclude,
# -fPIC): a command-line CFLAGS replaces the Makefile's, so those flags
# must not live in CFLAGS.  Dry run only: nothing is built.
cd "$(dirname "$0")/../.." || exit 1
n=0
check() {   # target, what
	out=$(make -s -n -B CFLAGS=-O1 "$1" 2>/dev/null | grep -m1 -- "-o $1 ")
	for f in -O1 -std=gnu11 -Iinclude -fPIC; do
		n=$((n + 1))
		if [[ " $out " == *" $f "* ]]; then echo "ok $n - make CFLAGS=-O1 $1 keeps $f"
		else echo "not ok $n - make CFLAGS=-O1 $1 keeps $f"; echo "#   $out"; fi
	done
}
check extension/decode_page.o
check tests/unit/test_page
echo "1..$n"
