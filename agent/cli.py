"""The `agent` command line. Thin: parse options, call the library, render.

Exit codes (a contract, see DESIGN.md): 0 done, 2 bad input or usage (one
clear line, no traceback), 1 internal error.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

import click

from tools.errors import BadInput

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


def _sandbox(mode: str, limits):
    from tools.sandbox import Sandbox

    return Sandbox(limits, mode)


def shape_options(command):
    """The program-shape options: task.toml's keys on the command line (they
    replace the file's). Each lands in `shape_KEY` (see agent.run.shape_from_options)."""
    options = [
        click.option(
            "--args",
            "shape_args",
            metavar="LINE",
            help="Arguments of every test without its own NAME.args, split as a shell "
            "would (no expansion); task.toml: args.",
        ),
        click.option(
            "--others",
            "shape_others",
            multiple=True,
            type=click.Path(path_type=Path),
            help="The program's other .c/.o files, compiled once and linked with every "
            "candidate (repeat); task.toml: others.",
        ),
        click.option(
            "--cflags",
            "shape_cflags",
            metavar="LINE",
            help="gcc flags for --others (default -O3); task.toml: cflags.",
        ),
        click.option(
            "--outputs",
            "shape_outputs",
            multiple=True,
            metavar="FILE",
            help="A file the program writes, compared beside stdout (repeat); task.toml: outputs.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Superoptimize x86-64 assembly with an LLM, measured honestly."""


@cli.command("eval")
@click.argument("candidate", type=click.Path(path_type=Path))
@click.option(
    "--baseline",
    "baseline_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The original program (.s) to compare against.",
)
@click.option(
    "--tests",
    "tests_dir",
    type=click.Path(path_type=Path),
    help="Folder of NAME.in/NAME.out pairs (default: tests/ beside the baseline).",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    help="The C source (default: the baseline's name with .c, if present).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--sandbox",
    "sandbox_mode",
    type=click.Choice(["bwrap", "none"]),
    default="bwrap",
    show_default=True,
    help="'none' runs untrusted code unconfined (prints a warning each time).",
)
@click.option("--no-profile", is_flag=True, help="Skip perf profiling.")
@click.option(
    "--max-seconds",
    type=click.FloatRange(min=0, min_open=True),
    help="Cap on the timing runs (default 10 s to a decision, 60 s with --precise; "
    "raised for slow programs so they get at least 10 pairs).",
)
@click.option(
    "--precise",
    is_flag=True,
    help="Time to the reporting precision (the 95% CI within ±--target-ci) instead "
    "of stopping at a decision (faster, slower, practically equal).",
)
@click.option(
    "--target-ci",
    type=click.FloatRange(min=0, min_open=True),
    default=0.01,
    show_default=True,
    help="With --precise: stop timing when the 95% CI is within ± this fraction.",
)
@click.option(
    "--band",
    type=click.FloatRange(min=0, min_open=True),
    default=0.02,
    show_default=True,
    help="Practically equal when the CI lies within ± this fraction of 1.0.",
)
@click.option(
    "--pyperf",
    "pyperf_dir",
    type=click.Path(path_type=Path),
    help="Also write baseline.json and candidate.json (pyperf format) here.",
)
@click.option(
    "--differential",
    "differential_n",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Generated inputs to check against the baseline (0: off); "
    "verified needs min(N, 50) with no mismatch.",
)
@click.option(
    "--differential-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Time bound for the differential inputs.",
)
@click.option(
    "--save-counterexamples",
    "counterexamples_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Save each mismatching generated input here as NAME.in + NAME.out "
    "(the baseline's output).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--prove",
    "prove_it",
    is_flag=True,
    help="Also check each changed function or loop by bounded symbolic execution "
    "(needs the [prove] extra): proved, refuted (replayed) or unknown.",
)
@click.option(
    "--prove-bound",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="With --prove: loop iterations unrolled.",
)
@click.option(
    "--prove-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="With --prove: time limit per function or loop.",
)
@shape_options
def eval_command(
    candidate,
    baseline_path,
    tests_dir,
    source,
    as_json,
    sandbox_mode,
    no_profile,
    max_seconds,
    precise,
    target_ci,
    band,
    pyperf_dir,
    differential_n,
    differential_seconds,
    counterexamples_dir,
    seed,
    prove_it,
    prove_bound,
    prove_seconds,
    **shape_values,
):
    """Evaluate one CANDIDATE.s against the baseline: correctness, speedup, hot lines."""
    if prove_it:
        from tools.prove import require

        require()
    from agent.run import shape_from_options
    from tools.evaluate import EvalOptions, evaluate, prepare_baseline
    from tools.task import load_task, read_asm_file
    from tools.timing import TimingOptions, write_pyperf

    task = load_task(baseline_path, tests_dir, source, shape_from_options(shape_values))
    text = read_asm_file(candidate, task.needs_main)
    sandbox = _sandbox(sandbox_mode, task.limits)
    if precise:
        timing = TimingOptions.precise(target=target_ci, band=band, seed=seed)
    else:
        timing = TimingOptions(target=target_ci, band=band, seed=seed)
    if max_seconds is not None:
        timing = dataclasses.replace(timing, max_seconds=max_seconds)
    options = EvalOptions(
        timing=timing,
        profile=not no_profile,
        differential=differential_n,
        differential_seconds=differential_seconds,
        differential_seed=seed,
        save_counterexamples=counterexamples_dir,
    )
    base = prepare_baseline(task, sandbox, with_profile=False)
    result = evaluate(text, base, sandbox, options)
    report = {"candidate": str(candidate), "baseline": str(baseline_path), **result.to_report()}
    if prove_it:
        from tools.prove import ProveOptions, prove

        options = ProveOptions(bound=prove_bound, seconds=prove_seconds)
        proof = prove(task.asm, text, sandbox, task.link_flags, options, task.objects, task.source)
        report["proof"] = proof.to_dict()
        report["proved"] = proof.status == "proved"
        report["proof_summary"] = proof.summary()
    if pyperf_dir and result.timing and result.timing.baseline:
        pyperf_dir.mkdir(parents=True, exist_ok=True)
        write_pyperf(result.timing, pyperf_dir)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        from agent.render import render_evaluation

        render_evaluation(report)


class Duration(click.ParamType):
    """A duration option (`90`, `10m`, `1h`), in seconds; a bad one is a one-line error."""

    name = "duration"

    def convert(self, value, param, ctx):
        from agent.config import parse_duration

        if isinstance(value, float):
            return value
        return parse_duration(value, param.opts[0] if param else "duration")


def run_options(command):
    """The options every command that runs the agent takes (see agent/config.py)."""
    options = [
        click.option("--model", help="builtin (default), openai:NAME or anthropic:NAME."),
        click.option("--best-of", type=int, help="Parallel branches (default 4)."),
        click.option("--iterations", type=int, help="Proposals per branch at most (default 3)."),
        click.option(
            "--patience",
            type=int,
            help="Stop a branch after this many iterations without improvement (default 2).",
        ),
        click.option("--base-url", help="OpenAI-compatible server for openai:NAME (vLLM, ...)."),
        click.option("--seed", type=int, help="Model seed (and batch --shuffle order)."),
        click.option("--budget-usd", type=float, help="Stop new model calls once spent."),
        click.option(
            "--time-budget",
            type=Duration(),
            help="Start no new proposal after this long (90, 10m, 1h); the best so far "
            "is confirmed and kept.",
        ),
        click.option(
            "--target-cpu", type=click.Choice(["native", "x86-64", "x86-64-v2", "x86-64-v3"])
        ),
        click.option(
            "--reply-format",
            type=click.Choice(["auto", "whole", "edits"]),
            help="What prompts ask models for: a whole file, or SEARCH/REPLACE edits "
            "(default auto: edits above edit_threshold, 300 lines).",
        ),
        click.option("--sandbox", "sandbox_mode", type=click.Choice(["bwrap", "none"])),
        click.option(
            "--prove-seconds",
            type=click.FloatRange(min=0),
            help="Time limit per changed function or loop when proving the winner "
            "(default 30; 0: no proof).",
        ),
        click.option(
            "--verify-seconds",
            type=click.FloatRange(min=0),
            help="Time limit for finishing would-be winners' cut-short differential "
            "checks before selection, all together (default 120; 0: off).",
        ),
        click.option("--verbose", is_flag=True, help="Print the effective configuration."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command("run")
@click.argument("program", required=False, type=click.Path(path_type=Path))
@click.option(
    "--tests",
    "tests_dir",
    type=click.Path(path_type=Path),
    help="Folder of NAME.in/NAME.out pairs (default: tests/ beside PROGRAM).",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    help="The C source (default: PROGRAM's name with .c, if present).",
)
@click.option("--out", type=click.Path(path_type=Path), help="Run folder (default runs/NAME-TIME).")
@shape_options
@click.option(
    "--function",
    "shape_function",
    metavar="NAME",
    help="Work on this function only (and what it alone calls); candidates are the "
    "whole file, judged as the whole program; task.toml: function.",
)
@run_options
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(path_type=Path),
    help="Continue an interrupted run from its folder.",
)
def run_command(program, tests_dir, source, out, resume_dir, verbose, **options):
    """Optimise PROGRAM.s: propose, assemble, test, time, profile, revise; keep the best."""
    import asyncio

    from agent.config import from_options
    from agent.render import RunPrinter, render_run_summary
    from agent.run import execute, load_request, make_context, shape_from_options, start_run

    shape = shape_from_options(options)
    if resume_dir:
        if shape:
            raise click.UsageError("a resumed run keeps its own --args/--others/...; drop them")
        task, config = load_request(resume_dir)
        if options.get("time_budget") is not None:  # a new budget for what is left
            config = dataclasses.replace(config, time_budget=options["time_budget"])
        ctx = make_context(task, config, resume_dir)
    elif program is None:
        raise click.UsageError("give PROGRAM.s, or --resume RUN_DIR")
    else:
        config, _ = from_options(options, verbose)
        ctx = start_run(program, tests_dir, source, config, out, "agent run --resume", shape)
    from agent.status import RunStatus, live_status
    from agent.stopping import Stopped

    run_dir = ctx.run_dir
    printer = RunPrinter()
    status = RunStatus(ctx.phases, ctx.time_left, ctx.config.best_of)

    def on_event(event) -> None:
        status(event)
        printer(event)

    try:
        with live_status(printer.console, status):
            report = asyncio.run(execute(ctx, resume=bool(resume_dir), on_event=on_event))
    except (KeyboardInterrupt, Stopped):
        click.echo(f"agent: interrupted; continue with: agent run --resume {run_dir}", err=True)
        sys.exit(130)
    render_run_summary(report, run_dir)


@cli.command("tui")
@click.option(
    "--open",
    "open_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Browse a finished or interrupted run folder (r resumes it).",
)
def tui_command(open_dir, **options):
    """Watch a run live: branches, diffs, speedups; steer (h, p), stop (s), accept (a).

    Takes PROGRAM.s and the options of `agent run`, or --open RUN_DIR."""
    from tui.app import main as tui_main

    tui_main(open_dir=open_dir, **options)


# `agent tui PROG.s` takes the options of `agent run` (but --resume: that is --open, then r).
tui_command.params[:0] = [p for p in run_command.params if p.name != "resume_dir"]


@cli.command("batch")
@click.argument("suite", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path), help="Batch folder (default runs/batch-TIME)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Programs at once (local); with ray, at least this many in flight.",
)
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option("--ray-address", help="Ray cluster to join (default: RAY_ADDRESS, else a local Ray).")
@click.option("--resume", is_flag=True, help="Continue the batch in --out: skip finished tasks.")
@click.option("--retry-errors", is_flag=True, help="With --resume: run failed tasks again.")
@click.option("--limit", type=int, help="Run the first N selected tasks.")
@click.option("--shuffle", is_flag=True, help="Shuffle the tasks (with --seed) before --limit.")
@click.option("--only", multiple=True, help="Only these tasks (repeat, or NAME,NAME).")
@click.option(
    "--baseline",
    "baseline_mode",
    type=click.Choice(["dataset", "O3", "O2"]),
    help="Dataset records: O3 (default) rebuilds the baseline from c_code with gcc, "
    "dataset keeps unoptimized_assembly (gcc -O0 in the paper's data). "
    "Task folders: their own .s unless O3/O2 is given.",
)
@click.option(
    "--export-trajectories",
    type=click.Path(path_type=Path),
    help="Write every model call (prompt, completion, evaluation, reward) as JSON lines.",
)
@click.option(
    "--screen",
    is_flag=True,
    help="Dataset records: first run each program under valgrind memcheck and an "
    "ASan+UBSan build on its inputs; leave out (as errors) those with undefined behaviour.",
)
@click.option(
    "--batch-budget",
    type=Duration(),
    help="Start no new task after this long (90, 10m, 1h); running tasks end with their "
    "best so far, the rest wait for --resume.",
)
@run_options
def batch_command(
    suite,
    screen,
    out,
    workers,
    executor,
    ray_address,
    resume,
    retry_errors,
    limit,
    shuffle,
    only,
    baseline_mode,
    export_trajectories,
    batch_budget,
    verbose,
    **options,
):
    """Optimise every program of SUITE (a folder of task folders, or a JSONL/parquet
    file in the paper's dataset schema); write results.jsonl, summary.json, summary.md.
    --budget-usd is one limit for the whole batch: no new model call or task once spent;
    --batch-budget likewise for time. --time-budget is per task."""
    import time

    from agent.batch import BatchOptions, BatchProgress, render_batch_summary, run_batch
    from agent.config import from_options

    config, given = from_options(options, verbose)
    if retry_errors and not resume:
        raise click.UsageError("--retry-errors goes with --resume")
    if resume and out is None:
        raise click.UsageError("--resume needs --out DIR (the batch folder)")
    out = out or Path("runs") / f"batch-{time.strftime('%Y%m%d-%H%M%S')}"
    options = BatchOptions(
        suite=suite,
        out=out,
        config=config,
        workers=workers,
        executor=executor,
        ray_address=ray_address,
        resume=resume,
        retry_errors=retry_errors,
        limit=limit,
        shuffle=shuffle,
        only=tuple(only),
        baseline=baseline_mode,
        export_trajectories=export_trajectories,
        screen=screen,
        batch_budget=batch_budget,
        overrides=given,
    )
    from agent.stopping import Stopped

    try:
        summary = run_batch(options, progress=BatchProgress())
    except (KeyboardInterrupt, Stopped):
        click.echo(f"agent: interrupted; continue with: agent batch --resume --out {out}", err=True)
        sys.exit(130)
    render_batch_summary(summary, out)


@cli.command("report")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--export-trajectories",
    type=click.Path(path_type=Path),
    help="Also write every model call with its evaluation and reward (JSON lines).",
)
def report_command(folder, export_trajectories):
    """Rebuild a batch's summary (summary.json, summary.md, plot) from results.jsonl,
    or print a run folder's report."""
    from agent.batch import render_batch_summary
    from agent.batch.results import RESULTS
    from agent.batch.summary import write_summary

    if (folder / RESULTS).exists() or (folder / "batch.json").exists():
        summary = write_summary(folder)
        if export_trajectories:
            from agent.batch.reward import export_trajectories as export

            export(folder, export_trajectories)
        render_batch_summary(summary, folder)
    elif (folder / "report.json").exists():
        from agent.render import render_run_summary

        if export_trajectories:
            from agent.batch.reward import export_trajectories as export

            export(folder, export_trajectories)
        render_run_summary(json.loads((folder / "report.json").read_text()), folder)
    else:
        raise BadInput(f"{folder} holds neither a batch (results.jsonl) nor a run (report.json)")


def program_run_options(command):
    """--timeout and --sandbox, for the commands that run programs to make tasks."""
    command = click.option(
        "--sandbox",
        "sandbox_mode",
        type=click.Choice(["bwrap", "none"]),
        default="bwrap",
        show_default=True,
    )(command)
    return click.option(
        "--timeout",
        "timeout_s",
        type=click.FloatRange(min=0, min_open=True),
        default=10.0,
        show_default=True,
        help="Wall-clock limit per program run, seconds.",
    )(command)


@cli.group("suite")
def suite_group() -> None:
    """Build task suites from C programs."""


@suite_group.command("build")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The suite folder.")
@program_run_options
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Programs checked at once.",
)
@click.option(
    "--screen/--no-screen",
    default=True,
    show_default=True,
    help="Run each kept program under valgrind memcheck and an ASan+UBSan build.",
)
@click.option(
    "--screen-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    help="Wall-clock limit per screening run (memcheck is tens of times slower), seconds.",
)
def suite_build_command(src, out, timeout_s, sandbox_mode, jobs, screen, screen_timeout):
    """Turn C programs with inputs (NAME.c + NAME/*.in, or a folder per program)
    into task folders; drop, with a reason, those that do not compile, crash,
    time out, print different output across runs or between -O0 and -O3, or
    show undefined behaviour under memcheck or the sanitizers."""
    from agent.batch.suite import build_suite, render_build
    from tools.screen import ScreenOptions

    screening = ScreenOptions(timeout_s=screen_timeout) if screen else None
    result = build_suite(
        src, out, timeout_s=timeout_s, sandbox_mode=sandbox_mode, jobs=jobs, screening=screening
    )
    render_build(result, out)


