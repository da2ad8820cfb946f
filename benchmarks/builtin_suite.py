"""The built-in optimizer (`--model builtin`) on every example task.

For each task folder: run what `agent run --model builtin` runs, the agent's
graph (`agent.run.execute`, one loop: branches of proposals judged by the
harness with its acceptance rule, sandboxed tests, interleaved timing, the
differential check on generated inputs) within a time budget. Its figure is
the report's: the winner timed once more against the original to the
reporting precision (`agent.report`); a winner that does not hold up there
leaves the baseline (1.0). Prints per task that speedup with its CI, the
moves that produced it and the differential verdict, then the geometric mean.
Each task's run folder (events, candidates, report.json) is kept under
`--out` when given.

Beside it, the bar to clear ("just recompile it"): the C source recompiled as a
user's own flag sweep would, with gcc and with clang: `-O3` (clang's; gcc's is
the baseline), `-O3 -march=native` (as typed: no -ffp-contract=off, so FMA may
change float results), `-O3 -funroll-loops` and PGO (`-O3` trained on the
task's tests; clang's through llvm-profdata), each compiled by the
built-in optimizer's own code (`agent.builtin.compiler`) and judged by the
harness like any candidate (`tools.evaluate`: tests, timing decision,
differential inputs). The best correct one per task is the reference (1.0 when
none beats -O3: the user keeps -O3). Both winners are timed once more to the
reporting precision (`tools.evaluate.confirm`). Prints both geometric means
(over gcc -O3 and over the per-task best recompile), incorrect results (wrong
output the harness let through: 0 is required; a recompile the tests reject is
counted apart), verified counts and the time per task.

    .venv/bin/python benchmarks/builtin_suite.py [--budget 170] [--iterations 20]
        [--branches 2] [--patience N] [--target-cpu native] [--diff-inputs 200]
        [--no-reference] [--out DIR] [--save FILE] [--prove-seconds S] [--quiet]
        [--half tune|heldout] [TASK_DIR ... | SUITE_DIR]

`--patience` (default: `--iterations`, so no branch stops for want of
improvement before the budget) is `agent run --patience`. About 12 minutes for
the five examples on a 2-core machine. A SUITE_DIR (an `agent suite build`
output, e.g. benchmarks/suite/built) means its task folders; `--half tune` or
`--half heldout` keeps those in that half of benchmarks/suite/split.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent import events as ev  # noqa: E402
from agent.builtin.compiler import Variant, compile_variant  # noqa: E402
from agent.config import RunConfig  # noqa: E402
from agent.run import execute, make_context  # noqa: E402
from tools.evaluate import EvalOptions, confirm, evaluate  # noqa: E402
from tools.task import load_task  # noqa: E402
from tools.timing import TimingOptions  # noqa: E402

# A user's own flag sweep, as typed (see the module docstring).
RECOMPILES = (
    ("gcc march", Variant("gcc", ("-O3", "-march=native"))),
    ("gcc unroll", Variant("gcc", ("-O3", "-funroll-loops"))),
    ("gcc pgo", Variant("gcc", ("-O3",), pgo=True)),
    ("clang", Variant("clang", ("-O3",))),
    ("clang march", Variant("clang", ("-O3", "-march=native"))),
    ("clang unroll", Variant("clang", ("-O3", "-funroll-loops"))),
    ("clang pgo", Variant("clang", ("-O3",), pgo=True)),
)
TYPED = {"-O3", "-O2", "-march=native", "-funroll-loops", "-ffp-contract=off"}


def reference(task, baseline, sandbox, args) -> dict:
    """The best of the recompiles, each judged like a candidate; its figure confirmed."""
    start = time.monotonic()
    options = EvalOptions(profile=False, differential=args.diff_inputs, differential_seconds=60.0)
    tried, best = {}, None
    for name, variant in RECOMPILES:
        asm = compile_variant(task, variant, sandbox)
        if asm is None:
            tried[name] = "no build"
            continue
        ev = evaluate(asm, baseline, sandbox, options)
        if not ev.correct:
            failure = ev.tests.first_failure if ev.tests else None
            wrong = failure is not None and failure.reason == "wrong output"
            tried[name] = "WRONG" if wrong else "rejected"
            continue
        tried[name] = f"{ev.speedup:.3f}" if ev.speedup else "?"
        if ev.speedup and ev.speedup > 1.0 and (best is None or ev.speedup > best[2].speedup):
            best = (name, asm, ev)
    row = {"tried": tried, "ref": 1.0, "ref_name": "-O3", "ref_verified": None}
    if best is not None:
        name, asm, ev = best
        timing = confirm(asm, baseline, sandbox, TimingOptions.precise())
        figure = timing.speedup.estimate if timing.speedup and not timing.problem else 1.0
        if figure > 1.0:  # else its confirmed figure did not hold up: the user keeps -O3
            row.update(ref=figure, ref_name=name, ref_verified=ev.verified)
    row["ref_seconds"] = time.monotonic() - start
    row["rejected"] = sum(1 for v in tried.values() if v == "WRONG")
    return row


def run_one(folder: Path, args) -> dict:
    task = load_task(folder)
    start = time.monotonic()
    config = RunConfig(
        model="builtin",
        best_of=args.branches,
        iterations=args.iterations,
        patience=args.patience or args.iterations,
        target_cpu=args.target_cpu,
        differential=args.diff_inputs,
        time_budget=args.budget,
        prove_seconds=args.prove_seconds,
    )
    with tempfile.TemporaryDirectory(prefix="builtin-suite-") as tmp:
        run_dir = (args.out or Path(tmp)) / task.name
        run_dir.mkdir(parents=True, exist_ok=True)
        ctx = make_context(task, config, run_dir)
        report = asyncio.run(execute(ctx, on_event=_logger(task.name, start, args.quiet)))
    won = report["best"]["source"] != "baseline"
    differential = report.get("differential") or {}
    row = {
        "task": task.name,
        "passes": report["best"].get("passes", []) if won else [],
        "explained": (report.get("explained") or []) if won else [],
        "correct": report["correct"] and not differential.get("mismatches"),
        "verified": won and report["verified"],
        "speedup": report["speedup"],
        "ci": tuple(report["speedup_ci"]) if won else None,
        "verdict": _verdict(report, won),
        "seconds": time.monotonic() - start,
    }
    if not args.no_reference:
        row.update(reference(ctx.task, ctx.baseline(), ctx.sandbox, args))
    return row


def _verdict(report: dict, won: bool) -> str:
    """The winner's differential check, in words (the baseline kept: why)."""
    if not won:
        reason = (report.get("unconfirmed") or {}).get("reason")
        return f"baseline kept ({reason})" if reason else "baseline kept"
    diff = report.get("differential") or {}
    checked = diff.get("inputs", 0)
    if diff.get("mismatches"):
        return f"MISMATCH on a generated input ({checked} checked)"
    if report["verified"]:
        return f"verified on {checked} generated inputs"
    note = diff.get("note") or ""
    return f"no mismatch on {checked} inputs{': ' + note if note else ''}"


