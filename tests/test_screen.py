"""tools/screen.py: valgrind memcheck and an ASan+UBSan build, in the sandbox,
report undefined behaviour that agreeing -O0/-O3 outputs hide."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import needs_sandbox
from tools.sandbox import Sandbox
from tools.screen import screen

needs_valgrind = pytest.mark.skipif(shutil.which("valgrind") is None, reason="no valgrind")

# Prints a[7] after setting a[0..3]: -O0 and -O3 both printed 0 here.
UNINIT = """#include <stdio.h>
int main(void) {
    int a[10], n;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n && i < 10; i++) a[i] = i;
    printf("%d\\n", a[7]);
    return 0;
}
"""
OVERFLOW = """#include <stdio.h>
int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    int m = n + 1;
    printf("%d\\n", m > n);
    return 0;
}
"""
OUT_OF_BOUNDS = """#include <stdio.h>
int a[4];
int main(void) { int n; if (scanf("%d", &n) != 1) return 1; printf("%d\\n", a[n]); return 0; }
"""
# No undefined behaviour on any input. Past 10^8 it first waits 60 s: slow on
# any machine (a large loop alone finished within 1 s on a fast one).
CLEAN = """#include <math.h>
#include <stdio.h>
#include <time.h>
int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    if (n > 100000000) {
        struct timespec t = {60, 0};
        nanosleep(&t, NULL);
    }
    double s = 0;
    for (int i = 1; i <= n; i++) s += sqrt(i);
    printf("%.3f\\n", s);
    return 0;
}
"""


@needs_valgrind
@needs_sandbox
def test_memcheck_reports_an_uninitialised_read_with_its_line():
    reason = screen(UNINIT, [("small", b"4\n")], Sandbox())
    assert reason.startswith("memcheck on small: ")
    assert "uninitialised value" in reason and "(prog.c:6)" in reason


@needs_valgrind
@needs_sandbox
def test_the_sanitizers_report_signed_overflow_and_out_of_bounds():
    sandbox = Sandbox()
    overflow = screen(OVERFLOW, [("ok", b"5\n"), ("max", b"2147483647\n")], sandbox)
    assert overflow.startswith("sanitizers on max: signed integer overflow"), overflow
    assert "(prog.c:5)" in overflow
    bounds = screen(OUT_OF_BOUNDS, [("1", b"4\n")], sandbox)
    assert bounds.startswith("sanitizers on 1: ") and "out of bounds" in bounds, bounds


@needs_valgrind
@needs_sandbox
def test_a_clean_program_passes_and_a_slow_one_is_not_called_clean():
    from tools.screen import ScreenOptions

    sandbox = Sandbox()
    assert screen(CLEAN, [("1", b"1000\n"), ("2", b"5\n")], sandbox, ("-lm",)) == ""
    slow = screen(CLEAN, [("big", b"400000000\n")], sandbox, ("-lm",), ScreenOptions(timeout_s=1))
    assert slow == "sanitizers did not finish on big within 1 s"


def _records(path, programs: dict[str, tuple[str, list[str]]]):
    import json
    import subprocess

    with path.open("w") as f:
        for name, (code, inputs) in programs.items():
            o0 = subprocess.run(
                ["gcc", "-O0", "-S", "-o", "-", "-x", "c", "-"],
                input=code,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            binary = path.with_name(name)
            subprocess.run(
                ["gcc", "-O0", "-o", binary, "-x", "c", "-", "-lm"],
                input=code,
                text=True,
                check=True,
            )
            outputs = [
                subprocess.run([binary], input=i, capture_output=True, text=True).stdout
                for i in inputs
            ]
            info = {"inputs": inputs, "outputs": outputs, "c_code": code}
            info["unoptimized_assembly"] = o0
            f.write(json.dumps({"problem_id": name, "extra_info": info}) + "\n")
    return path


@needs_valgrind
@needs_sandbox
def test_batch_screening_turns_an_undefined_record_into_an_error_and_keeps_the_rest(tmp_path):
    from agent.batch.jobs import discover
    from agent.batch.screen import PREFIX, screen_jobs

    data = _records(
        tmp_path / "records.jsonl",
        {"uninit": (UNINIT, ["4\n", "2\n"]), "clean": (CLEAN, ["100\n"])},
    )
    jobs = {j.name: j for j in screen_jobs(discover(data), workers=2)}
    assert jobs["clean"].error is None
    reason = jobs["uninit"].error
    assert reason.startswith(PREFIX + "memcheck on ") and "uninitialised" in reason, reason


@needs_valgrind
@needs_sandbox
def test_agent_batch_screen_leaves_out_the_undefined_record_with_its_reason(tmp_path):
    from tests.llm_servers import OpenAIServer, Reply
    from tests.test_batch import agent, model_args, results

    data = _records(
        tmp_path / "records.jsonl",
        {"uninit": (UNINIT, ["4\n"]), "clean": (CLEAN, ["100\n"])},
    )
    with OpenAIServer(lambda body: Reply("I cannot improve this.")) as server:
        done = agent("batch", data, "--screen", *model_args(server), "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    lines = results(tmp_path / "out")
    assert lines["clean"]["status"] == "done"
    assert lines["uninit"]["status"] == "error"
    assert lines["uninit"]["error"].startswith("left out by --screen: memcheck on ")


def test_without_valgrind_the_build_says_so_once(tmp_path, monkeypatch):
    from tools import screen as screening
    from tools.errors import BadInput

    monkeypatch.setattr(screening.shutil, "which", lambda name: None)
    with pytest.raises(BadInput, match="valgrind is not installed"):
        screening.check_tools()
