"""The TUI driven by its keys (Textual's Pilot).

Scripted runs (no sandbox) check every key against a fixed event stream;
live runs (bwrap) drive the real agent against the local OpenAI-compatible
test server: hints and pauses reach the graph, a run killed mid-way opens
and resumes.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading

import pytest

from agent import events as ev
from tests.conftest import DATA, EXAMPLES, needs_sandbox, stop_agent
from tests.llm_servers import OpenAIServer, Reply, fenced, prompt_text
from tests.test_tui_snapshots import T0, StubContext, scripted_run, until
from tui.app import SuperoptApp
from tui.session import RunSession

PROG = EXAMPLES / "collatz" / "prog.s"
WRONG = (DATA / "collatz_wrong.s").read_text()
BROKEN = PROG.read_text().replace("\tret\n", "\tretq\t%zmm99\n", 1)


def branch_of(body: dict) -> int:
    """Branch b runs at temperature 0.7 + 0.1 b (see agent.graph)."""
    return round((body["temperature"] - 0.7) * 10)


@pytest.fixture
def agent_env(monkeypatch, tmp_path):
    """Fast evaluations, no real keys or servers, no agent.toml from the checkout."""
    for name in list(os.environ):
        if name.endswith("_API_KEY") or name.endswith("_BASE_URL") or name.startswith("AGENT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENT_TIMING_SECONDS", "8")
    monkeypatch.setenv("AGENT_CONFIRM_SECONDS", "4")
    monkeypatch.setenv("AGENT_DIFFERENTIAL", "20")
    monkeypatch.chdir(tmp_path)
    return dict(os.environ)


# -- scripted runs ------------------------------------------------------------------


class ScriptedRunner:
    """Publishes the events, then runs until cancelled; records each start."""

    def __init__(self, events: list[ev.Event]):
        self.events = events
        self.starts: list[bool] = []

    async def __call__(self, ctx, resume, on_event):
        self.starts.append(resume)
        if len(self.starts) == 1:
            for event in self.events:
                on_event(event)
        await asyncio.Event().wait()
        return {}


async def test_keys_on_a_live_scripted_run(tmp_path):
    run_dir = tmp_path / "run"
    runner = ScriptedRunner(scripted_run(run_dir, finished=False))
    ctx = StubContext()
    session = RunSession(run_dir, ctx=ctx, runner=runner)
    app = SuperoptApp(session, start=True, clock=lambda: T0 + 30)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.view.candidate((0, 2)) is not None)
        tree = app.query_one("#tree")
        assert app.state() == "running" and runner.starts == [False]
        assert app.shown == (0, 1)  # the diff follows the best so far

        # h: a hint for the branch under the cursor.
        tree.select_target(("branch", 1))
        await pilot.press("h")
        await pilot.press(*"try lea")
        await pilot.press("enter")
        await until(pilot, lambda: ctx.hints == {1: ["try lea"]})

        # p: pause and resume that branch.
        await pilot.press("p")
        await until(pilot, lambda: ctx.paused == {1})
        assert "paused" in str(tree.cursor_node.label)
        await pilot.press("p")
        await until(pilot, lambda: ctx.paused == set())

        # Arrows and enter open a candidate; d switches the diff.
        tree.select_target(("run",))
        await pilot.press("down", "down", "enter")
        assert app.shown == (0, 1)
        await pilot.press("down", "down", "down", "enter")
        assert app.shown == (1, 1)
        diff = app.query_one("#diff")
        assert "wrong output on test t1" in str(diff.doc.summary[1])
        await pilot.press("d")
        assert diff.side_by_side
        await pilot.press("d")
        assert not diff.side_by_side

        # a: a wrong candidate is refused, a correct one written as best.s/best.diff.
        await pilot.press("a")
        assert not (run_dir / "best.s").exists()
        tree.select_target(("iter", 0, 1))
        await pilot.press("enter", "a")
        assert (run_dir / "best.s").read_text() == (DATA / "collatz_fast.s").read_text()
        assert "+" in (run_dir / "best.diff").read_text()
        accepted = json.loads((run_dir / "accepted.json").read_text())
        assert (accepted["branch"], accepted["iteration"], accepted["speedup"]) == (0, 1, 1.849)

        # s stops the worker (the run stays resumable), r resumes it, q quits.
        assert app.check_action("resume", ()) is None
        await pilot.press("s")
        await until(pilot, lambda: app.state() == "stopped")
        assert app.check_action("resume", ()) is True
        await pilot.press("r")
        await until(pilot, lambda: runner.starts == [False, True])
        assert app.state() == "running"
        await pilot.press("q")
    assert app.return_code == 0


async def test_an_opened_run_replays_its_log_and_refuses_what_it_cannot_do(tmp_path):
    run_dir = tmp_path / "run"
    events = scripted_run(run_dir)
    log = ev.EventLog(run_dir / "events.jsonl")
    for event in events:
        log.write(event)
    log.close()
    app = SuperoptApp(RunSession.open(run_dir), clock=lambda: T0 + 99)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.state() == "finished" and app.shown == (0, 1)
        for action in ("stop", "resume", "hint", "pause"):
            assert app.check_action(action, ()) is None, action
        assert "collatz" in str(app.query_one("#tree").root.label)
        for size in [(40, 12), (200, 60), (80, 24)]:  # resizing never crashes
            await pilot.resize_terminal(*size)
            await pilot.pause()


# -- live runs (sandbox) ------------------------------------------------------------


@needs_sandbox
async def test_keys_on_a_builtin_run(tmp_path, agent_env):
    out = tmp_path / "run"
    session = RunSession.start(PROG, out=out, model="builtin", best_of=1, iterations=1)
    app = SuperoptApp(session, start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.view.finished is not None, timeout=300)
        assert app.state() == "finished" and app.view.model == "builtin"
        it = app.view.candidate((0, 1))
        assert it.status_label(False) == "correct", it.detail
        assert app.check_action("stop", ()) is None and app.check_action("resume", ()) is None
        (out / "best.s").unlink()
        await pilot.press("down", "down", "enter", "d")
        assert app.shown == (0, 1) and app.query_one("#diff").side_by_side
        await pilot.press("a")
        assert (out / "best.s").read_text() == (out / it.path).read_text()
        assert json.loads((out / "accepted.json").read_text())["iteration"] == 1
        await pilot.press("q")


@needs_sandbox
async def test_pause_and_hint_reach_a_live_run(tmp_path, agent_env, monkeypatch):
    out = tmp_path / "run"
    with OpenAIServer(lambda body: Reply(fenced(WRONG))) as server:
        session = RunSession.start(
            PROG,
            out=out,
            model="openai:test",
            base_url=server.url,
            best_of=1,
            iterations=2,
            patience=5,
        )
        # The run waits in its first step (the baseline, already measured)
        # until p and h have reached it: they land before the first proposal
        # by construction, however fast the machine.
        ctx, measured = session.ctx, session.ctx.baseline
        steered = threading.Event()

        def held_baseline():
            steered.wait(300)
            return measured()

        monkeypatch.setattr(ctx, "baseline", held_baseline)
        app = SuperoptApp(session, start=True)
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await until(pilot, lambda: app.view.best_of == 1, timeout=300)
                await pilot.press("p")  # on the run: every branch, before its first proposal
                await pilot.press("h", *"HINT-7731", "enter")
                await until(pilot, lambda: ctx.paused == {0} and 0 in ctx.hints, timeout=300)
                steered.set()
                await until(pilot, lambda: 0 in app.view.branches, timeout=300)
                # Paused, the branch cannot ask: a wait shows nothing when the
                # pause works, and a request when it does not.
                await asyncio.sleep(1.5)
                assert server.completion_requests == [], "a paused branch asked the model"
                assert "paused" in str(app.query_one("#tree")._branches[0].label)
                await pilot.press("p")
                await until(pilot, lambda: app.view.finished is not None, timeout=300)
                assert app.state() == "finished"
                labels = [str(n.label) for n in app.query_one("#tree")._iterations.values()]
                assert labels == ["i1 wrong", "i2 wrong"]
        finally:
            steered.set()
    prompts = [prompt_text(body) for body in server.completion_requests]
    assert len(prompts) == 2
    assert "HINT-7731" not in prompts[0] and "HINT-7731" in prompts[1]


@needs_sandbox
async def test_a_killed_run_opens_and_resumes(tmp_path, agent_env):
    """The second proposals are held until after the kill: the run is in
    flight when it is killed, by construction."""
    out = tmp_path / "run"
    release = threading.Event()

    def held(body: dict) -> Reply:
        second = body["seed"] % 100 == 2  # seed = branch * 100 + iteration
        return Reply(fenced(BROKEN if branch_of(body) else WRONG), hold=release if second else None)

    with OpenAIServer(held) as server:
        log = out / "events.jsonl"
        stop_agent(
            [
                *("run", PROG, "--model", "openai:test", "--base-url", server.url),
                *("--best-of", "2", "--iterations", "2", "--patience", "5", "--out", out),
            ],
            ready=lambda: log.exists() and log.read_text().count('"candidate_evaluated"') >= 1,
            what="a candidate judged",
            sig=signal.SIGKILL,
            env=agent_env,
        )
        assert not (out / "report.json").exists()
        release.set()

        app = SuperoptApp(RunSession.open(out))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.state() == "interrupted"
            seen = {key: it.status_label(False) for key, it in _iterations(app)}
            assert "wrong" in seen.values() or "failed to assemble" in seen.values()
            assert app.check_action("resume", ()) is True
            await pilot.press("r")
            await until(pilot, lambda: app.view.finished is not None, timeout=300)
            assert app.state() == "finished"
            done = {key: it.status_label(False) for key, it in _iterations(app)}
            assert done == {
                (0, 1): "wrong",
                (0, 2): "wrong",
                (1, 1): "failed to assemble",
                (1, 2): "failed to assemble",
            }
    report = json.loads((out / "report.json").read_text())
    assert report["best"]["source"] == "baseline" and report["iterations"] == 4
    started = [e for e in ev.read_events(out / "events.jsonl") if isinstance(e, ev.RunStarted)]
    assert [e.resumed for e in started] == [False, True]


def _iterations(app: SuperoptApp):
    for branch in app.view.branches.values():
        for it in branch.iterations.values():
            yield it.key, it


async def test_untrusted_text_cannot_reach_the_terminal(tmp_path):
    run_dir = tmp_path / "run"
    events = scripted_run(run_dir)
    hostile = "\x1b]0;pwned\x07\x1b[2J"
    path = run_dir / "candidates" / "b0-i1.s"
    path.write_text(path.read_text().replace("\tret\n", f"\tret # {hostile}\n", 1))
    events = [
        ev.CandidateProposed(**{**e.__dict__, "note": hostile, "reply": hostile})
        if isinstance(e, ev.CandidateProposed)
        else e
        for e in events
    ]
    app = SuperoptApp(RunSession(run_dir), events=events, clock=lambda: T0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        diff = app.query_one("#diff")
        assert app.shown == (0, 1)
        texts = [str(diff.query_one("#diff-body").content)]
        texts += [str(diff.query_one("#diff-summary").content)]
        texts += [strip.text for strip in app.query_one("#log").lines]
        assert any("\\x1b]0;pwned" in text for text in texts)
        assert not any("\x1b" in text for text in texts)
