"""The LangGraph agent: prepare -> N branches (propose, evaluate, revise)* -> select -> finalize.

Each branch is a compiled subgraph that the parent `Send`s N times, so
branches progress independently (a slow model reply holds back only its own
branch). Graph state holds small summaries and paths; assembly, reports and
model replies are files in the run folder, written as they happen. Nodes are
safe to repeat: a resumed node starts again from its top, and a proposal
whose reply was already saved is read back instead of asking the model again.
"""

from __future__ import annotations

import asyncio
import functools
import json
import operator
import time
import traceback
from dataclasses import asdict
from typing import Annotated, TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from agent import events as ev
from agent.context import RUN_PHASE, RunContext
from agent.feedback import feedback_from, outcome
from agent.proposer import Attempt, Feedback, Proposal, ProposalRequest, Verdict
from tools.evaluate import evaluate

TIME_BUDGET = "time budget"  # a branch's stop reason when --time-budget ended it
PHASE_WORDS = {
    "build": "assembling",
    "tests": "testing",
    "timing": "timing",
    "differential": "verifying",
    "profile": "profiling",
}


class RunState(TypedDict, total=False):
    """The parent's keys; only `results` is shared with the branches (by its reducer)."""

    results: Annotated[list[dict], operator.add]  # one BranchResult per branch
    baseline: dict
    winner: dict  # the selected candidate's summary ({} for the baseline)
    refuted: list[dict]  # better-scored candidates dropped because a proof refuted them
    mismatched: list[dict]  # dropped because their finished differential check found a mismatch


class BranchState(TypedDict, total=False):
    branch: int
    iteration: int  # proposals made so far
    best: dict | None  # the branch's best: path, speedup, ci, verified, iteration
    last: dict | None  # the last proposal: proposal file, report file
    feedback: dict | None  # Feedback for the next proposal, as a dict
    history: list[dict]  # Attempt dicts
    stale: int  # iterations since the branch's best improved
    stop: str  # why the branch stopped ("" while it runs)
    results: Annotated[list[dict], operator.add]


def emit(event: ev.Event) -> None:
    get_stream_writer()(event.to_dict())


def score(summary: dict | None) -> tuple:
    """Order candidates: verified first, then the lower bound of the speedup CI."""
    if not summary:
        return (False, 1.0)
    return (bool(summary.get("verified")), summary["ci"][0])


def contained(node):
    """A failing node ends its own branch, never the others."""

    @functools.wraps(node)
    async def wrapper(state: BranchState, runtime: Runtime[RunContext]):
        try:
            return await node(state, runtime)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(exc)).strip()
            with (runtime.context.run_dir / "errors.log").open("a") as log:
                log.write(f"branch {state['branch']}: {traceback.format_exc()}\n")
            return {"stop": f"error: {detail[:300]}"}

    return wrapper


# -- the branch --------------------------------------------------------------


def _temperature(ctx: RunContext, branch: int) -> float:
    return round(min(ctx.config.temperature + 0.1 * branch, 1.2), 2)


async def branch_start(state: BranchState, runtime: Runtime[RunContext]) -> dict:
    emit(
        ev.BranchStarted(
            branch=state["branch"], temperature=_temperature(runtime.context, state["branch"])
        )
    )
    return {}


