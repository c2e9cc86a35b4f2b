"""The long key-mash: thousands of random keys and resizes into the real app
under tmux, on every bundled scenario and a 784-128-10 one.

    .venv/bin/python benchmarks/key_mash.py [--keys 3000] [--seed 0] [--only NAME ...] [--log FILE]

The mash itself lives in ``tests/ui/key_mash.py`` (its doc says what is sent
and what counts as a crash); ``tests/ui/test_key_mash.py`` runs a short slice
of it in the normal suite.  This prints, per scenario, the keys sent, the
resizes, the checks that the app still answers, restarts (a clean exit, e.g.
the palette's Quit typed by chance), crashes and checks left unanswered;
each crash's screen (its traceback) goes to ``--log``.  Exit 1 if anything
crashed or stopped answering, else 0.  Needs tmux.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ui")]

from key_mash import Mash, tmux_available, wide784  # noqa: E402

from bp_tui.engine.scenario import bundled_names  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=3000, help="keys per scenario")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="scenario names (default: all bundled + wide784)")
    parser.add_argument("--log", default="key-mash.log", help="where crash screens go")
    args = parser.parse_args()
    if not tmux_available():
        print("tmux is not installed", file=sys.stderr)
        return 2
    names = args.only or [*bundled_names(), "wide784"]
    print(f"{'scenario':<12} {'keys':>6} {'resizes':>8} {'checks':>7} {'restarts':>9} {'crashes':>8} "
          f"{'unanswered':>11} {'seconds':>8}")
    failed = 0
    with tempfile.TemporaryDirectory() as folder, open(args.log, "w") as log:
        for k, name in enumerate(names):
            work = Path(folder) / name
            work.mkdir()
            scenario = str(wide784(work)) if name == "wide784" else name
            start = time.monotonic()
            mash = Mash(scenario, work, seed=args.seed * 1000 + k)
            try:
                r = mash.run(args.keys)
            finally:
                mash.close()
            for screen in r.crashes + r.unanswered:
                log.write(f"===== {name}\n{screen}\n")
            failed += len(r.crashes) + len(r.unanswered)
            print(f"{name:<12} {r.keys:>6} {r.resizes:>8} {r.checks:>7} {r.restarts:>9} {len(r.crashes):>8} "
                  f"{len(r.unanswered):>11} {time.monotonic() - start:>8.0f}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
