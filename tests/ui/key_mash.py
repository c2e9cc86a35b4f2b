"""A seeded key-mash of the real app under tmux (issue 7 §2).

``python -m bp_tui SCENARIO`` runs in a private tmux server; random keys go
in as a fast typist (or a cat) would send them, in bursts of one to eight
keys per ``send-keys``: every key of the key table (``bp_tui.ui.keys``, ``q``
left out so the mash goes on), the dialogs' keys (Enter, Escape, Tab, arrows,
PageUp/PageDown, Backspace, digits), ``ctrl+p`` and random letters, with the
window resized at random now and then (down to 20x6).  Every so often, and at
the end, the app must still answer: back at 120x40, Escape closes dialogs and
pauses a run, then ``?`` must open the help screen within seconds (the app
may still be working through the keys sent before).

A crash is the app's process ending with a non-zero status (a traceback
on the screen); a clean exit (the palette's "Quit" typed by chance) just
restarts it.  Used by ``test_key_mash.py`` (a short seeded slice in the
normal suite) and ``benchmarks/key_mash.py`` (the long run).
"""

from __future__ import annotations

import os
import random
import shlex
import shutil
import string
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from textual.keys import _character_to_key

from bp_tui.ui.keys import KEYS

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
ANSWER_TIMEOUT = 10.0

#: Textual's named keys as tmux's ``send-keys`` names them (an unknown name tmux types
#: out letter by letter: ``less_than_sign`` was 14 keys, not ``<``).
TMUX_NAMES = {"space": "Space", "enter": "Enter", "left": "Left", "right": "Right", "up": "Up", "down": "Down",
              "tab": "Tab", "shift+tab": "BTab", "escape": "Escape", "backspace": "BSpace", "delete": "DC",
              "insert": "IC", "home": "Home", "end": "End", "pageup": "PageUp", "pagedown": "PageDown",
              **{f"f{n}": f"F{n}" for n in range(1, 13)}}
#: Textual's names of printable characters (``less_than_sign``, ``question_mark``...): the character.
CHARACTERS = {_character_to_key(chr(c)): chr(c) for c in range(33, 127)}
MODIFIERS = {"ctrl": "C-", "shift": "S-", "alt": "M-"}


def tmux_name(key: str) -> str:
    """The ``send-keys`` name of Textual's key name ``key``: ``<`` for ``less_than_sign``,
    ``S-Left`` for ``shift+left``, ``C-p`` for ``ctrl+p``; KeyError if there is none."""
    if len(key) == 1:
        return key
    if key in TMUX_NAMES or key in CHARACTERS:
        return TMUX_NAMES.get(key) or CHARACTERS[key]
    modifier, _, rest = key.partition("+")
    if modifier in MODIFIERS and rest:
        return MODIFIERS[modifier] + tmux_name(rest)
    raise KeyError(f"no tmux name for the key {key!r}")
DIALOG_KEYS = ["Enter", "Enter", "Escape", "Tab", "BTab", "Up", "Down", "PageUp", "PageDown", "Home", "End",
               "BSpace", "Space", "C-p", "Left", "Right"] + list("0123456789")
LETTERS = [c for c in string.ascii_letters if c != "q"]


def bound_keys() -> list[str]:
    """Every key of the app's key table, as tmux names it (``q`` left out: it quits)."""
    names = []
    for key in KEYS:
        if key.action == "quit":
            continue
        names += [tmux_name(name) for name in key.keys.split(",")]
    return names


def wide784(folder: Path, samples: int = 48, seed: int = 0) -> Path:
    """A 784-128-10 scenario (MNIST-sized) on seeded random pixels, written into ``folder``."""
    rng = np.random.default_rng(seed)
    pixels = rng.random((samples, 784)).round(3)
    labels = [f"d{k % 10}" for k in range(samples)]
    header = ",".join([f"p{k}" for k in range(784)] + ["digit"])
    rows = [",".join([*map(str, row), label]) for row, label in zip(pixels, labels)]
    (folder / "wide784.csv").write_text(header + "\n" + "\n".join(rows) + "\n")
    toml = folder / "wide784.toml"
    toml.write_text('title = "784-128-10 on random pixels"\n'
                    '[network]\nlayers = [784, 128, 10]\nactivations = ["relu", "softmax"]\nseed = 0\n'
                    '[data]\ncsv = "wide784.csv"\ntarget_columns = ["digit"]\n'
                    '[training]\nloss = "cross_entropy"\nlearning_rate = 0.1\nbatch_size = 12\nepochs = 10\n')
    return toml


@dataclass
class Report:
    scenario: str
    keys: int = 0
    resizes: int = 0
    checks: int = 0
    restarts: int = 0
    crashes: list[str] = field(default_factory=list)  # the screen (with history) after each crash
    unanswered: list[str] = field(default_factory=list)  # the screen when ``?`` got no answer


