"""The engine, the trace and the CLI module import without any UI library.

The engine is pure NumPy so it runs in a notebook and in ``bp-tui trace``
alike; the CLI imports the UI only when it opens the app.  Two checks:

- dynamic: every module of ``bp_tui.engine`` (found by walking the package, so
  a new module is covered without editing this file) is imported in a fresh
  interpreter, since this test process may have imported Textual already;
- static: no ``import`` statement anywhere under ``bp_tui/engine`` names a UI
  library, including imports inside functions that the dynamic check never runs.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys

import pytest

import bp_tui.engine
from tests.engine.helpers import ROOT

UI_LIBRARIES = ("textual", "rich", "plotext", "textual_plotext")
ENGINE = ROOT / "bp_tui" / "engine"

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


def engine_modules() -> list[str]:
    """Every module and subpackage under bp_tui.engine, by walking the package."""
    found = pkgutil.walk_packages(bp_tui.engine.__path__, prefix="bp_tui.engine.")
    return ["bp_tui.engine"] + sorted(info.name for info in found)


def test_the_walk_finds_the_engine_modules():
    """Guard: the walk sees the modules on disk (so an empty import list cannot pass)."""
    on_disk = {f"bp_tui.engine.{p.stem}" for p in ENGINE.glob("*.py") if p.stem != "__init__"}
    assert on_disk and on_disk <= set(engine_modules())


def test_every_engine_module_imports_without_ui_libraries():
    code = "\n".join(f"import {name}" for name in engine_modules())
    assert ui_modules_after(code) == []


@pytest.mark.parametrize("module", ["bp_tui.cli", "bp_tui"])
def test_the_command_line_imports_without_ui_libraries(module):
    assert ui_modules_after(f"import {module}") == []


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level module) for every import statement in the tree, nested ones included."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module", "__import__"} and node.args and isinstance(node.args[0], ast.Constant):
            names.append((node.lineno, str(node.args[0].value).split(".")[0]))
    return names


def test_no_engine_source_names_a_ui_library():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) >= 10
    offending = [f"{path.relative_to(ROOT)}:{line}: {name}"
                 for path in files
                 for line, name in imported_names(ast.parse(path.read_text(), str(path)))
                 if name in UI_LIBRARIES]
    assert offending == []


def test_the_static_check_sees_nested_and_dynamic_imports():
    """Guard: imports inside a function and importlib calls are found."""
    source = ("def f():\n    import textual.app\n    from rich import text\n"
              "    importlib.import_module('plotext')\n")
    assert [name for _, name in imported_names(ast.parse(source))] == ["textual", "rich", "plotext"]


def test_headless_trace_run_leaves_ui_libraries_out():
    """``bp-tui trace seed`` and ``bp-tui check`` work without loading the UI."""
    code = (
        "import io, contextlib\n"
        "from bp_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert main(['trace', 'scenarios/seed.toml', '--updates', '1']) == 0\n"
        "    assert main(['check', 'scenarios/seed.toml']) == 0\n"
        "assert out.getvalue().count('\\n') == 3, out.getvalue()\n"
    )
    assert ui_modules_after(code) == []


@pytest.mark.parametrize("args", [["trace", "seed", "--updates", "1"], ["check", "seed"]], ids=["trace", "check"])
def test_the_commands_as_run_import_no_ui_library(args):
    """``python -m bp_tui trace|check`` as a user runs it, every import listed by ``-X importtime``.

    These two commands must start fast (< 0.4 s, benchmarks/startup.py):
    Textual alone costs about 0.2 s to import.
    """
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "bp_tui", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    imported = [line.rsplit("|", 1)[-1].strip() for line in lines]
    assert "bp_tui.cli" in imported and "numpy" in imported  # the probe reads real import lines
    assert [m for m in imported if m.split(".")[0] in UI_LIBRARIES] == []


def test_the_probe_sees_ui_libraries_when_they_are_imported():
    """Guard: the probe would notice (so an empty answer above means something)."""
    pytest.importorskip("rich")
    assert "rich" in ui_modules_after("import rich")
