"""Feedback for the next proposal, built from an evaluation report and fitted
to a token budget.

What a model needs to revise well: the assembler's complaints with line numbers
and text, the first failing test as a diff, a crash or timeout signal, where
the time goes now, the speedup so far, and what was already tried. When it all
does not fit, the largest parts are trimmed first, so no kind of signal is
lost entirely.
"""

from __future__ import annotations

from agent.proposer import Attempt, Feedback

CHARS_PER_TOKEN = 4  # a rough, conservative estimate for code and English


def speedup_text(report: dict) -> str:
    if report.get("speedup") is None:
        return ""
    low, high = report["speedup_ci"]
    return f"{report['speedup']:.3f}x [95% CI {low:.3f}, {high:.3f}] over the baseline"


def outcome(report: dict | None, extra: dict | None = None) -> str:
    """One line: what became of a proposal (`extra`: the proposal's, which
    says whether its reply was edits and why they were not applied)."""
    extra = extra or {}
    if report is None:
        return extra.get("edit_summary") or "no assembly in the reply"
    if not report["assembled"]:
        first = report["errors"][0] if report["errors"] else {"message": "?"}
        edited = "the edited file " if extra.get("reply_format") == "edits" else ""
        return f"{edited}does not assemble ({first['message']})"
    failure = report.get("first_failure")
    if failure:
        return f"{failure['reason']} on test {failure['test']}"
    timing = report.get("timing") or {}
    if timing.get("problem"):
        return timing["problem"]
    diff = report.get("differential") or {}
    if diff.get("mismatches"):
        return "wrong output on a generated input"
    if (report.get("proof") or {}).get("status") == "refuted":
        return "refuted by the proof: " + report["proof"].get("summary", "")[:200]
    if report.get("identical_to_baseline"):
        return "identical to the baseline"
    text = speedup_text(report) or "correct, not timed"
    decision = timing.get("decision") or ("faster" if report.get("faster") else "")
    return text + (f" ({decision})" if decision else " (not significantly faster)")


def feedback_from(
    report: dict | None, hint: str = "", no_code_reply: str = "", extra: dict | None = None
) -> Feedback:
    """Feedback about one evaluated proposal (or a reply with no code, or
    edits that could not be applied: `extra` is the proposal's)."""
    extra = extra or {}
    if report is None and extra.get("edit_error"):
        return Feedback(edits=extra["edit_error"], hint=hint)
    if report is None:
        excerpt = no_code_reply.strip()[:300]
        return Feedback(
            errors=(
                "Your reply contained no complete assembly file in a fenced ```asm block"
                + (f" (it began: {excerpt!r})" if excerpt else "")
                + ".",
            ),
            hint=hint,
        )
    errors = tuple(
        (f"line {e['line']}: " if e.get("line") else "")
        + e["message"]
        + (f"   [{e['text']}]" if e.get("text") else "")
        for e in report.get("errors", [])
    )
    if errors and extra.get("reply_format") == "edits":
        blocks = extra.get("edit_blocks", 0)
        errors = (
            f"Your {blocks} edit block{'s' if blocks != 1 else ''} applied, but the file they "
            "produced does not assemble (line numbers below are of that file):",
            *errors,
        )
    failure = report.get("first_failure")
    failure_text = ""
    if failure:
        failure_text = (
            f"test {failure['test']}: {failure['reason']}\n"
            + (f"arguments: {failure['args']}\n" if failure.get("args") else "")
            + f"input: {failure['input']}\n"
            + (failure["diff"] or f"expected: {failure['expected']}\nactual: {failure['actual']}")
            + (f"\nstderr: {failure['stderr']}" if failure.get("stderr") else "")
        )
    counter = (report.get("differential") or {}).get("counterexample")
    if counter and not failure_text:
        failure_text = f"a generated input gives a different output than the original:\n{counter}"
    proof = report.get("proof") or {}
    if proof.get("status") == "refuted" and not failure_text:
        failure_text = refutation_text(proof)
    profile = report.get("profile") or {}
    return Feedback(
        errors=errors,
        failure=failure_text,
        hot_lines=tuple(
            f"{h['percent']:5.1f}%  line {h['line']}: {h['text']}"
            for h in report.get("hot_lines", [])
        ),
        hot_functions=tuple(
            f"{f['percent']:5.1f}%  {f['name']} ({f['dso']})" for f in profile.get("functions", [])
        ),
        speedup=speedup_text(report),
        hint=hint,
    )


def refutation_text(proof: dict) -> str:
    """What the model sees of a refuted candidate: per function, the arguments and both results."""
    lines = [
        "It passes the tests, but bounded symbolic execution found inputs where a function "
        "you changed differs from the original (replayed concretely):"
    ]
    for verdict in proof.get("functions", []):
        if verdict["status"] != "refuted":
            continue
        cex = verdict.get("counterexample") or {}
        args = ", ".join(
            f"%{k}={v}" for k, v in {**cex.get("arguments", {}), **cex.get("xmm", {})}.items()
        )
        base = ", ".join(f"%{k}={v}" for k, v in cex.get("baseline", {}).items())
        cand = ", ".join(f"%{k}={v}" for k, v in cex.get("candidate", {}).items())
        lines.append(f"{verdict['name']} called with {args or 'these inputs'}:")
        lines.append(f"  original returns {base}; yours returns {cand}")
    return "\n".join(lines)


def render_history(history: tuple[Attempt, ...], limit: int = 12) -> str:
    if not history:
        return "(nothing yet)"
    shown = history[-limit:]
    lines = [f"- iteration {a.iteration}: {a.note or 'proposal'} -> {a.outcome}" for a in shown]
    if len(history) > limit:
        lines.insert(0, f"- ({len(history) - limit} earlier attempts omitted)")
    return "\n".join(lines)


def render_feedback(feedback: Feedback, budget_tokens: int) -> str:
    """The feedback as text within about `budget_tokens`, trimming the largest
    parts first."""
    parts = {
        "Your edit blocks": feedback.edits,
        "Assembler errors": "\n".join(feedback.errors),
        "Failing test": feedback.failure,
        "Hot lines of your proposal (share of CPU samples)": "\n".join(feedback.hot_lines),
        "Hot functions": "\n".join(feedback.hot_functions[:8]),
        "Speedup of your proposal": feedback.speedup,
        "Hint from the user": feedback.hint,
    }
    parts = {k: v for k, v in parts.items() if v}
    budget = budget_tokens * CHARS_PER_TOKEN
    marker, floor = "\n[... trimmed]", 200
    while (excess := sum(len(v) for v in parts.values()) - budget) > 0:
        largest = max(parts, key=lambda k: len(parts[k]))
        text = parts[largest]
        if len(text) <= floor:
            break  # everything is already small: send it over budget rather than blind
        keep = max(floor, len(text) - excess, len(text) // 2) - len(marker)
        parts[largest] = text[:keep] + marker
    if not parts:
        return "(no details)"
    return "\n\n".join(f"{title}:\n{text}" for title, text in parts.items())
