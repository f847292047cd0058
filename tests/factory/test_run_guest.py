#!/usr/bin/env python3
"""dumps/run_guest.py's boot-failure detection, offline.

A guest that panics before its pvpanic driver is bound sends QEMU no
GUEST_PANICKED event; run_guest.py must see the panic on the console and
report a boot failure (the factory boots again) instead of waiting out its
timeout.  Likewise a guest whose init never speaks (hung while booting).
The console texts are the kernel's own messages and the guest init's."""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "dumps"))
import run_guest  # noqa: E402

from tap import Tap  # noqa: E402

T = Tap()
ok = T.ok




EARLY = ("[    0.060000] ..... failed :\n"
         "[    0.060000] Kernel panic - not syncing: IO-APIC + timer doesn't work!  "
         "Boot with apic=debug and send a report.\n")
BOOTING = "[    0.000000] Linux version 6.12.117+deb13-amd64\n[    7.5] Run /init as init process\n"


def case(console, truth, pred=run_guest.panicked_before_init):
    """pred on the lines of a console and a truth file (None: no truth
    file), read as run_guest reads them."""
    with tempfile.TemporaryDirectory() as d:
        c, t = os.path.join(d, "console.log"), os.path.join(d, "truth.txt")
        with open(c, "w") as f:
            f.write(console)
        if truth is not None:
            with open(t, "w") as f:
                f.write(truth)
        return pred(run_guest.truth_lines(c), run_guest.truth_lines(t))


ok(case(EARLY, None), "a panic on the console before any truth is a boot panic")
ok(case(EARLY, ""), "an empty truth file is no truth")
ok(not case(BOOTING, None), "a console without a panic is not")
ok(not case(BOOTING + EARLY, "@@BEGIN\n"), "a panic after init wrote truth is the scenario's")
ok(not case("", None), "an empty console is not")

HUNG = BOOTING.replace("Run /init as init process", "Freeing initrd memory: 26136K")
INIT = BOOTING + "zdx-guest: scenario setup\n"
ok(not case(HUNG, None, run_guest.init_started), "a console that stops before init: init has not started")
ok(not case(HUNG, "", run_guest.init_started), "an empty truth file does not say init started")
ok(case(INIT, None, run_guest.init_started), "init's own console line: started")
ok(case(HUNG, "@@HOTPLUG\n", run_guest.init_started), "a truth line: started")
T.done()
