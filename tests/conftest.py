"""Shared test helpers: skip markers for machines without the sandbox or perf."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
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
