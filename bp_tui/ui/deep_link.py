"""Deep links: open the app at update N with a weight selected (``--goto``, ``--select``).

A teacher hands out ``bp-tui seed --goto 120 --select W1[0,1]`` (or serves
it) and every student starts from the same state.  The options are checked
against the scenario before any UI starts (a bad one is a user error, exit
2); the app then starts there, without breakpoints stopping the way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..engine.explain import parse_parameters
from ..engine.fields import ScenarioError
from ..engine.params import Param
from ..engine.scenario import Scenario


@dataclass(frozen=True)
class Start:
    """Where the app opens: after ``goto`` updates, with the weight or bias ``select`` selected."""

    goto: int = 0
    select: Param | None = None
    present: bool = False


def check_start(scenario: Scenario, goto: str | int | None = None, select: str | None = None,
                present: bool = False) -> Start:
    """The checked ``Start``; raises ``ScenarioError`` naming the option."""
    updates = scenario.batches_per_epoch * scenario.epochs
    number = 0
    if goto is not None:
        try:
            number = int(str(goto).strip())
        except ValueError:
            raise ScenarioError(scenario.path, "--goto", f"expected a whole number of updates, got {goto!r}") from None
        if not 0 <= number <= updates:
            raise ScenarioError(scenario.path, "--goto",
                                f"update {number} does not exist: this scenario has updates 0..{updates}")
    param = None
    if select is not None:
        params = parse_parameters(select, scenario, option="--select")
        if len(params) != 1 or params[0].is_whole:
            raise ScenarioError(scenario.path, "--select", f"select one weight or bias, such as {params[0].name}")
        param = params[0]
    return Start(number, param, present)


def apply_start(app, start: Start) -> None:
    """Put a freshly made app (not yet running) at ``start``."""
    if start.goto:
        app.debugger.timeline.goto_update(start.goto)
        app.debugger.watches.record(app.debugger.session)
    if start.select is not None:
        app.view = replace(app.view, selection=start.select)
    app.start = start  # read on mount (--present)
