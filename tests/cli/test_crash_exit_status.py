"""A crash exits non-zero, whatever runs after it (issue 10: a key-mash crash exited 0).

The real ``bp-tui seed`` in a subprocess (Textual's headless driver: no
terminal needed), with a deliberately raising action: in a callback on the
UI thread, in a thread worker, and in a worker followed by a quit (a ``q``
queued behind the crash, the palette's Quit), which used to reset the status
to 0 while the traceback was printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from bp_tui.ui import app as ui_app

def boom(*_):
    raise RuntimeError("deliberate crash")

started = ui_app.BpTuiApp.started

def start(self):
    started(self)
    how = sys.argv[1]
    if how == "callback":
        self.call_after_refresh(boom)
    elif how in ("worker", "worker then quit"):
        self.run_worker(boom, thread=True)
    if how == "worker then quit":  # once the crash is handled, a quit comes
        self.set_interval(0.01, lambda: self.return_code and self.exit())
    if how == "quit":
        self.call_after_refresh(self.exit)

ui_app.BpTuiApp.started = start
from bp_tui.cli import main
sys.exit(main(["seed"]))
"""


@pytest.mark.parametrize(("how", "status"), [("quit", 0), ("callback", 1), ("worker", 1), ("worker then quit", 1)])
def test_a_crash_exits_1_with_its_traceback(how, status):
    env = {**os.environ, "PYTHONPATH": str(REPO), "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}
    result = subprocess.run([sys.executable, "-c", SCRIPT, how], env=env, cwd=REPO, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == status, result.stderr[-2000:]
    assert ("deliberate crash" in result.stderr) == (status == 1)


COMPARE = """
import sys
from bp_tui.ui import compare_app

def boom(self):
    raise RuntimeError("deliberate crash")

compare_app.CompareApp.on_ready = boom
from bp_tui.cli import main
sys.exit(main(["compare", "seed", "seed"]))
"""


def test_a_crash_in_compare_exits_1():
    """``bp-tui compare`` returned ``run()``'s result (None): a crash exited 0."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}
    result = subprocess.run([sys.executable, "-c", COMPARE], env=env, cwd=REPO, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "deliberate crash" in result.stderr, result.stderr[-2000:]
