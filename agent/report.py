"""The run's outputs: `best.s`, `best.diff` and `report.json` (see DESIGN.md).

Before anything is written, the winner is timed once more against the
baseline, afresh and to the reporting precision (`tools.evaluate.confirm`):
that figure is the one reported. Screening picked the winner because its
figure looked best, which biases that figure up; fresh runs do not share the
bias. The screening figures stay in `screening`, in the candidate's own report
and in the events. A winner whose fresh interval does not lie above 1.0 is not
reported as faster: the baseline is kept, and the report says why.

The report carries the contract's fields for the selected candidate, or for
the baseline when no candidate was correct and confirmed faster (then the
speedup is exactly 1.0: it is the same program), plus `seconds`: where the
run's time went.
"""

from __future__ import annotations

import json
import time

from agent.context import RunContext
from agent.proof import proof_line
from tools.asm import unified_diff
from tools.evaluate import confirm

PHASES = ("build", "tests", "timing", "differential", "profile", "wait")


def write_outputs(ctx: RunContext, state: dict) -> dict:
    base = ctx.baseline()
    best = dict(state.get("winner") or {})
    proof = best.pop("proof", None)  # agent/proof.py, set by the graph's select
    results = sorted(state.get("results", []), key=lambda r: r["branch"])
    extra: dict = {}
    confirm_seconds = explain_seconds = 0.0
    if best:
        asm = (ctx.run_dir / best["path"]).read_text()
        report = json.loads((ctx.run_dir / best["report"]).read_text())
        extra["screening"] = {
            "speedup": report["speedup"],
            "speedup_ci": report["speedup_ci"],
            "decision": (report.get("timing") or {}).get("decision", ""),
        }
        started = time.monotonic()
        try:
            timing = confirm(asm, base, ctx.sandbox, ctx.eval_options.confirm)
            confirmation = extra["confirmation"] = timing.to_dict()
            low, high = confirmation["speedup_ci"] or (0.0, 0.0)
            reason = (
                timing.problem
                or f"timed again afresh, its interval [{low:.3f}, {high:.3f}] "
                "does not lie above 1.0"
            )
        except ValueError as exc:  # it no longer builds or passes: flaky, never a winner
            timing, reason = None, str(exc)
        confirm_seconds = time.monotonic() - started
        if timing is not None and timing.faster and best.get("passes"):
            started = time.monotonic()
            extra["explained"] = explain(ctx, asm, best["passes"], timing)
            explain_seconds = time.monotonic() - started
        if timing is not None and timing.faster:
            report.update(
                speedup=confirmation["speedup"],
                speedup_ci=confirmation["speedup_ci"],
                speedup_kind="precise",
                faster=True,
            )
            source = f"branch {best['branch']} iteration {best['iteration']}"
        else:
            extra["unconfirmed"] = {**best, "reason": reason}
            best = {}
    if not best:
        asm = base.task.asm
        report = _baseline_report(base)
        source = "baseline"
        proof = None
    if proof is not None or state.get("refuted"):
        extra["proof"] = proof
        extra["proved"] = bool(proof) and proof["status"] == "proved"
        extra["proof_line"] = proof_line(proof, bool(report.get("verified")))
        extra["refuted"] = [
            {"source": f"branch {r['branch']} iteration {r['iteration']}", "proof": r["proof"]}
            for r in state.get("refuted", [])
        ]
    if state.get("mismatched"):
        extra["mismatched"] = [
            {"source": f"branch {m['branch']} iteration {m['iteration']}", **m["differential"]}
            for m in state["mismatched"]
        ]
    (ctx.run_dir / "best.s").write_text(asm)
    (ctx.run_dir / "best.diff").write_text(unified_diff(base.task.asm, asm, "baseline.s", "best.s"))
    full = {
        **report,
        **extra,
        "task": ctx.task.name,
        "model": ctx.config.model,
        "best": {"source": source, **best},
        "baseline": {
            "origin": ctx.task.baseline,
            "tests": base.tests.total,
            "expected_from": base.task.expected_from,
            "timing_test": base.timing_test.name,
            "timing_args": list(base.timing_test.args),  # argv[1:] of the timed test
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
        "time_budget": ctx.config.time_budget,
        "stopped_by": "time budget" if any(r["reason"] == "time budget" for r in results) else "",
        "llm": {**ctx.budget.to_dict(), "by_reply_format": by_reply_format(ctx)},
        "seconds": run_seconds(ctx, confirm_seconds, explain_seconds),
    }
    (ctx.run_dir / "report.json").write_text(json.dumps(full, indent=2))
    return full


def explain(ctx: RunContext, asm: str, passes: list[str], timing) -> list[dict]:
    """What each of the winner's moves added, from a proposer that can say
    (the `explain` capability in `agent.proposer`; the built-in's ablation)."""
    explainer = getattr(ctx.proposer, "explain", None)
    if explainer is None:
        return []
    base = ctx.baseline()
    return explainer(asm, passes, base, ctx.sandbox, ctx.config.target_cpu, timing.speedup)


def by_reply_format(ctx: RunContext) -> dict:
    """Model proposals and their output tokens per reply format ("whole",
    "edits"): what edits save on big files shows here."""
    totals: dict[str, dict] = {}
    for path in sorted((ctx.run_dir / "proposals").glob("*.json")):
        record = json.loads(path.read_text())
        kind = (record.get("extra") or {}).get("reply_format")
        if kind:
            entry = totals.setdefault(kind, {"proposals": 0, "output_tokens": 0})
            entry["proposals"] += 1
            entry["output_tokens"] += record.get("output_tokens", 0)
    return totals


def run_seconds(ctx: RunContext, confirm_seconds: float, explain_seconds: float = 0.0) -> dict:
    """Where the run's time went. The phases are summed over every candidate
    judged (branches run concurrently, so they may add up to more than `wall`);
    `propose` is the time spent waiting for proposals (model or built-in)."""
    totals = dict.fromkeys(PHASES, 0.0)
    for path in sorted((ctx.run_dir / "reports").glob("*.json")):
        for phase, seconds in json.loads(path.read_text()).get("seconds", {}).items():
            totals[phase] = totals.get(phase, 0.0) + seconds
    propose = sum(
        json.loads(p.read_text()).get("seconds", 0.0)
        for p in sorted((ctx.run_dir / "proposals").glob("*.json"))
    )
    totals |= {
        "propose": propose,
        "baseline": ctx.baseline_seconds,
        "confirm": confirm_seconds,
        "explain": explain_seconds,  # taking the built-in's winner apart (ablation)
        "wall": time.monotonic() - ctx.started,
    }
    return {k: round(v, 2) for k, v in totals.items()}


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
