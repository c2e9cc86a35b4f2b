"""``bp-tui trace`` (train headless, one JSON line per update) and ``bp-tui check``."""

from __future__ import annotations

import argparse
import sys

from .options import count, scenario_argument
from .output import emit


def configure_trace(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser)
    parser.add_argument("--updates", type=count, default=None, metavar="N",
                        help="stop after N updates (default: all epochs)")


def run_trace(args: argparse.Namespace) -> int:
    from ..engine import TrainingSession, load_scenario
    from ..engine.threads import use_threads_for
    from ..engine.trace import trace_lines

    scenario = load_scenario(args.scenario)
    use_threads_for(scenario)  # BLAS threads for this network, not the machine's default
    emit(trace_lines(TrainingSession(scenario), args.updates))
    return 0


def configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files or bundled names")


def run_check(args: argparse.Namespace) -> int:
    """Every file is checked; one ``PATH: WHERE: WHAT`` line per bad file.

    The ``PATH: ok (TITLE)`` lines go to stdout only when all files are valid,
    so a failed check prints nothing on stdout (exit 2), as any user error.
    """
    from ..engine import ScenarioError, load_scenario
    from ..engine.fields import printable

    failed, ok = 0, []
    for name in args.scenarios:
        try:
            scenario = load_scenario(name)
        except ScenarioError as error:
            print(error, file=sys.stderr)
            failed += 1
        else:
            ok.append(f"{printable(name)}: ok ({printable(' '.join(scenario.title.split()))})")
    if failed:
        return 2
    emit(line + "\n" for line in ok)
    return 0
