"""What a batch runs: the options, the saved request (`batch.json`, which
`--resume` reads back and merges with the options given again) and the tasks
not recorded yet.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from agent.batch.jobs import Job, discover, select
from agent.batch.results import REQUEST, RESULTS, read_results, rewrite_results
from agent.batch.rundir import TASK_META, baseline_word, default_mode, has_checkpoint
from agent.config import RunConfig
from tools.errors import BadInput

BASELINE_MODES = ("dataset", "O3", "O2")


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
    screen: bool = False  # leave out records whose program shows undefined behaviour
    batch_budget: float | None = None  # seconds for this invocation (None: as saved, if any)
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
    batch_budget: float | None = None  # seconds: after them no new task starts
    deadline: float | None = None  # wall clock (time.time()), set when the run starts


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
    batch_budget = opts.batch_budget or (saved or {}).get("batch_budget")
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
        "batch_budget": batch_budget,
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
        batch_budget=batch_budget,
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
