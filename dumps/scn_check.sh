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
    local file=$1 out
    shift
    # (bash sets _, PIPESTATUS and BASH_REMATCH itself as it runs.)
    out=$(env -i PATH="$PATH" LC_ALL=C bash --norc --noprofile -c '
        zdx_file=$1; shift
        for zdx_d; do declare -- "$zdx_d"; done
        zdx_names=$(printf "%s\n" "${@%%=*}")
        unset zdx_d
        set -u
        zdx_funcs=$(compgen -A function | sort)
        zdx_opts=$(set +o; shopt -p; trap -p)
        zdx_vars=
        zdx_vars=$(compgen -v | sort)
        readonly $(grep -vxF -e _ -f <(echo "$zdx_names") <<<"$zdx_vars")
        . "$zdx_file" >/dev/null </dev/null || { echo "sourcing it failed (status $?)"; exit 0; }
        comm -13 <(echo "$zdx_vars") <(compgen -v | sort) |
            grep -vxE "_|PIPESTATUS|BASH_REMATCH" | sed "s/^/unknown variable /"
        comm -23 <(echo "$zdx_vars") <(compgen -v | sort) | sed "s/^/unsets /"
        comm -13 <(echo "$zdx_funcs") <(compgen -A function | sort) | sed "s/^/defines function /"
        [ "$(set +o; shopt -p; trap -p)" = "$zdx_opts" ] || echo "changes shell options or traps"
        trap - EXIT
        echo zdx-scn-returned' scn "$file" "$@" 2>&1)
    # the shell names the file in its messages; the caller does too
    out=${out//"$file: "/}
    case $out in
        zdx-scn-returned) return 0 ;;
        *zdx-scn-returned) echo "${out%zdx-scn-returned}" | sed '/^$/d' ;;
        *"sourcing it failed"*) echo "$out" ;;
        *) echo "${out:+$out
}sourcing it did not return (exit, or an error that stops the shell)" ;;
    esac
    return 1
}
