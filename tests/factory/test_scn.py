#!/usr/bin/env python3
"""The factory's check of scenario files, offline.

Each case writes one .scn into a copy of the factory's scripts (dumps/*.sh,
verdicts.py and the verdict header it reads) and runs the real
`dumps/factory.sh --list --scenario NAME`, which loads the file the way a
build does (load_scn, scn_check) and prints "kernel scenario" lines without
building anything.  A file that assigns anything but a scenario variable,
in any of the shell's ways to assign, must be refused with the name, and
every scenario of the tree must still be accepted.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DUMPS = os.path.join(ROOT, "dumps")
from tap import Tap  # noqa: E402

T = Tap()
ok = T.ok

BASE = 'DESCRIPTION="test scenario"\nPMEM=legacy\n'

# (what, .scn body after BASE, text the refusal must hold; None: accepted)
CASES = [
    ("scenario variables, plain and from each other", 'MEM=2G\nMAXMEM=$MEM\nCMDLINE+=" quiet"\n', None),
    ("a scenario variable read before it is set takes its default", 'QEMU_EXTRA="$QEMU_EXTRA -x"\n', None),
    ("a scenario variable set through eval", 'eval "KASLR=yes"\n', None),
    ("a misspelt name", 'PMEN=nfit\n', "unknown variable PMEN"),
    ("a helper variable copied into a known one", 'X=4G\nMAXMEM=$X\n', "unknown variable X"),
    ("a misspelt name read after a reassignment", 'MEM=2G\nMAXMEM=$MEMM\n', "MEMM: unbound variable"),
    ("PATH reassigned", 'PATH=/tmp\n', "PATH: readonly variable"),
    ("IFS reassigned", "IFS=,\n", "IFS: readonly variable"),
    ("an environment variable exported", "export LC_ALL=C\n", "LC_ALL: readonly variable"),
    ("printf -v", "printf -v SHELL %s x\n", "SHELL: readonly variable"),
    ("read", "read -r TOPMEM <<<x\n", "unknown variable TOPMEM"),
    ("declare", "declare -g NVDIMM=1\n", "unknown variable NVDIMM"),
    ("let", "let SIZE=1\n", "unknown variable SIZE"),
    ("a for loop variable", "for s in 1 2; do :; done\n", "unknown variable s"),
    ("a variable of bash's own", "BASH_ENV=/tmp/x\n", "unknown variable BASH_ENV"),
    ("RANDOM", "RANDOM=3\n", "RANDOM: readonly variable"),
    ("cd (PWD)", "cd /\n", "PWD: readonly variable"),
    ("a scenario variable unset", "unset PMEM\n", "unsets PMEM"),
    ("a function that would replace the factory's", "die() { :; }\n", "defines function die"),
    ("a function shadowing a builtin the check prints with", "echo() { :; }\n", "defines function echo"),
    ("set +u", "set +u\n", "changes shell options"),
    ("a trap", 'trap "echo hi" EXIT\n', "changes shell options or traps"),
    ("exit", "exit 0\n", "did not return"),
    ("a failing last command", "false\n", "sourcing it failed (status 1)"),
    ("a kernel both by default and in the full matrix", 'KERNELS_FULL="6.1"\n',
     "kernel 6.1 is in both KERNELS and KERNELS_FULL"),
]




def factory_copy(tmp):
    """The factory's scripts with an empty scenarios/ of their own."""
    d = os.path.join(tmp, "dumps")
    os.makedirs(os.path.join(d, "scenarios"))
    for f in glob.glob(os.path.join(DUMPS, "*.sh")) + [os.path.join(DUMPS, "verdicts.py")]:
        shutil.copy(f, d)
    os.makedirs(os.path.join(tmp, "include", "zdx"))
    shutil.copy(os.path.join(ROOT, "include", "zdx", "verdicts.h"), os.path.join(tmp, "include", "zdx"))
    return d


def list_scn(d, env, scenario=None):
    args = [os.path.join(d, "factory.sh"), "--list"] + (["--scenario", scenario] if scenario else [])
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)


def main():
    with tempfile.TemporaryDirectory(prefix="zdx-scn-") as tmp:
        d = factory_copy(tmp)
        env = dict(os.environ, ZDX_CACHE=os.path.join(tmp, "cache"))
        for i, (what, body, want) in enumerate(CASES):
            name = "t%d" % i
            with open(os.path.join(d, "scenarios", name + ".scn"), "w") as f:
                f.write(BASE + body)
            r = list_scn(d, env, name)
            if want is None:
                ok(r.returncode == 0 and r.stdout == "6.1 %s\n" % name, "accepted: " + what,
                   r.stdout + r.stderr)
            else:
                ok(r.returncode != 0 and want in r.stderr and name + ".scn" in r.stderr,
                   "refused, naming %r: %s" % (want, what), "status %d\n%s" % (r.returncode, r.stderr))
        # KERNELS_FULL: built when the scenario is named or with
        # ZDX_FULL_MATRIX=1, never by a plain make dumps.
        # (a factory of its own: the cases above left refused files in d)
        d2 = factory_copy(os.path.join(tmp, "full"))
        with open(os.path.join(d2, "scenarios", "full.scn"), "w") as f:
            f.write(BASE + 'KERNELS_FULL="5.10"\n')
        plain = list_scn(d2, env).stdout.splitlines()
        named = list_scn(d2, env, "full").stdout.splitlines()
        full = list_scn(d2, dict(env, ZDX_FULL_MATRIX="1")).stdout.splitlines()
        ok("5.10 full" not in plain and "5.10 full" in named and "5.10 full" in full and "6.1 full" in plain,
           "a KERNELS_FULL kernel is built only when named or with ZDX_FULL_MATRIX=1",
           "plain %s\nnamed %s\nfull %s" % (plain, named, full))
        # The tree's own scenarios, through the tree's own factory.
        r = list_scn(DUMPS, env)
        scns = glob.glob(os.path.join(DUMPS, "scenarios", "*.scn"))
        # (an opt-in scenario is listed only when named: checked, not listed)
        opt_in = [f for f in scns if "\nOPT_IN=yes" in open(f).read()]
        listed = {line.split()[1] for line in r.stdout.splitlines() if len(line.split()) == 2}
        ok(r.returncode == 0 and len(listed) + len(opt_in) == len(scns),
           "every scenario of dumps/scenarios is accepted (%d, %d of them opt-in)"
           % (len(scns), len(opt_in)),
           "status %d, %d listed\n%s" % (r.returncode, len(listed), r.stderr))
    T.done()


if __name__ == "__main__":
    main()
