"""``V``'s progress: the whole-network gradient check reports how many parameters it has checked."""

from __future__ import annotations

import pytest

from bp_tui.engine import TrainingSession, gradcheck, load_scenario
from bp_tui.engine.debugger import Debugger
from tests.engine.helpers import random_scenario


def through_backward(session):
    while session.next_phase.kind != "update":
        session.step()
    return session.current.view()


def calls_of(session, **options):
    calls: list[tuple[int, int]] = []
    sc = session.scenario
    result = gradcheck.check_network(through_backward(session), sc.activations, sc.loss,
                                     progress=lambda done, total: calls.append((done, total)), **options)
    return result, calls


def test_xor_reports_from_0_to_its_17_parameters():
    result, calls = calls_of(TrainingSession(load_scenario("xor")))
    total = 2 * 4 + 4 + 4 * 1 + 1  # 2-4-1 with biases, counted by hand
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert result.checked == total


def test_a_sampled_check_counts_what_it_checks_chunk_by_chunk(monkeypatch):
    # 6-40-30-3: 6*40+40 + 40*30+30 + 30*3+3 = 1603 parameters; a sample of 300 (+ the largest gradients)
    sc = random_scenario(3, [6, 40, 30, 3], ["tanh", "sigmoid", "softmax"], "cross_entropy", samples=8)
    monkeypatch.setattr(gradcheck, "_CHUNK", 4 * 8 * 40 * 25)  # 25 parameters a chunk: many reports
    result, calls = calls_of(TrainingSession(sc), max_weights=300)
    totals = {total for _, total in calls}
    assert totals == {result.checked} and 300 <= result.checked < 1603 and result.sampled
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == result.checked
    assert all(b > a for a, b in zip(done, done[1:]))  # every report moves on
    assert len(calls) >= 10  # chunk by chunk (25 a chunk in layer 1, 33 after), not only at start and end


def test_whatever_progress_raises_stops_the_check():
    class Stop(Exception):
        pass

    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > 0:
            raise Stop

    debugger = Debugger(load_scenario("xor"))
    for _ in range(4):  # forward, forward, backward, backward
        debugger.step()
    with pytest.raises(Stop):
        debugger.check_network(progress)
    assert seen[0] == 0 and len(seen) == 2