@contained
async def propose(state: BranchState, runtime: Runtime[RunContext]) -> dict:
    ctx = runtime.context
    b, i = state["branch"], state["iteration"] + 1
    record_path = ctx.path("proposals", b, i, ".json")
    await ctx.wait_while_paused(b)
    if ctx.out_of_time():  # no new proposal starts after the time budget
        return {"stop": TIME_BUDGET}
    ctx.set_phase(b, "proposing")
    if record_path.exists():  # resumed: the model already answered this one
        record = json.loads(record_path.read_text())
    else:
        best = state.get("best")
        current = (ctx.run_dir / best["path"]).read_text() if best else ctx.baseline().task.asm
        feedback = state.get("feedback")
        request = ProposalRequest(
            task=ctx.task,
            branch=b,
            iteration=i,
            current=current,
            current_speedup=_speedup_text(best),
            feedback=Feedback(
                **{k: tuple(v) if isinstance(v, list) else v for k, v in feedback.items()}
            )
            if feedback
            else None,
            history=tuple(Attempt(**a) for a in state.get("history", [])),
            seed=ctx.config.seed * 1000 + b * 100 + i,
            temperature=_temperature(ctx, b),
            target_cpu=ctx.config.target_cpu,
            deadline=ctx.deadline,
            previous=_verdict(state),
        )
        started = time.monotonic()
        try:
            async with asyncio.timeout(ctx.time_left()):  # None: no budget
                proposal: Proposal = await ctx.proposer.propose(request)
        except TimeoutError:  # the budget ended the call: nothing saved, a resume asks again
            return {"stop": TIME_BUDGET}
        record = asdict(proposal)
        record["seconds"] = round(time.monotonic() - started, 3)
        if proposal.asm is not None:
            asm_path = ctx.path("candidates", b, i, ".s")
            asm_path.write_text(proposal.asm)
            record["path"] = str(asm_path.relative_to(ctx.run_dir))
        ctx.write_json(record_path, record)
        offline = getattr(ctx.proposer, "offline", False)
        if proposal.model and not offline and not proposal.extra.get("stop"):
            emit(
                ev.ModelUsage(
                    branch=b,
                    iteration=i,
                    model=proposal.model,
                    input_tokens=proposal.input_tokens,
                    output_tokens=proposal.output_tokens,
                    cost_usd=proposal.cost_usd,
                    seconds=round(proposal.extra.get("seconds", 0.0), 3),
                    retries=proposal.extra.get("retries", 0),
                )
            )
        emit(
            ev.CandidateProposed(
                branch=b,
                iteration=i,
                path=record.get("path"),
                note=proposal.note,
                reply=proposal.reply[:4000],
                reasoning=str(proposal.extra.get("reasoning", ""))[:4000],
                reply_format=proposal.extra.get("reply_format", ""),
                edit_blocks=proposal.extra.get("edit_blocks", 0),
            )
        )
    return {"iteration": i, "last": {"proposal": str(record_path.relative_to(ctx.run_dir))}}


@contained
async def evaluate_node(state: BranchState, runtime: Runtime[RunContext]) -> dict:
    ctx = runtime.context
    b, i = state["branch"], state["iteration"]
    record = json.loads((ctx.run_dir / state["last"]["proposal"]).read_text())
    done = record["asm"] is None and getattr(ctx.proposer, "offline", False)
    stop = record["extra"].get("stop") or ("proposer done" if done else "")
    if stop:
        return {"stop": stop}
    report_path = ctx.path("reports", b, i, ".json")
    report = None
    if record.get("path"):
        if report_path.exists():
            report = json.loads(report_path.read_text())
        else:
            candidate = (ctx.run_dir / record["path"]).read_text()
            best = state.get("best")
            result = await asyncio.to_thread(
                evaluate,
                candidate,
                ctx.baseline(),
                ctx.sandbox,
                ctx.eval_options_now(),
                to_beat=best["ci"][0] if best else None,  # the branch's best so far
                on_phase=lambda name: ctx.set_phase(b, PHASE_WORDS.get(name, name)),
            )
            report = result.to_report()
            ctx.write_json(report_path, report)
    report_rel = str(report_path.relative_to(ctx.run_dir)) if report else None
    summary = _summary(report, record, i, report_rel)
    if summary["candidate"] and score(summary["candidate"]) > score(state.get("best")):
        summary = await _proved_or_dropped(ctx, b, summary, report, report_path)
    emit(ev.CandidateEvaluated(branch=b, iteration=i, report=report_rel or "", **summary["event"]))
    history = [
        *state.get("history", []),
        asdict(Attempt(i, record.get("note", "")[:200], outcome(report, record["extra"]))),
    ]
    update: dict = {
        "history": history,
        "last": {**state["last"], "report": report_rel},
        "feedback": asdict(
            feedback_from(report, ctx.take_hints(b), record.get("reply", ""), record["extra"])
        ),
    }
    best = state.get("best")
    if summary["candidate"] and score(summary["candidate"]) > score(best):
        update["best"], update["stale"] = summary["candidate"], 0
        c = summary["candidate"]
        emit(
            ev.NewBest(
                branch=b, iteration=i, speedup=c["speedup"], speedup_ci=c["ci"], path=c["path"]
            )
        )
    else:
        update["stale"] = state.get("stale", 0) + 1
    return update


