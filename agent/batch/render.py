"""The closing lines of `agent batch` and `agent report` (a batch folder)."""

from __future__ import annotations

from pathlib import Path


def render_batch_summary(summary: dict, out: Path, console=None) -> None:
    """The closing lines of `agent batch` and `agent report`."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console(highlight=False, emoji=False)
    s = summary

    def x(v):
        return "-" if v is None else f"{v:.3f}x"

    def pct(v):
        return "-" if v is None else f"{100 * v:.1f}%"

    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row(
        "tasks",
        f"{s['tasks']} measured"
        + (f", {s['errors']} failed" if s["errors"] else "")
        + (f", {s['not_run']} not run" if s.get("not_run") else ""),
    )
    table.add_row("baseline", s["baseline"])
    table.add_row("correct (paper)", pct(s["correct_rate"]))
    table.add_row("mean speedup, clamped (paper)", x(s["mean_speedup_clamped"]))
    table.add_row("geomean speedup (unclamped)", x(s["geomean_speedup"]))
    table.add_row("median speedup", x(s["median_speedup"]))
    table.add_row("significantly faster", pct(s["faster_rate"]))
    llm = s["llm"]
    table.add_row(
        "model calls",
        f"{llm['calls']}, tokens {llm['input_tokens']} in / {llm['output_tokens']} out, "
        f"cost ${llm['cost_usd']:.4f}",
    )
    console.print(table)
    for failure in s.get("failed", [])[:10]:
        console.print(f"failed: {failure['task']}: {failure['error'][:200]}", markup=False)
    if s.get("stopped"):
        console.print(f"stopped early ({s['stopped']}): continue with --resume", markup=False)
    files = "results.jsonl, summary.json, summary.md" + (f", {s['plot']}" if s.get("plot") else "")
    console.print(f"files: {out}/ {files}", markup=False)
