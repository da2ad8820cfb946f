"""A batch's results: `results.jsonl` in, `summary.json`, `summary.md` and a plot out.

`results.jsonl` has one line per task (`task`, `status`, then the task's
`report.json` fields, see agent/batch/program.py). It is appended with one write per
line and fsync'd, so after a kill the file holds whole lines plus at most one
torn last line, which `read_results` skips.

The metrics, over the tasks that ran (`status: done`; tasks whose run failed,
say because their baseline fails its own tests, are listed apart and counted in
no metric):

- `correct_rate`: share of tasks where the model wrote at least one correct
  candidate (assembled, passed every given test; a verbatim copy of the
  baseline does not count). The paper's correctness, over all of a task's
  candidates rather than a single sample.
- per task, the *delivered speedup* is the speedup of the program the run
  hands back: the winner's (significantly faster: its CI's lower bound is above
  1.0), or exactly 1.0 when the baseline is kept, which is what happens when no
  candidate was correct or none was significantly faster.
- `mean_speedup_clamped`: the paper's metric: the mean over tasks of the
  delivered speedup, where a task with no correct candidate, or a slower one,
  counts as 1.0.
- `geomean_speedup`, `median_speedup`: the geometric mean and the median of the
  delivered speedups, unclamped (incorrect tasks enter as 1.0, since the
  baseline is kept).
- `faster_rate`: share of tasks whose delivered program is significantly faster.
- `candidate_geomean_speedup`: the geometric mean of each task's best correct
  candidate's point speedup, significant or not, over the tasks that have a
  timed correct candidate: the model's raw quality, and it can be below 1.0.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from pathlib import Path

from agent.batch.results import REQUEST, RESULTS, read_results

SUMMARY_JSON = "summary.json"
SUMMARY_MD = "summary.md"
PLOT = "speedups.png"


# -- metrics -----------------------------------------------------------------


def delivered_speedup(line: dict) -> float:
    """The speedup of the program a task hands back (1.0 when the baseline is kept)."""
    best = line.get("best") or {}
    if best.get("source", "baseline") == "baseline":
        return 1.0
    value = line.get("speedup")
    return float(value) if isinstance(value, int | float) and value > 0 else 1.0


def model_correct(line: dict) -> bool:
    if "model_correct" in line:
        return bool(line["model_correct"])
    # Older lines: a winning candidate is correct by construction.
    return (line.get("best") or {}).get("source", "baseline") != "baseline"


def significantly_faster(line: dict) -> bool:
    return (line.get("best") or {}).get("source", "baseline") != "baseline"


def _geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


BASELINE_WORDS = {
    "gcc-O3": "gcc -O3, rebuilt from the C source",
    "gcc-O2": "gcc -O2, rebuilt from the C source",
    "dataset-O0": "the dataset's assembly (gcc -O0 in the paper's public data)",
    "given": "the task folder's own .s",
}


def _by_reply_format(lines: list[dict]) -> dict:
    """Proposals and output tokens per reply format ("whole", "edits"), summed
    over the tasks' reports."""
    totals: dict[str, dict] = {}
    for x in lines:
        for kind, entry in ((x.get("llm") or {}).get("by_reply_format") or {}).items():
            total = totals.setdefault(kind, {"proposals": 0, "output_tokens": 0})
            for key in total:
                total[key] += entry.get(key, 0) or 0
    return totals


