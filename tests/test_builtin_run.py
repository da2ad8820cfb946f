"""`agent run --model builtin` end to end on a program a flag sweep does not fix:
the race finds the build, and the report explains the win."""

from __future__ import annotations

import json

import pytest

from tests.conftest import agent, needs_sandbox
from tests.test_builtin_mix import SOURCE
from tests.test_first_run import compile_task

pytestmark = [needs_sandbox, pytest.mark.slow]


def test_the_winner_is_explained_move_by_move(tmp_path):
    prog = compile_task(tmp_path / "sort", SOURCE, None)
    out = tmp_path / "run"
    done = agent("run", prog, "--best-of", "1", "--iterations", "2", "--out", out)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["best"]["source"] != "baseline", done.stdout
    passes = report["best"]["passes"]
    explained = report["explained"]
    assert [c["move"] for c in explained] == passes
    for c in explained:
        assert c["what"]  # a command line or what a pass does
        assert c["added"] is not None or c["note"]
    if len(passes) == 1:  # the only move added the confirmed speedup
        assert explained[0]["added"] == pytest.approx(report["speedup"], abs=1e-4)
    assert "what the winner is made of" in done.stdout
    assert f"  {passes[0]}: " in done.stdout
