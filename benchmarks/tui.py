"""How responsive is the app?  First frame, key-to-redraw latency, continue-mode throughput.

    .venv/bin/python benchmarks/tui.py [--cycles 25] [--seconds 3] [--runs 5] [--no-tmux] [--blas-one]
    .venv/bin/python benchmarks/tui.py --profile keys|continue [--net seed|xor|784]   (cProfile instead)

The app is driven in-process by Textual's pilot (``app.run_test``), with a
probe on the real draw: ``App._display``, which the screen calls with each
frame the compositor produced.  Headless Textual skips turning that frame
into terminal bytes, so the probe does it (``render_segments``, the very call
a real terminal's frame goes through), stamps the time, and then applies the
frame to a character grid of its own, a tiny terminal.  A latency is the time
from posting a key event to the driver (as the terminal driver does when it
reads a key) to the first frame after which that grid shows the change.  The
change looked for is the hint line's ``done: …`` naming the phase the key
ran (and ``updates N/`` for u); every pane is updated by the same
``publish()`` call, so that frame carries the drawing, the learned pane and
the breakdown too.  The seed, xor and iris keys run with the network drawn
beside the learned pane (each row says which views were on screen).
``pilot.pause()`` is never part of a measurement (it waits for idle and adds
~70 ms); it only settles the app between samples.

Measured:

(a) first frame: from constructing the app to the first frame showing the
    whole UI (Network, Gradient breakdown, the footer), in-process; and the
    cold start of ``python -m bp_tui`` under tmux (120x40) until
    ``capture-pane`` shows the same, polled every 10 ms.
(b) median key-to-redraw latency of f, b and u, on the seed example, xor
    and iris (with many epochs, so they never finish) and on a 784-128-10
    network (relu, softmax + cross-entropy, 256 random samples, batch 64).  A second run
    wraps Textual's and the app's methods to show where each key's time goes.
(c) continue mode: updates per second while ``c`` trains in its worker and
    the app redraws, next to ``TrainingSession.run_updates`` alone in a loop
    (the target's reference) and to ``Debugger.run`` alone (the worker's own
    code path, without the UI); the pause key's latency; how long the UI
    thread blocks on the session lock; ``bp-tui trace`` lines per second for
    the small net.  A third run shows the UI thread's share of wall time per
    method while continuing.

BLAS threads are what users get: the app chooses them itself
(bp_tui/engine/threads.py: one thread for large networks).  ``--blas-one``
forces one thread through the environment instead, as this script used to.

A script, not a test: it prints a table with PASS/MISS per target and exits 0.
On a loaded machine with few CPUs every figure moves; run it twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# What users run unless --blas-one (before NumPy is imported): the app chooses its
# BLAS threads (engine/threads.py).
BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
if "--blas-one" in sys.argv:
    for _name in BLAS_VARS:
        os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402
from rich.cells import cell_len  # noqa: E402
from rich.segment import ControlType  # noqa: E402
from textual import events  # noqa: E402

from bp_tui.engine import TrainingSession, scenario_from_dict  # noqa: E402
from bp_tui.ui.app import BpTuiApp, create_app  # noqa: E402
from bp_tui.ui.moves import Moves  # noqa: E402

SIZE = (120, 40)
EPOCHS = 10**6
WHOLE_UI = ("Network", "Gradient breakdown", "f Forward")

TARGETS = {
    "first frame": 1.0,  # seconds
    "key seed": 0.050,
    "key 784": 0.100,
    "key iris": 0.100,  # issue 9: with the drawing and the learned pane visible
    "continue ratio": 0.5,
}


# ------------------------------------------------------------------ scenarios
def bundled(name: str, epochs: int = EPOCHS):
    path = ROOT / "scenarios" / f"{name}.toml"
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    doc["training"]["epochs"] = epochs
    return scenario_from_dict(doc, path=f"<{name}, {epochs} epochs>", base_dir=path.parent)


def net_784(samples: int = 256, batch: int = 64):
    rng = np.random.default_rng(0)
    sizes = (784, 128, 10)
    doc = {
        "title": "784-128-10",
        "network": {"layers": list(sizes), "activations": ["relu", "softmax"], "init": "he", "seed": 0},
        "data": {"inputs": rng.standard_normal((samples, sizes[0])).tolist(),
                 "targets": np.eye(sizes[2])[rng.integers(0, sizes[2], samples)].tolist()},
        "training": {"loss": "cross_entropy", "learning_rate": 0.01, "batch_size": batch, "epochs": EPOCHS},
    }
    return scenario_from_dict(doc, path="<784-128-10>", base_dir=ROOT)


def squash(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


# ----------------------------------------------------------------- the probe
#: (does the screen's text show it?, the future to resolve with the frame's time, what to call then)
Waiter = tuple[Callable[[str], bool], "asyncio.Future[float]", Callable[[], None] | None]


class FrameProbe:
    """Hooks ``app._display``: times each real frame and keeps a character grid of the screen."""

    def __init__(self, app: BpTuiApp, grid: bool = True) -> None:
        self.app = app
        self.grid_on = grid
        self.frames: list[float] = []  # perf_counter of each frame, after its bytes were made
        self.bytes = 0
        self.render_seconds = 0.0  # time in render_segments (the bytes a terminal would get)
        self.grid: list[list[str]] = []
        self._waiters: list[Waiter] = []
        original = app._display

        def display(screen, renderable) -> None:
            if renderable is not None and not app._batch_count:
                start = time.perf_counter()
                data = renderable.render_segments(app.console)
                now = time.perf_counter()
                self.render_seconds += now - start
                self.bytes += len(data)
                self.frames.append(now)
                if self.grid_on:
                    self._apply(renderable)
                    self._check(now)
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]  # the probe sees every real frame

    # the tiny terminal
    def _apply(self, update) -> None:
        width, height = self.app.size
        if len(self.grid) != height or (self.grid and len(self.grid[0]) != width):
            self.grid = [[" "] * width for _ in range(height)]
        console = self.app.console
        x = y = 0
        for segment in update.__rich_console__(console, console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                x, y = 0, y + 1
                continue
            if not 0 <= y < height:
                continue
            row = self.grid[y]
            for ch in segment.text:
                w = cell_len(ch)
                if 0 <= x < width:
                    row[x] = ch
                    if w == 2 and x + 1 < width:
                        row[x + 1] = ""
                x += w

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.grid)

    def _check(self, now: float) -> None:
        if not self._waiters:
            return
        text = squash(self.text())
        keep = []
        for predicate, future, on_match in self._waiters:
            if future.done():
                continue
            if predicate(text):
                if on_match:
                    on_match()
                future.set_result(now)
            else:
                keep.append((predicate, future, on_match))
        self._waiters = keep

    def expect(self, *needles: str, on_match: Callable[[], None] | None = None) -> asyncio.Future[float]:
        """A future resolved with the time of the first frame showing every needle (spaces squashed).

        ``on_match()`` is called at once when that frame is drawn.
        """
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((lambda text: all(n in text for n in needles), future, on_match))
        return future


class Costs:
    """Where the time between a key and its frame goes: wall time spent inside chosen methods.

    Patches methods of Textual's and the app's classes (undone by ``close``)
    so that each call adds its duration to a named total; totals are reset
    when a key is sent and read when its frame is drawn.  Nested calls count
    in both names (``layout`` includes the diagram's sizing, ``frame`` the
    panes' rendering): read them as "spent in", not as a partition.
    """

    def __init__(self) -> None:
        from textual._compositor import Compositor
        from textual.widget import Widget
        from textual.widgets import Footer

        from bp_tui.ui.diagram import NetworkDiagram

        self.totals: dict[str, float] = {}
        self.marks: dict[str, float] = {}
        self._undo: list[tuple[type, str, Any]] = []
        self._patch(BpTuiApp, "publish", lambda self_, *a: "publish (app: lock + state → panes)")
        # the method every phase key goes through (ui/moves.py; formerly the app's _do, _step)
        self._patch(Moves, "step", lambda self_, *a: "action (engine + publish)", mark="action start")
        self._patch(Compositor, "reflow", lambda self_, *a, **k: "layout (Textual reflow)")
        self._patch(Compositor, "render_update", lambda self_, *a, **k: "frame (compositor, renders panes)")
        self._patch(NetworkDiagram, "get_content_width", lambda self_, *a: "diagram sizing (in layout)")
        self._patch(NetworkDiagram, "get_content_height", lambda self_, *a: "diagram sizing (in layout)")
        self._patch(Widget, "recompose", lambda self_, *a: "footer recompose (async: wall time)"
                    if isinstance(self_, Footer) else None)

        def render_name(widget, *a) -> str | None:
            name = {"diagram": "render: diagram", "breakdown": "render: breakdown", "chart": "render: loss chart",
                    "counters": "render: counters"}.get(widget.id or "")
            if name is None and type(widget).__name__ in ("FooterKey", "FooterLabel", "KeyGroup"):
                name = "render: footer keys"
            return name
        self._patch(Widget, "_render_content", render_name)

    def _patch(self, cls, names, label, mark: str | None = None) -> None:
        """Wrap the first of ``names`` that ``cls`` has (a missing one is skipped: the app changes)."""
        for name in (names,) if isinstance(names, str) else names:
            if hasattr(cls, name):
                break
        else:
            print(f"note: {cls.__name__} has none of {names}: not timed", file=sys.stderr)
            return
        own = name in cls.__dict__
        original = getattr(cls, name)
        totals, marks = self.totals, self.marks
        perf = time.perf_counter
        async def timed_coroutine(self_, *args, **kwargs):
            key = label(self_, *args)
            start = perf()
            try:
                return await original(self_, *args, **kwargs)
            finally:
                if key:
                    totals[key] = totals.get(key, 0.0) + perf() - start

        def timed(self_, *args, **kwargs):
            key = label(self_, *args)
            start = perf()
            if mark and mark not in marks:
                marks[mark] = start
            try:
                return original(self_, *args, **kwargs)
            finally:
                if key:
                    totals[key] = totals.get(key, 0.0) + perf() - start
        setattr(cls, name, timed_coroutine if asyncio.iscoroutinefunction(original) else timed)
        self._undo.append((cls, name, original if own else None))

    def reset(self) -> None:
        self.totals.clear()
        self.marks.clear()

    def snapshot(self) -> dict[str, float]:
        return dict(self.totals)

    def close(self) -> None:
        for cls, name, original in reversed(self._undo):
            if original is None:
                delattr(cls, name)  # it was inherited
            else:
                setattr(cls, name, original)


def send_key(app: BpTuiApp, key: str) -> None:
    """What the terminal driver does when it reads a key."""
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    if app._driver is None:
        raise RuntimeError("the app is not running: no driver to read keys from")
    app._driver.send_message(event)


# ------------------------------------------------------------- (a) first frame
async def first_frame_once(scenario) -> tuple[float, float]:
    """(first frame of any kind, first frame of the whole UI), seconds from construction."""
    start = time.perf_counter()
    app = create_app(scenario)
    probe = FrameProbe(app)
    loop = asyncio.get_running_loop()
    whole = loop.create_future()
    probe._waiters.append((lambda text: all(n in text for n in WHOLE_UI), whole, None))
    async with app.run_test(size=SIZE):
        done = await asyncio.wait_for(whole, 10)
    return probe.frames[0] - start, done - start


def first_frame(runs: int) -> tuple[float, float]:
    seed = bundled("seed", 5)
    results = [asyncio.run(first_frame_once(seed)) for _ in range(runs + 1)][1:]  # the first run warms caches
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def cold_start_tmux(runs: int) -> float | None:
    """``python -m bp_tui`` started in a fresh tmux pane until the pane shows the whole UI."""
    if shutil.which("tmux") is None:
        return None
    times = []
    for _ in range(runs):
        socket = f"bp-tui-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        env = dict(os.environ, TERM="xterm-256color")
        env.pop("TMUX", None)
        tmux = ["tmux", "-u", "-L", socket, "-f", "/dev/null"]
        command = f"env TERM=xterm-256color {sys.executable} -m bp_tui"
        try:
            # the server first (its own start is not the app's), then the app in a new window
            subprocess.run(tmux + ["new-session", "-d", "-s", "b", "-x", "120", "-y", "40"], env=env, check=True)
            subprocess.run(tmux + ["set", "-g", "status", "off"], env=env, check=True)
            start = time.perf_counter()
            subprocess.run(tmux + ["new-window", "-t", "b:9", "-c", str(ROOT), command], env=env, check=True)
            deadline = start + 20
            while time.perf_counter() < deadline:
                screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", "b:9"], env=env,
                                        capture_output=True, text=True).stdout
                if all(n in screen for n in WHOLE_UI):
                    times.append(time.perf_counter() - start)
                    break
                time.sleep(0.01)
        finally:
            subprocess.run(tmux + ["kill-server"], env=env, capture_output=True)
    return statistics.median(times) if times else None


def python_startup(runs: int = 3) -> float:
    """``python -c 'import bp_tui.ui.app'``: the imports alone, for comparison."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import bp_tui.ui.app"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --------------------------------------------------------- (b) key latency
def views_shown(app) -> str:
    """Which views of the network are on screen: the drawing or the matrices, and the learned pane."""
    try:
        drawn = app.query_one("#drawing").display
        learned = app.query_one("#learned-box").display
    except Exception:  # an app without them
        return "matrices"
    return ("drawn" if drawn else "matrices") + (" + learned pane" if learned else "")


async def key_latencies(scenario, cycles: int, costs: Costs | None = None,
                        spent: dict[str, dict[str, list[float]]] | None = None,
                        views: list[str] | None = None) -> dict[str, list[float]]:
    """f f b b u, ``cycles`` times; seconds from key to the frame showing its phase.

    With ``costs``, ``spent[key][name]`` collects the seconds each sample spent in each
    of the patched methods before its frame (and ``queue``: key sent → action started).
    ``views`` gets which views of the network were on screen.
    """
    app = create_app(scenario)
    probe = FrameProbe(app)
    got: dict[str, list[float]] = {"f": [], "b": [], "u": []}
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(probe.expect(*WHOLE_UI), 10)
        await pilot.pause()
        if views is not None:
            views.append(views_shown(app))
        depth = app.session.depth
        for _ in range(cycles):
            for key in ["f"] * depth + ["b"] * depth + ["u"]:
                session = app.session
                nxt = session.next_phase
                if nxt is None:
                    raise SystemExit(f"training finished after {session.updates_done} updates: raise EPOCHS")
                needles = [f"done: {nxt.describe(depth)}"]  # the hint line, drawn by the same publish
                if key == "u":
                    needles.append(f"updates {session.updates_done + 1}/")
                taken: list[dict[str, float]] = []
                on_match = (lambda taken=taken: taken.append(costs.snapshot())) if costs else None
                future = probe.expect(*needles, on_match=on_match)
                if costs:
                    costs.reset()
                start = time.perf_counter()
                send_key(app, key)
                try:
                    shown = await asyncio.wait_for(future, 10)
                except TimeoutError:
                    raise SystemExit(f"no frame showed {needles} after {key!r}:\n{probe.text()}") from None
                got[key].append(shown - start)
                if costs is not None and spent is not None:
                    sample = taken[0]
                    sample["queue (key → action)"] = costs.marks.get("action start", shown) - start
                    for name, value in sample.items():
                        spent.setdefault(key, {}).setdefault(name, []).append(value)
                await pilot.pause()  # settle; not measured
    return got


# ------------------------------------------------------------- (c) continue
class ContinueResult:
    def __init__(self, rate, fps, pause_latency, lock_waits, ui_share, views="", ui_cpu=0.0):
        self.rate, self.fps, self.pause_latency, self.ui_cpu = rate, fps, pause_latency, ui_cpu
        self.lock_waits, self.ui_share, self.views = lock_waits, ui_share, views


class _TimedLock:
    """The app's lock, timing each wait of the UI (main) thread; the worker's pass straight through."""

    def __init__(self, lock) -> None:
        self.lock = lock
        self.waits: list[float] = []

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread():
            self.lock.acquire()
            return
        start = time.perf_counter()
        self.lock.acquire()
        self.waits.append(time.perf_counter() - start)

    def __exit__(self, *exc) -> None:
        self.lock.release()


async def continue_rate(scenario, seconds: float, costs: Costs | None = None) -> ContinueResult:
    """Updates and frames per second while continuing; then the pause key's latency.

    With ``costs``: the share of wall time the UI thread spent in each patched method.
    """
    app = create_app(scenario)
    probe = FrameProbe(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        views = views_shown(app)
        send_key(app, "c")
        while not app.controller.running:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.3)  # past the start-up
        real_lock, timed = app.controller.lock, _TimedLock(app.controller.lock)
        # a wrapper: the worker, which looks the controller's lock up anew each update, still gets the same lock
        app.controller.lock = timed  # type: ignore[assignment]
        if costs:
            costs.reset()
        u0, f0, t0, cpu0 = app.session.updates_done, len(probe.frames), time.perf_counter(), time.thread_time()
        await asyncio.sleep(seconds)
        u1, f1, t1, cpu1 = app.session.updates_done, len(probe.frames), time.perf_counter(), time.thread_time()
        share = {k: v / (t1 - t0) for k, v in costs.snapshot().items()} if costs else {}
        paused = probe.expect("paused after")
        start = time.perf_counter()
        send_key(app, "x")  # any key pauses
        shown = await asyncio.wait_for(paused, 30)
        await app.workers.wait_for_complete()
        app.controller.lock = real_lock
        await pilot.pause()
        assert not app.controller.running, "continue did not pause"
    return ContinueResult((u1 - u0) / (t1 - t0), (f1 - f0) / (t1 - t0), shown - start, timed.waits, share, views,
                          (cpu1 - cpu0) / (t1 - t0))


def headless_rate(scenario, seconds: float) -> float:
    session = TrainingSession(scenario)
    session.run_updates(3)  # warm up
    chunk, n = 1, 0
    start = time.perf_counter()
    end = start + seconds
    while (now := time.perf_counter()) < end:
        session.run_updates(chunk)
        n += chunk
        if now - start < 0.05:
            chunk = min(chunk * 2, 64)
    return n / (time.perf_counter() - start)


def debugger_rate(scenario, seconds: float) -> float | None:
    """The worker's own code path, ``Debugger.run``, with no UI (None if the app has no Debugger)."""
    try:
        from bp_tui.engine.debugger import Debugger
    except ImportError:
        return None
    debugger = Debugger(scenario)
    debugger.run(until_update=3)  # warm up
    start = time.perf_counter()
    n0 = debugger.session.updates_done
    end = start + seconds
    debugger.run(stop=lambda: time.perf_counter() >= end)
    return (debugger.session.updates_done - n0) / (time.perf_counter() - start)


def trace_rate(name: str, updates: int) -> float:
    """``bp-tui trace`` lines per second (start-up subtracted: a run with --updates 0)."""
    text = (ROOT / "scenarios" / f"{name}.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^epochs\s*=.*$", f"epochs = {EPOCHS}", text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.toml"
        path.write_text(text, encoding="utf-8")

        def run(n: int) -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bp_tui", "trace", str(path), "--updates", str(n)],
                           stdout=subprocess.DEVNULL, check=True, cwd=ROOT)
            return time.perf_counter() - start

        base = min(run(0) for _ in range(2))
        full = run(updates)
    return updates / max(full - base, 1e-9)


# ---------------------------------------------------------------- profiling
def profile(what: str, net: str, seconds: float) -> None:
    """cProfile of the app's thread while pressing ``what`` (f/b/u cycles) or continuing."""
    import cProfile
    import pstats

    scenario = net_784() if net == "784" else bundled(net)
    profiler = cProfile.Profile()

    async def go():
        if what == "continue":
            profiler.enable()
            result = await continue_rate(scenario, seconds)
            profiler.disable()
            print(f"continue: {result.rate:.0f} updates/s, {result.fps:.1f} frames/s")
        else:
            profiler.enable()
            got = await key_latencies(scenario, 10)
            profiler.disable()
            for k, v in got.items():
                print(f"{k}: median {statistics.median(v) * 1e3:.1f} ms")

    asyncio.run(go())
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(30)
    print("--- the app's own code, the footer, plotext, CSS and layout ---")
    stats.print_stats(r"bp_tui/ui|footer.py|plotext|stylesheet.py:\d+\(apply\)|_refresh_layout|recompose|"
                      r"_post_mount|render_segments|_compositor.py:\d+\(reflow\)", 40)


# -------------------------------------------------------------------- main
def ms(x: float) -> str:
    return f"{x * 1e3:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=25, help="f…b…u cycles per network (default 25)")
    parser.add_argument("--seconds", type=float, default=3.0, help="wall time of each throughput run")
    parser.add_argument("--runs", type=int, default=5, help="runs of each first-frame measurement")
    parser.add_argument("--no-tmux", action="store_true", help="skip the cold start under tmux")
    parser.add_argument("--blas-one", action="store_true",
                        help="force OPENBLAS_NUM_THREADS=1 etc. (default: the app's own choice, as users run it)")
    parser.add_argument("--profile", metavar="WHAT", help="profile keys (any key name) or 'continue' instead")
    parser.add_argument("--net", default="784", choices=("seed", "xor", "iris", "784"), help="network to profile")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.net, args.seconds)
        return 0

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, target, "" if ok is None else "PASS" if ok else "MISS"))
        print(f"  {name}: {value}", file=sys.stderr, flush=True)

    print("measuring… (progress on stderr)", file=sys.stderr, flush=True)
    # (a)
    any_frame, whole = first_frame(args.runs)
    row("(a) first frame, in-process (construct → whole UI drawn)", ms(whole), "< 1 s",
        whole < TARGETS["first frame"])
    row("    first frame of any kind", ms(any_frame))
    if not args.no_tmux:
        cold = cold_start_tmux(max(3, args.runs // 2))
        if cold is None:
            row("(a) cold start `python -m bp_tui` under tmux", "n/a (no tmux)")
        else:
            row("(a) cold start `python -m bp_tui` under tmux → whole UI", ms(cold), "< 1 s",
                cold < TARGETS["first frame"])
            row("    of which `import bp_tui.ui.app` (python -c)", ms(python_startup()))

    # (b)
    for label, scenario, target in (("seed", bundled("seed"), "key seed"), ("xor", bundled("xor"), "key seed"),
                                    ("iris", bundled("iris"), "key iris"), ("784-128-10", net_784(), "key 784")):
        shown: list[str] = []
        got = asyncio.run(key_latencies(scenario, args.cycles, views=shown))
        label = f"{label}, {shown[0]}" if shown else label
        for key in "fbu":
            samples = got[key]
            med = statistics.median(samples)
            p90 = float(np.percentile(samples, 90))
            row(f"(b) key {key} → redraw, {label} (n={len(samples)}, p90 {ms(p90)})", ms(med),
                f"< {TARGETS[target] * 1e3:.0f} ms", med < TARGETS[target])

    # where the time of (b) goes
    decomposition = []
    costs = Costs()
    try:
        for label, scenario in (("seed", bundled("seed")), ("784-128-10", net_784())):
            spent: dict[str, dict[str, list[float]]] = {}
            got = asyncio.run(key_latencies(scenario, max(10, args.cycles // 2), costs, spent))
            decomposition.append((label, got, spent))
    finally:
        costs.close()

    # (c)
    shares = []
    for label, scenario in (("xor (2-4-1)", bundled("xor")), ("784-128-10", net_784())):
        plain = headless_rate(scenario, args.seconds)
        result = asyncio.run(continue_rate(scenario, args.seconds))
        ratio = result.rate / plain
        row(f"(c) continue, {label}, {result.views}: updates/s in the app ({result.fps:.1f} frames/s)",
            f"{result.rate:,.0f}")
        row(f"    headless run_updates, {label}: updates/s", f"{plain:,.0f}")
        row(f"    ratio app / headless, {label}", f"{ratio:.0%}", ">= 50%", ratio >= TARGETS["continue ratio"])
        same_path = debugger_rate(scenario, args.seconds)
        if same_path is not None:
            row(f"    headless Debugger.run (the worker's code, no UI), {label}: updates/s", f"{same_path:,.0f}")
            row(f"    ratio app / headless Debugger.run, {label}", f"{result.rate / same_path:.0%}")
        row(f"    UI thread's CPU time (redraws), {label}: share of wall time", f"{result.ui_cpu:.0%}")
        waits = result.lock_waits or [0.0]
        row(f"    pause key → 'paused' frame, {label}", ms(result.pause_latency))
        row(f"    UI thread blocked on the session lock, {label}: median (max of {len(result.lock_waits)})",
            f"{ms(statistics.median(waits))} ({ms(max(waits))})")
        if label.startswith("xor"):
            row("    `bp-tui trace` xor: lines/s (JSON Lines to /dev/null)", f"{trace_rate('xor', 20_000):,.0f}")
        costs = Costs()
        try:
            shares.append((label, asyncio.run(continue_rate(scenario, args.seconds, costs))))
        finally:
            costs.close()

    width = [max(len(r[i]) for r in rows) for i in range(4)]
    print()
    blas = ", ".join(f"{n}={os.environ[n]}" for n in BLAS_VARS if n in os.environ) or "BLAS threads: the app's choice"
    print(f"bp-tui responsiveness  (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"terminal {SIZE[0]}x{SIZE[1]}, {blas})")
    header = ("measure", "value", "target", "")
    line = "  ".join(h.ljust(w) for h, w in zip(header, width))
    print(line)
    print("-" * len(line))
    for r in rows:
        print(f"{r[0].ljust(width[0])}  {r[1].rjust(width[1])}  {r[2].ljust(width[2])}  {r[3]}")

    print()
    print("where a key's time goes: median ms spent in each, from the key to its frame (a second run,")
    print("with the methods wrapped; nested: 'frame' includes the renders, 'action' includes 'publish')")
    names = ["queue (key → action)", "action (engine + publish)", "publish (app: lock + state → panes)",
             "layout (Textual reflow)", "diagram sizing (in layout)", "frame (compositor, renders panes)",
             "render: diagram", "render: breakdown", "render: counters", "render: loss chart",
             "render: footer keys", "footer recompose (async: wall time)"]
    columns = [(label, key) for label, _, _ in decomposition for key in "fbu"]
    print(f"{'':38}" + "".join(f"{label[:4] + ' ' + key:>10}" for label, key in columns))
    print(f"{'key → frame (this run)':38}" + "".join(
        f"{statistics.median(got[key]) * 1e3:10.1f}" for _, got, _ in decomposition for key in "fbu"))
    for name in names:
        cells = []
        for _, got, spent in decomposition:
            for key in "fbu":
                values = spent.get(key, {}).get(name, [])
                values = values + [0.0] * (len(got[key]) - len(values))  # samples that never called it
                cells.append(f"{statistics.median(values) * 1e3:10.1f}")
        print(f"{name:38}" + "".join(cells))

    print()
    print("continue mode: share of wall time the UI thread spent in each (a third run, methods wrapped;")
    print("all of it competes with the worker for the GIL)")
    for label, result in shares:
        print(f"  {label}: {result.rate:,.0f} updates/s, {result.fps:.1f} frames/s")
        for name, share in sorted(result.ui_share.items(), key=lambda kv: -kv[1]):
            print(f"    {name:38} {share:6.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
