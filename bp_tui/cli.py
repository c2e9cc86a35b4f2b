"""The ``bp-tui`` command: parse arguments, dispatch, turn user errors into exit 2.

    bp-tui [SCENARIO]                      open the debugger (default: seed)
    bp-tui COMMAND [OPTIONS]               one of the commands registered below

Adding a command is one ``configure`` function (its options), one ``run``
function (``args -> exit code``) and one ``register(...)`` line at the end of
this file.  ``run`` functions import what they need themselves, so that
``bp-tui check`` never pays for Textual.

A user error (bad file, bad option) prints ``PATH: WHERE: WHAT`` or
``bp-tui: WHAT`` on stderr, one line, and exits 2, with nothing on stdout and
no traceback.  Output that cannot be written (``> /dev/full``, a closed
stdout) and Ctrl-C are reported the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import NamedTuple

PROG = "bp-tui"


class UsageError(Exception):
    """A bad option or an unusable output: printed as one line, exit 2."""


class Command(NamedTuple):
    name: str
    summary: str  # one line, shown by ``bp-tui --help``
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(name: str, summary: str, configure, run) -> None:
    """Make ``bp-tui NAME`` a command (``--help`` lists it in registration order)."""
    COMMANDS[name] = Command(name, summary, configure, run)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        from .engine.fields import printable

        raise UsageError(f"{self.prog}: {printable(message, limit=200)} (see {self.prog} --help)")

    def _print_message(self, message, file=None):  # argparse would hide a failed write
        if message:
            _emit((message,))


# --- option types -------------------------------------------------------------------


def signed_whole(text: str) -> int:
    """A whole number of any sign (``explain --update N``, ``--port``): the range
    is the caller's to say in one message ("this scenario has updates 1..5")."""
    from .engine.fields import whole_number

    try:
        return whole_number(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def count(text: str) -> int:
    """A whole number >= 0 (``--updates N``)."""
    value = signed_whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def megabytes(text: str) -> float:
    """A memory size in MiB, 1 to 1,000,000 (``--history-mb``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of megabytes, got {text[:20]!r}") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 1000000 megabytes, got {text[:20]}")
    return value


#: ``--size`` bounds: big enough for any screen, small enough to render in seconds.
MIN_SIZE, MAX_SIZE = (20, 10), (1000, 500)


def size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` in terminal cells, within MIN_SIZE..MAX_SIZE."""
    from .engine.fields import printable, whole_number

    width, _, height = text.lower().partition("x")
    try:
        w, h = whole_number(width, 6), whole_number(height, 6)
    except ValueError:
        shown = printable(text, quote=True)
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 120x40, got {shown}") from None
    (w0, h0), (w1, h1) = MIN_SIZE, MAX_SIZE
    if not (w0 <= w <= w1 and h0 <= h <= h1):
        raise argparse.ArgumentTypeError(f"{w}x{h} is out of range: width {w0} to {w1}, height {h0} to {h1}")
    return w, h


def scenario_argument(parser: argparse.ArgumentParser, optional: bool = False) -> None:
    help_text = "a scenario file or a bundled scenario's name (seed, xor, ...)"
    if optional:
        parser.add_argument("scenario", nargs="?", default="seed", metavar="SCENARIO",
                            help=help_text + "; default: seed")
    else:
        parser.add_argument("scenario", metavar="SCENARIO", help=help_text)


# --- the commands -------------------------------------------------------------------


def configure_trace(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser)
    parser.add_argument("--updates", type=count, default=None, metavar="N",
                        help="stop after N updates (default: all epochs)")


def run_trace(args: argparse.Namespace) -> int:
    from .engine import TrainingSession, load_scenario
    from .engine.threads import use_threads_for
    from .engine.trace import trace_lines

    scenario = load_scenario(args.scenario)
    use_threads_for(scenario)  # BLAS threads for this network, not the machine's default
    _emit(trace_lines(TrainingSession(scenario), args.updates))
    return 0


def configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files or bundled names")


def run_check(args: argparse.Namespace) -> int:
    """Every file is checked; one ``PATH: WHERE: WHAT`` line per bad file.

    The ``PATH: ok (TITLE)`` lines go to stdout only when all files are valid,
    so a failed check prints nothing on stdout (exit 2), as any user error.
    """
    from .engine import ScenarioError, load_scenario
    from .engine.fields import printable

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
    _emit(line + "\n" for line in ok)
    return 0


def configure_explain(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser)
    parser.add_argument("--update", type=signed_whole, default=1, metavar="N",
                        help="which update, counting from 1 like the trace's step (default: 1)")
    parser.add_argument("--weight", default=None, metavar="NAME",
                        help="only this parameter's gradient and update, e.g. W2[1,0] or b2[0]")


def run_explain(args: argparse.Namespace) -> int:
    from .engine import load_scenario
    from .engine.explain import explain_update

    _emit((explain_update(load_scenario(args.scenario), args.update, args.weight),))
    return 0


def port(text: str) -> int:
    """A TCP port, 1..65535."""
    value = signed_whole(text)  # any whole number; the range is said in one message
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, got {value}")
    return value


def start_options(parser: argparse.ArgumentParser) -> None:
    """Deep links, for the app and for ``serve``: where the app opens."""
    parser.add_argument("--goto", default=None, metavar="N", help="open after update N (0: the start)")
    parser.add_argument("--select", default=None, metavar="NAME",
                        help="open with this weight selected, e.g. W1[0,1] or b2[0]")
    parser.add_argument("--present", action="store_true",
                        help="open in presenter mode: the equation large, one sentence per phase, high contrast")


def configure_serve(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser, optional=True)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=port, default=8000, metavar="P", help="port (default: 8000)")
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help="the address browsers use (default http://HOST:PORT): set it when listening on "
                             "0.0.0.0 or behind a proxy")
    start_options(parser)


