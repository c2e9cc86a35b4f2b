"""The engine, the trace and the CLI module import without any UI library.

The engine is pure NumPy so it runs in a notebook and in ``bp-tui trace``
alike; the CLI imports the UI only when it opens the app.  Each check runs
in a fresh interpreter, since this test process may have imported Textual
already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.engine.helpers import ROOT

UI_LIBRARIES = ("textual", "rich", "plotext", "textual_plotext")

PROBE = """
import json, sys
{code}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {libraries!r})
print(json.dumps(loaded))
"""


def ui_modules_after(code: str) -> list[str]:
    probe = PROBE.format(code=code, libraries=set(UI_LIBRARIES))
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", [
    "bp_tui.engine", "bp_tui.engine.trace", "bp_tui.engine.breakdown", "bp_tui.cli", "bp_tui",
])
def test_import_leaves_ui_libraries_out(module):
    assert ui_modules_after(f"import {module}") == []


def test_all_engine_modules_together():
    code = "import bp_tui.engine, bp_tui.engine.trace, bp_tui.engine.breakdown, bp_tui.cli"
    assert ui_modules_after(code) == []


def test_headless_trace_run_leaves_ui_libraries_out():
    """``bp-tui trace seed`` and ``bp-tui check`` work without loading the UI."""
    code = (
        "import io, contextlib\n"
        "from bp_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert main(['trace', 'scenarios/seed.toml', '--updates', '2']) == 0\n"
        "    assert main(['check', 'scenarios/seed.toml']) == 0\n"
        "assert out.getvalue().count('\\n') == 4, out.getvalue()\n"
    )
    assert ui_modules_after(code) == []


def test_the_probe_sees_ui_libraries_when_they_are_imported():
    """Guard: the probe would notice (so an empty answer above means something)."""
    pytest.importorskip("rich")
    assert "rich" in ui_modules_after("import rich")
