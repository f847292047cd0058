# Shared helpers for the dump factory scripts (sourced, not run).
ZDX_CACHE=${ZDX_CACHE:-$HOME/.cache/zdx}
ZDX_DUMPS_DIR=${ZDX_DUMPS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
export ZDX_CACHE
mkdir -p "$ZDX_CACHE"
# Debian's python3 (`make deps` installs it), not whichever python3 comes
# first in PATH: a pyenv shim there costs ~25 bash processes per call
# (1.7 s against 0.18 s for `python3 -c pass` during a cold run here), and
# the factory runs four python programs per build.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

die()  { echo "zdx-factory: error: $*" >&2; exit 1; }
step() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# manifest_line NAME -> "name suite prefer-abi prefer-version crash dump-level crash-opts"
# ("-" for a column the line does not have: crash-opts is optional;
# makedumpfile-for.sh --level refuses a line without its dump level)
manifest_line() {
    awk -v n="$1" '!/^#/ && $1==n {print $1, $2, $3, $4, $5, ($6 == "" ? "-" : $6), ($7 == "" ? "-" : $7); f=1} END {exit !f}' "${ZDX_MANIFEST:-$ZDX_DUMPS_DIR/kernels.manifest}"
}
manifest_names() { awk '!/^#/ && NF {print $1}' "${ZDX_MANIFEST:-$ZDX_DUMPS_DIR/kernels.manifest}"; }

# A private apt state per suite, so other suites never reach the host's dpkg.
# Its archive is the host's own (dumps/aptsources.py maps the host's suite
# lines to SUITE), and apt.conf.d (proxies) still applies.
apt_suite_dir() { echo "$ZDX_CACHE/apt/$1"; }
# A suite's binaries unpacked under ROOT (dumps/suite-tool.sh) run under
# that root's own ld.so, with its library directories.
suite_root_ldso() {
    local f
    for f in "$1"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$1"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do
        [ -e "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}
suite_root_libpath() { echo "$1/usr/lib/x86_64-linux-gnu:$1/lib/x86_64-linux-gnu"; }
apt_suite_cmd() {
    local d; d=$(apt_suite_dir "$1"); shift
    # One apt command per suite at a time (apt's own locking is off here):
    # `make check` fetches the suites' crash and drgn while the factory
    # fetches kernels and makedumpfile.
    flock "$d/.lock" "$@" -o Dir::State="$d/state" -o Dir::Cache="$d/cache" \
         -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
         -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
         -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
         -o Acquire::Check-Valid-Until=false
}
apt_suite_init() {
    local suite=$1 d src; d=$(apt_suite_dir "$suite")
    mkdir -p "$d/state/lists/partial" "$d/cache/archives/partial"
    src=$("$PY" "$ZDX_DUMPS_DIR/aptsources.py" "$suite") || die "no apt source for $suite (see above)"
    # deb-src lines added by apt_suite_init_src survive a refresh.
    grep -q '^deb-src' "$d/sources.list" 2>/dev/null && src="$src
$(echo "$src" | sed -n 's/^deb /deb-src /p')"
    if [ "$src" != "$(cat "$d/sources.list" 2>/dev/null)" ]; then
        echo "$src" >"$d/sources.list"
        rm -f "$d/state/lists/"*Packages* "$d/state/lists/"*Sources*
    fi
    # Refresh the index at most once a day.
    if [ -z "$(find "$d/state/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
        apt_suite_update "$suite"
    fi
}
# apt-get update; a missing side suite (a new release has no -security yet)
# is tolerated as long as SUITE's own index arrived.
apt_suite_update() {
    local suite=$1 d; d=$(apt_suite_dir "$suite")
    apt_suite_cmd "$suite" apt-get update -qq >"$d/update.log" 2>&1 && return 0
    [ -n "$(apt_suite_indexes "$suite" | awk -v s="$suite" '$1==s')" ] ||
        { cat "$d/update.log" >&2; die "apt-get update for $suite failed (sources: $d/sources.list, from the host's apt configuration)"; }
    step "apt: some of $suite's side suites could not be read (see $d/update.log); going on with what arrived"
}
# apt_suite_indexes SUITE -> "CODENAME PACKAGES-FILE" per Packages index present.
apt_suite_indexes() {
    apt_suite_cmd "$1" apt-get indextargets --format '$(CODENAME) $(FILENAME)' 'Identifier: Packages' |
        while read -r c f; do [ -f "$f" ] && echo "$c $f"; done
}