def _logger(name: str, start: float, quiet: bool):
    """A line per judged candidate (its moves, the verdict, whether it became its
    branch's best) and per finished branch."""
    notes: dict[tuple[int, int], str] = {}

    def say(message: str) -> None:
        if not quiet:
            print(f"  [{name} {time.monotonic() - start:6.1f}s] {message}", flush=True)

    def on_event(event) -> None:
        if isinstance(event, ev.CandidateProposed):
            notes[event.branch, event.iteration] = event.note
        elif isinstance(event, ev.CandidateEvaluated):
            note = notes.get((event.branch, event.iteration), "")
            say(f"branch {event.branch} iteration {event.iteration}: {note}: {event.detail}")
        elif isinstance(event, ev.NewBest):
            say(f"branch {event.branch}: new best {event.speedup:.3f}x")
        elif isinstance(event, ev.BranchFinished):
            say(f"branch {event.branch} finished: {event.reason}")
        elif isinstance(event, ev.WinnerConfirmed):
            say(f"winner confirmed at {event.speedup:.3f}x ({event.pairs} pairs)")

    return on_event


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tasks", nargs="*", type=Path)
    parser.add_argument("--budget", type=float, default=170.0, help="seconds per task")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--branches", type=int, default=2)
    parser.add_argument("--patience", type=int, default=None, help="default: --iterations")
    parser.add_argument("--target-cpu", default="native")
    parser.add_argument("--diff-inputs", type=int, default=200)
    parser.add_argument("--no-reference", action="store_true", help="skip the recompiles")
    parser.add_argument("--out", type=Path, default=None, help="keep each task's run folder")
    parser.add_argument(
        "--prove-seconds",
        type=float,
        default=RunConfig.prove_seconds,
        help="per check when proving the winner, as agent run (0: no proof)",
    )
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--save", type=Path, help="write the rows as JSON after each task")
    parser.add_argument(
        "--half",
        choices=("tune", "heldout"),
        help="only the suite programs in this half of benchmarks/suite/split.json",
    )
    args = parser.parse_args(argv)
    folders = args.tasks or [ROOT / "examples"]
    if len(folders) == 1 and not (folders[0] / "prog.s").exists():
        folders = sorted(p for p in folders[0].iterdir() if (p / "prog.s").exists())
    if args.half:
        split = json.loads((ROOT / "benchmarks" / "suite" / "split.json").read_text())
        folders = [f for f in folders if f.name in set(split[args.half])]
    rows = []
    for folder in folders:  # a line per task as it ends, so a cut-short run keeps its figures
        rows.append(run_one(folder, args))
        r = rows[-1]
        if args.save:
            args.save.write_text(json.dumps(rows, indent=1, default=str))
        ref = f", best recompile {r['ref']:.3f}x {r['ref_name']}" if "ref" in r else ""
        print(
            f"= {r['task']}: built-in {r['speedup']:.3f}x "
            f"({'+'.join(r['passes']) or 'baseline kept'}; {r['verdict']}){ref}, "
            f"{r['seconds']:.0f} s",
            flush=True,
        )
    if not args.no_reference:
        return print_with_reference(rows)
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
    print_ablation(rows)
    return 1 if wrong else 0


