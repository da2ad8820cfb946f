"""Render reports for people (rich). The JSON forms are the machine contract."""

from __future__ import annotations

import functools

from rich.console import Console
from rich.table import Table
from rich.text import Text


def _console() -> Console:
    """Our console: no emoji codes (":x:" in "openai:x:"), no guessing highlights."""
    return Console(highlight=False, emoji=False)


def _speedup_line(report: dict) -> str:
    t = report.get("timing") or {}
    if report.get("identical_to_baseline") and report.get("speedup") is not None:
        return "1.000x  identical to the baseline (not timed)"
    if report.get("speedup") is None:
        return "not measured" + (f" ({t['problem']})" if t.get("problem") else "")
    low, high = report["speedup_ci"]
    verdict = t.get("decision") or (
        "faster" if report["faster"] else "slower" if high < 1.0 else "no clear change"
    )
    kind = "screening, " if t.get("mode") == "screening" else ""
    if t.get("metric") == "cycles":
        unit, base = "cycles", f"{t['baseline_median']:.3g} cycles"
    else:
        unit, base = "CPU time", f"{t['baseline_median'] * 1e3:.1f} ms"
    lines = [
        f"{report['speedup']:.3f}x  [{low:.3f}, {high:.3f}] 95% CI ({kind}{verdict})",
        f"p={t['p_value']:.2g}, {t['pairs']} interleaved pairs on test {t['test']}, "
        f"{unit}, baseline median {base}, {t.get('seconds', 0.0):.1f} s",
    ]
    if t.get("below_resolution"):
        lines.append("below resolution: the baseline runs under 20 ms, start-up noise dominates")
    if t.get("flagged_runs"):
        lines.append(f"{t['flagged_runs']} runs flagged: wall time far above CPU time")
    return "\n".join(lines)


def _differential_line(report: dict) -> str | None:
    """One line on the generated-input check, or None when it did not run."""
    d, info = report.get("differential") or {}, report.get("differential_details") or {}
    if not info:
        return None
    cex = d.get("counterexample")
    if cex:
        return f"mismatch on generated input: {cex['input']} ({cex['reason']})"
    if info.get("note"):
        note = info["note"]
        return note if note.startswith("not checked") else f"not checked: {note}"
    n = d.get("inputs", 0)
    word = "input" if n == 1 else "inputs"
    if report.get("verified"):
        basis = f" ({info['basis']})" if info.get("basis") else ""
        return f"{n} {word}, no mismatch — verified{basis}"
    return (
        f"{n} {word}, no mismatch — not verified (needs {info['required']}; "
        f"{info['discarded']} discarded, {info['seconds']:.0f} s)"
    )


def printable(text: object) -> str:
    """Untrusted text (candidate lines, model replies, program output, tool
    messages) made safe for a terminal: control characters, escape included,
    are shown escaped."""
    raw = str(text)
    if raw.isprintable():
        return raw
    return "".join(
        ch if ch.isprintable() or ch in "\n\t" else ch.encode("unicode_escape").decode()
        for ch in raw
    )


def _safe(text: object) -> Text:
    """Untrusted text as plain rich Text: no markup parsing, escapes shown."""
    return Text(printable(text))


def render_evaluation(report: dict, console: Console | None = None) -> None:
    """A short human summary of one evaluation."""
    console = console or _console()
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("candidate", _safe(report.get("candidate", "")))
    table.add_row("assembled", "yes" if report["assembled"] else "[red]no[/red]")
    for e in report["errors"][:5]:
        where = f"line {e['line']}: " if e["line"] else ""
        row = _safe(f"{where}{e['message']}")
        row.stylize("red")
        row.append_text(_safe(f"  {e['text']}" if e["text"] else ""))
        table.add_row("", row)
    tests = report["tests"]
    colour = "green" if report["correct"] else "red"
    table.add_row("tests", f"[{colour}]{tests['passed']}/{tests['total']} passed[/{colour}]")
    failure = report.get("first_failure")
    if failure:
        args = f" (args: {failure['args']})" if failure.get("args") else ""
        table.add_row("first failure", _safe(f"{failure['test']}{args}: {failure['reason']}"))
        if failure.get("diff"):
            table.add_row("", _safe(failure["diff"]))
    line = _differential_line(report)
    if line:
        table.add_row("differential", _safe(line))
        cex = (report.get("differential") or {}).get("counterexample")
        if cex and cex.get("diff"):
            table.add_row("", _safe(cex["diff"]))
        if cex and cex.get("saved"):
            table.add_row("", _safe(f"saved as {cex['saved']}"))
    if report.get("proof_summary"):
        table.add_row("proof", _safe(report["proof_summary"]))
    if report["correct"]:
        table.add_row("speedup", _safe(_speedup_line(report)))
        timed = report.get("timed_test") or {}
        if timed.get("shown_args"):
            table.add_row("timed on", _safe(f"{timed['name']} (args: {timed['shown_args']})"))
    for h in report["hot_lines"][:5]:
        table.add_row("hot line", _safe(f"{h['percent']:5.1f}%  line {h['line']}: {h['text']}"))
    if report.get("seconds"):
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in report["seconds"].items())
        table.add_row("time", f"{sum(report['seconds'].values()):.1f} s: {parts}")
    console.print(table)


