"""``bp-tui [SCENARIO]``: open the debugger in this terminal."""

from __future__ import annotations

import argparse
import os
import sys

from .options import megabytes, megabytes_or_none, scenario_argument, start_options
from .output import PROG, UsageError


def _version() -> str:
    from .. import __version__

    return f"{PROG} {__version__}"


def configure(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser, optional=True)
    start_options(parser)
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--history-mb", type=megabytes, default=None, metavar="MB",
                        help="memory for time travel's checkpoints (default 160): more makes far jumps faster")
    parser.add_argument("--history-disk-mb", type=megabytes_or_none, default=None, metavar="MB",
                        help="disk for more checkpoints on long runs of large networks (default 2048, 0: none)")


def run(args: argparse.Namespace) -> int:
    from ..engine import load_scenario

    scenario = load_scenario(args.scenario)  # validated before any UI starts
    if args.history_mb is not None:  # read by the timeline (engine/timeline.py)
        os.environ["BP_TUI_HISTORY_MB"] = str(args.history_mb)
    if args.history_disk_mb is not None:
        os.environ["BP_TUI_HISTORY_DISK_MB"] = str(args.history_disk_mb)
    from ..ui.deep_link import apply_start, check_start

    start = check_start(scenario, args.goto, args.select, args.present)
    need_terminal()
    from ..ui.app import create_app

    app = create_app(scenario)
    apply_start(app, start)
    app.run()  # a crash inside prints its traceback as the app exits
    return app.return_code or 0  # 1 after a crash (Textual sets it)


def need_terminal() -> None:
    """The app reads keys from a terminal: without one (``< /dev/null``, a pipe) it would
    wait forever or draw escape codes into a file (Textual draws on standard error).  A served session has no terminal
    but a driver of its own (textual-serve sets ``TEXTUAL_DRIVER``)."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    for name, stream in (("standard input", sys.stdin), ("standard error", sys.stderr)):  # Textual draws on stderr
        if stream is None or not stream.isatty():
            raise UsageError(f"{PROG}: {name} is not a terminal: the app needs one "
                             f"(for scripts use {PROG} trace or {PROG} explain)")
