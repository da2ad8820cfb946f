"""Shared test helpers: skip markers for machines without the sandbox or perf,
the agent subprocess, and ways to hold a run where a test wants it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

needs_sandbox = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed"
)
needs_perf = pytest.mark.skipif(shutil.which("perf") is None, reason="perf is not installed")

# The fields of `report.json` / `agent eval --json` that DESIGN.md promises.
REPORT_FIELDS = {
    "correct",
    "tests",
    "speedup",
    "speedup_ci",
    "assembled",
    "errors",
    "hot_lines",
    "verified",
    "differential",
}


def agent_env(**extra: str) -> dict:
    """The environment for an `agent` subprocess: no keys or endpoints of the
    developer's own, and short timing and differential budgets."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    for key in ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "RAY_ADDRESS"):
        env.pop(key, None)
    env.update(AGENT_TIMING_SECONDS="8", AGENT_CONFIRM_SECONDS="4", AGENT_DIFFERENTIAL="20")
    return env | extra


def agent(*args, env=None, cwd=None, timeout=600) -> subprocess.CompletedProcess:
    """`python -m agent ARGS` in a subprocess with `agent_env()` unless told."""
    return subprocess.run(
        [sys.executable, "-m", "agent", *map(str, args)],
        capture_output=True,
        text=True,
        env=env or agent_env(),
        cwd=cwd,
        timeout=timeout,
    )


def sigint_default() -> None:
    """`preexec_fn` for a child under a Ctrl-C test. A suite started as a
    background job of a non-interactive shell (`make test &`) inherits SIGINT
    ignored, and Python then installs no KeyboardInterrupt handler in the
    child: the signal under test would be ignored by POSIX convention. Give
    the child the default, as a terminal would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# -- holding a run where a test wants it -------------------------------------------
#
# A test that acts on a run in flight (SIGINT, a key, a kill) must hold the run
# there by construction, never hope it is still going a second later (see
# tests/README.md). A model call is held by `Reply(hold=event)` (llm_servers.py);
# the judging of a candidate is held by `held_program`, a candidate that blocks.


def held_program(name: str) -> str:
    """A whole .s file that names its process NAME (prctl PR_SET_NAME: what
    /proc/PID/comm shows, at most 15 characters), then sleeps until it is
    killed: by the sandbox's wall timeout per test (task.toml's
    `[limits] timeout_s`, see `set_test_timeout`) or by a Ctrl-C's stop."""
    assert len(name) <= 15 and name.isprintable() and '"' not in name
    return f"""\
\t.text
\t.globl\tmain
\t.type\tmain, @function
main:
\tmovl\t$157, %eax
\tmovl\t$15, %edi
\tleaq\t.Lheld_name(%rip), %rsi
\tsyscall
.Lheld_sleep:
\tmovl\t$35, %eax
\tleaq\t.Lheld_time(%rip), %rdi
\txorl\t%esi, %esi
\tsyscall
\tjmp\t.Lheld_sleep
\t.size\tmain, .-main
\t.section\t.rodata
\t.align 8
.Lheld_time:
\t.quad\t3600
\t.quad\t0
.Lheld_name:
\t.string\t"{name}"
\t.section\t.note.GNU-stack,"",@progbits
"""


def held_name() -> str:
    """A process name of this test's own (other tests may hold runs beside it)."""
    return f"held-{uuid.uuid4().hex[:8]}"


def running(name: str) -> bool:
    """Whether a process named NAME (see `held_program`) is alive on this machine."""
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                return True
        except OSError:  # it exited while we looked
            continue
    return False


def wait_for(condition, timeout: float = 300.0, what: str = "the condition", alive=None) -> None:
    """Poll `condition()` until it holds. The deadline is generous: it costs
    nothing when the machine is quick. `alive()` (e.g. a process still running)
    ends the wait early with a clear message when it turns false."""
    deadline = time.monotonic() + timeout
    while not condition():
        if alive is not None and not alive():
            raise AssertionError(f"gone before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.05)


# The wall time per test a resume gives a held candidate (so it is judged again
# in seconds, not held again for minutes): several times what the examples'
# slowest baseline test takes on a slow, loaded machine.
RESUME_TIMEOUT_S = 3


@dataclass(frozen=True)
class Stopped:
    """An agent subprocess ended by a signal: its exit, output, and the seconds
    from the signal to its exit."""

    returncode: int
    stdout: str
    stderr: str
    took: float


def stop_agent(
    args, ready, what: str, sig=signal.SIGINT, to_group: bool = True, env=None
) -> Stopped:
    """Start `python -m agent ARGS` in a session of its own, wait until `ready()`
    (the run held where the test acts), send `sig` to its group (as a terminal
    does) or to the process alone, and wait for the exit. Output goes to files,
    not pipes, so a chatty run never blocks on a full pipe while held; whatever
    is left after 120 s is killed."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "agent", *map(str, args)],
            stdout=out,
            stderr=err,
            text=True,
            env=env or agent_env(),
            start_new_session=True,
            preexec_fn=sigint_default,
        )
        try:
            try:
                wait_for(ready, what=what, alive=lambda: proc.poll() is None)
            except AssertionError as e:
                err.seek(0)
                raise AssertionError(f"{e}; its stderr ends: {err.read()[-2000:]}") from None
            sent = time.monotonic()
            if to_group:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
            proc.wait(timeout=120)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out.seek(0)
        err.seek(0)
        return Stopped(proc.returncode, out.read(), err.read(), took)


def set_test_timeout(folder: Path, seconds: float) -> None:
    """Give each test of the task in FOLDER `seconds` of wall time (task.toml's
    `[limits] timeout_s`, other settings kept): long while a held candidate
    must block far beyond a test's bound, short before a resume re-judges it."""
    toml = folder / "task.toml"
    text = toml.read_text() if toml.exists() else ""
    text = re.sub(r"(?m)^timeout_s\s*=.*\n?", "", text)
    if re.search(r"(?m)^\[limits\]\s*$", text):
        text = re.sub(r"(?m)^\[limits\]\s*$", f"[limits]\ntimeout_s = {seconds}", text, count=1)
    else:
        text = text.rstrip("\n") + f"\n[limits]\ntimeout_s = {seconds}\n"
    toml.write_text(text.lstrip("\n"))
