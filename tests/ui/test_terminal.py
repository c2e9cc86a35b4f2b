"""The app in a real terminal: ``python -m bp_tui`` under tmux, read back with ``capture-pane``.

The pilot tests drive the app in-process; these check what a person sees
in an actual terminal emulator (tmux): the first frame, the seed example's
numbers after each key, a resize, ``q``, and a bad scenario refused before
any UI is drawn.  Each test gets its own tmux server on a private socket
(``tmux -L``), killed at teardown, so parallel runs and the developer's own
tmux never meet.  Nothing sleeps for a fixed time: the screen is polled
every 0.1 s until the expected text appears (or a timeout fails the test
with the last screen in the message).

Skipped when ``tmux`` is not installed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 15.0  # first frame of a cold `python -m bp_tui`
STEP_TIMEOUT = 5.0  # one key's redraw
POLL = 0.1


def squash(text: str) -> str:
    """Runs of spaces folded to one, so ``▶0     7    4`` reads ``▶0 7 4``."""
    return re.sub(r"[ \t]+", " ", text)


class Tmux:
    """One private tmux server (its own socket) holding one session, ``bp``."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"bp-tui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.conf = tmp_path / "tmux.conf"
        self.status_file = tmp_path / "exit-status"
        # The pane stays after its command exits, so its last screen and exit
        # status can be read; the status bar is off so the pane is the window.
        self.conf.write_text("set -g remain-on-exit on\nset -g status off\n")
        env = dict(os.environ, TERM="xterm-256color", LANG=os.environ.get("LANG", "C.UTF-8"))
        env.pop("TMUX", None)  # running the tests inside tmux must not nest into the user's server
        self.env = env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-u", "-L", self.socket, "-f", str(self.conf), *args],
                              env=self.env, capture_output=True, text=True, check=check, timeout=10)

    def start(self, *app_args: str, width: int = 120, height: int = 40, program: tuple = ("-m", "bp_tui")) -> None:
        """``python -m bp_tui ARGS`` (or ``python PROGRAM ARGS``) in the session;
        its exit status goes to a file.

        (tmux's own ``#{pane_dead_status}`` is racy: a command that exits at
        once sometimes never gets one.)
        """
        app = " ".join(shlex.quote(a) for a in ["env", "TERM=xterm-256color", sys.executable, *program,
                                                 *app_args])
        command = f"{app}; echo $? > {shlex.quote(str(self.status_file))}"
        self.run("new-session", "-d", "-s", "bp", "-x", str(width), "-y", str(height),
                 "-c", str(ROOT), "sh", "-c", command)

    def screen(self, history: bool = False) -> str:
        """The visible screen; with ``history``, the lines scrolled off it too."""
        return self.run("capture-pane", "-p", *(["-S", "-"] if history else []), "-t", "bp").stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "bp", *keys)

    def resize(self, width: int, height: int) -> None:
        self.run("resize-window", "-t", "bp", "-x", str(width), "-y", str(height))

    def exit_status(self) -> int | None:
        """The app's exit status once it has exited, else None."""
        text = self.status_file.read_text().strip() if self.status_file.exists() else ""
        return int(text) if text else None

    def wait_for(self, *needles: str, region=None, timeout: float = STEP_TIMEOUT) -> str:
        """Poll the screen until every needle is in it (spaces squashed); return that screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            text = squash(region(screen) if region else screen)
            if all(n in text for n in needles):
                return screen
            if time.monotonic() > deadline:
                missing = [n for n in needles if n not in text]
                pytest.fail(f"after {timeout} s the screen still lacks {missing!r}:\n{screen}")
            time.sleep(POLL)

    def wait_exit(self, timeout: float = STEP_TIMEOUT) -> int:
        """Poll until the app has exited; its exit status."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not exit within {timeout} s:\n{self.screen()}")
            time.sleep(POLL)
        return status

    def kill(self) -> None:
        self.run("kill-server", check=False)


@pytest.fixture
def tmux(tmp_path):
    t = Tmux(tmp_path)
    try:
        yield t
    finally:
        t.kill()


def box(title: str):
    """A function cutting out the lines of the pane whose top border carries ``title``.

    Panes sit side by side, so the cut is by columns too: from the title's
    ``╭`` to its matching ``╮`` on the same row.
    """
    def cut(screen: str) -> str:
        lines = screen.splitlines()
        for top, line in enumerate(lines):
            at = line.find(f"─ {title} ")
            if at < 0:
                continue
            left = line.rfind("╭", 0, at)
            right = line.find("╮", at)
            if left < 0 or right < 0:
                continue
            body = []
            for row in lines[top + 1:]:
                part = row[left:right + 1]
                if part.startswith("╰"):
                    break
                body.append(part)
            return "\n".join(body)
        return ""
    return cut


