"""End to end on a program as users have it (tests/data/checksum_files): two C
files (the .s is one of them, main is in the other), arguments per test
(NAME.args, one with a quoted file name), input files opened by name
(NAME.files/) and an answer written to a file (`outputs`). `agent eval`,
`agent run` and `agent batch` work on it (resuming: tests/test_shapes.py);
bad input is one line and exit 2 with nothing left behind."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA, agent, needs_sandbox

pytestmark = needs_sandbox

EXAMPLE = DATA / "checksum_files"


@pytest.fixture
def task(tmp_path) -> Path:
    folder = tmp_path / "checksum_files"
    shutil.copytree(EXAMPLE, folder)
    return folder


def wrong_candidate(folder: Path) -> Path:
    """The baseline with one more `+1` in its checksum: it prints the same
    summary on stdout, so only out.txt tells it apart."""
    lines = (folder / "prog.s").read_text().splitlines(keepends=True)
    at = max(i for i, line in enumerate(lines) if line.strip().startswith("subq\t%rax, %rcx"))
    lines.insert(at + 1, "\taddq\t$1, %rcx\n")
    path = folder / "wrong.s"
    path.write_text("".join(lines))
    return path


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_eval_compares_the_output_file_and_shows_the_test_args(task):
    done = agent("eval", wrong_candidate(task), "--baseline", task / "prog.s", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["assembled"] and not report["correct"]
    failure = report["first_failure"]
    assert failure["reason"] == "wrong output file out.txt"
    assert failure["test"] == "small" and failure["args"] == "3 data.txt"
    assert failure["expected"] == "818\\n" and failure["diff"]


def test_eval_times_a_correct_candidate_on_its_args_and_files(task):
    cand = task / "o1.s"
    subprocess.run(["gcc", "-O1", "-S", "-o", cand, task / "src" / "hot.c"], check=True)
    done = agent(
        "eval", cand, "--baseline", task / "prog.s", "--json", "--max-seconds", "2",
        "--differential", "0",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["correct"] and report["tests"] == {"passed": 2, "total": 2}
    assert report["timing"]["pairs"] >= 1 and not report["timing"]["problem"]
    assert report["timed_test"]["name"] == "spaced"  # the slower test
    assert report["timed_test"]["args"] == ["40", "my data.txt"]


def test_run_and_batch(task, tmp_path):
    # Without `source` the built-in optimizer does not race compiler variants
    # of src/hot.c: a lighter run (what it does with a source: test_builtin_*).
    (task / "task.toml").write_text('others = ["src/main.c"]\noutputs = ["out.txt"]\n')
    out = tmp_path / "run"
    done = agent("run", task / "prog.s", "--out", out, "--best-of", "1", "--iterations", "1")
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["correct"] and report["tests"]["total"] == 2
    assert report["baseline"]["timing_args"] == ["40", "my data.txt"]
    assert "timing on spaced (args: 40 'my data.txt')" in done.stdout
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    measured = [e for e in events if e["kind"] == "baseline_measured"]
    assert measured[0]["timing_args"] == "40 'my data.txt'"

    suite = tmp_path / "suite"
    suite.mkdir()
    shutil.copytree(task, suite / "checksum")
    batch = tmp_path / "batch"
    done = agent("batch", suite, "--out", batch, "--best-of", "1", "--iterations", "1")
    assert done.returncode == 0, done.stderr
    (line,) = (batch / "results.jsonl").read_text().splitlines()
    result = json.loads(line)
    assert result["task"] == "checksum" and result["correct"], result


def test_an_args_line_that_does_not_parse(task):
    (task / "tests" / "small.args").write_text("3 'data.txt\n")
    line = one_error_line(agent("eval", task / "prog.s", "--baseline", task / "prog.s"))
    assert "small.args: cannot split the arguments: no closing quotation" in line


def test_an_other_that_does_not_compile_leaves_nothing_behind(task, tmp_path):
    (task / "src" / "main.c").write_text("int main(void) { return undeclared; }\n")
    before = sorted(task.rglob("*"))
    out = tmp_path / "run"
    line = one_error_line(agent("run", task / "prog.s", "--out", out))
    assert "src/main.c does not compile (cflags -O3)" in line
    assert "'undeclared' undeclared" in line
    assert not out.exists()
    assert sorted(task.rglob("*")) == before  # no object or temporary file beside the sources


def test_missing_files_are_named(task):
    (task / "task.toml").write_text('others = ["src/main.c", "src/gone.c"]\n')
    line = one_error_line(agent("eval", task / "prog.s", "--baseline", task / "prog.s"))
    assert line.endswith("task.toml: others: no such file: src/gone.c")
    (task / "task.toml").write_text('others = ["src/main.c"]\noutputs = ["out.txt"]\n')
    line = one_error_line(
        agent("eval", task / "prog.s", "--baseline", task / "prog.s", "--others", "nope.o")
    )
    assert "command line: others: no such file" in line and "nope.o" in line
    shutil.rmtree(task / "tests" / "small.files")
    done = agent("eval", task / "prog.s", "--baseline", task / "prog.s")
    line = one_error_line(done)  # the program cannot open its input: the baseline fails
    assert "the baseline fails" in line and "small" in line
