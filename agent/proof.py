"""Prove the run's winner before it is reported (tools/prove), and say it in one line.

`select` asks `prove_winner` about the best candidate of each branch in score
order: a refuted one is dropped for the next (it never wins, however fast and
however many tests it passes); proved or unknown, the first one left wins and
carries its proof into report.json.
"""

from __future__ import annotations

from agent.context import RunContext
from tools import prove as provelib


def prove_winner(ctx: RunContext, summary: dict) -> dict | None:
    """The proof of a candidate (a branch's best), as report.json's `proof`;
    None when proving is off (`prove_seconds` 0)."""
    seconds = ctx.config.prove_seconds
    if not seconds:
        return None
    if not provelib.available():
        return {"status": "unknown", "functions": [], "why": provelib.INSTALL_HINT}
    done = _proved_before(ctx, summary)
    if done is not None:
        return done
    asm = (ctx.run_dir / summary["path"]).read_text()
    task = ctx.task
    options = provelib.ProveOptions(seconds=seconds)
    proof = provelib.prove(
        task.asm, asm, ctx.sandbox, task.link_flags, options, task.objects, task.source
    )
    return {**proof.to_dict(), "summary": proof.summary()}


def _proved_before(ctx: RunContext, summary: dict) -> dict | None:
    """The proof this run already wrote into the candidate's report (a would-be
    branch best is proved when it is found): the final check does not redo it.
    The verdict cache cannot stand in, since time-limit verdicts are not cached."""
    report = ctx.report_of(summary)
    return None if report is None else report.get("proof")


def worst_case(ctx: RunContext) -> float:
    """The longest one candidate's proof may take (0 when proving is off)."""
    seconds = ctx.config.prove_seconds
    return (
        provelib.TOTAL_CHECKS * (provelib.HARD_FACTOR * seconds + provelib.SPAWN_S)
        if seconds
        else 0.0
    )


def proof_line(proof: dict | None, verified: bool) -> str:
    """ "proved: mix (complete)"; a verified but unproved winner says so."""
    if not proof:
        return ""
    line = proof.get("summary") or f"{proof['status']}: {proof.get('why', '')}"
    if verified and proof["status"] != provelib.PROVED:
        line += " (verified by tests and generated inputs, not proved)"
    return line
