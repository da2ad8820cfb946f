"""`agent batch`: the agent over many programs, resumable, locally or on Ray.

Inputs: a folder of task folders, or a file of records in the paper's dataset
schema (JSON lines or parquet). Every task goes through the same graph with
the same options as `agent run`.

The output folder (`--out`)::

    batch.json        what was asked (suite, selection, options): `--resume` reads it
    results.jsonl     one line per finished task, appended, fsync'd: `task`, `status`
                      ("done" | "error"), then the task's report.json fields
    summary.json      the metrics (agent/summary.py), rewritten after every task
    summary.md        the same as tables, for people
    speedups.png      the speedup distribution (when matplotlib is installed)
    NAME/             one run folder per task, as `agent run` writes it, plus
      task/           the task exactly as run: prog.s (the baseline used), tests/,
                      prog.c, task.toml; `agent run --resume NAME/` works on it too
      batch-task.json where the task came from and which baseline it uses

Resume: a task with a line in results.jsonl is done and skipped; a task whose
folder has a checkpoint continues from it (`execute(resume=True)`), so a kill
loses only the evaluations in flight; the rest start afresh. A line is written
with one write and an fsync only after the task's report.json exists, and a
task is skipped on resume as soon as its line is there, so no task is ever
recorded twice; a torn last line (a kill during that write) is cut off.

Budget: `--budget-usd` is one limit for the whole batch. Each task gets its own
`TaskBudget` (so its report counts its own calls) whose spend also goes to the
batch's budget; once that is spent, no new model call is made and no new task
is started (those stay unrecorded, so a later `--resume` with a larger budget
runs them).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import os
import random
import re
import shutil
import sqlite3
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from agent.config import RunConfig
from agent.models import Budget
from agent.summary import RESULTS, ResultsLog, read_results, rewrite_results, write_summary
from tools.errors import BadInput
from tools.task import Task, load_task_dir, rebuild_baseline, record_name, task_from_record

BASELINE_MODES = ("dataset", "O3", "O2")
TASK_DIR = "task"
TASK_META = "batch-task.json"
REQUEST = "batch.json"
TOKEN = ".batch-token"


# -- budget ------------------------------------------------------------------


@dataclass
class TaskBudget(Budget):
    """One task's spend (its report's `llm`), also charged to the batch's budget
    (`parent`: a `Budget`, or on Ray a proxy of the driver's) whose limit stops
    new calls in every task."""

    parent: object | None = None

    @property
    def exhausted(self) -> bool:
        own = self.limit_usd is not None and self.spent_usd >= self.limit_usd
        return own or bool(self.parent is not None and self.parent.exhausted)

    def add(self, input_tokens: int, output_tokens: int, cost: float) -> None:
        super().add(input_tokens, output_tokens, cost)
        if self.parent is not None:
            self.parent.add(input_tokens, output_tokens, cost)

    def seed(self, usage: dict) -> None:
        """Count calls made before a resume (read back from the run folder)."""
        with self._lock:
            self.calls += usage["calls"]
            self.input_tokens += usage["input_tokens"]
            self.output_tokens += usage["output_tokens"]
            self.spent_usd += usage["cost_usd"]
        if self.parent is not None and usage["calls"]:
            self.parent.add(usage["input_tokens"], usage["output_tokens"], usage["cost_usd"])


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


# -- jobs --------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One program of the suite: a task folder, or a dataset record."""

    name: str
    slug: str  # its folder under --out
    kind: str  # "folder" | "record"
    folder: str | None = None  # the task folder (kind "folder")
    task: Task | None = None  # the record's task (kind "record")
    error: str | None = None  # the record could not be read
    where: str = ""  # "FILE line N" / the folder, for messages


def _slugs(names: list[str]) -> list[str]:
    """Folder names for task names: safe characters, unique, stable for a given list."""
    used: set[str] = set()
    out = []
    for name in names:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:100] or "task"
        slug, n = base, 2
        while slug.lower() in used or slug in (REQUEST, RESULTS):
            slug, n = f"{base}-{n}", n + 1
        used.add(slug.lower())
        out.append(slug)
    return out


def _raw_records(path: Path):
    """(where, record) pairs of a dataset file, as tools.task.load_records reads it,
    but one bad record does not stop the others."""
    from tools.task import _jsonl_records, _looks_like_json_document, _parquet_records

    if path.suffix == ".parquet":
        for i, record in enumerate(_parquet_records(path)):
            yield f"row {i}", record
    elif path.suffix == ".json" and _looks_like_json_document(path):
        try:
            doc = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise BadInput(f"{path}: not valid JSON: {getattr(e, 'msg', e)}") from None
        for i, record in enumerate(doc if isinstance(doc, list) else [doc]):
            yield f"item {i}", record
    else:
        for lineno, record in _jsonl_records(path):
            yield f"line {lineno}", record


