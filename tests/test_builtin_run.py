"""`agent run --model builtin` end to end: the built-in optimizer finds a winner
and the report explains the win move by move."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES, agent, needs_sandbox

pytestmark = [needs_sandbox, pytest.mark.slow]


def test_the_winner_is_explained_move_by_move(tmp_path):
    """read_ints spends its time in scanf: the fast reader wins several-fold on any
    x86-64 (a win that rests on a CPU's vector unit or branch predictor could
    leave the baseline standing elsewhere; the race is tested in
    tests/test_builtin_race.py, the explanation of stacked moves in
    tests/test_builtin_ablation.py)."""
    out = tmp_path / "run"
    prog = EXAMPLES / "read_ints" / "prog.s"
    done = agent("run", prog, "--best-of", "1", "--iterations", "1", "--out", out)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["best"]["source"] != "baseline", done.stdout
    assert report["speedup_ci"][0] > 1.5, done.stdout
    passes = report["best"]["passes"]
    explained = report["explained"]
    assert passes == ["fast_io"]
    assert [c["move"] for c in explained] == passes
    for c in explained:
        assert c["what"]  # a command line or what a pass does
        assert c["added"] is not None or c["note"]
    # The only move added the confirmed speedup.
    assert explained[0]["added"] == pytest.approx(report["speedup"], abs=1e-4)
    assert explained[0]["what"].startswith("scanf/printf replaced")
    assert "what the winner is made of" in done.stdout
    assert f"  {passes[0]}: " in done.stdout
