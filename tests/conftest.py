"""Suite-wide rules.

In CI (``CI=true``) a skipped test is a failure: the PyTorch comparison and the
real-terminal tests must run there, and a missing ``torch`` or ``tmux`` means
CI is broken, not that the check may be left out.  The one exception is a test
that truly cannot run as root (a read-only folder is writable for root); it is
marked ``@pytest.mark.allowed_skip_in_ci``.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """CI runs `.ci/run` with ``CI=true``; any other value or none is a developer's run."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (in_ci() and report.skipped) or item.get_closest_marker("allowed_skip_in_ci"):
        return
    if hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped in CI (CI=true), which must run every test: {reason}"
