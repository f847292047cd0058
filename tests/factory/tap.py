"""TAP for the factory's offline tests: `ok N - what`, a `#` detail under a
failure, and the plan at the end (tests/run.sh counts the lines)."""
import sys


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, what, detail=""):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what))
        if not cond:
            self.failed += 1
            for line in str(detail).splitlines()[:15]:
                print("#   " + line)
        return cond

    def done(self):
        """Print the plan and exit: status 1 when anything failed."""
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)
