"""The trace's bytes: exactly what ``json.dumps`` writes, and exactly what the code wrote before.

``bp-tui trace`` writes with orjson and fixes up the few places where its
spelling differs from ``json.dumps`` (bp_tui/engine/trace_json.py).  Two
independent references:

- ``json.dumps`` of the same record as nested lists (the format's
  definition), on every record of every bundled scenario and on hand-made
  records that hold every kind of number that orjson spells differently;
- the SHA-256 of each bundled scenario's whole trace as the code wrote it
  before the change (commit 5d28326), in tests/fixtures/trace_sha256.json.
  The last digits of a trace depend on the CPU's OpenBLAS and SIMD kernels,
  so digests are recorded per machine fingerprint, and compared where this
  machine's fingerprint was recorded (this project's machines).  Record a new
  one with ``python tests/engine/test_trace_bytes.py`` after checking that
  the trace must change.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bp_tui.engine import TrainingSession, load_scenario  # noqa: E402
from bp_tui.engine import trace as trace_module  # noqa: E402
from bp_tui.engine.scenario import bundled_names  # noqa: E402
from bp_tui.engine.trace_json import dumps  # noqa: E402

DIGESTS = ROOT / "tests" / "fixtures" / "trace_sha256.json"


def fingerprint() -> str:
    """What decides a trace's last digits here: OpenBLAS's kernel, NumPy's version and SIMD level."""
    from threadpoolctl import threadpool_info

    blas = sorted(f"{i['internal_api']}:{i.get('architecture')}" for i in threadpool_info() if i["user_api"] == "blas")
    features = np._core._multiarray_umath.__cpu_features__
    simd = "avx512" if features.get("AVX512_SKX") else "avx2" if features.get("AVX2") else "other"
    return f"{','.join(blas)} numpy:{np.__version__} {simd}"


def reference(record: dict) -> bytes:
    """``json.dumps`` of the record with arrays as nested lists: the format's definition."""
    plain = {k: [a.tolist() if isinstance(a, np.ndarray) else a for a in v] if isinstance(v, list) else v
             for k, v in record.items()}
    return json.dumps(plain).encode("ascii")


def whole_trace(name: str, updates: int | None = None) -> tuple[bytes, list[str]]:
    """The trace's bytes as written, and every record where they differ from json.dumps."""
    session = TrainingSession(load_scenario(name))
    out, differ = io.BytesIO(), []
    for record in trace_module._records(session, updates, trace_module._arrays):
        line = dumps(record)
        if line != reference(record):
            differ.append(f"step {record['step']}")
        out.write(line + b"\n")
    return out.getvalue(), differ


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_trace_is_json_dumps_and_as_before(name):
    recorded = json.loads(DIGESTS.read_text()).get(fingerprint(), {})
    text, differ = whole_trace(name, None if name in recorded else 60)  # new scenarios: the first 60 updates
    assert differ == []
    if name in recorded:
        assert {"lines": text.count(b"\n"), "sha256": hashlib.sha256(text).hexdigest()} == recorded[name]


def test_this_machine_has_recorded_digests():
    """Guard: on the project's machines the digests above are compared, not passed over."""
    recorded = json.loads(DIGESTS.read_text())
    assert recorded, "no digests recorded"
    if fingerprint() not in recorded:
        pytest.xfail(f"no digests for {fingerprint()!r} (recorded: {sorted(recorded)})")
    assert set(recorded[fingerprint()]) >= {"seed", "xor", "iris", "sine", "diverging"}


