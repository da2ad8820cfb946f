"""The STOKE-style loop search (`agent.builtin.stoke`) on real programs: how often it wins.

For each task folder: prepare the baseline as the harness does (tests, the
slowest test, a perf profile of it), search the hottest innermost loop for
`--seconds` with that profile, then judge the cheapest survivor with the
harness (`tools.evaluate.evaluate`: tests, a timing decision, differential
inputs for a candidate decided faster), and time a faster one again to the
reporting precision (`tools.evaluate.confirm`). Prints per program: the loop searched
(or why none), proposals drawn, proposals llvm-mca could read, sandboxed test
runs, llvm-mca's cycles per trip before and after, survivors, the moves that
made the best one, and the harness's verdict on it.

    .venv/bin/python benchmarks/stoke_search.py [--seconds 20] [--seed 0]
        [--diff-inputs 50] [--no-judge] [--no-confirm] [TASK_DIR ... | SUITE_DIR]

With no argument it runs on examples/*. A SUITE_DIR (an `agent suite build`
output such as benchmarks/suite/built, from `sh benchmarks/suite/build.sh`)
means its task folders. About `--seconds` plus 10-30 s per program.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.builtin import mca, stoke  # noqa: E402
from agent.builtin.context import from_profile  # noqa: E402
from tools.errors import BadInput  # noqa: E402
from tools.evaluate import EvalOptions, confirm, evaluate, prepare_baseline  # noqa: E402
from tools.sandbox import Sandbox  # noqa: E402
from tools.task import load_task  # noqa: E402
from tools.timing import TimingOptions  # noqa: E402

COLUMNS = (
    "program",
    "loop",
    "proposals",
    "valid",
    "test runs",
    "cycles before",
    "after",
    "survivors",
    "harness on the best",
    "s",
)


def task_dirs(paths: list[Path]) -> list[Path]:
    if not paths:
        paths = [ROOT / "examples"]
    found: list[Path] = []
    for path in paths:
        if (path / "prog.s").is_file() or list(path.glob("*.s")):
            found.append(path)
        else:
            found += sorted(p for p in path.iterdir() if p.is_dir() and list(p.glob("*.s")))
    return found


def judge(text: str, baseline, sandbox: Sandbox, args) -> str:
    """The harness's verdict on one survivor; a faster one is timed once more
    to the reporting precision (`confirm`), as a run's winner would be."""
    options = EvalOptions(profile=False, differential=args.diff_inputs, differential_seconds=30.0)
    ev = evaluate(text, baseline, sandbox, options)
    if not ev.correct:
        failure = ev.tests.first_failure if ev.tests else None
        return f"rejected ({failure.reason if failure else 'does not build'})"
    verdict = ev.timing.decision if ev.timing else "untimed"
    figure = f"{ev.speedup:.3f}x" if ev.speedup else "?"
    checked = "verified" if ev.verified else (ev.not_checked or "not verified")
    shown = f"{figure} {verdict}, {checked}"
    if ev.faster and not args.no_confirm:
        timing = confirm(text, baseline, sandbox, TimingOptions.precise())
        if timing.speedup is not None:
            ratio = timing.speedup
            shown += f"; confirmed {ratio.estimate:.3f}x [{ratio.low:.3f}, {ratio.high:.3f}]"
    return shown


def one(folder: Path, args) -> dict:
    began = time.monotonic()
    row: dict = {"task": folder.name}
    try:
        task = load_task(folder)
        sandbox = Sandbox(task.limits)
        baseline = prepare_baseline(task, sandbox)
    except BadInput as exc:
        row["why"] = f"no baseline: {exc}"
        return row
    ctx = from_profile(baseline.profile)
    result = stoke.explore(task.asm, ctx, sandbox, baseline.task, args.seconds, seed=args.seed)
    row.update(
        loop=result.loop or "-",
        why=result.why,
        steps=result.steps,
        valid=result.valid,
        runs=result.test_runs,
        before=result.start_cycles,
        after=result.best_cycles,
        survivors=len(result.survivors),
    )
    if result.survivors:
        best = result.survivors[0]
        row["moves"] = "; ".join(best.moves)
        if not args.no_judge:
            row["harness"] = judge(best.text, baseline, sandbox, args)
    row["seconds"] = round(time.monotonic() - began, 1)
    return row


def _cycles(value) -> str:
    return f"{value:.2f}" if value is not None else "-"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tasks", nargs="*", type=Path)
    parser.add_argument("--seconds", type=float, default=20.0, help="search budget per program")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--diff-inputs", type=int, default=50)
    parser.add_argument("--no-judge", action="store_true", help="skip the harness's verdict")
    parser.add_argument("--no-confirm", action="store_true", help="no precise timing of a win")
    args = parser.parse_args(argv)
    if not mca.available():
        print("llvm-mca is not installed (Debian: apt-get install llvm)", file=sys.stderr)
        return 2
    print(f"llvm-mca -mcpu={mca.mcpu()}, {args.seconds:g} s per program, seed {args.seed}")
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    rows, moves = [], []
    for folder in task_dirs(args.tasks):
        row = one(folder, args)
        rows.append(row)
        loop = row.get("loop", "-")
        if row.get("why"):
            loop = f"{loop} ({row['why']})" if loop != "-" else f"none ({row['why']})"
        cells = (
            row["task"],
            loop,
            row.get("steps", 0),
            row.get("valid", 0),
            row.get("runs", 0),
            _cycles(row.get("before")),
            _cycles(row.get("after")),
            row.get("survivors", 0),
            row.get("harness", "-"),
            row.get("seconds", "-"),
        )
        print("| " + " | ".join(map(str, cells)) + " |", flush=True)
        if row.get("moves"):
            moves.append(f"{row['task']}: {row['moves']}")
    searched = [r for r in rows if r.get("loop", "-") != "-" and not r.get("why")]
    won = [r for r in rows if r.get("survivors")]
    faster = [r for r in rows if "faster" in r.get("harness", "")]
    print(
        f"\n{len(rows)} programs, {len(searched)} loops searched, {len(won)} with a survivor, "
        f"{len(faster)} judged faster by the harness"
    )
    if moves:
        print("\nMoves behind each best survivor:")
        print("\n".join(moves))
    return 0


if __name__ == "__main__":
    sys.exit(main())
