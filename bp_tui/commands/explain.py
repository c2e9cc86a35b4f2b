"""``bp-tui explain``: one update as a Markdown worked example."""

from __future__ import annotations

import argparse

from .options import scenario_argument, signed_whole
from .output import emit


def configure(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser)
    parser.add_argument("--update", type=signed_whole, default=1, metavar="N",
                        help="which update, counting from 1 like the trace's step (default: 1)")
    parser.add_argument("--weight", default=None, metavar="NAME",
                        help="only this parameter's gradient and update, e.g. W2[1,0] or b2[0]")


def run(args: argparse.Namespace) -> int:
    from ..engine import load_scenario
    from ..engine.explain import explain_update

    emit((explain_update(load_scenario(args.scenario), args.update, args.weight),))
    return 0