class RunPrinter:
    """Renders a run's events as they arrive: one line per step, for a terminal
    or a log file (rich drops the colours when stdout is not a terminal)."""

    def __init__(self, console: Console | None = None):
        self.console = console or _console()

    def __call__(self, event) -> None:
        from agent import events as ev

        say = functools.partial(self.console.print, markup=False)
        match event:
            case ev.RunStarted():
                verb = "resuming" if event.resumed else "optimising"
                say(
                    f"{verb} {event.task} with {event.model}: {event.best_of} branches x "
                    f"{event.iterations} iterations -> {event.out}"
                )
            case ev.BaselineMeasured():
                say(
                    f"baseline: {event.tests} tests pass; timing on {event.timing_shown} "
                    f"({event.cpu_ms:.1f} ms CPU)"
                )
                if event.expected_from != "files":
                    say(f"  {EXPECTED_FROM[event.expected_from]}")
            case ev.CandidateProposed() if event.path is None:
                say(_safe(f"  [b{event.branch} i{event.iteration}] no assembly: {event.note}"))
            case ev.CandidateProposed() if event.reply_format == "edits":
                plural = "s" if event.edit_blocks != 1 else ""
                blocks = f"{event.edit_blocks} block{plural}"
                say(f"  [b{event.branch} i{event.iteration}] edit: {blocks}")
            case ev.CandidateEvaluated():
                mark = {"correct": "ok", "wrong": "WRONG", "not assembled": "ASM ERROR"}.get(
                    event.status, event.status.upper()
                )
                say(_safe(f"  [b{event.branch} i{event.iteration}] {mark}: {event.detail}"))
            case ev.NewBest():
                low, high = event.speedup_ci
                say(
                    f"  [b{event.branch} i{event.iteration}] new branch best "
                    f"{event.speedup:.3f}x [{low:.3f}, {high:.3f}]"
                )
            case ev.WinnerConfirmed():
                low, high = event.speedup_ci
                verdict = "confirmed" if event.confirmed else "NOT confirmed faster"
                say(
                    f"winner timed again: {event.speedup:.3f}x [{low:.3f}, {high:.3f}] after "
                    f"{event.pairs} pairs ({event.seconds:.0f} s, {event.decision}): {verdict}"
                )
            case ev.BranchFinished():
                say(
                    f"  branch {event.branch} finished after {event.iterations} "
                    f"iterations ({event.reason})"
                )
            case ev.RunInterrupted():
                say(
                    f"stopping ({event.signal}): {event.killed} sandboxed processes killed; "
                    "finished candidates are kept (a second Ctrl-C quits at once)"
                )
            case _:
                pass


EXPECTED_FROM = {
    "original": "no .out files: each test expects the original's own output",
    "empty input": "no tests folder: one test, on empty input, expecting the original's output",
}


def time_line(seconds: dict) -> str:
    """One line on where the time went, largest first."""
    parts = sorted(
        ((k, v) for k, v in seconds.items() if k != "wall" and v >= 0.05),
        key=lambda kv: -kv[1],
    )
    body = ", ".join(f"{k} {v:.1f} s" for k, v in parts)
    return f"time: {seconds.get('wall', 0.0):.0f} s wall; {body} (phases summed over branches)"


def explained_lines(explained: list[dict]) -> list[str]:
    """The winner's moves and what each added (dropping it and timing again)."""
    if not explained:
        return []
    lines = ["what the winner is made of (each move dropped in turn, the winner timed against it):"]
    for c in explained:
        if c["added"] is None:
            figure = c["note"]
        else:
            low, high = c["ci"] or (c["added"], c["added"])
            figure = f"{c['added']:.3f}x [{low:.3f}, {high:.3f}]"
            figure += f" ({c['note']})" if c["note"] else ""
        lines.append(f"  {c['move']}: {c['what']}: {figure}")
    return lines


def render_run_summary(report: dict, run_dir, console: Console | None = None) -> None:
    """The closing summary of `agent run`."""
    console = console or _console()
    say = functools.partial(console.print, markup=False)
    low, high = report["speedup_ci"] or [1.0, 1.0]
    source = report["best"]["source"]
    unconfirmed = report.get("unconfirmed")
    if source == "baseline" and unconfirmed:
        headline = (
            f"the screening's winner ({unconfirmed.get('path')}) was not confirmed: "
            f"{unconfirmed['reason']}; keeping the baseline"
        )
    elif source == "baseline":
        headline = "no candidate was correct and significantly faster: keeping the baseline"
    else:
        verified = "verified" if report.get("verified") else "passes the tests"
        headline = (
            f"best: {report['speedup']:.3f}x [95% CI {low:.3f}, {high:.3f}] "
            f"from {source} ({verified})"
        )
    llm = report["llm"]
    say(headline)
    if report.get("proof_line"):
        say(report["proof_line"])
    for dropped in report.get("mismatched") or []:
        say(f"dropped {dropped['source']}: {dropped.get('basis', 'a generated input mismatched')}")
    for dropped in report.get("refuted") or []:
        say(f"dropped {dropped['source']}: {dropped['proof'].get('summary', 'refuted')}")
    if report.get("stopped_by") == "time budget":
        say(
            f"the time budget ({report['time_budget']:g} s) ended the run: no proposal "
            "started after it, and the best so far was confirmed"
        )
    say(
        f"branches {len(report['branches'])}, iterations {report['iterations']}, "
        f"model calls {llm['calls']}, tokens {llm['input_tokens']} in / "
        f"{llm['output_tokens']} out, cost ${llm['cost_usd']:.4f}"
    )
    confirmation = report.get("confirmation") or {}
    if source != "baseline" and confirmation.get("decision") == "capped":
        say(
            f"the interval is wider than ±1%: the {confirmation['pairs']} pairs that fit "
            "the confirmation's cap (confirm_seconds) could not narrow it on this machine"
        )
    if source != "baseline":
        for line in explained_lines(report.get("explained") or []):
            say(line)
    if report.get("seconds"):
        say(time_line(report["seconds"]))
    say(f"files: {run_dir}/best.s, best.diff, report.json, events.jsonl")
