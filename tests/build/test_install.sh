#!/usr/bin/env bash
# `make install` installs the zdx.so of the crash on PATH: the build against
# CRASH_DEFS when that defs.h is this crash's, and refuses a crash release
# no defs.h is known for, naming it.  Into a scratch DESTDIR; a fake crash
# on PATH plays the unknown release.
cd "$(dirname "$0")/../.." || exit 1
n=0
ok() {   # condition-status, what, detail
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; printf '#   %s\n' "${3:0:400}"; fi
}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
host=$(crash --version 2>/dev/null | awk '$1 == "crash" {print $2; exit}')
defs=$(make -s --no-print-directory --eval 'zdx-print-defs-version: ; @echo $(CRASH_DEFS_VERSION)' zdx-print-defs-version 2>/dev/null)
if [ -n "$host" ] && [ "$host" = "$defs" ]; then
	out=$(make -s install DESTDIR="$tmp/a" PREFIX=/usr 2>&1); rc=$?
	ok $rc "make install with crash $host on PATH succeeds" "$out"
	cmp -s extension/zdx.so "$tmp/a/usr/lib64/crash/extensions/zdx.so"
	ok $? "it installs extension/zdx.so, built against crash $host's defs.h" "$out"
else
	n=$((n + 1)); echo "ok $n - make install with the host crash # SKIP crash '$host', CRASH_DEFS is crash '$defs''s"
fi
mkdir -p "$tmp/bin" && printf '#!/bin/sh\necho; echo crash 0.0.1\n' >"$tmp/bin/crash" && chmod +x "$tmp/bin/crash"
out=$(PATH="$tmp/bin:$PATH" make -s install DESTDIR="$tmp/b" PREFIX=/usr 2>&1); rc=$?
[ $rc != 0 ] && [ ! -e "$tmp/b/usr/lib64/crash/extensions/zdx.so" ]
ok $? "with a crash 0.0.1 on PATH make install fails and installs no zdx.so" "$out"
[[ "$out" == *"no zdx for crash 0.0.1"* ]]
ok $? "and names the release it has no zdx for" "$out"
echo "1..$n"
