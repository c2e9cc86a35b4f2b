"""The ``bp-tui`` subcommands, one module each (or one per small group).

Each module gives a ``configure(parser)`` (its options) and a ``run(args) -> int``;
``bp_tui/cli.py`` registers them, parses and dispatches.  ``run`` functions import
what they need themselves, so that ``bp-tui check`` never pays for Textual.
"""
