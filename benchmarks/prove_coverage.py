"""How much of what the built-in assembly passes change can be proved?

For every program of benchmarks/suite/programs (compiled here with gcc -O3 -S
into a scratch folder) and every assembly pass (`agent.builtin.moves.PASSES`,
applied with a made-up profile in which every instruction line is hot, so that
passes keyed on hot lines fire wherever they could), prove the pass's output
against the original and count the verdicts of the changed functions or
regions: proved (complete or bounded), refuted, unknown (with the reasons),
and the seconds per check.

    .venv/bin/python benchmarks/prove_coverage.py [--seconds 30] [--bound 8]
        [--programs N] [--json out.jsonl]
    .venv/bin/python benchmarks/prove_coverage.py --table out.jsonl   (table of a partial run)

With --json every verdict is appended as it comes (one JSON line each; a pass
that fired but changed no code is a line with "status": "no change").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.builtin.context import PassContext  # noqa: E402
from agent.builtin.moves import PASSES  # noqa: E402
from tools import asm as asmlib  # noqa: E402
from tools.prove import ProveOptions, prove  # noqa: E402
from tools.sandbox import Sandbox  # noqa: E402


def compile_suite(folder: Path, limit: int | None) -> dict[str, tuple[str, str]]:
    out = {}
    programs = sorted((ROOT / "benchmarks" / "suite" / "programs").iterdir())
    for program in programs[:limit]:
        source = program / "prog.c"
        target = folder / f"{program.name}.s"
        done = subprocess.run(
            ["gcc", "-O3", "-S", str(source), "-o", str(target)], capture_output=True
        )
        if done.returncode == 0:
            out[program.name] = (target.read_text(), source.read_text())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per check")
    parser.add_argument("--bound", type=int, default=8, help="loop iterations unrolled")
    parser.add_argument("--programs", type=int, help="only the first N programs")
    parser.add_argument("--json", type=Path, help="also append every verdict here (JSON lines)")
    parser.add_argument("--table", type=Path, help="only print the table of such a file")
    args = parser.parse_args()
    if args.table:
        lines = [json.loads(x) for x in args.table.read_text().splitlines() if x.strip()]
        _table(*_tally(lines))
        return
    options = ProveOptions(bound=args.bound, seconds=args.seconds, cache=False)
    sandbox = Sandbox()
    records = []
    out_file = args.json.open("a") if args.json else None
    with tempfile.TemporaryDirectory(prefix="prove-coverage-") as tmp:
        suite = compile_suite(Path(tmp), args.programs)
        for name, (asm, source) in suite.items():
            hot = {ln.number: 10.0 for ln in asmlib.parse(asm).instructions()}
            for asm_pass in PASSES:
                try:
                    out = asm_pass.apply(asm, PassContext(hot_lines=hot))
                except Exception as exc:  # a pass that trips is reported, not fatal
                    print(f"{name} {asm_pass.name}: pass failed: {exc}", file=sys.stderr)
                    out = None
                found = _check(name, asm_pass.name, asm, out, source, sandbox, options)
                records += found
                if out_file:
                    out_file.writelines(json.dumps(r) + "\n" for r in found)
                    out_file.flush()
    _table(*_tally(records))


def _check(name, pass_name, asm, out, source, sandbox, options) -> list[dict]:
    base = {"program": name, "pass": pass_name}
    if not out or out == asm:
        return [{**base, "status": "did not fire"}]
    started = time.monotonic()
    proof = prove(asm, out, sandbox, ("-lm",), options, source=source)
    print(
        f"{name:24} {pass_name:10} {time.monotonic() - started:6.1f} s  {proof.summary()[:110]}",
        flush=True,
    )
    if not proof.functions:
        return [{**base, "status": "no change"}]
    return [{**base, **v.to_dict()} for v in proof.functions]


def _tally(records: list[dict]):
    rows: dict[str, Counter] = defaultdict(Counter)
    seconds: dict[str, list[float]] = defaultdict(list)
    reasons: dict[str, Counter] = defaultdict(Counter)
    fired: dict[str, set] = defaultdict(set)
    for r in records:
        pass_name, status = r["pass"], r["status"]
        if status == "did not fire":
            continue
        fired[pass_name].add(r["program"])
        if status == "no change":
            rows[pass_name]["no code changed"] += 1
            continue
        if status == "proved":
            status = "proved complete" if r["bound"] == "complete" else "proved bounded"
        rows[pass_name][status] += 1
        seconds[pass_name].append(r["seconds"])
        if status == "unknown":
            reasons[pass_name][r["why"].split(":")[0].split(" (")[0][:50]] += 1
    for pass_name, programs in fired.items():
        rows[pass_name]["fired"] = len(programs)
    return rows, seconds, reasons


def _table(rows, seconds, reasons) -> None:
    kinds = ("proved complete", "proved bounded", "refuted", "unknown")
    print()
    header = f"{'pass':10} {'fired':>5} {'no code':>7} {'checks':>6} "
    header += " ".join(f"{k:>15}" for k in kinds)
    print(header + f" {'s/check (median, max)':>22}")
    for pass_name, counts in rows.items():
        checks = sum(counts[k] for k in kinds)
        shares = " ".join(
            f"{counts[k]:>4} ({100 * counts[k] / checks:3.0f}%)    " if checks else f"{'-':>15}"
            for k in kinds
        )
        times = sorted(seconds[pass_name])
        timing = f"{times[len(times) // 2]:6.1f}, {times[-1]:6.1f}" if times else "-"
        same = counts["no code changed"]
        print(f"{pass_name:10} {counts['fired']:>5} {same:>7} {checks:>6} {shares} {timing:>22}")
    print()
    for pass_name, why in reasons.items():
        print(f"unknown in {pass_name}: " + "; ".join(f"{n}x {w}" for w, n in why.most_common(4)))


if __name__ == "__main__":
    main()