def summarize(lines: list[dict], meta: dict | None = None) -> dict:
    """summary.json's content for these result lines (see the module's docstring)."""
    meta = meta or {}
    done = [x for x in lines if x.get("status", "done") == "done"]
    failed = [x for x in lines if x.get("status", "done") != "done"]
    n = len(done)
    speedups = [delivered_speedup(x) for x in done]
    clamped = [
        max(1.0, s) if model_correct(x) else 1.0 for x, s in zip(done, speedups, strict=True)
    ]
    best_candidates = [
        x["best_candidate_speedup"]
        for x in done
        if isinstance(x.get("best_candidate_speedup"), int | float)
    ]
    origins = Counter(
        ((x.get("baseline") or {}).get("origin") or "unknown")
        for x in lines
        if isinstance(x.get("baseline"), dict)
    )
    llm = {"calls": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0}
    for x in lines:
        for key in llm:
            llm[key] += (x.get("llm") or {}).get(key, 0) or 0
    llm["cost_usd"] = round(llm["cost_usd"], 6)
    llm["by_reply_format"] = _by_reply_format(lines)
    planned = meta.get("planned")
    if meta.get("tasks") is not None:  # the batch's task names: count those with no line
        planned = len(meta["tasks"])
        recorded = {x["task"] for x in lines}
        not_run = sum(1 for name in meta["tasks"] if name not in recorded)
    else:
        not_run = (planned - len(lines)) if isinstance(planned, int) else None
    summary = {
        "tasks": n,
        "errors": len(failed),
        "correct_rate": _round(sum(map(model_correct, done)) / n) if n else None,
        "mean_speedup_clamped": _round(statistics.fmean(clamped)) if n else None,
        "geomean_speedup": _round(_geomean(speedups)),
        "median_speedup": _round(statistics.median(speedups)) if n else None,
        "faster_rate": _round(sum(map(significantly_faster, done)) / n) if n else None,
        "verified_rate": _round(
            sum(1 for x in done if significantly_faster(x) and x.get("verified")) / n
        )
        if n
        else None,
        "candidate_geomean_speedup": _round(_geomean(best_candidates)),
        "tasks_with_timed_candidate": len(best_candidates),
        "proofs": _proofs(done),
        "baseline": meta.get("baseline") or _baseline_word(origins),
        "baselines": dict(sorted(origins.items())),
        "model": meta.get("model") or _one(x.get("model") for x in lines),
        "llm": llm,
        "recorded": len(lines),
        "planned": planned,
        "not_run": not_run,
        "stopped": meta.get("stopped"),
        "failed": [{"task": x["task"], "error": x.get("error", "")} for x in failed],
        "definitions": {
            "correct_rate": "share of tasks with at least one candidate that passed every "
            "given test (a copy of the baseline does not count)",
            "delivered_speedup": "the returned program's speedup; 1.0 when the baseline is "
            "kept (no correct candidate, or none significantly faster)",
            "mean_speedup_clamped": "the paper's metric: mean delivered speedup, incorrect or "
            "slower tasks counted as 1.0",
            "geomean_speedup": "geometric mean of delivered speedups, unclamped; incorrect "
            "tasks enter as 1.0",
            "median_speedup": "median of delivered speedups; incorrect tasks enter as 1.0",
            "faster_rate": "share of tasks whose returned program is significantly faster "
            "(95% CI lower bound above 1.0)",
            "candidate_geomean_speedup": "geometric mean of each task's best correct "
            "candidate's point speedup (may be below 1.0)",
            "proofs": "winners (tasks that kept a candidate) by the proof of the code they "
            "changed: proved, refuted (never kept: counted when one was dropped), unknown; "
            "not_checked without the [prove] extra or with prove_seconds 0",
        },
    }
    return summary


def _one(values) -> str | None:
    found = sorted({v for v in values if v})
    return ", ".join(found) if found else None


def _baseline_word(origins: Counter) -> str:
    if not origins:
        return "unknown"
    return "; ".join(f"{BASELINE_WORDS.get(k, k)} ({v})" for k, v in sorted(origins.items()))


# -- summary.md --------------------------------------------------------------


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}x"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def task_row(line: dict) -> list[str]:
    """One row of the per-task table: task, result, delivered, CI, best candidate, calls, cost."""
    if line.get("status", "done") != "done":
        return [line["task"], "error: " + str(line.get("error", ""))[:120], "-", "-", "-", "-", "-"]
    cands = line.get("candidates") or {}
    if significantly_faster(line):
        result = "faster, verified" if line.get("verified") else "faster"
    elif model_correct(line):
        result = "correct, not faster"
    elif cands.get("assembled"):
        result = "no correct candidate"
    elif cands.get("proposed"):
        result = "nothing assembled"
    else:
        result = "no candidate"
    ci = line.get("speedup_ci") if significantly_faster(line) else None
    llm = line.get("llm") or {}
    return [
        line["task"],
        result,
        _x(delivered_speedup(line)),
        f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "-",
        _x(line.get("best_candidate_speedup")),
        str(llm.get("calls", 0)),
        f"${llm.get('cost_usd', 0):.4f}",
    ]


TASK_COLUMNS = ["task", "result", "delivered", "95% CI", "best candidate", "calls", "cost"]


