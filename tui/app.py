"""`agent tui`: watch a run's branches, diffs and speedups live; steer, stop, accept.

The app consumes the run's typed events (`agent.events`) and nothing else
of the graph: a live run posts one `RunEvent` message per event from
`execute`'s `on_event` (the run is an async worker on the app's loop; the
graph evaluates in threads, so the interface never waits on it), and an
opened run folder replays its `events.jsonl` through the same handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from agent import events as ev
from agent.stopping import stop_sandboxes
from tools.errors import BadInput
from tui.messages import OpenCandidate, RunEvent
from tui.session import RunSession
from tui.state import RunView
from tui.widgets.branch_tree import BranchTree
from tui.widgets.diff_view import DiffView, baseline_doc, candidate_doc
from tui.widgets.event_log import EventLog
from tui.widgets.hint_dialog import HintDialog
from tui.widgets.run_header import RunHeader
from tui.widgets.speedup_chart import SpeedupChart


class _DetachedExecutor(ThreadPoolExecutor):
    """The loop's default executor while a run is live: evaluations run here
    (`asyncio.to_thread`), and quitting does not wait for the ones in flight
    (the checkpoint makes them repeatable; `main` then leaves the process)."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


class SuperoptApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "agent tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [  # noqa: RUF012 (Textual's convention)
        Binding("d", "toggle_diff", "diff"),
        Binding("a", "accept", "accept"),
        Binding("h", "hint", "hint"),
        Binding("p", "pause", "pause"),
        Binding("s", "stop", "stop"),
        Binding("r", "resume", "resume"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(
        self,
        session: RunSession,
        *,
        start: bool = False,
        events: Iterable[ev.Event] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.session = session
        self.view = RunView()
        self.clock = clock
        self.running = False
        self.ended = ""  # how the last start ended: "", "finished", "stopped" or "error"
        self.paused: set[int] = set()
        self.opened: tuple | None = None  # a tree node's data; None: follow the best so far
        self.shown: tuple | None = None  # (branch, iteration) in the diff pane
        self.accepted: tuple[int, int] | None = None
        self._start = start
        self._initial = list(events) if events is not None else None
        self.interrupted = 0  # SIGINTs received

    def compose(self) -> ComposeResult:
        yield RunHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield BranchTree(id="tree")
                yield SpeedupChart(id="chart")
            with Vertical(id="right"):
                yield DiffView(id="diff")
                yield EventLog(id="log")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(BranchTree).border_title = "branches"
        self.query_one(SpeedupChart).border_title = "speedup over time"
        self.query_one(EventLog).border_title = "events and model messages"
        for event in self._initial if self._initial is not None else self.session.events():
            self._apply(event)
        self._refresh()
        self.query_one(BranchTree).focus()
        self.set_interval(1.0, self._tick)
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):  # main thread only
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, self._on_sigint)
        if self._start:
            self.start_run()

    def _on_sigint(self) -> None:
        """SIGINT (to the process, or to its group as a terminal's Ctrl-C is):
        the first kills the sandboxes, records the stop and leaves; a second
        leaves at once."""
        self.interrupted += 1
        if self.interrupted > 1:
            os._exit(130)
        stop_sandboxes()  # the run, cancelled, records the stop in its event log
        self.call_later(self._leave_interrupted)

    async def _leave_interrupted(self) -> None:
        if self.running:
            await self._cancel_run()
        self.exit(return_code=130)

    # -- the run -------------------------------------------------------------------

    def start_run(self) -> None:
        """Start the run, or resume it from its checkpoint. A run that never got
        past measuring the baseline starts again (nothing of it was checkpointed)."""
        resume = self.view.baseline is not None
        try:
            self.session.context()
        except BadInput as exc:
            self.notify(str(exc), title="cannot run", severity="error")
            return
        self.running, self.ended = True, ""
        self.run_agent(resume)
        self._refresh()

    @work(exclusive=True, group="run", exit_on_error=False)
    async def run_agent(self, resume: bool) -> dict:
        from agent.run import LoopErrorLog

        loop = asyncio.get_running_loop()
        if not isinstance(getattr(loop, "_default_executor", None), _DetachedExecutor):
            loop.set_default_executor(_DetachedExecutor(thread_name_prefix="agent-eval"))
        loop.set_exception_handler(LoopErrorLog(self.session.run_dir))
        return await self.session.run(resume, lambda event: self.post_message(RunEvent(event)))

    @on(Worker.StateChanged)
    def _worker_changed(self, message: Worker.StateChanged) -> None:
        if message.worker.group != "run" or message.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        ):
            return
        self.running = False
        if self._closing_down():
            return
        if message.state == WorkerState.SUCCESS:
            self.ended = "finished"
        elif message.state == WorkerState.CANCELLED:
            self.ended = "stopped"
            self._log().say(self.clock(), "stopped: r resumes from the checkpoint", "bold")
        else:
            error = message.worker.error
            self.ended = "error"
            text = f"{type(error).__name__}: {error}" if error else "unknown error"
            self._log().say(self.clock(), f"the run failed: {text}", "bold")
            self.notify(text, title="the run failed", severity="error")
        self._refresh()

    @on(RunEvent)
    def _run_event(self, message: RunEvent) -> None:
        if self._closing_down():
            return
        self._apply(message.event)
        if isinstance(message.event, ev.RunFinished) and self.accepted:
            self._write_accepted(*self.accepted, quiet=True)
        self._refresh()

    def _apply(self, event: ev.Event) -> None:
        self.view.apply(event)
        self._log().add(event)
        if isinstance(event, ev.BranchFinished):
            self.paused.discard(event.branch)

    # -- showing -------------------------------------------------------------------

    def _closing_down(self) -> bool:
        """The widgets are gone (messages still arrive while the app exits)."""
        widgets = (RunHeader, BranchTree, SpeedupChart, DiffView, EventLog)
        return not all(self.query(widget) for widget in widgets)

    def _log(self) -> EventLog:
        return self.query_one(EventLog)

    def state(self) -> str:
        if self.view.finished is not None or self.ended == "finished":
            return "finished"
        if self.running:
            return "running" if self.view.baseline else "starting"
        return self.ended or ("interrupted" if self.view.first_at else "empty")

    def _now(self) -> float | None:
        return self.clock() if self.running else None

    def _refresh(self) -> None:
        if self._closing_down():
            return
        now = self._now()
        self.query_one(RunHeader).show(self.view, self.state(), now)
        self.query_one(BranchTree).sync(self.view, self.running, self.paused)
        self.query_one(SpeedupChart).show(self.view, now)
        self._update_diff()
        self.refresh_bindings()

    def _tick(self) -> None:
        if self.running and not self._closing_down():
            now = self._now()
            self.query_one(RunHeader).show(self.view, self.state(), now)
            self.query_one(SpeedupChart).show(self.view, now)

    def _follow_target(self) -> tuple | None:
        view = self.view
        if self.opened is None:
            best = view.best_candidate() or view.latest_candidate()
            return best.key if best else None
        if self.opened[0] == "branch":
            branch = view.branches.get(self.opened[1])
            if branch is None:
                return None
            key = (branch.index, branch.best[0]) if branch.best else None
            latest = branch.latest()
            return key or (latest.key if latest else None)
        return (self.opened[1], self.opened[2])

    def _update_diff(self) -> None:
        """Show the followed or opened candidate; re-render it when its status changed."""
        diff = self.query_one(DiffView)
        key = self._follow_target()
        it = self.view.candidate(key)
        base_hot = self.view.baseline.hot_lines if self.view.baseline else []
        if it is None or (it.path is None and not it.evaluated):
            if self.shown is not None or diff.doc is None or diff.doc.candidate is None:
                base = self.view.baseline
                diff.show(
                    baseline_doc(
                        self.session.baseline_asm(),
                        base.tests if base else None,
                        base.timing_shown if base else "",
                        base_hot,
                    ),
                    scroll_home=self.shown is not None or diff.doc is None,
                )
                self.shown = None
            return
        doc = candidate_doc(
            it,
            self.running,
            self.session.baseline_asm(),
            self.session.read_candidate(it.path),
            self.session.read_report(it.report) if it.report else None,
            base_hot,
        )
        same = self.shown == it.key
        if not same or diff.doc is None or doc.summary != diff.doc.summary:
            diff.show(doc, scroll_home=not same)
        self.shown = it.key

    @on(OpenCandidate)
    def _open(self, message: OpenCandidate) -> None:
        self.opened = None if message.target[0] == "run" else message.target
        self._update_diff()

    # -- keys ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return True if self.running and self.view.finished is None else None
        if action == "resume":
            can = not self.running and self.session.resumable and self.view.finished is None
            return True if can else None
        if action in ("hint", "pause"):
            return True if self.session.resumable and self.view.finished is None else None
        return True

    def action_toggle_diff(self) -> None:
        diff = self.query_one(DiffView)
        diff.side_by_side = not diff.side_by_side

    def action_accept(self) -> None:
        key = self.shown
        target = self.query_one(BranchTree).cursor_target()
        if key is None and target[0] == "iter":
            key = tuple(target[1:])
        it = self.view.candidate(key)
        if it is None or not it.path:
            self.notify("open a candidate first (enter on an iteration)", severity="warning")
            return
        if not it.correct:
            self.notify(
                f"b{it.branch} i{it.iteration} is {it.status_label(self.running)}: "
                "only a correct candidate can be accepted",
                severity="warning",
            )
            return
        self._write_accepted(it.branch, it.iteration)

    def _write_accepted(self, branch: int, iteration: int, quiet: bool = False) -> None:
        it = self.view.candidate((branch, iteration))
        if it is None or it.path is None:
            return
        summary = {"speedup": it.speedup, "speedup_ci": it.speedup_ci, "verified": it.verified}
        try:
            path = self.session.accept(branch, iteration, it.path, summary)
        except (BadInput, OSError) as exc:
            self.notify(str(exc), title="accept failed", severity="error")
            return
        self.accepted = (branch, iteration)
        text = f"accepted b{branch} i{iteration}: wrote {path.name} and best.diff"
        if quiet:
            text = f"kept your accepted b{branch} i{iteration} in {path.name}"
        self._log().say(self.clock(), text, "bold")
        self.notify(text, title="accepted")

    def _target_branches(self) -> list[int]:
        target = self.query_one(BranchTree).cursor_target()
        if target[0] in ("branch", "iter"):
            return [target[1]]
        return sorted(self.view.branches) or list(range(self.view.best_of))

    def _steerable(self) -> bool:
        try:
            self.session.context()
        except BadInput as exc:
            self.notify(str(exc), title="cannot steer this run", severity="error")
            return False
        return True

    def _steer(self, method: Callable, *args) -> None:
        """Call a RunContext method off the UI thread: its lock is held while the
        baseline is measured, and the interface must not wait for that."""
        self.run_worker(functools.partial(method, *args), thread=True, group="steer")

    def action_hint(self) -> None:
        branches = self._target_branches()
        if not branches:
            self.notify("no branch yet", severity="warning")
            return
        if not self._steerable():
            return
        name = f"branch {branches[0]}" if len(branches) == 1 else "every branch"

        def send(text: str | None) -> None:
            if not text:
                return
            for b in branches:
                self._steer(self.session.add_hint, b, text)
            self._log().say(self.clock(), f"hint for {name}: {text}", "bold")
            self.notify(f"hint queued for {name}'s next revision")

        self.push_screen(HintDialog(name), send)

    def action_pause(self) -> None:
        branches = self._target_branches()
        if not branches or not self._steerable():
            return
        pause = any(b not in self.paused for b in branches)
        for b in branches:
            self._steer(self.session.set_paused, b, pause)
            (self.paused.add if pause else self.paused.discard)(b)
        names = ", ".join(f"b{b}" for b in branches)
        verb = "paused (before the next proposal)" if pause else "resumed"
        self._log().say(self.clock(), f"{names} {verb}", "bold")
        self._refresh()

    async def _cancel_run(self) -> None:
        """Cancel the run worker and let it unwind (checkpointer closed cleanly)."""
        workers = [w for w in self.workers if w.group == "run" and not w.is_finished]
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(Exception):  # cancelled, failed or too slow
                await asyncio.wait_for(worker.wait(), timeout=5)

    async def action_stop(self) -> None:
        if self.running:
            await self._cancel_run()

    def action_resume(self) -> None:
        if not self.running and self.view.finished is None:
            self.start_run()

    async def action_quit(self) -> None:
        if self.running:
            await self._cancel_run()
        self.exit()


