"""Snapshot tests of the TUI's main states (pytest-textual-snapshot, Textual pinned).

Deterministic by construction: every state is built from a scripted event
list with fixed timestamps and a run folder of fixed files (candidates from
tests/data, reports written here), the clock is a constant, and a "live"
state is a scripted runner that publishes its events and then waits. Update
the SVGs with `pytest tests/test_tui_snapshots.py --snapshot-update` and look
at them before committing.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_textual_snapshot import SVGImageExtension

from agent import events as ev
from tests.conftest import DATA, EXAMPLES
from tui.app import SuperoptApp
from tui.session import RunSession

# pytest-textual-snapshot 1.0 names its files for syrupy 4; syrupy 5+ reads this attribute.
SVGImageExtension.file_extension = "svg"

PROG = EXAMPLES / "collatz" / "prog.s"
T0 = 1_780_000_000.0  # a fixed start time
SIZE = (120, 40)

BASE_HOT = [
    {"line": 61, "percent": 41.2, "text": "addl\t$1, %edx"},
    {"line": 62, "percent": 30.5, "text": "cmpq\t$1, %rax"},
    {"line": 58, "percent": 12.0, "text": "testb\t$1, %al"},
]
FAST_HOT = [
    {"line": 108, "percent": 35.4, "text": "addl\t$1, %edx"},
    {"line": 90, "percent": 32.7, "text": "addl\t$1, %edx"},
    {"line": 92, "percent": 12.3, "text": "jne\t.L13"},
    {"line": 109, "percent": 9.8, "text": "cmpq\t$1, %rax"},
    {"line": 88, "percent": 8.5, "text": "jne\t.L10"},
]


def _report(**fields) -> dict:
    report = {
        "correct": False,
        "assembled": True,
        "tests": {"passed": 0, "total": 4},
        "speedup": None,
        "speedup_ci": None,
        "faster": False,
        "identical_to_baseline": False,
        "errors": [],
        "first_failure": None,
        "hot_lines": [],
        "verified": False,
        "differential": {"inputs": 0, "mismatches": 0, "counterexample": None},
    }
    return report | fields


REPORTS = {
    "b0-i1": _report(
        correct=True,
        tests={"passed": 4, "total": 4},
        speedup=1.849,
        speedup_ci=[1.829, 1.877],
        faster=True,
        hot_lines=FAST_HOT,
        verified=True,
        differential={"inputs": 20, "mismatches": 0, "counterexample": None},
    ),
    "b1-i1": _report(
        first_failure={
            "test": "t1",
            "reason": "wrong output",
            "diff": "first difference at line 3, column 3\n  line 1: '1 0'\n"
            "  expected: '9 19'\n  actual:   '9 25'",
        }
    ),
    "b2-i1": _report(
        assembled=False,
        tests={"passed": 0, "total": 0},
        errors=[
            {"line": 46, "text": "retq\t%zmm99", "message": "Error: bad register name `%zmm99'"}
        ],
    ),
}


def _broken() -> str:
    return PROG.read_text().replace("\tret\n", "\tretq\t%zmm99\n", 1)


def scripted_run(run_dir: Path, *, finished: bool = True) -> list[ev.Event]:
    """A run folder (run.json, candidates, reports) and its events, all fixed:
    branch 0 finds a faster correct candidate, branch 1 a wrong one, branch 2
    one that does not assemble, branch 3 replies with no code. Unfinished, it
    stops with b0 i2 being assembled."""
    (run_dir / "candidates").mkdir(parents=True, exist_ok=True)
    (run_dir / "reports").mkdir(exist_ok=True)
    (run_dir / "run.json").write_text(
        json.dumps({"asm": str(PROG), "tests": None, "source": None, "config": {}})
    )
    texts = {
        "b0-i1": (DATA / "collatz_fast.s").read_text(),
        "b1-i1": (DATA / "collatz_wrong.s").read_text(),
        "b2-i1": _broken(),
        "b0-i2": (DATA / "collatz_fast.s").read_text().replace("\tshrq\t%rax\n", "\tsarq\t%rax\n"),
    }
    for name, text in texts.items():
        (run_dir / "candidates" / f"{name}.s").write_text(text)
    for name, report in REPORTS.items():
        (run_dir / "reports" / f"{name}.json").write_text(json.dumps(report))

    def at(seconds: float) -> dict:
        return {"at": T0 + seconds}

    def usage(b: int, i: int, t: float) -> ev.ModelUsage:
        return ev.ModelUsage(
            branch=b,
            iteration=i,
            model="openai:test",
            input_tokens=1800 + 100 * b,
            output_tokens=900,
            cost_usd=0.0021,
            seconds=2.5,
            **at(t),
        )

    def proposed(b: int, i: int, t: float, note: str, path: bool = True) -> ev.CandidateProposed:
        return ev.CandidateProposed(
            branch=b,
            iteration=i,
            path=f"candidates/b{b}-i{i}.s" if path else None,
            note=note,
            reply=f"{note}\n```asm\n...\n```",
            reasoning="The loop is dominated by the odd step; fuse it." if b == 0 else "",
            **at(t),
        )

    def evaluated(b: int, i: int, t: float, status: str, detail: str) -> ev.CandidateEvaluated:
        report = REPORTS.get(f"b{b}-i{i}")
        return ev.CandidateEvaluated(
            branch=b,
            iteration=i,
            status=status,
            assembled=status in ("correct", "wrong"),
            correct=status == "correct",
            speedup=report["speedup"] if report else None,
            speedup_ci=report["speedup_ci"] if report else None,
            faster=bool(report and report["faster"]),
            verified=bool(report and report["verified"]),
            detail=detail,
            report=f"reports/b{b}-i{i}.json" if report else "",
            **at(t),
        )

    events: list[ev.Event] = [
        ev.RunStarted(
            task="collatz",
            model="openai:test",
            best_of=4,
            iterations=2,
            out="runs/collatz-demo",
            **at(0),
        ),
        ev.BaselineMeasured(tests=4, timing_test="t4", cpu_ms=132.4, hot_lines=BASE_HOT, **at(3)),
        *(ev.BranchStarted(branch=b, temperature=0.7 + b / 10, **at(3)) for b in range(4)),
        usage(0, 1, 6),
        proposed(0, 1, 6, "Fuse the odd step: 3n+1 then halve in one lea and shift."),
        usage(1, 1, 7),
        proposed(1, 1, 7, "Unroll the inner loop twice."),
        usage(2, 1, 7.5),
        proposed(2, 1, 7.5, "Use AVX-512 registers for the counters."),
        usage(3, 1, 8),
        proposed(3, 1, 8, "I would need more context.", path=False),
        evaluated(3, 1, 8, "no code", "the reply held no complete assembly"),
        evaluated(2, 1, 9, "not assembled", "assembler: Error: bad register name `%zmm99'"),
        evaluated(1, 1, 10, "wrong", "wrong output on test t1"),
        evaluated(0, 1, 24, "correct", "correct, 1.85x (faster)"),
        ev.NewBest(
            branch=0,
            iteration=1,
            speedup=1.849,
            speedup_ci=[1.829, 1.877],
            path="candidates/b0-i1.s",
            **at(24),
        ),
        ev.BranchFinished(
            branch=3, iterations=1, best_speedup=None, reason="proposer done", **at(24)
        ),
        usage(0, 2, 27),
        proposed(0, 2, 27, "Replace the logical shift by an arithmetic one."),
    ]
    if finished:
        events += [
            ev.CandidateEvaluated(
                branch=0,
                iteration=2,
                status="correct",
                assembled=True,
                correct=True,
                speedup=1.812,
                speedup_ci=[1.790, 1.835],
                faster=True,
                verified=True,
                detail="correct, 1.81x (faster)",
                report="",
                **at(41),
            ),
            ev.BranchFinished(
                branch=0, iterations=2, best_speedup=1.849, reason="iterations", **at(41)
            ),
            ev.BranchFinished(
                branch=1, iterations=1, best_speedup=None, reason="no improvement", **at(41)
            ),
            ev.BranchFinished(
                branch=2, iterations=1, best_speedup=None, reason="no improvement", **at(41)
            ),
            ev.RunFinished(
                speedup=1.849,
                speedup_ci=[1.829, 1.877],
                correct=True,
                verified=True,
                best="branch 0 iteration 1",
                out="runs/collatz-demo",
                **at(43),
            ),
        ]
    return events


class StubContext:
    """What the TUI uses of a RunContext: the task's assembly, hints and pauses."""

    def __init__(self) -> None:
        self.task = SimpleNamespace(asm=PROG.read_text())
        self.hints: dict[int, list[str]] = {}
        self.paused: set[int] = set()

    def add_hint(self, branch: int, text: str) -> None:
        self.hints.setdefault(branch, []).append(text)

    def set_paused(self, branch: int, paused: bool) -> None:
        (self.paused.add if paused else self.paused.discard)(branch)