def awkward_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Floats of every decade from 1e-320 to 1e308, both signs, and the edges where spellings change."""
    decades = rng.integers(-320, 308, n).astype(float)
    values = rng.random(n) * 10.0 ** decades
    values *= rng.choice([-1.0, 1.0], n)
    edges = [0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e-5, 1e-9, 9.99e-10, 1e-10, 1e16, 9999999999999998.0,
             1e15, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1.0, 123.0, 2.5e-7, 3e-6]
    return np.concatenate([values, edges, -np.array(edges)])


def test_hand_made_records_with_every_kind_of_number():
    rng = np.random.default_rng(7)
    wide = awkward_numbers(rng, 20_000).reshape(-1, 1)[:20_000].reshape(200, 100)
    small_grads = rng.normal(size=(300, 40)) * 1e-5  # mostly the odd range [1e-9, 1e-4)
    bad = rng.normal(size=(50, 20))
    bad[3, 4], bad[7, 1], bad[9, 9] = np.nan, np.inf, -np.inf
    record = {"step": 3, "epoch": 1, "batch": 2, "loss": np.float64(2.5e-07),
              "weights": [wide, small_grads, np.ascontiguousarray(small_grads.T)[:, ::2]],
              "biases": [rng.normal(size=700) * 1e-6, []],
              "grad_weights": [bad, rng.random((2, 3))], "grad_biases": [[], []], "test_loss": float("nan")}
    line = dumps(record)
    assert line == reference(record)
    assert b"NaN" in line and b"Infinity" in line and b"-Infinity" in line and b"e-05" in line
    assert json.loads(line)["weights"][1] == small_grads.tolist()  # and it round-trips


def test_a_large_network_trace_is_json_dumps(tmp_path):
    """784-128-10 (the orjson path): a few updates, every line against json.dumps."""
    session = TrainingSession(load_scenario(ROOT / "screenshots" / "wide784.toml"))
    records = list(trace_module._records(session, 3, trace_module._arrays))
    assert len(records) == 4
    for record in records:
        assert dumps(record) == reference(record)
    again = TrainingSession(load_scenario(ROOT / "screenshots" / "wide784.toml"))
    lines = list(trace_module.trace_lines(again, 3))  # what `bp-tui trace` writes: the newline in the same join
    assert lines == [reference(record) + b"\n" for record in records]


@pytest.mark.parametrize("name", bundled_names())
def test_the_lines_written_are_json_dumps_of_each_record(name):
    """``trace_lines`` (what ``bp-tui trace`` writes; small networks take a shorter path) against
    ``json.dumps`` of the records of a second session, line by line."""
    lines = list(trace_module.trace_lines(TrainingSession(load_scenario(name)), 60))
    records = list(trace_module._records(TrainingSession(load_scenario(name)), 60, trace_module._arrays))
    assert lines == [reference(record) + b"\n" for record in records]


def test_values_with_and_without_odd_numbers_side_by_side():
    """Each value is written on its own: a value without odd numbers between two with them, an odd loss,
    empty lists, a transposed (non-contiguous) array, and keys in an unusual order."""
    rng = np.random.default_rng(3)
    plain = rng.normal(size=(30, 20))
    odd = rng.normal(size=(40, 10)) * 1e-6
    record = {"loss": 3.5e-06, "weights": [odd, []], "step": 7, "biases": [plain.T, plain[:, 0]],
              "grad_weights": [[], odd[::2]], "epoch": 2}
    line = dumps(record)
    assert line == reference(record)
    assert line.startswith(b'{"loss": 3.5e-06, "weights": [[[') and line.endswith(b'"epoch": 2}')


def test_write_trace_to_a_text_stream_and_to_bytes():
    lines = [json.dumps(r) for r in trace_module.trace_records(TrainingSession(load_scenario("seed")))]
    text = io.StringIO()
    trace_module.write_trace(TrainingSession(load_scenario("seed")), text)
    assert text.getvalue() == "".join(line + "\n" for line in lines)
    raw = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    trace_module.write_trace(TrainingSession(load_scenario("seed")), raw, updates=2)
    raw.flush()
    assert raw.buffer.getvalue().decode() == "".join(line + "\n" for line in lines[:3])


def record_digests() -> None:
    """Writes this machine's digests (after checking the trace must change)."""
    recorded = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    mine = {}
    for name in bundled_names():
        text, differ = whole_trace(name)
        assert differ == [], (name, differ)
        mine[name] = {"lines": text.count(b"\n"), "sha256": hashlib.sha256(text).hexdigest()}
    recorded[fingerprint()] = mine
    DIGESTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(mine)} digests for {fingerprint()}")


if __name__ == "__main__":
    record_digests()
