"""`agent batch`: the agent over many programs, resumable, locally or on Ray.

Inputs: a folder of task folders, or a file of records in the paper's dataset
schema (JSON lines or parquet). Every task goes through the same graph with
the same options as `agent run`.

The output folder (`--out`)::

    batch.json        what was asked (suite, selection, options): `--resume` reads it
    results.jsonl     one line per finished task, appended, fsync'd: `task`, `status`
                      ("done" | "error"), then the task's report.json fields
    summary.json      the metrics (summary.py), rewritten after every task
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
runs them). `--batch-budget` is the same for time: after it no task starts, and
a task that starts has its `--time-budget` cut to what is left, so it ends
with its best so far; `batch.json` and the summary say `stopped: "batch budget"`.
`--resume` takes new budgets (`--batch-budget`, `--time-budget`, any run option).

The package, imports flowing one way (each module imports only those above it):

    results   results.jsonl: append, read back, rewrite
    summary   the metrics, summary.json / summary.md / the plot
    reward    the paper's reward, trajectories, verl's compute_score
    jobs      the suite's programs, the selection
    rundir    one task's run folder: prepared task, checkpoint, spend, candidates
    program   run one program -> its results.jsonl line
    plan      options, batch.json, what is left to do
    progress  what is shown while it runs
    local     the local executor
    ray       the Ray executor
    driver    run_batch: plan, execute, record, summarise
    render    the closing summary for people
    suite     `agent suite build`: C programs + inputs -> task folders
"""

from agent.batch.driver import Recorder, run_batch
from agent.batch.jobs import Job, discover, select
from agent.batch.plan import BASELINE_MODES, BatchOptions, Plan, plan, save_plan
from agent.batch.program import TaskBudget, error_line, run_program
from agent.batch.progress import BatchProgress, NullProgress
from agent.batch.render import render_batch_summary
from agent.batch.rundir import has_checkpoint, load_prepared, prepare_run_dir

__all__ = [
    "BASELINE_MODES",
    "BatchOptions",
    "BatchProgress",
    "Job",
    "NullProgress",
    "Plan",
    "Recorder",
    "TaskBudget",
    "discover",
    "error_line",
    "has_checkpoint",
    "load_prepared",
    "plan",
    "prepare_run_dir",
    "render_batch_summary",
    "run_batch",
    "run_program",
    "save_plan",
    "select",
]
