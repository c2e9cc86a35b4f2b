"""``bp-tui screenshot``: the app after a key sequence, written as an SVG file."""

from __future__ import annotations

import argparse

from .options import MAX_SIZE, scenario_argument, size


def configure(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser, optional=True)
    parser.add_argument("--keys", default="", help='keys to press first, space-separated, e.g. "f f b b"')
    parser.add_argument("--size", type=size, default=(120, 40), metavar="WxH",
                        help=f"terminal size in cells (default: 120x40; at most {MAX_SIZE[0]}x{MAX_SIZE[1]})")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.svg", help="where to write the SVG")


def run(args: argparse.Namespace) -> int:
    from ..engine import ScenarioError, load_scenario
    from ..engine.files import FileProblem, check_target

    if not args.output.lower().endswith(".svg"):
        raise ScenarioError(args.output, "-o", "screenshots are SVG: give a file name ending in .svg")
    try:
        check_target(args.output)  # fail before rendering; the write checks again
    except FileProblem as problem:
        raise ScenarioError(args.output, "-o", str(problem)) from None
    scenario = load_scenario(args.scenario)
    from ..ui.screenshot import check_keys, save_screenshot

    save_screenshot(scenario, check_keys(args.keys.split()), args.size, args.output)
    return 0
