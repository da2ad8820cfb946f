"""`agent tui` in a real terminal: tmux runs it, send-keys types, capture-pane reads.

A live run on examples/collatz against the local OpenAI-compatible test
server (branch 0 replies with a correct faster program, branch 1 with a
wrong one): the screen shows the branch tree, a diff with changed lines and
a speedup; `a` writes best.s, which `agent eval` finds correct.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from tests.conftest import (
    DATA,
    EXAMPLES,
    held_name,
    held_program,
    needs_sandbox,
    running,
    set_test_timeout,
    wait_for,
)
from tests.llm_servers import OpenAIServer, Reply, fenced, prose_only

pytestmark = [
    needs_sandbox,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PROG = EXAMPLES / "collatz" / "prog.s"
FAST = (DATA / "collatz_fast.s").read_text()
WRONG = (DATA / "collatz_wrong.s").read_text()
SPEEDUP = re.compile(r"\b\d\.\d{3}x ±\d\.\d{3}")
DIFF_LINE = re.compile(r"\b\d+ [+-] ")


def branch_of(body: dict) -> int:
    """Branch b runs at temperature 0.7 + 0.1 b (see agent.graph)."""
    return round((body["temperature"] - 0.7) * 10)


def scripted(body: dict) -> Reply:
    return Reply(fenced(WRONG if branch_of(body) else FAST))


class Tmux:
    """One tmux server of our own (its own socket, our environment)."""

    def __init__(self) -> None:
        self.socket = f"agent-tui-test-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "tui")

    def wait_for(self, condition, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.25)
        raise AssertionError(f"timed out; the screen was:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def test_agent_tui_in_tmux(tmp_path):
    out = tmp_path / "run"
    env = (
        "AGENT_TIMING_SECONDS=8 AGENT_CONFIRM_SECONDS=4 AGENT_DIFFERENTIAL=20 "
        "OPENAI_API_KEY= OPENAI_BASE_URL="
    )
    tmux = Tmux()
    with OpenAIServer(scripted) as server:
        command = (
            f"cd {shlex.quote(str(tmp_path))} && env {env} {shlex.quote(sys.executable)} -m agent "
            f"tui {shlex.quote(str(PROG))} --model openai:test --base-url {server.url} "
            f"--best-of 2 --iterations 1 --out {shlex.quote(str(out))}; "
            "echo TUI-EXITED $?; sleep 60"
        )
        try:
            tmux("new-session", "-d", "-s", "tui", "-x", "120", "-y", "40", command)
            screen = tmux.wait_for(lambda s: "finished" in s.splitlines()[0], timeout=300)
            assert "branch 0" in screen and "branch 1" in screen
            assert "i1 correct" in screen and "i1 wrong" in screen
            assert SPEEDUP.search(screen), screen
            assert DIFF_LINE.search(screen), screen
            assert (out / "best.s").exists()  # the run's own choice

            # Accept by hand: the tree's second line down is b0 i1.
            (out / "best.s").unlink()
            (out / "best.diff").unlink()
            tmux("send-keys", "-t", "tui", "Down", "Down", "Enter")
            tmux.wait_for(lambda s: "b0 i1 vs baseline" in s, timeout=60)
            tmux("send-keys", "-t", "tui", "a")
            tmux.wait_for(lambda s: "accepted b0 i1" in s, timeout=60)
            assert (out / "best.s").read_text() == FAST
            assert "+" in (out / "best.diff").read_text()

            tmux("send-keys", "-t", "tui", "q")
            screen = tmux.wait_for(lambda s: "TUI-EXITED" in s, timeout=60)
            assert "TUI-EXITED 0" in screen and "Traceback" not in screen
        finally:
            tmux.kill()

    done = subprocess.run(
        [
            *(sys.executable, "-m", "agent", "eval", str(out / "best.s"), "--baseline", str(PROG)),
            *("--json", "--max-seconds", "2", "--differential", "0", "--no-profile"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["assembled"] and report["correct"]
    assert report["tests"]["passed"] == report["tests"]["total"] > 0


def test_sigint_stops_the_tui_within_seconds(tmp_path):
    """SIGINT to `agent tui` while a candidate is judged: out within seconds,
    the stop recorded in the event log, the run resumable. The run is held by
    construction: branch 0's candidate blocks in its sandbox (each test may
    take 300 s) and branch 1 waits at its model call, so only SIGINT's stop
    can end it within the bound."""
    task, out, pidfile = tmp_path / "read_ints", tmp_path / "run", tmp_path / "pid"
    shutil.copytree(EXAMPLES / "read_ints", task)
    set_test_timeout(task, 300)
    name, release = held_name(), threading.Event()

    def reply(body: dict) -> Reply:
        if branch_of(body) == 0:
            return Reply(fenced(held_program(name)))
        return Reply(prose_only(), hold=release)

    env = "AGENT_TIMING_SECONDS=8 AGENT_CONFIRM_SECONDS=4 OPENAI_API_KEY= OPENAI_BASE_URL="
    tmux = Tmux()
    with OpenAIServer(reply) as server:
        command = (
            f"cd {shlex.quote(str(tmp_path))} && echo $$ > pid && exec env {env} "
            f"{shlex.quote(sys.executable)} -m agent tui {shlex.quote(str(task / 'prog.s'))} "
            f"--model openai:test --base-url {server.url} --best-of 2 --iterations 1 "
            f"--out {shlex.quote(str(out))}"
        )
        try:
            tmux("new-session", "-d", "-s", "tui", "-x", "120", "-y", "40", command)
            wait_for(
                lambda: running(name) and len(server.completion_requests) == 2,
                what="the held candidate running and branch 1 at its model call",
                alive=lambda: _started_and_alive(pidfile),
            )
            pid = int(pidfile.read_text())
            sent = time.monotonic()
            os.kill(pid, signal.SIGINT)
            while time.monotonic() - sent < 120 and _alive(pid):
                time.sleep(0.05)
            took = time.monotonic() - sent
            assert took < 15, f"the TUI left {took:.1f} s after SIGINT"
            wait_for(lambda: not running(name), 60, "the held candidate gone")
            log = (out / "events.jsonl").read_text().splitlines()
            stops = [json.loads(x) for x in log if "run_interrupted" in x]
            assert stops and stops[0]["resume"] == f"agent tui --open {out}"
            assert stops[0]["killed"] >= 1  # the held candidate's sandbox, at least
            assert not (out / "report.json").exists()
        finally:
            release.set()
            tmux.kill()


def _started_and_alive(pidfile) -> bool:
    """The pane's process has not written its pid yet, or it is still alive."""
    try:
        return _alive(int(pidfile.read_text()))
    except (OSError, ValueError):
        return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has exited
        return stat.read().split(") ")[-1][0] != "Z"