DIAGRAM, BREAKDOWN, COUNTERS = box("Network"), box("Gradient breakdown"), box("Training")


def test_seed_steps_f_f_b_b_u_in_a_real_terminal(tmux):
    tmux.start()
    tmux.wait_for("Network", "Gradient breakdown", "press f for the forward pass", timeout=START_TIMEOUT)
    tmux.keys("t")  # the matrix view (the drawn view: test_terminal_drawing.py)
    tmux.wait_for("input", "W1 2×2", "▶0 · 4", region=DIAGRAM)  # the output still pending

    tmux.keys("f")
    tmux.wait_for("▶0 1", "●1 3", "▶0 · 4", region=DIAGRAM)  # hidden nodes 1 and 3

    tmux.keys("f")
    tmux.wait_for("▶0 7 4", region=DIAGRAM)  # prediction 7, target 4
    tmux.wait_for("batch loss 9", region=COUNTERS)

    tmux.keys("b")
    tmux.wait_for("#0 1 × 6 × 1 = 6", "1 − 0.01 × 6 = 0.94", region=BREAKDOWN)

    tmux.keys("b")
    tmux.wait_for("∂L 6", "∂L 12", region=DIAGRAM)  # loss slopes at the hidden nodes
    tmux.wait_for("1 × 6 × 1", "0.94", region=BREAKDOWN)

    tmux.keys("u")
    tmux.wait_for("W2 new", "0.94", "1.82", "2.88", region=DIAGRAM)
    tmux.wait_for("updates 1/5", region=COUNTERS)
    tmux.wait_for("loss after 1 update: 9")
    assert tmux.exit_status() is None  # still running


def test_resize_keeps_the_numbers_and_asks_to_enlarge_below_60x20(tmux):
    tmux.start()
    tmux.wait_for("Network", timeout=START_TIMEOUT)
    tmux.keys("f", "f")
    tmux.wait_for("0 7 target 4", region=DIAGRAM)

    tmux.resize(80, 24)  # narrow: the counters become a strip above the diagram
    screen = tmux.wait_for("Network", "0 7 target 4", "loss 9", "Gradient breakdown")
    assert len(screen.splitlines()) <= 24 and max(map(len, screen.splitlines())) <= 80
    assert "Enlarge the terminal" not in screen

    tmux.resize(59, 19)
    screen = tmux.wait_for("Enlarge the terminal")
    assert "Network" not in screen

    tmux.resize(120, 40)  # and back: the same state, nothing lost
    tmux.wait_for("0 7 target 4", region=DIAGRAM)
    tmux.wait_for("batch loss 9", region=COUNTERS)
    assert "Enlarge the terminal" not in tmux.screen()


def test_q_quits_and_restores_the_terminal(tmux):
    tmux.start()
    tmux.wait_for("Network", timeout=START_TIMEOUT)
    tmux.keys("q")
    assert tmux.wait_exit() == 0
    screen = tmux.screen()
    assert "Network" not in screen and "Gradient breakdown" not in screen  # left the alternate screen


def test_missing_scenario_prints_one_line_and_exits_2_without_drawing(tmux):
    tmux.start("nonexistent.toml")
    assert tmux.wait_exit(timeout=START_TIMEOUT) == 2
    # tmux writes its own "Pane is dead" notice below, which can scroll the
    # error line into the history: read both
    lines = [line for line in tmux.screen(history=True).splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("Pane is dead")]
    assert len(lines) == 1, lines
    assert "nonexistent.toml" in lines[0]
    assert "Traceback" not in lines[0] and "Network" not in lines[0]


CRASHING = """
import sys
from bp_tui.ui.main_screen import MainScreen
from bp_tui.cli import main

def crash(self):
    raise ZeroDivisionError("a deliberate bug behind ?")

MainScreen.action_help = crash
sys.exit(main(sys.argv[1:]))
"""


def test_a_crash_exits_1_and_shows_its_traceback(tmux, tmp_path):
    """A bug must not pass for success (exit 0) nor vanish with the alternate screen."""
    program = tmp_path / "crashing.py"
    program.write_text(CRASHING)
    tmux.env["PYTHONPATH"] = str(ROOT)
    tmux.start(program=(str(program),))
    tmux.wait_for("Network", timeout=START_TIMEOUT)
    tmux.keys("?")
    assert tmux.wait_exit() == 1
    screen = squash(tmux.screen(history=True))
    assert "ZeroDivisionError: a deliberate bug behind ?" in screen
    assert "Traceback" in screen and "def crash" in screen  # where it happened