def render_markdown(summary: dict, lines: list[dict], title: str = "Batch summary") -> str:
    s = summary
    out = [f"# {title}", ""]
    out.append(f"Baseline: {s['baseline']}.  ")
    if s.get("model"):
        out.append(f"Model: {s['model']}.  ")
    out.append(
        f"Tasks measured: {s['tasks']}"
        + (f"; failed to run: {s['errors']}" if s["errors"] else "")
        + (f"; not run: {s['not_run']}" if s.get("not_run") else "")
        + (f" (stopped: {s['stopped']})" if s.get("stopped") else "")
        + "."
    )
    out += ["", "## Metrics", ""]
    out += ["| metric | value |", "| --- | --- |"]
    rows = [
        ("correct (paper)", _pct(s["correct_rate"])),
        ("mean speedup, clamped at 1.0 (paper)", _x(s["mean_speedup_clamped"])),
        ("geometric mean speedup, unclamped", _x(s["geomean_speedup"])),
        ("median speedup", _x(s["median_speedup"])),
        ("significantly faster", _pct(s["faster_rate"])),
        ("significantly faster and verified", _pct(s["verified_rate"])),
        (
            "winners proved / refuted and dropped / unknown",
            "{proved} / {refuted} / {unknown}".format(**s.get("proofs") or _proofs([])),
        ),
        (
            f"best correct candidates, geometric mean ({s['tasks_with_timed_candidate']} tasks)",
            _x(s["candidate_geomean_speedup"]),
        ),
        ("model calls", str(s["llm"]["calls"])),
        ("tokens in / out", f"{s['llm']['input_tokens']} / {s['llm']['output_tokens']}"),
        ("cost", f"${s['llm']['cost_usd']:.4f}"),
    ]
    out += [f"| {a} | {b} |" for a, b in rows]
    if s.get("plot"):
        out += ["", f"![speedup distribution]({s['plot']})"]
    out += ["", "## Tasks", ""]
    out.append("| " + " | ".join(TASK_COLUMNS) + " |")
    out.append("|" + " --- |" * len(TASK_COLUMNS))
    for line in sorted(lines, key=lambda x: x["task"]):
        out.append("| " + " | ".join(_cell(c) for c in task_row(line)) + " |")
    out += [
        "",
        "## How to read this",
        "",
        "- *correct*: the model wrote at least one candidate that assembled and passed every "
        "given test (a copy of the baseline does not count).",
        "- *delivered*: the speedup of the program the run returns: the best candidate whose "
        "95% CI lies above 1.0, else the baseline itself (1.0). Incorrect tasks therefore enter "
        "the geometric mean and the median as 1.0.",
        "- *mean speedup, clamped*: the paper's metric: incorrect or slower tasks count as 1.0.",
        "- *best candidate*: the best correct candidate's point speedup, significant or not.",
        "- Tasks that failed to run (e.g. a baseline that fails its own tests) are in no metric.",
        "",
    ]
    return "\n".join(out)


# -- plot --------------------------------------------------------------------


def write_plot(lines: list[dict], path: Path) -> Path | None:
    """A histogram of delivered and best-candidate speedups; None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    done = [x for x in lines if x.get("status", "done") == "done"]
    if not done:
        return None
    delivered = [delivered_speedup(x) for x in done]
    candidates = [
        x["best_candidate_speedup"]
        for x in done
        if isinstance(x.get("best_candidate_speedup"), int | float)
    ]
    values = delivered + candidates
    low, high = min(*values, 0.9) * 0.95, max(*values, 1.1) * 1.05
    bins = [low * (high / low) ** (i / 30) for i in range(31)]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.hist(delivered, bins=bins, alpha=0.7, label=f"delivered ({len(delivered)} tasks)")
    if candidates:
        ax.hist(
            candidates, bins=bins, alpha=0.5, label=f"best correct candidate ({len(candidates)})"
        )
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    steps = (0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 7, 10, 20, 50)
    ticks = [t for t in steps if low <= t <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.set_xlabel("speedup over the baseline (log scale)")
    ax.set_ylabel("tasks")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Speedup distribution")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


# -- all outputs ---------------------------------------------------------------


def write_summary(
    out: Path, meta: dict | None = None, plot: bool = True, lines: list[dict] | None = None
) -> dict:
    """Rebuild summary.json, summary.md and (with `plot`, when matplotlib is
    installed) the plot from results.jsonl."""
    if meta is None:
        request = out / REQUEST
        meta = {}
        if request.exists():
            saved = json.loads(request.read_text())
            meta = {
                "baseline": saved.get("baseline_word"),
                "tasks": saved.get("tasks"),
                "model": (saved.get("config") or {}).get("model"),
                "stopped": saved.get("stopped"),
            }
    if lines is None:
        lines = read_results(out / RESULTS)
    summary = summarize(lines, meta)
    drawn = write_plot(lines, out / PLOT) if plot else None
    if drawn is None and (out / PLOT).exists():
        drawn = out / PLOT  # from an earlier call
    summary["plot"] = drawn.name if drawn else None
    tmp = out / (SUMMARY_JSON + ".tmp")
    tmp.write_text(json.dumps(summary, indent=2))
    tmp.replace(out / SUMMARY_JSON)
    (out / SUMMARY_MD).write_text(render_markdown(summary, lines))
    return summary


def _proofs(done: list[dict]) -> dict:
    """Winners by proof status (agent/proof.py); refuted counts tasks where a
    refuted candidate was dropped for the next best."""
    counts = {"proved": 0, "refuted": 0, "unknown": 0, "not_checked": 0}
    for line in done:
        if line.get("refuted"):
            counts["refuted"] += 1
        if (line.get("best") or {}).get("source", "baseline") == "baseline":
            continue
        proof = line.get("proof")
        status = proof["status"] if proof else "not_checked"
        counts[status if status in counts else "unknown"] += 1
    return counts
