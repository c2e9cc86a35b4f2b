"""The ``bp-tui`` command: parse arguments, dispatch, turn user errors into exit 2.

    bp-tui [SCENARIO]                      open the debugger (default: seed)
    bp-tui COMMAND [OPTIONS]               one of the commands registered below

Adding a command is one module in ``bp_tui/commands/`` with a ``configure``
function (its options) and a ``run`` function (``args -> exit code``), and one
``register(...)`` line at the end of this file.  ``run`` functions import what
they need themselves, so that ``bp-tui check`` never pays for Textual.

A user error (bad file, bad option) prints ``PATH: WHERE: WHAT`` or
``bp-tui: WHAT`` on stderr, one line, and exits 2, with nothing on stdout and
no traceback.  Output that cannot be written (``> /dev/full``, a closed
stdout) and Ctrl-C are reported the same way (``commands/output.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NamedTuple

from .commands import app, compare, explain, screenshot, serve
from .commands.options import count, megabytes, port, signed_whole, size
from .commands.output import PROG, UsageError, drop_stdout, emit, say
from .commands.trace import configure_check, configure_trace, run_check, run_trace

__all__ = ["COMMANDS", "PROG", "Command", "UsageError", "count", "main", "megabytes", "port", "register",
           "signed_whole", "size"]


class Command(NamedTuple):
    name: str
    summary: str  # one line, shown by ``bp-tui --help``
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(name: str, summary: str, configure: Callable[[argparse.ArgumentParser], None],
             run: Callable[[argparse.Namespace], int]) -> None:
    """Make ``bp-tui NAME`` a command (``--help`` lists it in registration order)."""
    COMMANDS[name] = Command(name, summary, configure, run)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        from .engine.fields import printable

        raise UsageError(f"{self.prog}: {printable(message, limit=200)} (see {self.prog} --help)")

    def _print_message(self, message, file=None):  # argparse would hide a failed write
        if message:
            emit((message,))


def _app_parser() -> argparse.ArgumentParser:
    """``bp-tui [SCENARIO]``; its help also lists the commands."""
    width = max(len(name) for name in COMMANDS) + 2
    listing = "\n".join(f"  {c.name:<{width}}{c.summary}" for c in COMMANDS.values())
    parser = _Parser(
        prog=PROG,
        usage=(f"{PROG} [-h] [--version] [--history-mb MB] [--history-disk-mb MB] [SCENARIO]\n"
               f"       {PROG} COMMAND [-h] ..."),
        description="A terminal step-through debugger for backpropagation. "
                    "With no command, opens the debugger on SCENARIO.",
        epilog=f"commands:\n{listing}\n\n'{PROG} COMMAND --help' shows a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    app.configure(parser)
    return parser


def _command_parser(command: Command) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"{PROG} {command.name}", description=command.summary[:1].upper() + command.summary[1:] + ".")
    command.configure(parser)
    parser.set_defaults(command=command.name)
    return parser


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        command = COMMANDS[argv[0]]
        return command.run(_command_parser(command).parse_args(argv[1:]))
    return app.run(_app_parser().parse_args(argv))


def _run(argv: list[str]) -> int:
    try:
        code = _dispatch(argv)
    except SystemExit as done:  # --help, --version
        code = done.code if isinstance(done.code, int) else 2
    emit(())  # what is still buffered must reach the output too
    return code


def main(argv: list[str] | None = None) -> int:
    """Run ``bp-tui ARGV``; returns the exit code (0, 2 user error, 130 interrupted)."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        from .engine.fields import ScenarioError

        try:
            return _run(argv)
        except (ScenarioError, UsageError) as error:
            say(str(error))
            return 2
    except BrokenPipeError:  # e.g. `bp-tui trace x | head`: the reader has all it wants
        drop_stdout()
        return 0
    except KeyboardInterrupt:
        say(f"{PROG}: interrupted")
        return 130


register("trace", "train headless and print one JSON line per update", configure_trace, run_trace)
register("check", "validate scenario files (exit 0 when all are valid)", configure_check, run_check)
register("explain", "one update as a Markdown worked example", explain.configure, explain.run)
register("serve", "serve the app to web browsers, one session per tab", serve.configure, serve.run)
register("screenshot", "render the app after a key sequence to an SVG file", screenshot.configure, screenshot.run)
register("compare", "two runs side by side, stepped by the same keys", compare.configure, compare.run)
