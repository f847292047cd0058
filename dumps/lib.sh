# Shared helpers for the dump factory scripts (sourced, not run).
ZDX_CACHE=${ZDX_CACHE:-$HOME/.cache/zdx}
ZDX_DUMPS_DIR=${ZDX_DUMPS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
export ZDX_CACHE
mkdir -p "$ZDX_CACHE"

die()  { echo "zdx-factory: error: $*" >&2; exit 1; }
step() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# manifest_line NAME -> "name suite abi version kbuild crash"
manifest_line() {
    awk -v n="$1" '!/^#/ && $1==n {print $1, $2, $3, $4, $5, $6; f=1} END {exit !f}' "$ZDX_DUMPS_DIR/kernels.manifest"
}

# A private apt state per suite, so other suites never reach the host's dpkg.
apt_suite_dir() { echo "$ZDX_CACHE/apt/$1"; }
apt_suite_cmd() {
    local d; d=$(apt_suite_dir "$1"); shift
    "$@" -o Dir::State="$d/state" -o Dir::Cache="$d/cache" \
         -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
         -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
         -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1 -o APT::Sandbox::User=root
}
apt_suite_init() {
    local suite=$1 d; d=$(apt_suite_dir "$suite")
    mkdir -p "$d/state/lists/partial" "$d/cache/archives/partial"
    if [ ! -f "$d/sources.list" ]; then
        local key=/usr/share/keyrings/debian-archive-keyring.gpg
        printf 'deb [signed-by=%s] http://deb.debian.org/debian %s main\n' "$key" "$suite" "$key" "$suite-updates" >"$d/sources.list"
        printf 'deb [signed-by=%s] http://deb.debian.org/debian-security %s main\n' "$key" "$suite-security" >>"$d/sources.list"
    fi
    # Refresh the index at most once a day.
    if [ -z "$(find "$d/state/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
        apt_suite_cmd "$suite" apt-get update -qq >/dev/null || die "apt-get update for $suite failed"
    fi
}
