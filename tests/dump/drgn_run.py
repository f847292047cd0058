"""Run drgn 0.3.0's helpers oracle (drgn_helpers_oracle.py) on one dump
file: one process per file, its answer kept in $ZDX_CACHE/test-bundles
until the oracle, drgn, the dump, the vmlinux or the pfns asked change."""
import functools
import hashlib
import json
import os
import subprocess
import time

from zdxlib import CACHE, ROOT, MissingTool, load_json, vmlinux

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, "drgn_helpers_oracle.py")


@functools.lru_cache(maxsize=None)
def drgn_python():
    """The python that imports drgn 0.3.0 (dumps/drgn.sh, never fetched
    here: make's `drgn` target did, or the test fails naming it)."""
    r = subprocess.run([os.path.join(ROOT, "dumps", "drgn.sh"), "--no-build"], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        raise MissingTool(r.stderr.strip() or "dumps/drgn.sh printed nothing")
    return r.stdout.strip()


def _key(kernel, path, pfns):
    hsh = hashlib.sha256()
    with open(ORACLE, "rb") as f:
        hsh.update(f.read())
    # the wrapper names the root it runs: a refetched drgn is a new key
    hsh.update(os.path.realpath(drgn_python()).encode())
    for p in (path, vmlinux(kernel)):
        st = os.stat(p)
        hsh.update(("%s %d %d" % (p, st.st_size, st.st_mtime_ns)).encode())
    hsh.update(" ".join("%#x" % p for p in pfns).encode())
    return hsh.hexdigest()[:24]


def helpers_oracle(kernel, path, pfns, timeout=600):
    """drgn_helpers_oracle.py's JSON for path, plus "wall" (seconds the
    process took when it ran), "cached" (whether this call reused it) and,
    when drgn printed nothing parseable, "run_error" with its stderr."""
    cache = os.path.join(CACHE, "test-bundles", "drgn-%s.json" % _key(kernel, path, pfns))
    try:
        with open(cache) as f:
            return dict(json.load(f), cached=True)
    except (OSError, ValueError):
        pass
    t0 = time.time()
    r = subprocess.run([drgn_python(), ORACLE, vmlinux(kernel), path] + ["%#x" % p for p in pfns],
                       capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, DEBUGINFOD_URLS=""))
    res = load_json(r.stdout) or {"run_error": "exit %d: %s" % (r.returncode, r.stderr[-2000:])}
    res["stderr"] = r.stderr[-2000:]
    res["wall"] = round(time.time() - t0, 3)
    if "run_error" not in res:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(cache + ".tmp", "w") as f:
            json.dump(res, f)
        os.replace(cache + ".tmp", cache)
    return dict(res, cached=False)
