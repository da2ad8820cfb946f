"""Data for reinforcement learning: the paper's reward, trajectories, verl's hook.

The reward of one proposal, in the SuperCoder paper's scheme, judged by our
harness:

    -1.0   no assembly in the reply, or it does not assemble and link
    -0.5   it assembles but crashes, times out, exits with another status or
           floods its output on a test (or while being timed)
     0.0   wrong output on a test or on a generated input (differential
           testing), a copy of the baseline, or correct but not significantly
           faster (the 95% CI of the speedup reaches 1.0 or below)
     s     correct and significantly faster: the measured speedup s (> 1)

`export_trajectories` writes one JSON line per model call of a run or a batch
(prompt messages, completion, evaluation, reward) from the run folders'
`proposals/bB-iI.json` and `reports/bB-iI.json`. Proposals of the built-in
optimizer carry no prompt and are left out.

`compute_score(data_source, solution_str, ground_truth, extra_info)` has verl's
custom reward function signature: it builds the task from `extra_info` (the
paper's dataset fields), evaluates the assembly in `solution_str` with our
sandboxed harness and returns the reward above as a float.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path

CRASH_REASONS = ("timeout", "killed by", "exit status", "output limit")
TIMING_CRASHES = ("timed out", "killed by", "exited with status")


def reward_from_report(report: dict | None) -> float:
    """The paper's reward for one evaluated proposal (None: the reply had no code)."""
    if report is None or not report.get("assembled"):
        return -1.0
    failure = report.get("first_failure")
    if failure:
        reason = str(failure.get("reason", ""))
        return -0.5 if reason.startswith(CRASH_REASONS) else 0.0
    problem = str((report.get("timing") or {}).get("problem") or "")
    if problem:
        return -0.5 if any(word in problem for word in TIMING_CRASHES) else 0.0
    if not report.get("correct") or report.get("identical_to_baseline"):
        return 0.0
    if (report.get("differential") or {}).get("mismatches"):
        return 0.0
    speedup = report.get("speedup")
    if report.get("faster") and isinstance(speedup, int | float) and speedup > 1.0:
        return float(speedup)
    return 0.0


# -- trajectories --------------------------------------------------------------

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "user": "user"}


def _messages(prompt) -> list[dict]:
    out = []
    for item in prompt or []:
        if isinstance(item, dict):
            out.append({"role": item.get("role", "user"), "content": item.get("content", "")})
        else:
            role, content = item[0], item[1]
            out.append({"role": _ROLES.get(role, role), "content": content})
    return out


def _evaluation(report: dict | None) -> dict | None:
    if report is None:
        return None
    failure = report.get("first_failure") or None
    return {
        "assembled": report.get("assembled"),
        "correct": report.get("correct"),
        "tests": report.get("tests"),
        "speedup": report.get("speedup"),
        "speedup_ci": report.get("speedup_ci"),
        "faster": report.get("faster"),
        "verified": report.get("verified"),
        "identical_to_baseline": report.get("identical_to_baseline"),
        "errors": (report.get("errors") or [])[:5],
        "first_failure": {k: failure.get(k) for k in ("test", "reason", "diff")}
        if failure
        else None,
        "differential": report.get("differential"),
        "timing_problem": (report.get("timing") or {}).get("problem") or None,
    }


def run_trajectories(run_dir: Path, task: str | None = None) -> list[dict]:
    """One entry per model call of a run folder (calls with a prompt and an answer)."""
    from agent.feedback import outcome

    run_dir = Path(run_dir)
    if task is None:
        meta = run_dir / "batch-task.json"
        if meta.exists():
            task = json.loads(meta.read_text())["task"]
        elif (run_dir / "report.json").exists():
            task = json.loads((run_dir / "report.json").read_text()).get("task")
    origin = None
    meta = run_dir / "batch-task.json"
    if meta.exists():
        origin = json.loads(meta.read_text()).get("baseline")

    def order(path: Path) -> tuple[int, int]:
        b, i = path.stem.split("-")
        return int(b[1:]), int(i[1:])

    entries = []
    for path in sorted((run_dir / "proposals").glob("b*-i*.json"), key=order):
        record = json.loads(path.read_text())
        extra = record.get("extra") or {}
        if not extra.get("prompt") or extra.get("error") or extra.get("stop"):
            continue
        report = None
        if record.get("asm") is not None:
            report_path = run_dir / "reports" / path.name
            if not report_path.exists():
                continue  # evaluation still in flight when the run stopped
            report = json.loads(report_path.read_text())
        branch, iteration = order(path)
        entries.append(
            {
                "task": task,
                "run_dir": run_dir.name,
                "branch": branch,
                "iteration": iteration,
                "model": record.get("model"),
                "messages": _messages(extra.get("prompt")),
                "completion": record.get("reply", ""),
                "reasoning": extra.get("reasoning", ""),
                "input_tokens": record.get("input_tokens", 0),
                "output_tokens": record.get("output_tokens", 0),
                "cost_usd": record.get("cost_usd", 0.0),
                "has_code": record.get("asm") is not None,
                "evaluation": _evaluation(report),
                "outcome": outcome(report),
                "reward": reward_from_report(report),
                "baseline": origin,
            }
        )
    return entries


