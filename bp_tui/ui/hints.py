"""The one-line hints above the footer, in the slides' words.

Every key a hint names comes from the key table (``keys.key_for``), so a key
changed there changes every hint.  Nothing here decides anything: the
session says where training is; these only say it.
"""

from __future__ import annotations

from ..engine.breakpoints import BreakpointHit
from ..engine.fields import counted
from ..engine.gradcheck import DISAGREES, GradCheck, NetworkCheck
from ..engine.params import Param
from ..engine.state import FORWARD, SessionState
from .keys import key_for


def started() -> str:
    return f"press {key_for('forward')} for the forward pass, {key_for('help')} for help"


def at_start(what: str) -> str:
    """After a reset or an open: ``what`` happened, and the first key to press."""
    return f"{what}: press {key_for('forward')} for the forward pass"


def finished(st: SessionState) -> str:
    """Training is over: what the keys that still act do."""
    return (f"training finished after {counted(st.updates_done, 'update')}: {key_for('back')} steps back, "
            f"{key_for('reset')} resets, {key_for('open')} opens another scenario")


def after_step(st: SessionState) -> str:
    """Where training is now, and the key that takes the next phase."""
    nxt = st.next_phase
    if nxt is None:
        return finished(st)
    if st.last_phase is None:
        return f"at the start of update {st.updates_done + 1}: press {key_for('forward')} for the forward pass"
    return (f"done: {st.last_phase.describe(st.depth)}.  next: {nxt.describe(st.depth)} "
            f"(press {key_for(nxt.kind)} or {key_for('next')})")


def after(st: SessionState, hit: BreakpointHit | None, paused: bool) -> tuple[str, str]:
    """The hint after a move or a run, and its style: why it stopped, where training is."""
    if hit is not None:
        return breakpoint_hit(hit), "bold red"
    if paused and not st.finished:
        return paused_at(st, after_step(st)), "italic"
    return after_step(st), "italic"


def running(pace: str | None = None) -> str:
    """While a run goes on (``pace``: continue's, named)."""
    if pace is None:
        return "running… any key pauses"
    return f"running at {pace}… any key pauses, {key_for('pace')} change the pace"


def paused_at(st: SessionState, then: str) -> str:
    return f"paused after {counted(st.updates_done, 'update')}: {then}"


def breakpoint_hit(hit: BreakpointHit) -> str:
    return f"⛔ breakpoint: {hit.message}"


def first_needed(st: SessionState, layer: int = 1) -> str:
    """The keys that bring a backward pass to ``layer``: the forward pass first when it is not done."""
    nxt = st.next_phase
    back = f"{key_for('backward')} to run the backward pass to layer {layer}"
    if nxt is not None and nxt.kind == FORWARD:
        return f"press {key_for('forward')} to finish the forward pass, then {back}"
    return f"press {back}"


def no_gradient(what: str, st: SessionState, layer: int = 1) -> str:
    return f"no {what} yet: {first_needed(st, layer)}"


def gradient_check(check: GradCheck | None, param: Param, st: SessionState) -> str:
    """The engine's verdict, as it says it (a disagreement in capitals)."""
    if check is None:
        return no_gradient(f"gradient of {param.name}", st, param.layer)
    verdict = check.verdict.upper() if check.verdict == DISAGREES else check.verdict
    return f"gradient check of {check.name}: relative error {check.error_text}, backprop {verdict}"


def network_check(result: NetworkCheck | None, st: SessionState) -> str:
    if result is None:
        return f"{key_for('gradcheck_all')} checks a whole backward pass: {first_needed(st)}"
    scope = f"{result.checked:,} of {result.total:,} (a sample)" if result.sampled else f"all {result.total:,}"
    kinks = f", {result.kinks} at a ReLU kink left out" if result.kinks else ""
    worst = result.worst
    plural = "s" if result.checked != 1 else ""
    return f"checked {scope} gradient{plural}{kinks}: worst {worst.name}, relative error {worst.error_text}"