class Mash:
    """One tmux server running the app on ``scenario``, mashed with seed ``seed``."""

    def __init__(self, scenario: str, workdir: Path, seed: int) -> None:
        self.scenario, self.workdir = scenario, workdir
        self.rng = random.Random(seed)
        self.socket = f"bp-tui-mash-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.conf = workdir / "tmux.conf"
        self.conf.write_text("set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n")
        self.status = workdir / f"status-{self.socket}"
        self.env = dict(os.environ, TERM="xterm-256color", LANG=os.environ.get("LANG", "C.UTF-8"))
        self.env.pop("TMUX", None)
        self.env["PYTHONPATH"] = str(ROOT) + os.pathsep + self.env.get("PYTHONPATH", "")
        self.report = Report(Path(scenario).stem)
        self.keys = bound_keys()

    # ------------------------------------------------------------ tmux
    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-u", "-L", self.socket, "-f", str(self.conf), *args], env=self.env,
                              capture_output=True, text=True, check=check, timeout=20)

    def start(self) -> None:
        self.status.unlink(missing_ok=True)
        app = shlex.join(["env", "TERM=xterm-256color", sys.executable, "-m", "bp_tui", self.scenario])
        command = f"{app}; echo $? > {shlex.quote(str(self.status))}"
        if self.tmux("has-session", "-t", "bp", check=False).returncode == 0:
            self.tmux("clear-history", "-t", "bp", check=False)
            self.tmux("respawn-pane", "-k", "-t", "bp", "sh", "-c", command)
        else:
            self.tmux("new-session", "-d", "-s", "bp", "-x", "120", "-y", "40", "-c", str(self.workdir),
                      "sh", "-c", command)
        self.wait_for("Network", START_TIMEOUT)

    def screen(self, history: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-S", "-"] if history else []), "-t", "bp").stdout

    def exit_status(self) -> int | None:
        text = self.status.read_text().strip() if self.status.exists() else ""
        return int(text) if text else None

    def wait_for(self, needle: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.screen():
                return True
            if self.exit_status() is not None:
                return False
            time.sleep(0.1)
        return False

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        self.status.unlink(missing_ok=True)

    # ------------------------------------------------------------ mash
    def random_key(self) -> str:
        pick = self.rng.random()
        if pick < 0.55:
            return self.rng.choice(self.keys)
        if pick < 0.85:
            return self.rng.choice(DIALOG_KEYS)
        return self.rng.choice(LETTERS)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "bp", "-x", str(width), "-y", str(height), check=False)

    def answers(self) -> bool:
        """Back at 120x40 with no dialog, ``?`` opens the help screen (tried again
        every 2 s: a key may have gone to a dialog still closing)."""
        self.resize(120, 40)
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while time.monotonic() < deadline:
            self.tmux("send-keys", "-t", "bp", "Escape", "Escape", "Escape", "Escape")
            time.sleep(0.2)
            self.tmux("send-keys", "-t", "bp", "?")
            if self.wait_for("bp-tui help", 2.0):
                self.tmux("send-keys", "-t", "bp", "Escape")
                return True
        return False

    def check(self) -> bool:
        """Still running and answering; records (and restarts after) a crash or a clean exit."""
        self.report.checks += 1
        status = self.exit_status()
        if status is None and self.answers():
            return True
        status = self.exit_status()
        if status is None:
            self.report.unanswered.append(self.screen())
            self.tmux("send-keys", "-t", "bp", "C-q")  # give up on it: quit and start again
            time.sleep(1.0)
        elif status != 0 or "Traceback" in self.screen(history=True):
            self.report.crashes.append(f"exit status {status}\n{self.screen(history=True)}")
        self.report.restarts += 1
        self.start()
        return False

    def run(self, keys: int, check_every: int = 400) -> Report:
        """Send ``keys`` keys, checking every ``check_every`` and at the end."""
        self.start()
        sent_since = 0
        while self.report.keys < keys:
            burst = [self.random_key() for _ in range(self.rng.randint(1, 8))]
            burst = burst[: keys - self.report.keys]
            self.tmux("send-keys", "-t", "bp", *burst, check=False)
            self.report.keys += len(burst)
            sent_since += len(burst)
            if self.rng.random() < 0.08:
                self.resize(self.rng.randint(20, 200), self.rng.randint(6, 60))
                self.report.resizes += 1
            time.sleep(self.rng.random() * 0.03)
            if sent_since >= check_every:
                sent_since = 0
                self.check()
        if sent_since:
            self.check()
        return self.report


def tmux_available() -> bool:
    return shutil.which("tmux") is not None
