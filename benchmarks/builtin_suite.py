"""The built-in optimizer (`--model builtin`) on every example task.

For each task folder: run `agent.builtin.driver.optimize` (the real harness:
sandboxed tests, interleaved timing with a 95% CI) within a time budget, then
check the winner against the original on generated inputs
(`tools.differential`). Prints per task the speedup over the gcc -O3 baseline
with its CI, the passes that produced it and the differential verdict, then
the geometric mean (a task with no accepted candidate counts as 1.0: the
baseline is kept).

    .venv/bin/python benchmarks/builtin_suite.py [--budget 170] [--iterations 20]
        [--branches 2] [--target-cpu native] [--diff-inputs 200] [--quiet] [TASK_DIR ...]

About 12 minutes for the five examples on a 2-core machine.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.builtin.driver import optimize  # noqa: E402
from tools.build import build  # noqa: E402
from tools.differential import DiffOptions, differential  # noqa: E402
from tools.evaluate import prepare_baseline  # noqa: E402
from tools.sandbox import Sandbox  # noqa: E402
from tools.task import load_task  # noqa: E402


def run_one(folder: Path, args) -> dict:
    task = load_task(folder)
    sandbox = Sandbox(task.limits)
    start = time.monotonic()
    baseline = prepare_baseline(task, sandbox, with_profile=False)

    def log(message: str) -> None:
        if not args.quiet:
            print(f"  [{task.name} {time.monotonic() - start:6.1f}s] {message}", flush=True)

    asm, evaluation, passes = optimize(
        task,
        sandbox,
        iterations=args.iterations,
        branches=args.branches,
        target_cpu=args.target_cpu,
        budget_s=args.budget,
        baseline=baseline,
        log=log,
    )
    seconds = time.monotonic() - start
    row = {"task": task.name, "seconds": seconds, "passes": passes, "correct": True}
    if evaluation is None:
        row.update(speedup=1.0, ci=None, verdict="baseline kept")
        return row
    ratio = evaluation.timing.speedup
    row.update(speedup=ratio.estimate, ci=(ratio.low, ratio.high), correct=evaluation.correct)
    built = build(asm, sandbox, task.link_flags)
    diff = differential(
        baseline.build.binary,
        built.binary,
        task,
        sandbox,
        digest=baseline.build.digest,
        exit_codes=set(baseline.tests.exit_codes().values()),
        options=DiffOptions(inputs=args.diff_inputs, seconds=60.0),
    )
    if diff.mismatches:
        row["correct"] = False
        row["verdict"] = f"MISMATCH on a generated input ({diff.checked} checked)"
    elif diff.ok:
        row["verdict"] = f"verified on {diff.checked} generated inputs"
    else:
        row["verdict"] = (
            f"no mismatch on {diff.checked} inputs{': ' + diff.note if diff.note else ''}"
        )
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tasks", nargs="*", type=Path)
    parser.add_argument("--budget", type=float, default=170.0, help="seconds per task")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--branches", type=int, default=2)
    parser.add_argument("--target-cpu", default="native")
    parser.add_argument("--diff-inputs", type=int, default=200)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    folders = args.tasks or sorted(
        p for p in (ROOT / "examples").iterdir() if (p / "prog.s").exists()
    )
    rows = [run_one(folder, args) for folder in folders]
    print()
    width = max(12, *(len(r["task"]) for r in rows))
    print(f"{'task':<{width}} {'speedup':>8}  {'95% CI':<17} {'time':>6}  {'passes':<28} check")
    for r in rows:
        ci = f"[{r['ci'][0]:.3f}, {r['ci'][1]:.3f}]" if r["ci"] else "-"
        passes = "+".join(r["passes"]) or "(none)"
        print(
            f"{r['task']:<{width}} {r['speedup']:>7.3f}x  {ci:<17} {r['seconds']:>5.0f}s  "
            f"{passes:<28} {r['verdict']}"
        )
    geomean = math.exp(sum(math.log(r["speedup"]) for r in rows) / len(rows))
    wrong = sum(1 for r in rows if not r["correct"])
    print(f"\ngeometric mean speedup over gcc -O3: {geomean:.3f}x over {len(rows)} tasks")
    print(f"incorrect results: {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
