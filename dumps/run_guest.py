#!/usr/bin/env python3
"""Boot one zdx guest under QEMU and capture its dumps over QMP.

The guest (dumps/guest/init) writes ground truth to a second serial port,
a host file that this script watches: "@@HOTPLUG" asks for the scenario's
DIMMs (QMP object-add + device_add), "@@FAIL" aborts.  On GUEST_PANICKED
(pvpanic) each requested format is written with dump-guest-memory.  With
--until-exit (in-guest kdump) the guest must power itself off instead; with
--dump-then-cont the full dump is taken at the pvpanic pause and the guest
is resumed so that its own kdump runs afterwards.

QMP is read with select() and explicit deadlines: a blocking socket reader
hangs forever when QEMU dies or stays silent.
"""
import argparse
import json
import os
import select
import socket
import subprocess
import sys
import time


class Fail(Exception):
    pass


class BootFailure(Fail):
    """The guest failed before its init ran: a boot failure, not the
    scenario.  Seen under TCG with SMP: an "Oops: int3" in kernel text
    that was being live-patched (jump labels) during boot, an emulation
    race of cross-modifying code; and a 7.3 guest silent for good after
    "Freeing initrd memory".  The factory boots such a guest again."""


# A panic this early comes before the pvpanic driver is bound, so QEMU
# sends no GUEST_PANICKED event: the console is the only witness.  (Seen
# on a loaded host: "IO-APIC + timer doesn't work!" from the boot-time
# timer check, which the factory's command line now skips.)
EARLY_PANIC = "Kernel panic - not syncing"

# The guest's init logs "zdx-guest: ..." on the console as it starts.
INIT_SAYS = "zdx-guest:"

# Seconds from QEMU's start by which init has spoken on every boot seen
# here (3-15 s under TCG, twice that on a loaded host; the capture
# kernel of a kdump scenario comes later and is not covered): past it,
# a silent guest hung while booting and is booted again instead of
# waiting out the scenario's whole TIMEOUT.
BOOT_LIMIT = 90


def panicked_before_init(console, truth):
    """True when the console lines show a panic and the guest's init has
    not written a line of truth yet."""
    return not truth and any(EARLY_PANIC in l for l in console)


def init_started(console, truth):
    """True once the guest's init has written to the console or the truth
    port (both as lines)."""
    return bool(truth) or any(INIT_SAYS in l for l in console)


# Exit status of a BootFailure (EX_TEMPFAIL): factory.sh retries on it.
EX_BOOT_FAILURE = 75


class Qmp:
    def __init__(self, path, deadline):
        self.sock = None
        while time.time() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.sock = s
                break
            except OSError:
                time.sleep(0.1)
        if self.sock is None:
            raise Fail("QMP socket %s never accepted a connection" % path)
        self.buf = b""
        self.events = []
        self.read_msg(time.time() + 10)            # greeting
        self.cmd("qmp_capabilities")

    def read_msg(self, deadline):
        """One JSON message, or None when the deadline passes."""
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], min(left, 0.5))
            if r:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise Fail("QMP connection closed by QEMU")
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line) if line.strip() else self.read_msg(deadline)

    def cmd(self, name, timeout=30, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        deadline = time.time() + timeout
        while True:
            m = self.read_msg(deadline)
            if m is None:
                raise Fail("QMP %s: no answer within %d s" % (name, timeout))
            if "event" in m:
                self.events.append(m)
            elif "error" in m:
                raise Fail("QMP %s: %s" % (name, m["error"].get("desc")))
            elif "return" in m:
                return m["return"]

    def poll_events(self, timeout):
        m = self.read_msg(time.time() + timeout)
        if m is not None and "event" in m:
            self.events.append(m)
        ev, self.events = self.events, []
        return ev


def tail(path, n=40):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").replace("\r", "").splitlines()
        return "\n".join(lines[-n:])
    except OSError:
        return "(no %s)" % path


def truth_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "").splitlines()
    except OSError:
        return []


def hotplug(qmp, dimms):
    """dimms: list of "id:size" strings; each becomes a RAM backend + pc-dimm."""
    for d in dimms:
        did, size = d.split(":")
        qmp.cmd("object-add", **{"qom-type": "memory-backend-ram", "id": "mem-" + did, "size": size_bytes(size)})
        qmp.cmd("device_add", driver="pc-dimm", id=did, memdev="mem-" + did)