def discover(suite: Path) -> list[Job]:
    """Every program of a suite, in a stable order (names sorted for folders,
    file order for records)."""
    suite = Path(suite)
    if not suite.exists():
        raise BadInput(f"no such suite: {suite}")
    if suite.is_file():
        return _record_jobs(suite)
    if (suite / "tests").is_dir() and any(suite.glob("*.s")):
        folders = [suite]  # one task folder
    else:
        folders = sorted(
            p
            for p in suite.iterdir()
            if p.is_dir() and not p.name.startswith(".") and p.name != "__pycache__"
        )
    if not folders:
        raise BadInput(f"{suite} holds no task folders (prog.s + tests/) and is not a record file")
    names = [p.name for p in folders]
    return [
        Job(name=name, slug=slug, kind="folder", folder=str(p.resolve()), where=str(p))
        for name, slug, p in zip(names, _slugs(names), folders, strict=True)
    ]


def _record_jobs(path: Path) -> list[Job]:
    entries = []
    seen: set[str] = set()
    for index, (where, record) in enumerate(_raw_records(path)):
        default = f"{path.stem}-{index}"
        name = record_name(record, default) if isinstance(record, dict) else default
        if name in seen:  # several solutions of one problem: as load_records names them
            name = f"{name}-{index}"
        seen.add(name)
        try:
            if not isinstance(record, dict):
                raise BadInput("a record must be a JSON object")
            task = dataclasses.replace(task_from_record(record, name), name=name)
            entries.append((name, task, None, f"{path} {where}"))
        except BadInput as exc:
            entries.append((name, None, str(exc), f"{path} {where}"))
    if not entries:
        raise BadInput(f"no records in {path}")
    slugs = _slugs([e[0] for e in entries])
    return [
        Job(name=n, slug=s, kind="record", task=t, error=err, where=w)
        for (n, t, err, w), s in zip(entries, slugs, strict=True)
    ]


def select(
    jobs: list[Job], only=(), limit: int | None = None, shuffle: bool = False, seed: int = 0
) -> list[Job]:
    """--only NAME... (names or folder names), then --shuffle --seed, then --limit."""
    if only:
        wanted = [w for item in only for w in str(item).split(",") if w.strip()]
        by_name = {j.name: j for j in jobs} | {j.slug: j for j in jobs}
        unknown = [w for w in wanted if w not in by_name]
        if unknown:
            raise BadInput(f"--only: no task named {', '.join(unknown[:5])}")
        picked = {by_name[w].name for w in wanted}
        jobs = [j for j in jobs if j.name in picked]
    if shuffle:
        jobs = list(jobs)
        random.Random(seed).shuffle(jobs)
    if limit is not None:
        if limit < 1:
            raise BadInput("--limit must be at least 1")
        jobs = jobs[:limit]
    return jobs


# -- one program -------------------------------------------------------------


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
    save_request(run_dir, asm, folder / "tests", source if source.is_file() else None, config)
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


def error_line(job: Job, run_dir: Path, message: str) -> dict:
    """The line of a task that could not run: the report's fields, neutral, so
    every line has the same keys; `error` says what went wrong."""
    message = message[:2000]
    line = {
        "task": job.name,
        "status": "error",
        "error": message,
        "correct": False,
        "assembled": False,
        "tests": {"passed": 0, "total": 0},
        "speedup": None,
        "speedup_ci": None,
        "faster": False,
        "errors": [{"line": None, "text": "", "message": message}],
        "hot_lines": [],
        "verified": False,
        "differential": {"inputs": 0, "mismatches": 0, "counterexample": None},
        "branches": [],
        "iterations": 0,
        "llm": usage_from_proposals(run_dir),
        "run_dir": job.slug,
        "model_correct": False,
        "best_candidate_speedup": None,
    }
    meta = run_dir / TASK_META
    if meta.exists():
        line["baseline"] = {"origin": json.loads(meta.read_text())["baseline"]}
    return line


