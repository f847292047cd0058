# The check of a scenario file before the factory sources it (sourced by
# dumps/factory.sh, not run).  Not in a dump's stamp: it judges a .scn, it
# does not shape a dump.
#
# A .scn is shell, so "assigns only the scenario variables" cannot be read
# off its text (X=1; PMEM=$X, declare, printf -v, read, for, eval all
# assign).  Instead the file is sourced once in a clean shell, as the
# factory always did, under rules that turn each way of saying something
# else into an error the shell itself reports:
#   - the scenario variables hold their defaults, everything else that
#     exists is readonly: assigning PATH or IFS, in any form, fails;
#   - set -u: reading a name that is not a scenario variable and was never
#     set (a misspelt $QEMU_EXTA) fails;
#   - afterwards, a variable the file created or unset, a function it
#     defined (it would replace one of the factory's), a shell option or
#     trap it changed, or a file that never returned (exit) is named.

# scn_check FILE NAME=DEFAULT...: print nothing and return 0 when FILE
# assigns only the NAMEs; else print what it did otherwise, one line each,
# and return 1.
scn_check() {
    local file=$1 problems
    shift
    # The clean shell prints the shell's own messages, then the names
    # before and after sourcing; the diff is made here, outside it.
    problems=$(env -i PATH="$PATH" LC_ALL=C bash --norc --noprofile -c '
        zdx_file=$1; shift
        for zdx_d; do declare -- "$zdx_d"; done
        unset zdx_d
        set -u
        zdx_funcs=$(compgen -A function)
        zdx_opts=$(set +o; shopt -p; trap -p)
        zdx_vars=
        zdx_vars=$(compgen -v)
        # (bash itself sets _ before every command)
        readonly $(printf "%s\n" "${@%%=*}" _ | grep -vxF -f - <(echo "$zdx_vars"))
        . "$zdx_file" >/dev/null </dev/null ||
            { echo "sourcing it failed (status $?)"; echo "@@returned"; exit 0; }
        # (builtin: the file may have defined a function of that name)
        [ "$(builtin set +o; builtin shopt -p; builtin trap -p)" = "$zdx_opts" ] ||
            builtin echo "changes shell options or traps"
        builtin trap - EXIT
        builtin echo "@@vars-before"; builtin echo "$zdx_vars"; builtin echo "@@vars-after"
        builtin compgen -v
        builtin echo "@@funcs-before"; builtin echo "$zdx_funcs"; builtin echo "@@funcs-after"
        builtin compgen -A function
        builtin echo "@@returned"' scn "$file" "$@" 2>&1 | awk '
        /^@@/ { part = $0; next }
        part == "" { print; next }
        part == "@@vars-before" { before[$0] = 1; next }
        # (bash sets PIPESTATUS and BASH_REMATCH itself as it runs)
        part == "@@vars-after" { after[$0] = 1
            if (!($0 in before) && $0 !~ /^(_|PIPESTATUS|BASH_REMATCH)$/) print "unknown variable " $0
            next }
        part == "@@funcs-before" { had[$0] = 1; next }
        part == "@@funcs-after" && !($0 in had) { print "defines function " $0 }
        END {
            for (v in before) if (v != "" && !(v in after)) print "unsets " v
            if (part != "@@returned") print "sourcing it did not return (exit, or an error that stops the shell)"
        }')
    # the shell names the file in its messages; the caller does too
    problems=${problems//"$file: "/}
    [ -z "$problems" ] && return 0
    echo "$problems"
    return 1
}
