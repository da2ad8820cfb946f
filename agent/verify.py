"""Finish the differential check of the candidates that may win, before selection.

A candidate's check is bounded (30 s) while the run searches, so on a program
whose every run takes a second it stops near 30 inputs of the 50 that verify,
and the winner is reported "no mismatch on 36 inputs", not verified. Before the
run selects its winner, each branch best that could still win (ranked above
every verified one) whose check was cut short is checked again, best first,
within `verify_seconds` for all of them together: a run ends at most that
long after its budget, however many branches tie (two 120 s checks once made a
100 s run take 355 s). A mismatch found then drops it like a refuted
proof does; verified, it ranks as verified. The extra seconds count in the
candidate's report (its `differential` phase), so the run's time per phase
shows them.
"""

from __future__ import annotations

import json
import time

from agent.context import RUN_PHASE, RunContext
from tools.evaluate import verify_longer

SHORTEST_CHECK = 1.0  # seconds: with less left, a check would judge next to nothing


def settle(ctx: RunContext, candidates: list[dict], score) -> tuple[list[dict], list[dict]]:
    """`candidates` (branch bests, in branch order) with the cut-short checks of
    those that could win finished: (the rest, best first by `score`, the run's
    order; the dropped ones)."""
    seconds = ctx.config.verify_seconds
    deadline = time.monotonic() + (seconds or 0.0)
    order = sorted(candidates, key=lambda c: c["ci"][0], reverse=True)  # stable: branch order
    floor = max((c["ci"][0] for c in order if c.get("verified")), default=None)
    kept, dropped = [], []
    for candidate in order:
        could_win = floor is None or candidate["ci"][0] > floor
        left = deadline - time.monotonic()
        worth_it = could_win and left >= SHORTEST_CHECK and not candidate.get("verified")
        if worth_it and _cut_short(ctx, candidate):
            ctx.set_phase(RUN_PHASE, f"verifying branch {candidate['branch']}'s best")
            found = _check_again(ctx, candidate, left)
            if found is not None and found["mismatches"]:
                dropped.append({**candidate, "differential": found})
                continue
            if found is not None and found["ok"]:
                candidate = {**candidate, "verified": True}
                floor = max(floor or 0.0, candidate["ci"][0])
        kept.append(candidate)
    kept.sort(key=lambda c: (score(c), -c["branch"]), reverse=True)
    return kept, dropped


def _cut_short(ctx: RunContext, candidate: dict) -> bool:
    """Its check judged (no note saying it cannot), found nothing, and stopped
    before the required count: more time can settle it."""
    report = ctx.report_of(candidate)
    details = (report or {}).get("differential_details") or {}
    if not details or details.get("note") or details.get("mismatches"):
        return False
    return details.get("requested", 0) > 0 and details.get("checked", 0) < details.get(
        "required", 0
    )


def _check_again(ctx: RunContext, candidate: dict, seconds: float) -> dict | None:
    """The longer check's details, written into the candidate's report."""
    asm = (ctx.run_dir / candidate["path"]).read_text()
    result = verify_longer(asm, ctx.baseline(), ctx.sandbox, ctx.eval_options, seconds)
    if result is None:
        return None
    path = ctx.run_dir / candidate["report"]
    report = json.loads(path.read_text())
    report["differential"] = result.to_dict()
    report["differential_details"] = {**result.details(), "longer_check": True}
    report["verified"] = bool(report["correct"] and result.ok)
    phases = report.setdefault("seconds", {})
    phases["differential"] = round(phases.get("differential", 0.0) + result.seconds, 3)
    path.write_text(json.dumps(report, indent=2))
    return result.details()