async def run_program(
    job: Job,
    config: RunConfig,
    run_dir: Path,
    mode: str | None,
    parent_budget=None,
    on_event: Callable = lambda e: None,
) -> dict:
    """Run (or resume) one program; returns its results.jsonl line. Never raises
    for a failing task (its line says `error`); cancellation passes through."""
    from agent.run import execute, make_context

    started = time.monotonic()
    try:
        await asyncio.to_thread(prepare_run_dir, job, config, run_dir, mode)
        task = load_prepared(run_dir)
        resume = has_checkpoint(run_dir)
        budget = TaskBudget(limit_usd=None, parent=parent_budget)
        budget.seed(usage_from_proposals(run_dir))
        ctx = make_context(task, config, run_dir, budget=budget)
        report = await execute(ctx, resume=resume, on_event=on_event)
    except asyncio.CancelledError:
        raise
    except BadInput as exc:
        return error_line(job, run_dir, str(exc))
    except Exception as exc:
        if run_dir.is_dir():
            with (run_dir / "errors.log").open("a") as log:
                log.write(traceback.format_exc() + "\n")
        return error_line(job, run_dir, f"{type(exc).__name__}: {exc}")
    stats, best = candidate_stats(run_dir)
    line = {"task": job.name, "status": "done"}
    line.update({k: v for k, v in report.items() if k != "task"})
    line.update(
        run_dir=job.slug,
        llm=usage_from_proposals(run_dir),
        candidates=stats,
        model_correct=stats["correct"] > 0,
        best_candidate_speedup=best,
        seconds=round(time.monotonic() - started, 1),
        resumed=resume,
    )
    return line


# -- the batch ---------------------------------------------------------------


@dataclass
class BatchOptions:
    suite: Path | None
    out: Path
    config: RunConfig
    workers: int = 1
    executor: str = "local"
    ray_address: str | None = None
    resume: bool = False
    retry_errors: bool = False
    limit: int | None = None
    shuffle: bool = False
    only: tuple[str, ...] = ()
    baseline: str | None = None  # dataset | O3 | O2 (None: per kind, see default_mode)
    export_trajectories: Path | None = None
    overrides: dict = field(default_factory=dict)  # config fields given on the command line


@dataclass
class Plan:
    """What a batch runs: the request saved in batch.json and the jobs left to do."""

    out: Path
    config: RunConfig
    kind: str
    mode: str | None
    word: str
    jobs: list[Job]  # selected, in order
    todo: list[Job]  # selected and not recorded yet
    lines: list[dict]  # already recorded
    request: dict


def plan(opts: BatchOptions) -> Plan:
    out = opts.out
    request_path = out / REQUEST
    saved = json.loads(request_path.read_text()) if request_path.exists() else None
    if opts.resume and saved is None:
        raise BadInput(f"{out} is not a batch folder (no {REQUEST}); run without --resume")
    if not opts.resume and (saved is not None or (out / RESULTS).exists()):
        raise BadInput(f"{out} already holds a batch: use --resume, or another --out")
    if opts.baseline is not None and opts.baseline not in BASELINE_MODES:
        raise BadInput(f"--baseline must be one of {', '.join(BASELINE_MODES)}")
    config = opts.config
    if saved is not None:
        suite = Path(opts.suite or saved["suite"])
        config = RunConfig(**{**saved["config"], **opts.overrides})
        mode = opts.baseline or saved.get("baseline_mode")
        if saved.get("baseline_mode") and mode != saved["baseline_mode"]:
            raise BadInput(
                f"this batch uses --baseline {saved['baseline_mode']}; "
                "start a new batch to change it"
            )
    else:
        if opts.suite is None:
            raise BadInput("give SUITE (a folder of tasks or a dataset file), or --resume")
        suite, mode = Path(opts.suite), opts.baseline
    jobs = discover(suite)
    kind = jobs[0].kind
    selection_given = bool(opts.only or opts.limit is not None or opts.shuffle)
    if saved is not None and not selection_given:
        by_name = {j.name: j for j in jobs}
        missing = [n for n in saved["tasks"] if n not in by_name]
        if missing:
            raise BadInput(f"{suite} no longer has task {missing[0]} of this batch")
        selected = [by_name[n] for n in saved["tasks"]]
    else:
        selected = select(jobs, opts.only, opts.limit, opts.shuffle, config.seed)
    if not selected:
        raise BadInput("no task selected")
    lines = read_results(out / RESULTS)
    if opts.retry_errors:
        kept = [x for x in lines if x.get("status", "done") == "done"]
        if len(kept) != len(lines):
            rewrite_results(out / RESULTS, kept)
            for x in lines:
                if x.get("status") == "error":
                    slug = x.get("run_dir")
                    if (
                        slug
                        and (out / slug / TASK_META).exists()
                        and not has_checkpoint(out / slug)
                    ):
                        (out / slug / TASK_META).unlink()  # prepare it again
        lines = kept
    done = {x["task"] for x in lines}
    word = baseline_word(kind, mode or default_mode(kind))
    request = {
        "version": 1,
        "suite": str(suite.resolve()),
        "kind": kind,
        "baseline_mode": mode or default_mode(kind),
        "baseline_word": word,
        "selection": {
            "only": list(opts.only),
            "limit": opts.limit,
            "shuffle": opts.shuffle,
            "seed": config.seed,
        },
        "tasks": [j.name for j in selected],
        "config": asdict(config),
        "executor": opts.executor,
        "workers": opts.workers,
        "started": (saved or {}).get("started") or time.strftime("%Y-%m-%dT%H:%M:%S"),
        "stopped": None,
    }
    return Plan(
        out=out,
        config=config,
        kind=kind,
        mode=mode,
        word=word,
        jobs=selected,
        todo=[j for j in selected if j.name not in done],
        lines=lines,
        request=request,
    )