def run_serve(args: argparse.Namespace) -> int:
    from .engine import load_scenario, resolve_scenario
    from .ui.deep_link import check_start
    from .ui.serve import check_listen, check_public_url, serve, session_command

    scenario = load_scenario(args.scenario)  # every check before the server starts
    check_start(scenario, args.goto, args.select, args.present)
    public_url = check_public_url(args.public_url)
    check_listen(args.host, args.port)
    command = session_command(resolve_scenario(args.scenario), args.goto, args.select, args.present)
    serve(command, args.host, args.port, public_url, f"bp-tui: {scenario.title}")
    return 0


def configure_screenshot(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser, optional=True)
    parser.add_argument("--keys", default="", help='keys to press first, space-separated, e.g. "f f b b"')
    parser.add_argument("--size", type=size, default=(120, 40), metavar="WxH",
                        help=f"terminal size in cells (default: 120x40; at most {MAX_SIZE[0]}x{MAX_SIZE[1]})")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.svg", help="where to write the SVG")


def run_screenshot(args: argparse.Namespace) -> int:
    from .engine import ScenarioError, load_scenario
    from .engine.files import FileProblem, check_target

    if not args.output.lower().endswith(".svg"):
        raise ScenarioError(args.output, "-o", "screenshots are SVG: give a file name ending in .svg")
    try:
        check_target(args.output)  # fail before rendering; the write checks again
    except FileProblem as problem:
        raise ScenarioError(args.output, "-o", str(problem)) from None
    scenario = load_scenario(args.scenario)
    from .ui.screenshot import check_keys, save_screenshot

    save_screenshot(scenario, check_keys(args.keys.split()), args.size, args.output)
    return 0


