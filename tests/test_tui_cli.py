"""`agent tui` on the command line: its options, and bad input before any screen."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLES

PROG = EXAMPLES / "collatz" / "prog.s"


def agent(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agent", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_tui_takes_the_options_of_run_and_open():
    done = agent("tui", "--help")
    assert done.returncode == 0
    for option in ("--model", "--best-of", "--iterations", "--base-url", "--out", "--open"):
        assert option in done.stdout
    assert "--resume" not in done.stdout


def test_bad_input_exits_2_with_one_line(tmp_path):
    cases = [
        (["tui"], "give PROGRAM.s, or --open RUN_DIR"),
        (["tui", PROG, "--open", tmp_path], "not both"),
        (["tui", "--open", tmp_path / "nothing"], "is not a run folder"),
        (["tui", PROG, "--model", "mystery", "--out", tmp_path / "run"], "unknown model"),
    ]
    for args, message in cases:
        done = agent(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "run").exists()  # nothing written for a bad model
