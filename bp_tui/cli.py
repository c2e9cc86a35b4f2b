"""The ``bp-tui`` command: parse arguments, dispatch, turn user errors into exit 2.

    bp-tui [SCENARIO]                      open the debugger (default: seed)
    bp-tui trace SCENARIO [--updates N]    train headless, print JSON Lines
    bp-tui check SCENARIO...               validate scenario files
    bp-tui screenshot SCENARIO [--keys K] [--size WxH] -o FILE.svg

A user error (bad file, bad option) prints ``PATH: WHERE: WHAT`` on stderr and
exits 2, with nothing on stdout and no traceback.
"""

from __future__ import annotations

import argparse
import sys

from .engine import ScenarioError, TrainingSession, load_scenario

COMMANDS = ("trace", "check", "screenshot")


class UsageError(Exception):
    """A bad option: printed as ``bp-tui: WHAT`` and exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bp-tui", description="A terminal step-through debugger for backpropagation.")
    parser.add_argument("scenario", nargs="?", default="seed",
                        help="a scenario file or a bundled scenario's name (default: seed)")
    return parser


def _trace_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bp-tui trace", description="Train headless and print JSON Lines.")
    parser.add_argument("scenario")
    parser.add_argument("--updates", type=_count, default=None, metavar="N",
                        help="stop after N updates (default: all epochs)")
    return parser


def _check_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bp-tui check", description="Validate scenario files.")
    parser.add_argument("scenarios", nargs="+")
    return parser


def _screenshot_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bp-tui screenshot", description="Render the app after a key sequence to SVG.")
    parser.add_argument("scenario", nargs="?", default="seed")
    parser.add_argument("--keys", default="", help='keys to press first, space-separated, e.g. "f f b b"')
    parser.add_argument("--size", type=_size, default=(120, 40), metavar="WxH")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.svg")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 120x40, got {text!r}") from None
    if min(size) < 10:
        raise argparse.ArgumentTypeError(f"too small: {text}")
    return size


def run_trace(argv: list[str]) -> int:
    from .engine.threads import use_threads_for
    from .engine.trace import write_trace

    args = _trace_parser().parse_args(argv)
    scenario = load_scenario(args.scenario)
    use_threads_for(scenario)  # BLAS threads for this network, not the machine's default
    write_trace(TrainingSession(scenario), sys.stdout, args.updates)
    sys.stdout.flush()
    return 0


def run_check(argv: list[str]) -> int:
    """Every file is checked; one ``PATH: WHERE: WHAT`` line per bad file.

    The ``PATH: ok (TITLE)`` lines go to stdout only when all files are valid,
    so a failed check prints nothing on stdout (exit 2), as any user error.
    """
    args = _check_parser().parse_args(argv)
    failed, ok = 0, []
    for name in args.scenarios:
        try:
            scenario = load_scenario(name)
        except ScenarioError as error:
            print(error, file=sys.stderr)
            failed += 1
        else:
            ok.append(f"{name}: ok ({' '.join(scenario.title.split())})")
    if failed:
        return 2
    print("\n".join(ok))
    return 0


def run_screenshot(argv: list[str]) -> int:
    args = _screenshot_parser().parse_args(argv)
    scenario = load_scenario(args.scenario)
    from .ui.screenshot import save_screenshot

    save_screenshot(scenario, args.keys.split(), args.size, args.output)
    return 0


def run_app(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    scenario = load_scenario(args.scenario)  # validated before any UI starts
    from .ui.app import create_app

    create_app(scenario).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in COMMANDS else None
    run = {"trace": run_trace, "check": run_check, "screenshot": run_screenshot}.get(command, run_app)
    try:
        return run(argv[1:] if command else argv)
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 2
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `bp-tui trace x | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
