"""``bp-tui serve``: the app in web browsers, one session per tab."""

from __future__ import annotations

import argparse

from .options import port, scenario_argument, start_options


def configure(parser: argparse.ArgumentParser) -> None:
    scenario_argument(parser, optional=True)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=port, default=8000, metavar="P", help="port (default: 8000)")
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help="the address browsers use (default http://HOST:PORT): set it when listening on "
                             "0.0.0.0 or behind a proxy")
    start_options(parser)


def run(args: argparse.Namespace) -> int:
    from ..engine import load_scenario, resolve_scenario
    from ..ui.deep_link import check_start
    from ..ui.serve import check_listen, check_public_url, serve, session_command, warm_sessions

    scenario = load_scenario(args.scenario)  # every check before the server starts
    check_start(scenario, args.goto, args.select, args.present)
    public_url = check_public_url(args.public_url)
    check_listen(args.host, args.port)
    path = resolve_scenario(args.scenario)
    with warm_sessions(path) as warm:  # tabs forked from a process past the imports (ui/serve_warm.py)
        command = session_command(path, args.goto, args.select, args.present, warm=warm)
        serve(command, args.host, args.port, public_url, f"bp-tui: {scenario.title}")
    return 0
