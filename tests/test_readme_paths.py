"""The README's "For developers" section names real files.

Its walk-throughs (adding an optimizer, adding a pane) tell a newcomer which
files to open; a file renamed or split must not leave the README pointing
nowhere.  A path with a folder (``bp_tui/ui/app.py``, ``tests/fixtures/bad/``)
must exist from the repository's root; a bare file name (``session.py``)
must be some file of the project.  A name with ``<...>`` in it is a file
the reader creates.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".py", ".tcss", ".toml", ".md", ".svg", ".csv")
PATH = re.compile(r"[\w.<>-]+(?:/[\w.<>-]+)+/?|[\w<>-]+(?:\.[\w-]+)*\.(?:py|tcss|toml|md|svg|csv)\b")


def developers_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## For developers\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def named_paths(section: str) -> list[str]:
    """Path-like words inside inline code spans (fenced code is left out: it is Python)."""
    prose = re.sub(r"```.*?```", "", section, flags=re.S)
    spans = re.findall(r"`([^`\n]+)`", prose)
    return [found for span in spans for found in PATH.findall(span)
            if "<" not in found and not found.startswith("..")]


def project_files() -> set[str]:
    skip = {".venv", ".git", "node_modules", "__pycache__"}
    return {p.name for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)}


def test_every_file_the_developers_section_names_exists():
    paths = named_paths(developers_section())
    names = project_files()
    missing = [p for p in paths if not ((ROOT / p).exists() if "/" in p else p in names)]
    assert missing == []


def test_the_walk_throughs_name_the_files_they_touch():
    """Guard: the probe reads the walk-throughs' paths, folders and bare names alike."""
    paths = set(named_paths(developers_section()))
    assert {"bp_tui/engine/optimizer_kinds.py", "bp_tui/engine/training_settings.py",
            "tests/engine/test_optimizers.py", "bp_tui/engine/network.py", "bp_tui/ui/snapshot.py",
            "bp_tui/ui/main_screen.py", "bp_tui/ui/app.tcss", "tests/fixtures/bad/", "session.py"} <= paths


def test_a_missing_file_is_caught():
    section = "see `bp_tui/engine/gone.py`, `gone_too.py`, ``tests/nowhere/`` and `bp_tui/ui/<name>_pane.py`"
    paths = named_paths(section)
    assert paths == ["bp_tui/engine/gone.py", "gone_too.py", "tests/nowhere/"]
    assert not any((ROOT / p).exists() for p in paths[::2]) and "gone_too.py" not in project_files()