def live_app(run_dir: Path, events: list[ev.Event], elapsed: float = 30.0, ctx=None) -> SuperoptApp:
    """An app whose run is a script: it publishes `events`, then waits (a live run)."""

    async def runner(ctx, resume, on_event):
        for event in events:
            on_event(event)
        await asyncio.Event().wait()
        return {}

    session = RunSession(run_dir, ctx=ctx or StubContext(), runner=runner)
    return SuperoptApp(session, start=True, clock=lambda: T0 + elapsed)


def opened_app(run_dir: Path, events: list[ev.Event]) -> SuperoptApp:
    return SuperoptApp(RunSession(run_dir), events=events, clock=lambda: T0 + 99)


async def until(pilot, condition, timeout: float = 60.0) -> None:
    """Let the app run until `condition()` holds (a generous deadline: it costs
    nothing when the app is quick)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never reached the expected state")


@pytest.fixture
def run_dir(tmp_path) -> Path:
    return tmp_path / "run"


async def started(pilot) -> None:
    """The live app has applied the first event (RunStarted)."""
    await until(pilot, lambda: pilot.app.view.task == "collatz")


async def proposed_b0_i2(pilot) -> None:
    """The live app has applied the unfinished run's last event."""
    await until(pilot, lambda: pilot.app.view.candidate((0, 2)) is not None)


