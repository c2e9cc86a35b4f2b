"""No snapshot or committed screenshot holds a round-off-level number.

A relative error of 8.9e-13 on one CPU is 3.6e-12 on another (OpenBLAS picks
different kernels per CPU), so a picture holding one passes on one machine and
fails on the next.  Such values must be shown as a bound (``< 1e-10``) or not
at all.  This scans every SVG under ``tests/**/__snapshots__`` and
``screenshots/`` for a number written with an exponent of -10 or below.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: 8.9e-13, 3E-10, 1e−14 (a typographic minus), 2.0e-123; not 1e-9 nor 1e-05.
ROUND_OFF = re.compile(r"\d(?:\.\d+)?[eE][-\u2212][1-9]\d+")


def pictures() -> list[Path]:
    return sorted(ROOT.glob("tests/**/__snapshots__/**/*.svg")) + sorted(ROOT.glob("screenshots/*.svg"))


def round_off_numbers(svg: str) -> list[str]:
    """Such numbers in the picture's text, except a bound (``< 1e-10``): a fixed threshold is no round-off."""
    text = html.unescape(svg)
    return [m.group() for m in ROUND_OFF.finditer(text) if not text[:m.start()].rstrip().endswith(("<", "\u2264"))]


def test_there_are_pictures_to_scan():
    names = {p.parent.name for p in pictures()}
    assert len(pictures()) >= 10 and "screenshots" in names


@pytest.mark.parametrize("path", pictures(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_round_off_number_in(path):
    assert round_off_numbers(path.read_text()) == []


def test_the_pattern_finds_round_off_and_nothing_else():
    text = ("relative error 8.9e-13, then 3E-10 and 1e&#8722;14 and 2.0e-123; "
            "fine: 1e-9, 1.0e-05, 2e+12, line-10, 1e-6, &lt;&#160;1e-10 and \u2264 1e-12 are bounds; but 1e-10")
    assert round_off_numbers(text) == ["8.9e-13", "3E-10", "1e\u221214", "2.0e-123", "1e-10"]


def test_the_app_shows_round_off_as_a_bound():
    from bp_tui.ui.fmt import relative_error

    assert relative_error(8.9e-13) == relative_error(3.6e-12) == "< 1e-10"  # two CPUs, one text
    assert relative_error(2.5e-7) == "2.5e-07" and relative_error(0.5) == "0.5"