def save_plan(p: Plan) -> None:
    p.out.mkdir(parents=True, exist_ok=True)
    tmp = p.out / (REQUEST + ".tmp")
    tmp.write_text(json.dumps(p.request, indent=1))
    tmp.replace(p.out / REQUEST)


def summary_meta(p: Plan) -> dict:
    return {
        "baseline": p.word,
        "tasks": [j.name for j in p.jobs],
        "model": p.config.model,
        "stopped": p.request.get("stopped"),
    }


class Recorder:
    """Where finished tasks go: results.jsonl (one fsync'd write each), the
    running summary (rewritten at most every few seconds: a batch may have
    thousands of tasks) and the progress display."""

    def __init__(self, p: Plan, progress, every_s: float = 5.0):
        self.plan = p
        self.log = ResultsLog(p.out / RESULTS)
        self.progress = progress
        self.lines = list(p.lines)
        self.recorded = {x["task"] for x in p.lines}
        self.every_s = every_s
        self._written = 0.0

    def __call__(self, line: dict) -> None:
        if line["task"] in self.recorded:  # never twice (a Ray retry, say)
            return
        self.recorded.add(line["task"])
        self.log.append(line)
        self.lines.append(line)
        if time.monotonic() - self._written >= self.every_s or len(self.lines) < 100:
            write_summary(self.plan.out, summary_meta(self.plan), plot=False, lines=self.lines)
            self._written = time.monotonic()
        self.progress.task_done(line)

    def close(self) -> None:
        self.log.close()


async def run_local(
    p: Plan, budget: Budget, record: Callable[[dict], None], workers: int, progress
) -> str | None:
    """Up to `workers` programs at once in this process (asyncio tasks in one
    loop; timing is serialised machine-wide by a file lock). Returns why it
    stopped early, or None."""
    loop = asyncio.get_running_loop()
    # Evaluations run in threads: room for every branch of every running task.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=workers * (p.config.best_of + 2) + 4))
    gate = asyncio.Semaphore(workers)
    stopped: list[str] = []

    async def one(job: Job) -> None:
        async with gate:
            if budget.exhausted:
                stopped.append("budget")
                return
            progress.task_started(job.name)
            line = await run_program(
                job, p.config, p.out / job.slug, p.mode, budget, progress.event_for(job.name)
            )
            record(line)

    await asyncio.gather(*(one(job) for job in p.todo))
    return "budget" if stopped else None


def run_batch(opts: BatchOptions, progress=None) -> dict:
    """Plan, run what is left, write the summary; returns summary.json's content."""
    p = plan(opts)
    save_plan(p)
    progress = progress or NullProgress()
    budget = Budget(p.config.budget_usd)
    for line in p.lines:  # what finished tasks spent counts against the limit
        llm = line.get("llm") or {}
        budget.add(llm.get("input_tokens", 0), llm.get("output_tokens", 0), llm.get("cost_usd", 0))
    recorder = Recorder(p, progress)
    progress.start(p, budget)
    stopped = None
    try:
        if p.todo:
            if opts.executor == "ray":
                from agent.executors import run_ray

                stopped = run_ray(p, budget, recorder, opts.workers, opts.ray_address, progress)
            elif opts.executor == "local":
                stopped = asyncio.run(run_local(p, budget, recorder, opts.workers, progress))
            else:
                raise BadInput(f"unknown executor {opts.executor!r} (use local or ray)")
    finally:
        recorder.close()
        progress.stop()
    p.request["stopped"] = stopped
    save_plan(p)
    summary = write_summary(p.out, summary_meta(p))
    if opts.export_trajectories:
        from agent.reward import export_trajectories

        summary["trajectories"] = export_trajectories(p.out, opts.export_trajectories)
    return summary