def configure_compare(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("first", metavar="A", help="a scenario file or a bundled scenario's name")
    parser.add_argument("second", metavar="B", help="another, with the same layers")


def run_compare(args: argparse.Namespace) -> int:
    from .engine import load_scenario
    from .engine.compare import Comparison

    comparison = Comparison(load_scenario(args.first), load_scenario(args.second))  # validated before any UI
    from .ui.compare_app import CompareApp

    return CompareApp(comparison).run() or 0


def run_app(argv: list[str]) -> int:
    args = _app_parser().parse_args(argv)
    from .engine import load_scenario

    scenario = load_scenario(args.scenario)  # validated before any UI starts
    if args.history_mb is not None:  # read by the timeline (engine/timeline.py)
        os.environ["BP_TUI_HISTORY_MB"] = str(args.history_mb)
    from .ui.deep_link import apply_start, check_start

    start = check_start(scenario, args.goto, args.select, args.present)
    _need_terminal()
    from .ui.app import create_app

    app = create_app(scenario)
    apply_start(app, start)
    app.run()  # a crash inside prints its traceback as the app exits
    return app.return_code or 0  # 1 after a crash (Textual sets it)


def _need_terminal() -> None:
    """The app reads keys from a terminal: without one (``< /dev/null``, a pipe) it would
    wait forever or draw escape codes into a file (Textual draws on standard error).  A served session has no terminal
    but a driver of its own (textual-serve sets ``TEXTUAL_DRIVER``)."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    for name, stream in (("standard input", sys.stdin), ("standard error", sys.stderr)):  # Textual draws on stderr
        if stream is None or not stream.isatty():
            raise UsageError(f"{PROG}: {name} is not a terminal: the app needs one "
                             f"(for scripts use {PROG} trace or {PROG} explain)")


# --- parsers ------------------------------------------------------------------------


def _version() -> str:
    from . import __version__

    return f"{PROG} {__version__}"


def _app_parser() -> argparse.ArgumentParser:
    """``bp-tui [SCENARIO]``; its help also lists the commands."""
    width = max(len(name) for name in COMMANDS) + 2
    listing = "\n".join(f"  {c.name:<{width}}{c.summary}" for c in COMMANDS.values())
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} [-h] [--version] [--history-mb MB] [SCENARIO]\n       {PROG} COMMAND [-h] ...",
        description="A terminal step-through debugger for backpropagation. "
                    "With no command, opens the debugger on SCENARIO.",
        epilog=f"commands:\n{listing}\n\n'{PROG} COMMAND --help' shows a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scenario_argument(parser, optional=True)
    start_options(parser)
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--history-mb", type=megabytes, default=None, metavar="MB",
                        help="memory for time travel's checkpoints (default 188): more makes far jumps faster")
    return parser


def _command_parser(command: Command) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"{PROG} {command.name}", description=command.summary[:1].upper() + command.summary[1:] + ".")
    command.configure(parser)
    parser.set_defaults(command=command.name)
    return parser


# --- output and errors --------------------------------------------------------------


def _emit(texts) -> None:
    """Write ``texts`` to stdout; a closed or full output is a one-line UsageError.

    A BrokenPipeError (the reader left, as ``| head`` does) passes through:
    ``main`` ends quietly then.
    """
    out = sys.stdout
    if out is None:
        raise UsageError(f"{PROG}: standard output is closed")
    raw = getattr(out, "buffer", None)
    try:
        for text in texts:
            if isinstance(text, bytes):  # the trace's lines: megabytes, written as they are
                if raw is None:
                    out.write(text.decode("ascii"))
                else:
                    raw.write(text)
            else:
                out.write(text)
        out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # ValueError: write to a closed file
        _drop_stdout()
        raise UsageError(f"{PROG}: cannot write the output: {getattr(error, 'strerror', None) or error}") from None


def _drop_stdout() -> None:
    """After a failed write, point stdout at /dev/null so exit does not flush again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _say(message: str) -> None:
    if sys.stderr is not None:
        try:
            print(message, file=sys.stderr)
        except OSError:
            pass


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        command = COMMANDS[argv[0]]
        return command.run(_command_parser(command).parse_args(argv[1:]))
    return run_app(argv)


def _run(argv: list[str]) -> int:
    try:
        code = _dispatch(argv)
    except SystemExit as done:  # --help, --version
        code = done.code if isinstance(done.code, int) else 2
    _emit(())  # what is still buffered must reach the output too
    return code


def main(argv: list[str] | None = None) -> int:
    """Run ``bp-tui ARGV``; returns the exit code (0, 2 user error, 130 interrupted)."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        from .engine.fields import ScenarioError

        try:
            return _run(argv)
        except (ScenarioError, UsageError) as error:
            _say(str(error))
            return 2
    except BrokenPipeError:  # e.g. `bp-tui trace x | head`: the reader has all it wants
        _drop_stdout()
        return 0
    except KeyboardInterrupt:
        _say(f"{PROG}: interrupted")
        return 130


register("trace", "train headless and print one JSON line per update", configure_trace, run_trace)
register("check", "validate scenario files (exit 0 when all are valid)", configure_check, run_check)
register("explain", "one update as a Markdown worked example", configure_explain, run_explain)
register("serve", "serve the app to web browsers, one session per tab", configure_serve, run_serve)
register("screenshot", "render the app after a key sequence to an SVG file", configure_screenshot, run_screenshot)
register("compare", "two runs side by side, stepped by the same keys", configure_compare, run_compare)