def print_with_reference(rows: list[dict]) -> int:
    print()
    width = max(12, *(len(r["task"]) for r in rows))
    print(
        f"{'task':<{width}} {'builtin':>8}  {'95% CI':<15} {'time':>5}  {'best recompile':<15} "
        f"{'vs ref':>7}  {'gcc m/u/p, clang o/m/u/p':<44} {'passes':<24} check"
    )
    for r in rows:
        ci = f"[{r['ci'][0]:.3f},{r['ci'][1]:.3f}]" if r["ci"] else "-"
        ref = f"{r['ref']:.3f}x {r['ref_name']}"
        tried = "/".join(r["tried"].get(n, "-") for n, _ in RECOMPILES)
        passes = "+".join(r["passes"]) or "(none)"
        print(
            f"{r['task']:<{width}} {r['speedup']:>7.3f}x  {ci:<15} {r['seconds']:>4.0f}s  "
            f"{ref:<15} {r['speedup'] / r['ref']:>6.3f}x  {tried:<44} {passes:<24} {r['verdict']}"
        )

    def geomean(values: list[float]) -> float:
        return math.exp(sum(math.log(v) for v in values) / len(values))

    n = len(rows)
    print(
        f"\nbuilt-in geomean over gcc -O3: {geomean([r['speedup'] for r in rows]):.3f}x ({n} tasks)"
    )
    print(f"best recompile geomean over gcc -O3: {geomean([r['ref'] for r in rows]):.3f}x")
    print(
        "built-in geomean over the per-task best recompile: "
        f"{geomean([r['speedup'] / r['ref'] for r in rows]):.3f}x"
    )
    wrong = sum(1 for r in rows if not r["correct"])
    won = [r for r in rows if r["ci"]]
    refs = [r for r in rows if r["ref_verified"] is not None]
    print(f"incorrect results: {wrong}")
    print(
        f"verified: built-in {sum(r['verified'] for r in won)} of {len(won)} winners, "
        f"best recompile {sum(bool(r['ref_verified']) for r in refs)} of {len(refs)}"
    )
    print(f"recompiles the tests rejected (wrong output): {sum(r['rejected'] for r in rows)}")
    print(
        f"time: built-in {sum(r['seconds'] for r in rows):.0f} s, "
        f"recompiles {sum(r['ref_seconds'] for r in rows):.0f} s"
    )
    print_ablation(rows)
    return 1 if wrong else 0


def kinds(move: dict) -> list[str]:
    """What a winner's move is made of, for the ablation table: a compile is a
    typed build, or tuned flags, and may carry PGO and per-loop directives; an
    assembly pass is itself."""
    what = move.get("what") or move["move"]
    if not what.startswith(("gcc ", "clang ")):
        return [move["move"]]
    words = what.split(" [")[0].replace(" +pgo", "").split()[1:]
    found = ["compile: typed flags" if set(words) <= TYPED else "compile: tuned flags"]
    found += ["compile: PGO"] if "+pgo" in what else []
    found += ["compile: per-loop directives"] if " [" in what else []
    return found


def print_ablation(rows: list[dict]) -> None:
    """Per kind of move: how many winners contain it, and the geometric mean of
    what it added (the winner over the winner rebuilt without that move,
    `report.json` `explained`). A compile's figure counts for each of its kinds:
    its flags, PGO and directives are one move, not taken apart."""
    added: dict[str, list[float]] = {}
    count: dict[str, int] = {}
    for r in rows:
        seen = set()
        for move in r.get("explained", []):
            for kind in kinds(move):
                if kind not in seen:
                    seen.add(kind)
                    count[kind] = count.get(kind, 0) + 1
                if move.get("added"):
                    added.setdefault(kind, []).append(move["added"])
    if not count:
        return
    print(f"\n{'move':<30} {'winners':>7}  {'geomean added':>13}")
    for kind in sorted(count, key=lambda k: -count[k]):
        values = added.get(kind, [])
        mean = math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")
        print(f"{kind:<30} {count[kind]:>7}  {mean:>12.3f}x")


if __name__ == "__main__":
    sys.exit(main())
