"""``python -m bp_tui`` is ``bp-tui``."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while starting: no traceback
    sys.exit(130)

sys.exit(main())
