"""``bp-tui serve`` in a real headless browser: the page draws the app and keys step it.

Debian's ``chromium`` driven by the ``playwright`` package (never
``playwright install``: no downloads).  xterm.js draws on a canvas, so the
check is on what the page received (its websocket frames: the seed's 7 after
``f f`` typed into the clicked terminal) and on screenshots (the canvas
changed).
Skips, with the reason, when chromium or playwright is missing; ``.ci/run``
installs both, and in CI a skip fails.
"""

from __future__ import annotations

import re
import shutil

import pytest
from serve_helpers import plain, served
from test_serve import SEED_AFTER_FF

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _browser_or_skip():
    missing = []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("the playwright package (pip install playwright)")
    if not shutil.which(CHROMIUM):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:  # in CI (tests/conftest.py) a skip is a failure: .ci/run installs both
        pytest.skip("needs " + " and ".join(missing))
    return sync_playwright


def _plain(frames: list) -> str:
    """The terminal output the page received, escape sequences removed."""
    data = b"".join(f if isinstance(f, bytes) else f.encode("utf-8", "surrogateescape") for f in frames)
    return plain(data)


def test_a_headless_browser_shows_the_app_and_steps_it(tmp_path):
    sync_playwright = _browser_or_skip()
    with served("seed") as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            frames: list = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
            page.goto(server.url + "/?fontsize=16")
            page.wait_for_selector("body.-first-byte", timeout=30_000)
            page.wait_for_function("() => true")
            _wait(page, frames, "Seed example")
            before = page.screenshot(path=str(tmp_path / "before.png"))
            mark = len(frames)
            page.click("#terminal")
            page.keyboard.press("f")
            page.keyboard.press("f")
            _wait(page, frames, SEED_AFTER_FF, mark)
            page.wait_for_timeout(500)  # xterm.js draws the frame it received
            after = page.screenshot(path=str(tmp_path / "after.png"))
            assert before != after  # the canvas shows the new frame
        finally:
            browser.close()


def _wait(page, frames: list, pattern: str, start: int = 0, timeout: float = 30.0) -> None:
    """Let the page run until the terminal output it received after frame ``start`` shows ``pattern``."""
    for _ in range(int(timeout / 0.1)):
        if re.search(pattern, _plain(frames[start:])):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{pattern!r} never reached the page: {_plain(frames[start:])[-1500:]!r}")
