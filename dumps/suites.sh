# Sourced: which Debian suite ships which tool release (kept apart from
# lib.sh, which every dump's stamp hashes).
# crash_suite VERSION: the suite whose crash package is VERSION (the
# manifest's crash column).  That suite's tools (crash, makedumpfile) are the
# ones that know the kernels this crash opens.
crash_suite() {
    case "$1" in
        8.0.6) echo trixie ;;
        9.0.2) echo forky ;;
        *) echo "no suite known to ship crash $1 (dumps/suites.sh knows 8.0.6: trixie, 9.0.2: forky)" >&2; return 1 ;;
    esac
}
