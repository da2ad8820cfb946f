"""Render reports for people (rich). The JSON forms are the machine contract."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text


def _speedup_line(report: dict) -> str:
    t = report.get("timing") or {}
    if report.get("speedup") is None:
        return "not measured" + (f" ({t['problem']})" if t.get("problem") else "")
    low, high = report["speedup_ci"]
    if report.get("identical_to_baseline"):
        verdict = "identical to the baseline"
    else:
        verdict = "faster" if report["faster"] else "slower" if high < 1.0 else "no clear change"
    if t.get("metric") == "cycles":
        unit, base = "cycles", f"{t['baseline_median']:.3g} cycles"
    else:
        unit, base = "CPU time", f"{t['baseline_median'] * 1e3:.1f} ms"
    lines = [
        f"{report['speedup']:.3f}x  [{low:.3f}, {high:.3f}] 95% CI  {verdict}",
        f"p={t['p_value']:.2g}, {t['pairs']} interleaved pairs on test {t['test']}, "
        f"{unit}, baseline median {base}",
    ]
    if t.get("below_resolution"):
        lines.append("below resolution: the baseline runs under 20 ms, start-up noise dominates")
    if t.get("flagged_runs"):
        lines.append(f"{t['flagged_runs']} runs flagged: wall time far above CPU time")
    return "\n".join(lines)


def _safe(text: object) -> Text:
    """Untrusted text (candidate lines, program output, tool messages) as plain
    rich Text: no markup parsing, control characters escaped."""
    raw = str(text)
    clean = "".join(
        ch if ch.isprintable() or ch in "\n\t" else ch.encode("unicode_escape").decode()
        for ch in raw
    )
    return Text(clean)


def render_evaluation(report: dict, console: Console | None = None) -> None:
    """A short human summary of one evaluation."""
    console = console or Console()
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
        table.add_row("first failure", _safe(f"{failure['test']}: {failure['reason']}"))
        if failure.get("diff"):
            table.add_row("", _safe(failure["diff"]))
    if report["correct"]:
        table.add_row("speedup", _safe(_speedup_line(report)))
    for h in report["hot_lines"][:5]:
        table.add_row("hot line", _safe(f"{h['percent']:5.1f}%  line {h['line']}: {h['text']}"))
    console.print(table)
