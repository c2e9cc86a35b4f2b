"""``bp-tui compare``: two runs side by side, stepped by the same keys."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("first", metavar="A", help="a scenario file or a bundled scenario's name")
    parser.add_argument("second", metavar="B", help="another, with the same layers")


def run(args: argparse.Namespace) -> int:
    from ..engine import load_scenario
    from ..engine.compare import Comparison

    comparison = Comparison(load_scenario(args.first), load_scenario(args.second))  # validated before any UI
    from ..ui.compare_app import CompareApp

    app = CompareApp(comparison)
    app.run()  # a crash inside prints its traceback as the app exits
    return app.return_code or 0  # 1 after a crash (run() returns the app's result, None either way)