def make_token(out: Path) -> str:
    """A random token in the batch folder: a Ray worker that can read it shares
    our filesystem and works in place; one that cannot gets the files shipped."""
    path = out / TOKEN
    if path.exists():
        return path.read_text().strip()
    token = os.urandom(16).hex()
    path.write_text(token)
    return token


# -- progress ----------------------------------------------------------------


class NullProgress:
    """The progress interface, showing nothing (library use, tests)."""

    def start(self, p: Plan, budget: Budget) -> None:
        pass

    def task_started(self, name: str) -> None:
        pass

    def event_for(self, name: str) -> Callable:
        return lambda event: None

    def task_done(self, line: dict) -> None:
        pass

    def stop(self) -> None:
        pass


class BatchProgress(NullProgress):
    """A rich progress bar with ETA, the running correct rate and speedups, and
    one printed line per finished task."""

    def __init__(self, console=None):
        from rich.console import Console

        self.console = console or Console(highlight=False, emoji=False)
        self._progress = None
        self._bar = None
        self._counts: dict = {}
        self._done = 0
        self._budget: Budget | None = None
        self._total = 0
        self._running: set[str] = set()

    def start(self, p: Plan, budget: Budget) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        names = {j.name for j in p.jobs}
        self._counts = dict.fromkeys(("done", "correct", "faster", "clamped", "log", "errors"), 0)
        self._done = 0
        for line in p.lines:
            if line["task"] in names:
                self._count(line)
                self._done += 1
        self._budget = budget
        self._total = len(p.jobs)
        left = len(p.todo)
        self.console.print(
            f"batch: {self._total} tasks ({self._done} already done, {left} to run) "
            f"with {p.config.model}, {p.config.best_of} branches x {p.config.iterations} "
            f"iterations; baseline: {p.word} -> {p.out}",
            markup=False,
            soft_wrap=True,
        )
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[stats]}"),
            console=self.console,
            disable=not self.console.is_terminal,
            speed_estimate_period=6 * 3600,  # tasks take minutes: estimate from all of them
        )
        self._progress.start()
        self._bar = self._progress.add_task(
            "tasks", total=self._total, completed=self._done, stats=self._stats()
        )

    def _stats(self) -> str:
        """Running figures, kept as counters (a batch may have thousands of tasks)."""
        c = self._counts
        spent = self._budget.spent_usd if self._budget else 0.0
        parts = [f"{len(self._running)} running"]
        if c["done"]:
            n = c["done"]
            parts += [
                f"correct {c['correct']}/{n} ({100 * c['correct'] / n:.0f}%)",
                f"faster {c['faster']}",
                f"mean clamped {c['clamped'] / n:.3f}x",
                f"geomean {math.exp(c['log'] / n):.3f}x",
            ]
        if c["errors"]:
            parts.append(f"errors {c['errors']}")
        parts.append(f"${spent:.4f}")
        return " · ".join(parts)

    def _count(self, line: dict) -> None:
        from agent.summary import delivered_speedup, model_correct, significantly_faster

        c = self._counts
        if line.get("status", "done") != "done":
            c["errors"] += 1
            return
        speedup = delivered_speedup(line)
        correct = model_correct(line)
        c["done"] += 1
        c["correct"] += correct
        c["faster"] += significantly_faster(line)
        c["clamped"] += max(1.0, speedup) if correct else 1.0
        c["log"] += math.log(speedup)

    def _refresh(self) -> None:
        if self._progress is not None:
            self._progress.update(self._bar, stats=self._stats())

    def task_started(self, name: str) -> None:
        self._running.add(name)
        self._refresh()

    def event_for(self, name: str) -> Callable:
        from agent import events as ev

        def on_event(event) -> None:
            if isinstance(event, ev.ModelUsage | ev.RunFinished):
                self._refresh()

        return on_event

    def task_done(self, line: dict) -> None:
        from agent.summary import task_row

        self._running.discard(line["task"])
        self._count(line)
        self._done += 1
        row = task_row(line)
        done = self._done
        detail = row[1]
        if line.get("status", "done") == "done":
            detail += f": {row[2]}" + (f" {row[3]}" if row[3] != "-" else "")
        took = f" ({line['seconds']:.0f} s)" if line.get("seconds") is not None else ""
        self.console.print(
            f"[{done}/{self._total}] {line['task']}: {detail}{took}", markup=False, soft_wrap=True
        )
        if self._progress is not None:
            self._progress.update(self._bar, advance=1, stats=self._stats())

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


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