async def _proved_or_dropped(ctx: RunContext, b: int, summary, report, report_path) -> dict:
    """A would-be new best is proved first (agent/proof.py; verdicts are cached, so the
    run's final check of the winner costs nothing more): a refuted one is not taken,
    and its counterexample reaches the model through the report (agent/feedback.py)."""
    from agent.proof import prove_winner, worst_case

    if "proof" not in report:
        # Only a model learns from a refutation; the built-in's winner is proved at the end.
        # A proof never runs past the time budget here: the final one is bounded apart.
        offline = getattr(ctx.proposer, "offline", False)
        late = ctx.deadline is not None and ctx.deadline - time.monotonic() < worst_case(ctx)
        if offline or late:
            return summary
        ctx.set_phase(b, "proving")
        proof = await asyncio.to_thread(prove_winner, ctx, summary["candidate"])
        if proof is None:
            return summary
        report["proof"] = proof
        ctx.write_json(report_path, report)
    if report["proof"]["status"] == "refuted":
        return {**summary, "candidate": None}
    return summary


def _summary(report: dict | None, record: dict, iteration: int, report_rel: str | None) -> dict:
    """The event fields for an evaluation, and the candidate summary when it is
    a correct, significantly faster, non-trivial improvement."""
    if report is None:
        status = "error" if record["extra"].get("error") else "no code"
        detail = (
            record["extra"].get("error")
            or record["extra"].get("edit_summary")
            or "the reply held no complete assembly"
        )
        event = dict(
            status=status,
            assembled=False,
            correct=False,
            speedup=None,
            speedup_ci=None,
            faster=False,
            verified=False,
            detail=detail[:300],
        )
        return {"event": event, "candidate": None}
    mismatches = (report.get("differential") or {}).get("mismatches", 0)
    if report["correct"] and not mismatches:
        status = "correct"
    else:
        status = "wrong" if report["assembled"] else "not assembled"
    event = dict(
        status=status,
        assembled=report["assembled"],
        correct=report["correct"],
        speedup=report["speedup"],
        speedup_ci=report["speedup_ci"],
        faster=report["faster"],
        verified=report["verified"],
        detail=outcome(report, record["extra"])[:300],
        decision=(report.get("timing") or {}).get("decision", ""),
        seconds=report.get("seconds", {}),
    )
    candidate = None
    if (
        report["correct"]
        and report["faster"]
        and not report["identical_to_baseline"]
        and not mismatches  # known wrong on a generated input: never a winner
    ):
        candidate = {
            "path": record["path"],
            "speedup": report["speedup"],
            "ci": report["speedup_ci"],
            "verified": report["verified"],
            "iteration": iteration,
            "report": report_rel,
        }
        if record["extra"].get("passes"):  # the built-in's moves (explained at the end)
            candidate["passes"] = list(record["extra"]["passes"])
    return {"event": event, "candidate": candidate}


def _verdict(state: BranchState) -> Verdict | None:
    """Whether the branch's previous proposal became its best (the proposer is told)."""
    previous = state["iteration"]
    if not previous:
        return None
    best = state.get("best")
    return Verdict(previous, accepted=bool(best) and best["iteration"] == previous)


def _speedup_text(best: dict | None) -> str:
    if not best:
        return ""
    return f"{best['speedup']:.3f}x [{best['ci'][0]:.3f}, {best['ci'][1]:.3f}]"


def after_propose(state: BranchState) -> str:
    return "finish" if state.get("stop") else "evaluate"


def revise_route(state: BranchState, runtime: Runtime[RunContext]) -> str:
    """Go on proposing, or finish the branch (and say why)."""
    return "finish" if _stop_reason(state, runtime.context) else "propose"


def _stop_reason(state: BranchState, ctx: RunContext) -> str:
    if state.get("stop"):
        return state["stop"]
    if state["iteration"] >= ctx.config.iterations:
        return "iterations"
    if state.get("stale", 0) >= ctx.config.patience:
        return "no improvement"
    if ctx.budget.exhausted:
        return "budget"
    if ctx.out_of_time():
        return TIME_BUDGET
    return ""


async def finish(state: BranchState, runtime: Runtime[RunContext]) -> dict:
    reason = _stop_reason(state, runtime.context) or "done"
    runtime.context.set_phase(state["branch"], f"finished: {reason}")
    best = state.get("best")
    emit(
        ev.BranchFinished(
            branch=state["branch"],
            iterations=state["iteration"],
            best_speedup=best["speedup"] if best else None,
            reason=reason,
        )
    )
    result = {
        "branch": state["branch"],
        "iterations": state["iteration"],
        "best": best,
        "reason": reason,
    }
    return {"results": [result]}


