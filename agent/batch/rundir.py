"""One task's run folder under the batch folder, as the batch reads and writes it.

    NAME/task/           the task exactly as run: prog.s (the baseline used), tests/,
                         prog.c, task.toml; `agent run --resume NAME/` works on it too
    NAME/batch-task.json where the task came from and which baseline it uses
    NAME/checkpoints.sqlite, proposals/, reports/   written by the run itself

`prepare_run_dir` writes the first two once; the rest reads what a run left:
whether it can resume, what it spent, how its candidates fared.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

from agent.batch.jobs import Job
from agent.config import RunConfig
from tools.errors import BadInput
from tools.task import Task, load_task_dir, rebuild_baseline

TASK_DIR = "task"
TASK_META = "batch-task.json"


def default_mode(kind: str) -> str:
    """Records: rebuild at -O3 (the paper's reported baseline); folders: their own .s."""
    return "O3" if kind == "record" else "dataset"


def baseline_word(kind: str, mode: str) -> str:
    if mode in ("O3", "O2"):
        return f"gcc -{mode}, rebuilt from each task's C source"
    if kind == "record":
        return "the dataset's unoptimized_assembly (gcc -O0 in the paper's public data)"
    return "each task folder's own .s"


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a TOML basic string takes JSON's escapes


def _write_task(task: Task, folder: Path, job: Job) -> None:
    """The task's files, as `load_task_dir` reads them."""
    if job.kind == "folder":
        shutil.copytree(job.folder, folder, symlinks=False)
        asm_name = task.asm_path.name if task.asm_path else "prog.s"
        (folder / asm_name).write_text(task.asm)
        toml = folder / "task.toml"
        from tools.task import parse_task_toml

        if not toml.exists() or "name" not in parse_task_toml(toml):
            old = toml.read_text() if toml.exists() else ""
            toml.write_text(f"name = {_toml_string(task.name)}\n" + old)
        return
    folder.mkdir(parents=True)
    (folder / "prog.s").write_text(task.asm)
    if task.source:
        (folder / "prog.c").write_text(task.source)
    tests = folder / "tests"
    tests.mkdir()
    for t in task.tests:
        (tests / f"{t.name}.in").write_bytes(t.input)
        (tests / f"{t.name}.out").write_bytes(t.expected)
    flags = ", ".join(_toml_string(f) for f in task.link_flags)
    (folder / "task.toml").write_text(
        f"name = {_toml_string(task.name)}\nlink_flags = [{flags}]\n"
        f'[compare]\nmode = "{task.compare.mode}"\n'
    )


def prepare_run_dir(job: Job, config: RunConfig, run_dir: Path, mode: str | None) -> None:
    """Write the task as it will run (baseline chosen) into RUN/task/ and the
    request into RUN/run.json; done once, marked by RUN/batch-task.json."""
    from agent.run import save_request

    if (run_dir / TASK_META).exists():
        return
    if job.error:
        raise BadInput(job.error)
    mode = mode or default_mode(job.kind)
    task = job.task if job.kind == "record" else load_task_dir(Path(job.folder))
    task = dataclasses.replace(task, name=job.name)
    if mode in ("O3", "O2"):
        task = rebuild_baseline(task, f"-{mode}")
    elif job.kind == "folder":
        task = dataclasses.replace(task, baseline="given")
    run_dir.mkdir(parents=True, exist_ok=True)
    folder, tmp = run_dir / TASK_DIR, run_dir / (TASK_DIR + ".tmp")
    for stale in (folder, tmp):
        if stale.exists():
            shutil.rmtree(stale)
    _write_task(task, tmp, job)
    tmp.rename(folder)
    asm = folder / (task.asm_path.name if job.kind == "folder" and task.asm_path else "prog.s")
    source = asm.with_suffix(".c")
    tests = folder / "tests" if (folder / "tests").is_dir() else None  # None: one empty input
    save_request(run_dir, asm, tests, source if source.is_file() else None, config)
    meta = {
        "task": job.name,
        "slug": job.slug,
        "kind": job.kind,
        "from": job.where,
        "baseline": task.baseline,
        "baseline_mode": mode,
        "asm": str(asm.relative_to(run_dir)),
    }
    (run_dir / (TASK_META + ".tmp")).write_text(json.dumps(meta, indent=1))
    (run_dir / (TASK_META + ".tmp")).replace(run_dir / TASK_META)


def load_prepared(run_dir: Path) -> Task:
    meta = json.loads((run_dir / TASK_META).read_text())
    task = load_task_dir(run_dir / TASK_DIR)
    return dataclasses.replace(task, name=meta["task"], baseline=meta["baseline"])


def has_checkpoint(run_dir: Path) -> bool:
    """Does the run folder hold at least one LangGraph checkpoint to resume from?"""
    db = run_dir / "checkpoints.sqlite"
    if not db.exists():
        return False
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute("SELECT count(*) FROM checkpoints").fetchone()[0] > 0
        finally:
            con.close()
    except sqlite3.Error:
        return False


def saved_proposals(run_dir: Path):
    """(path, record) of each proposal a run folder saved, in order; torn files skipped."""
    for path in sorted((run_dir / "proposals").glob("*.json")):
        try:
            yield path, json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue


def usage_from_proposals(run_dir: Path) -> dict:
    """Model calls, tokens and cost of a run folder, from its saved proposals
    (authoritative across resumes: each answered call is saved exactly once)."""
    usage = {"calls": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0}
    for _path, record in saved_proposals(run_dir):
        extra = record.get("extra") or {}
        if record.get("model") in ("", "builtin", None) or extra.get("stop") or extra.get("error"):
            continue
        usage["calls"] += 1
        usage["input_tokens"] += record.get("input_tokens", 0) or 0
        usage["output_tokens"] += record.get("output_tokens", 0) or 0
        usage["cost_usd"] += record.get("cost_usd", 0.0) or 0.0
    usage["cost_usd"] = round(usage["cost_usd"], 6)
    return usage


def candidate_stats(run_dir: Path) -> tuple[dict, float | None]:
    """What the model wrote and how it fared, from the run folder; and the best
    correct (non-copy) candidate's point speedup."""
    stats = dict.fromkeys(
        ("proposed", "no_code", "assembled", "correct", "faster", "verified", "identical"), 0
    )
    best = None
    for path, record in saved_proposals(run_dir):
        extra = record.get("extra") or {}
        if extra.get("stop") or extra.get("error"):
            continue
        if record.get("asm") is None:
            if record.get("model") != "builtin":
                stats["no_code"] += 1
            continue
        stats["proposed"] += 1
        report_path = run_dir / "reports" / path.name
        if not report_path.exists():
            continue
        report = json.loads(report_path.read_text())
        stats["assembled"] += bool(report.get("assembled"))
        if report.get("identical_to_baseline"):
            stats["identical"] += 1
            continue
        if report.get("correct"):
            stats["correct"] += 1
            stats["faster"] += bool(report.get("faster"))
            stats["verified"] += bool(report.get("verified"))
            speedup = report.get("speedup")
            if isinstance(speedup, int | float) and (best is None or speedup > best):
                best = speedup
    return stats, best
