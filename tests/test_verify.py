"""Finishing a would-be winner's cut-short differential check (agent/verify.py)."""

from __future__ import annotations

import json
import subprocess

import pytest

from agent.config import RunConfig
from agent.graph import score
from agent.run import make_context
from agent.verify import settle
from tests.conftest import EXAMPLES, needs_sandbox
from tools import differential as difflib
from tools.evaluate import EvalOptions, evaluate
from tools.inputgen import input_source
from tools.task import load_task

pytestmark = [needs_sandbox, pytest.mark.slow]

LAST = 'printf("%lld %d %d\\n", total, best, value[(n - 1) / 2]);'


def _gcc_s(source: str, tmp_path, name: str, level: str = "-O3") -> str:
    c = tmp_path / f"{name}.c"
    c.write_text(source)
    cmd = ["gcc", level, "-S", "-o", "-", str(c)]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def _candidate(ctx, name: str, asm: str, ci: float, branch: int) -> dict:
    """A branch best as the graph keeps it, its report from a real evaluation
    whose differential check was cut short (0.01 s)."""
    (ctx.run_dir / f"{name}.s").write_text(asm)
    options = EvalOptions(time=False, profile=False, differential=60, differential_seconds=0.01)
    difflib.clear_cache()  # the original's results of earlier tests would make 0.01 s enough
    report = evaluate(asm, ctx.baseline(), ctx.sandbox, options).to_report()
    assert report["correct"] and not report["verified"], report
    assert not report["differential"]["mismatches"], report["differential_details"]
    (ctx.run_dir / f"{name}.json").write_text(json.dumps(report))
    return {
        "path": f"{name}.s",
        "report": f"{name}.json",
        "ci": [ci, ci + 0.1],
        "speedup": ci + 0.05,
        "verified": False,
        "iteration": 1,
        "branch": branch,
    }


def test_cut_short_checks_are_finished_before_selection(tmp_path):
    """Three branch bests, none verified because their checks ran out of time:
    the fastest is wrong on inputs the tests never show (dropped), the next
    verifies with more time (it now ranks first), and the slowest, which can no
    longer win, is not checked again."""
    source = (EXAMPLES / "sum_scanf" / "prog.c").read_text()
    assert LAST in source
    task = load_task(EXAMPLES / "sum_scanf" / "prog.s")
    # Wrong where the tests never look, nor the first generated inputs: the two a
    # 0.01 s check may still judge (one per worker) must find nothing to cut short.
    source_of = input_source(task, 0)
    first = {int(source_of.input(i).split()[0]) for i in range(2)}
    never = "".join(f" && n != {n}" for n in sorted(first))
    off = f"if (n > 1 && n != 5 && n < 1000{never})\n        total += 1;\n    "
    wrong = source.replace(LAST, off + LAST)
    ctx = make_context(task, RunConfig(differential=60, verify_seconds=60), tmp_path)
    bad = _candidate(ctx, "bad", _gcc_s(wrong, tmp_path, "bad"), 1.5, 0)
    good = _candidate(ctx, "good", _gcc_s(source, tmp_path, "good", "-O2"), 1.2, 1)
    low = _candidate(ctx, "low", _gcc_s(source, tmp_path, "low", "-O1"), 1.05, 2)

    kept, dropped = settle(ctx, [bad, good, low], score)

    assert [c["path"] for c in dropped] == ["bad.s"]
    assert dropped[0]["differential"]["mismatches"] >= 1
    assert [c["path"] for c in kept] == ["good.s", "low.s"]
    assert kept[0]["verified"] and not kept[1]["verified"]
    finished = json.loads((tmp_path / "good.json").read_text())
    assert finished["verified"] and finished["differential_details"]["longer_check"]
    assert finished["differential"]["inputs"] >= finished["differential_details"]["required"]
    untouched = json.loads((tmp_path / "low.json").read_text())
    assert "longer_check" not in untouched["differential_details"]


def test_nothing_is_checked_again_when_it_is_off(tmp_path):
    task = load_task(EXAMPLES / "sum_scanf" / "prog.s")
    ctx = make_context(task, RunConfig(differential=60, verify_seconds=0), tmp_path)
    source = (EXAMPLES / "sum_scanf" / "prog.c").read_text()
    good = _candidate(ctx, "good", _gcc_s(source, tmp_path, "good", "-O2"), 1.2, 0)
    kept, dropped = settle(ctx, [good], score)
    assert kept == [good] and not dropped


def test_the_longer_checks_share_one_bound(tmp_path):
    """Two would-be winners whose checks cannot finish in the bound, by
    construction (each run sleeps 0.3 s, and 50 inputs are needed): the first
    takes the whole bound, the second is not checked again, so a run ends at
    most `verify_seconds` after its budget however many branches tie."""
    source = (EXAMPLES / "sum_scanf" / "prog.c").read_text()
    slow = source.replace("int main(void)\n{", "int main(void)\n{\n    usleep(300000);", 1)
    slow = "#include <unistd.h>\n" + slow
    assert "usleep" in slow
    task = load_task(EXAMPLES / "sum_scanf" / "prog.s")
    ctx = make_context(task, RunConfig(differential=60, verify_seconds=3), tmp_path)
    first = _candidate(ctx, "first", _gcc_s(slow, tmp_path, "first"), 1.5, 0)
    second = _candidate(ctx, "second", _gcc_s(slow, tmp_path, "second", "-O2"), 1.4, 1)

    kept, dropped = settle(ctx, [second, first], score)

    assert not dropped and [c["path"] for c in kept] == ["first.s", "second.s"]
    checked = json.loads((tmp_path / "first.json").read_text())
    assert checked["differential_details"]["longer_check"] and not checked["verified"]
    untouched = json.loads((tmp_path / "second.json").read_text())
    assert "longer_check" not in untouched["differential_details"]