def build_branch_graph():
    graph = StateGraph(BranchState, context_schema=RunContext)
    graph.add_node("start", branch_start)
    graph.add_node("propose", propose)
    graph.add_node("evaluate", evaluate_node)
    graph.add_node("finish", finish)
    graph.add_edge(START, "start")
    graph.add_edge("start", "propose")
    graph.add_conditional_edges("propose", after_propose, ["evaluate", "finish"])
    graph.add_conditional_edges("evaluate", revise_route, ["propose", "finish"])
    graph.add_edge("finish", END)
    return graph.compile()


# -- the run -----------------------------------------------------------------


async def prepare(state: RunState, runtime: Runtime[RunContext]) -> dict:
    ctx = runtime.context
    base = await asyncio.to_thread(ctx.baseline)
    slow = base.tests.slowest()
    hot = [asdict(h) for h in (base.profile.hot_lines if base.profile else ())]
    emit(
        ev.BaselineMeasured(
            tests=base.tests.total,
            timing_test=base.timing_test.name,
            timing_args=base.timing_test.shown_args,
            cpu_ms=round(slow.run.cpu_us / 1000, 3),
            hot_lines=hot,
            expected_from=base.task.expected_from,
        )
    )
    return {
        "baseline": {
            "tests": base.tests.total,
            "timing_test": base.timing_test.name,
            "cpu_ms": slow.run.cpu_us / 1000,
        }
    }


def fan_out(state: RunState, runtime: Runtime[RunContext]) -> list[Send]:
    return [
        Send(
            "branch",
            {
                "branch": b,
                "iteration": 0,
                "best": None,
                "last": None,
                "feedback": None,
                "history": [],
                "stale": 0,
                "stop": "",
            },
        )
        for b in range(runtime.context.config.best_of)
    ]


async def select(state: RunState, runtime: Runtime[RunContext]) -> dict:
    """The best-scored branch best whose differential check, finished if it was
    cut short (agent/verify.py), found no mismatch and whose proof does not
    refute it (agent/proof.py): a dropped candidate never wins, the next best
    is proved instead."""
    from agent.proof import prove_winner
    from agent.verify import settle

    results = sorted(state.get("results", []), key=lambda r: r["branch"])
    bests = [{**r["best"], "branch": r["branch"]} for r in results if r["best"]]
    ranked, mismatched = await asyncio.to_thread(settle, runtime.context, bests, score)
    refuted: list[dict] = []
    for candidate in ranked:  # stable: the lower branch wins a tie, as max() did
        runtime.context.set_phase(RUN_PHASE, f"proving branch {candidate['branch']}'s best")
        proof = await asyncio.to_thread(prove_winner, runtime.context, candidate)
        if proof is not None and proof["status"] == "refuted":
            refuted.append({**candidate, "proof": proof})
            continue
        winner = {**candidate, "proof": proof}
        return {"winner": winner, "refuted": refuted, "mismatched": mismatched}
    return {"winner": {}, "refuted": refuted, "mismatched": mismatched}


async def finalize(state: RunState, runtime: Runtime[RunContext]) -> dict:
    from agent.report import write_outputs

    if state.get("winner"):
        runtime.context.set_phase(RUN_PHASE, "confirming the winner")
    report = await asyncio.to_thread(write_outputs, runtime.context, state)
    confirmation = report.get("confirmation")
    if confirmation and confirmation["speedup"] is not None:
        emit(
            ev.WinnerConfirmed(
                speedup=confirmation["speedup"],
                speedup_ci=confirmation["speedup_ci"],
                pairs=confirmation["pairs"],
                seconds=confirmation["seconds"],
                decision=confirmation["decision"],
                confirmed=confirmation["faster"],
            )
        )
    emit(
        ev.RunFinished(
            speedup=report["speedup"] or 1.0,
            speedup_ci=report["speedup_ci"] or [1.0, 1.0],
            correct=report["correct"],
            verified=report["verified"],
            best=report["best"]["source"],
            out=str(runtime.context.run_dir),
            seconds=report["seconds"],
            stopped_by=report.get("stopped_by", ""),
            proof=report.get("proof_line", ""),
        )
    )
    return {}


def build_graph(checkpointer=None):
    graph = StateGraph(RunState, context_schema=RunContext)
    graph.add_node("prepare", prepare)
    graph.add_node("branch", build_branch_graph())
    graph.add_node("select", select)
    graph.add_node("finalize", finalize)
    graph.add_edge(START, "prepare")
    graph.add_conditional_edges("prepare", fan_out, ["branch"])
    graph.add_edge("branch", "select")
    graph.add_edge("select", "finalize")
    graph.add_edge("finalize", END)
    return graph.compile(checkpointer=checkpointer)