def size_bytes(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * mult[s[-1]] if s[-1] in mult else int(s)


def dump(qmp, fmt, path, timeout):
    t0 = time.time()
    qmp.cmd("dump-guest-memory", timeout=timeout, paging=False, protocol="file:" + path, format=fmt)
    return round(time.time() - t0, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qmp", required=True)
    ap.add_argument("--console", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--timeout", type=int, default=240, help="hard limit for the boot, seconds")
    ap.add_argument("--hotplug", default="", help="space-separated id:size DIMMs")
    ap.add_argument("--dump", action="append", default=[], help="FORMAT:PATH, in order")
    ap.add_argument("--until-exit", action="store_true", help="wait for the guest to power off")
    ap.add_argument("--dump-then-cont", action="store_true")
    ap.add_argument("--info", required=True, help="JSON written here: timings, hot-plugged DIMMs")
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    argv = a.qemu[1:] if a.qemu and a.qemu[0] == "--" else a.qemu
    info = {"dumps": {}, "hotplug": []}
    t0 = time.time()
    deadline = t0 + a.timeout
    qlog = open(os.path.join(os.path.dirname(a.info), "qemu.log"), "wb")
    proc = subprocess.Popen(argv, stdout=qlog, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        qmp = Qmp(a.qmp, time.time() + 30)
        asked = False
        panicked = False
        booted = False
        while True:
            if time.time() > deadline:
                raise Fail("guest did not finish within %d s" % a.timeout)
            if proc.poll() is not None:
                if a.until_exit:
                    break
                raise Fail("QEMU exited (status %s) before the guest panicked" % proc.returncode)
            lines = truth_lines(a.truth)
            # The console matters only until init has written truth.
            console = [] if lines else truth_lines(a.console)
            if not panicked and panicked_before_init(console, lines):
                raise BootFailure("the guest panicked while booting, before its init wrote anything "
                                "(console; no pvpanic event this early): not the scenario's panic")
            if not booted:
                booted = init_started(console, lines)
                if not booted and time.time() - t0 > BOOT_LIMIT:
                    raise BootFailure("the guest's init had said nothing %d s after QEMU started: "
                                      "it hung while booting" % BOOT_LIMIT)
            for l in lines:
                if l.startswith("@@FAIL"):
                    raise Fail("guest: " + l[7:])
            if a.hotplug and not asked and "@@HOTPLUG" in lines:
                hotplug(qmp, a.hotplug.split())
                info["hotplug"] = qmp.cmd("query-memory-devices")
                asked = True
            try:
                events = qmp.poll_events(0.5)
            except Fail:
                if a.until_exit:
                    continue    # QEMU quit on guest power-off; proc.poll() ends the loop
                raise
            if any(e["event"] == "GUEST_CRASHLOADED" for e in events):
                info["crashloaded_seconds"] = round(time.time() - t0, 1)   # pvpanic: kdump kernel takes over
            if any(e["event"] == "GUEST_PANICKED" for e in events) and not panicked:
                panicked = True
                lines = truth_lines(a.truth)
                if not lines:
                    raise BootFailure("the guest panicked while booting, before its init wrote anything: "
                                    "not the scenario's panic")
                if a.until_exit and not a.dump_then_cont:
                    raise Fail("guest panicked through pvpanic instead of running its kdump kernel")
                info["panic_seconds"] = round(time.time() - t0, 1)
                for spec in a.dump:
                    fmt, path = spec.split(":", 1)
                    info["dumps"][fmt] = dump(qmp, fmt, path, 900)
                if a.dump_then_cont:
                    qmp.cmd("cont")
                    continue
                qmp.cmd("quit")
                break
        proc.wait(timeout=30)
        if "@@DONE" not in truth_lines(a.truth):
            raise Fail("truth port has no @@DONE: the guest never finished writing its truth")
    except Fail as e:
        proc.kill()
        proc.wait()
        sys.stderr.write("zdx-factory: error: %s\n--- console tail (%s) ---\n%s\n--- qemu log ---\n%s\n"
                         % (e, a.console, tail(a.console), tail(qlog.name, 10)))
        return EX_BOOT_FAILURE if isinstance(e, BootFailure) else 1
    info["total_seconds"] = round(time.time() - t0, 1)
    with open(a.info, "w") as f:
        json.dump(info, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
