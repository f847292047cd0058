"""Shared helpers for zdx's dump tests: find the factory's dumps, run crash
with zdx loaded, collect each command's output, and print TAP."""
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("ZDX_CACHE", os.path.expanduser("~/.cache/zdx"))
ZDX_SO = os.environ.get("ZDX_SO", os.path.join(ROOT, "extension", "zdx.so"))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what))
        if not cond:
            self.failed += 1
            if detail:
                for line in str(detail).splitlines()[:20]:
                    print("#   " + line)
        return cond

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


def dumps():
    """Every (kernel, scenario dir, truth, dump file entry) in the cache."""
    base = os.path.join(CACHE, "dumps")
    out = []
    if not os.path.isdir(base):
        return out
    for kernel in sorted(os.listdir(base)):
        for scen in sorted(os.listdir(os.path.join(base, kernel))):
            d = os.path.join(base, kernel, scen)
            tf = os.path.join(d, "truth.json")
            if not os.path.isfile(tf):
                continue
            with open(tf) as f:
                truth = json.load(f)
            for entry in truth.get("dumps", []):
                path = os.path.join(d, entry["file"])
                if os.path.isfile(path):
                    out.append((kernel, d, truth, entry, path))
    return out


def crash_binary(kernel):
    helper = os.path.join(ROOT, "dumps", "crash-for.sh")
    if os.access(helper, os.X_OK):
        r = subprocess.run([helper, kernel], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            return r.stdout.strip()
    return "crash"


def vmlinux(kernel):
    return os.path.join(CACHE, "kernels", kernel, "vmlinux")


def zdx_so(kernel):
    """The zdx.so built against the defs.h of the crash that opens kernel:
    for a crash built from source ($ZDX_CACHE/crash-X/crash), the one make
    built into $ZDX_CACHE/zdx-so/crash-X/."""
    crash = crash_binary(kernel)
    if crash.startswith(CACHE):
        return os.path.join(CACHE, "zdx-so", os.path.basename(os.path.dirname(crash)), "zdx.so")
    return ZDX_SO


def run_crash(kernel, dump, commands, timeout=600, load_zdx=True):
    """Run crash commands; return ({command: output}, crash's own output)."""
    tmp = tempfile.mkdtemp(prefix="zdx-test-")
    script = os.path.join(tmp, "cmds")
    outs = {}
    with open(script, "w") as f:
        if load_zdx:
            f.write("extend %s\n" % zdx_so(kernel))
        for i, c in enumerate(commands):
            outs[c] = os.path.join(tmp, "out%d" % i)
            f.write("%s > %s\n" % (c, outs[c]))
        f.write("exit\n")
    r = subprocess.run([crash_binary(kernel), "-s", vmlinux(kernel), dump, "-i", script],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    res = {}
    for c, p in outs.items():
        try:
            with open(p) as f:
                res[c] = f.read()
        except OSError:
            res[c] = None
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)
    return res, r.stdout + r.stderr


def load_json(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def h(v):
    """Hex string or int → int."""
    if isinstance(v, int):
        return v
    return int(v, 16) if isinstance(v, str) and v.lower().startswith("0x") else int(v)