@cli.group("task")
def task_group() -> None:
    """Make task folders from programs as users have them."""


@task_group.command("from-c")
@click.argument("src", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--args",
    "args",
    multiple=True,
    help='Arguments of one run, split as a shell would ("-n 5 file.txt"); repeat for '
    "several runs. With --inputs: the default for cases without NAME.args.",
)
@click.option(
    "--inputs",
    type=click.Path(path_type=Path),
    help="Folder of cases: NAME.in (stdin), NAME.args, NAME.files/ (input files).",
)
@click.option("--out", type=click.Path(path_type=Path), help="The task folder (default NAME-task).")
@click.option(
    "--hot", type=click.Path(path_type=Path), help="The .c to optimise (default: profiled)."
)
@click.option("--cflags", default="-O3", show_default=True, help="gcc flags for every unit.")
@click.option("--link-flags", default="-lm", show_default=True, help="gcc flags when linking.")
@click.option("--name", help="Task name (default: the sources' folder).")
@click.option(
    "--compare",
    type=click.Choice(["exact", "whitespace", "float"]),
    default="exact",
    show_default=True,
    help="How outputs are compared (float: numbers within a tolerance); task.toml [compare].",
)
@program_run_options
def task_from_c_command(
    src, args, inputs, out, hot, cflags, link_flags, name, compare, timeout_s, sandbox_mode
):
    """Build a C project (SRC: .c files, .o files or folders of .c files) at -O3,
    run it on the given cases, profile it, and write a task folder whose prog.s is
    the unit where the time goes."""
    from tools.from_c import OUTSIDE, from_c, split_args
    from tools.task import Limits

    sandbox = _sandbox(sandbox_mode, Limits(timeout_s=timeout_s))
    result = from_c(
        list(src),
        list(args),
        inputs,
        out,
        hot,
        sandbox,
        cflags=list(split_args(cflags, "--cflags")),
        link_flags=split_args(link_flags, "--link-flags"),
        name=name,
        compare=compare,
        say=lambda text: click.echo(text, err=True),
    )
    runs = len(result.cases)
    if result.samples:
        click.echo(
            f"where the time goes ({result.samples} cpu-clock samples over "
            f"{runs} run{'s' if runs != 1 else ''}):"
        )
    else:
        click.echo(f"no profile: {result.profile_note or 'no samples'}")
    order = sorted(result.units, key=lambda u: -result.shares.get(u.rel, 0.0))
    for unit in order:
        mark = "->" if unit.rel == result.chosen else "  "
        top = ", ".join(f"{n} {p:.1f}%" for n, p in result.top.get(unit.rel, []))
        click.echo(
            f"  {mark} {result.shares.get(unit.rel, 0.0):5.1f}%  {unit.rel}"
            + (f"  ({top})" if top else "")
        )
    click.echo(f"     {result.shares.get(OUTSIDE, 0.0):5.1f}%  {OUTSIDE} (libc, kernel)")
    click.echo(f"chose {result.chosen}: {result.why}")
    lines = (result.out / "prog.s").read_text().count("\n")
    click.echo(
        f"wrote {result.out}: prog.s ({lines} lines), task.toml, tests/ ({runs} "
        f"case{'s' if runs != 1 else ''}, expected outputs from the original)"
    )
    click.echo(f"next: agent run {result.out / 'prog.s'}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: map failures to the exit-code contract."""
    from agent.stopping import kill_sandboxes_on_sigint

    kill_sandboxes_on_sigint()
    try:
        cli.main(args=argv, prog_name="agent", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_BAD_INPUT)
    except click.exceptions.Abort:
        click.echo("agent: interrupted", err=True)
        sys.exit(130)
    except BadInput as exc:
        click.echo(f"agent: error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        click.echo("agent: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, unless asked
        if os.environ.get("AGENT_DEBUG"):
            raise
        click.echo(
            f"agent: internal error: {type(exc).__name__}: {exc} "
            "(set AGENT_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