def _evaluations_in_flight() -> bool:
    return any(
        t.is_alive() and t.name.startswith("agent-eval")
        for t in threading.enumerate()
        if t is not threading.main_thread()
    )


def main(open_dir: Path | None = None, **options) -> None:
    """The `agent tui` command (called lazily from `agent.cli`)."""
    if open_dir is not None:
        if options.get("program") is not None:
            raise click.UsageError("give PROGRAM.s or --open RUN_DIR, not both")
        session = RunSession.open(open_dir, time_budget=options.get("time_budget"))
        app = SuperoptApp(session)
    else:
        session = RunSession.start(**options)
        app = SuperoptApp(session, start=True)
    app.run()
    run_dir = session.run_dir
    if app.interrupted:
        click.echo(
            f"agent: interrupted; continue with: agent tui --open {run_dir} "
            f"(then r) or agent run --resume {run_dir}",
            err=True,
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)  # the sandboxes are dead; their threads need not be waited for
    if app.return_code:  # Textual has printed the error
        sys.exit(app.return_code)
    if app.view.finished is None and app.ended != "finished":
        click.echo(
            f"agent: the run is not finished; continue with: agent tui --open {run_dir} "
            f"(then r) or agent run --resume {run_dir}",
            err=True,
        )
    else:
        click.echo(f"run folder: {run_dir} (best.s, best.diff, report.json, events.jsonl)")
    sys.stdout.flush()
    sys.stderr.flush()
    if _evaluations_in_flight():  # the checkpoint holds what finished; leave now
        os._exit(0)
