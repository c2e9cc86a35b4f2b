"""``python -m bp_tui`` is ``bp-tui``."""

import sys

from .cli import main

sys.exit(main())