def test_starting(snap_compare, run_dir):
    events = scripted_run(run_dir)[:1]
    app = live_app(run_dir, events, elapsed=1)
    assert snap_compare(app, terminal_size=(80, 24), run_before=started)


def test_running_with_several_branches(snap_compare, run_dir):
    events = scripted_run(run_dir, finished=False)
    assert snap_compare(live_app(run_dir, events), terminal_size=SIZE, run_before=proposed_b0_i2)


def test_running_at_80x24(snap_compare, run_dir):
    events = scripted_run(run_dir, finished=False)
    app = live_app(run_dir, events)
    assert snap_compare(app, terminal_size=(80, 24), run_before=proposed_b0_i2)


def test_failed_assembly(snap_compare, run_dir):
    events = scripted_run(run_dir, finished=False)

    async def open_b2(pilot):
        await proposed_b0_i2(pilot)
        pilot.app.query_one("#tree").select_target(("iter", 2, 1))
        await pilot.press("enter")

    assert snap_compare(live_app(run_dir, events), terminal_size=SIZE, run_before=open_b2)


def test_finished_run(snap_compare, run_dir):
    assert snap_compare(opened_app(run_dir, scripted_run(run_dir)), terminal_size=SIZE)


def test_side_by_side_diff(snap_compare, run_dir):
    app = opened_app(run_dir, scripted_run(run_dir))
    assert snap_compare(app, press=["d"], terminal_size=SIZE)


def test_large_terminal(snap_compare, run_dir):
    app = opened_app(run_dir, scripted_run(run_dir))
    assert snap_compare(app, press=["d"], terminal_size=(200, 60))
