"""The run's outputs: `best.s`, `best.diff` and `report.json` (see DESIGN.md).

The report carries the contract's fields for the selected candidate, or for
the baseline when no candidate was correct and significantly faster (then the
speedup is exactly 1.0: it is the same program).
"""

from __future__ import annotations

import json

from agent.context import RunContext
from tools.asm import unified_diff


def write_outputs(ctx: RunContext, state: dict) -> dict:
    base = ctx.baseline()
    best = state.get("winner") or {}
    results = sorted(state.get("results", []), key=lambda r: r["branch"])
    if best:
        asm = (ctx.run_dir / best["path"]).read_text()
        report = json.loads((ctx.run_dir / best["report"]).read_text())
        source = f"branch {best['branch']} iteration {best['iteration']}"
    else:
        asm = base.task.asm
        report = _baseline_report(base)
        source = "baseline"
    (ctx.run_dir / "best.s").write_text(asm)
    (ctx.run_dir / "best.diff").write_text(unified_diff(base.task.asm, asm, "baseline.s", "best.s"))
    full = {
        **report,
        "task": ctx.task.name,
        "model": ctx.config.model,
        "best": {"source": source, **best},
        "baseline": {
            "origin": ctx.task.baseline,
            "tests": base.tests.total,
            "timing_test": base.timing_test.name,
            "cpu_ms": base.tests.slowest().run.cpu_us / 1000,
        },
        "branches": [
            {
                "branch": r["branch"],
                "iterations": r["iterations"],
                "reason": r["reason"],
                "best_speedup": r["best"]["speedup"] if r["best"] else None,
            }
            for r in results
        ],
        "iterations": sum(r["iterations"] for r in results),
        "llm": ctx.budget.to_dict(),
    }
    (ctx.run_dir / "report.json").write_text(json.dumps(full, indent=2))
    return full


def _baseline_report(base) -> dict:
    hot = base.profile.hot_lines if base.profile else ()
    return {
        "correct": True,
        "assembled": True,
        "tests": {"passed": base.tests.passed, "total": base.tests.total},
        "speedup": 1.0,
        "speedup_ci": [1.0, 1.0],
        "faster": False,
        "identical_to_baseline": True,
        "errors": [],
        "first_failure": None,
        "timing": None,
        "hot_lines": [{"line": h.line, "percent": h.percent, "text": h.text} for h in hot],
        "verified": False,
        "differential": {"inputs": 0, "mismatches": 0, "counterexample": None},
    }