def export_trajectories(folder: Path, target: Path) -> dict:
    """Write the trajectories of a batch folder (every task's run folder) or of
    one run folder to `target` (JSON lines, replaced atomically); returns counts."""
    folder, target = Path(folder), Path(target)
    if (folder / "proposals").is_dir() or (folder / "report.json").exists():
        run_dirs = [folder]
    else:
        run_dirs = sorted(p.parent for p in folder.glob("*/batch-task.json"))
    count = 0
    rewards: list[float] = []
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for run_dir in run_dirs:
            for entry in run_trajectories(run_dir):
                f.write(json.dumps(entry) + "\n")
                count += 1
                rewards.append(entry["reward"])
    tmp.replace(target)
    return {
        "file": str(target),
        "calls": count,
        "mean_reward": round(sum(rewards) / len(rewards), 4) if rewards else None,
    }


# -- verl ----------------------------------------------------------------------

_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def _task_key(task, mode: str, sandbox_mode: str) -> str:
    h = hashlib.sha256()
    for part in (mode, sandbox_mode, task.asm, task.source or ""):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for t in task.tests:
        h.update(t.input + b"\0" + (t.expected or b"") + b"\0")
    return h.hexdigest()


def _baseline_for(extra_info: dict, baseline: str, sandbox_mode: str):
    """The prepared baseline of a record (cached: RL asks many times per prompt)."""
    from tools.errors import BadInput
    from tools.evaluate import prepare_baseline
    from tools.sandbox import Sandbox
    from tools.task import rebuild_baseline, task_from_record

    task = task_from_record({"extra_info": extra_info}, str(extra_info.get("problem_id", "task")))
    if baseline in ("O3", "O2") and task.source:
        task = rebuild_baseline(task, f"-{baseline}")
    key = _task_key(task, baseline, sandbox_mode)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    sandbox = Sandbox(task.limits, sandbox_mode)
    try:
        prepared = (prepare_baseline(task, sandbox, with_profile=False), sandbox)
    except BadInput:
        prepared = (None, sandbox)  # the baseline fails its own tests: nothing to compare
    with _CACHE_LOCK:
        _CACHE[key] = prepared
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return prepared


def compute_score(
    data_source,
    solution_str: str,
    ground_truth=None,
    extra_info: dict | None = None,
    *,
    baseline: str | None = None,
    timing_seconds: float | None = None,
    differential: int | None = None,
    sandbox: str | None = None,
) -> float:
    """verl's reward function: the paper's reward for the assembly in `solution_str`.

    `extra_info` holds the record's `inputs`, `outputs`, `c_code` and
    `unoptimized_assembly`. The baseline is rebuilt from `c_code` at -O3 (the
    paper's reported baseline; `baseline="dataset"` keeps the record's
    assembly). Options (keyword arguments, verl's `reward_kwargs`, or the
    environment): `baseline` (AGENT_REWARD_BASELINE, default O3),
    `timing_seconds` (AGENT_TIMING_SECONDS, default 10), `differential`
    (generated inputs, AGENT_DIFFERENTIAL, default 0: tests only, as the paper),
    `sandbox` (AGENT_SANDBOX, default bwrap). A record whose baseline fails its
    own tests scores 0.0 for every answer.
    """
    from dataclasses import replace

    from tools.asm import extract_assembly
    from tools.errors import BadInput
    from tools.evaluate import EvalOptions, evaluate
    from tools.sandbox import Sandbox
    from tools.timing import TimingOptions

    if not isinstance(extra_info, dict):
        raise ValueError("compute_score needs extra_info with the record's fields")
    env = os.environ
    baseline = baseline or env.get("AGENT_REWARD_BASELINE", "O3")
    seconds = float(timing_seconds or env.get("AGENT_TIMING_SECONDS", 10))
    checks = int(differential if differential is not None else env.get("AGENT_DIFFERENTIAL", 0))
    mode = sandbox or env.get("AGENT_SANDBOX", "bwrap")
    asm = extract_assembly(solution_str or "")
    if asm is None:
        return -1.0
    Sandbox(None, mode)  # no bwrap, or a bad mode: the caller's problem, so it raises
    try:
        base, box = _baseline_for(extra_info, baseline, mode)
    except BadInput:
        return 0.0  # the record itself is unusable (no tests, C that does not compile)
    if base is None:
        return 0.0
    options = replace(
        EvalOptions(timing=TimingOptions(max_seconds=seconds)), profile=False, differential=checks
    )
    result = evaluate(asm, base, box, options)
    return reward_from_report(result.to_report())
