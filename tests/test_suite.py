"""`agent suite build`: C programs with inputs -> task folders `agent batch` runs,
and every dropped program listed with its reason."""

from __future__ import annotations

import json

from tests.conftest import needs_sandbox
from tests.llm_servers import OpenAIServer, Reply
from tests.test_batch import agent, model_args, results

SUM = """#include <stdio.h>
int main(void) { long s = 0, x; while (scanf("%ld", &x) == 1) s += x; printf("%ld\\n", s); }
"""
SQUARES = """#include <stdio.h>
int main(void) { int n; scanf("%d", &n); for (int i = 1; i <= n; i++) printf("%d\\n", i * i); }
"""
PROGRAMS = {
    "bad_syntax": "int main(void) { return 0 }\n",
    "crash": '#include <stdio.h>\nint main(void) { int *p = 0; scanf("%d", p); return *p; }\n',
    "exit_1": "int main(void) { return 1; }\n",
    "forever": "int main(void) { for (volatile int i = 0;; i++) ; }\n",
    "nondeterministic": """#include <stdio.h>
#include <time.h>
int main(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); printf("%ld\\n", t.tv_nsec); }
""",
    "aliasing_ub": """#include <stdio.h>
static int f(int *a, float *b) { *a = 1; *b = 0.0f; return *a; }
int main(void) { int x; scanf("%d", &x); printf("%d\\n", f(&x, (float *)&x)); }
""",
    "no_inputs": SUM,
    # Undefined behaviour that -O0 and -O3 agree on (checked below): only the
    # screening (memcheck, then the sanitizers) can drop these.
    "uninitialised": """#include <stdio.h>
int main(void) {
    int a[10], n;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < 4; i++) a[i] = n;
    printf("%d\\n", a[7]);
    return 0;
}
""",
    "signed_overflow": """#include <stdio.h>
int main(void) { int n; if (scanf("%d", &n) != 1) return 1; int m = n + 1; printf("%d\\n", m); }
""",
}
REASONS = {
    "bad_syntax": "does not compile",
    "crash": "crashes on 1 (killed by SIGSEGV)",
    "exit_1": "crashes on 1 (exit status 1)",
    "forever": "times out on 1",
    "nondeterministic": "prints different output across two runs on 1",
    "aliasing_ub": "prints different output at -O0 and -O3 on 1",
    "no_inputs": "no input files",
    "wrong_expected": "output differs from the given 1.out",
    "uninitialised": "memcheck on 1: conditional jump or move depends on uninitialised value(s)",
    "signed_overflow": "sanitizers on 1: signed integer overflow: 2147483647 + 1 cannot be",
}


def make_sources(src):
    src.mkdir()
    (src / "sum.c").write_text(SUM)  # NAME.c + NAME/*.in
    (src / "sum").mkdir()
    (src / "sum" / "1.in").write_text("1 2 3\n")
    (src / "sum" / "2.in").write_text("40 2\n")
    (src / "squares" / "tests").mkdir(parents=True)  # a folder per program
    (src / "squares" / "prog.c").write_text(SQUARES)
    (src / "squares" / "tests" / "small.in").write_text("3\n")
    (src / "squares" / "tests" / "small.out").write_text("1\n4\n9\n")  # agrees
    (src / "wrong_expected").mkdir()
    (src / "wrong_expected" / "prog.c").write_text(SQUARES)
    (src / "wrong_expected" / "1.in").write_text("2\n")
    (src / "wrong_expected" / "1.out").write_text("1\n5\n")
    for name, code in PROGRAMS.items():
        (src / f"{name}.c").write_text(code)
        if name != "no_inputs":
            (src / name).mkdir()
            (src / name / "1.in").write_text("2147483647\n")


@needs_sandbox
def test_suite_build_keeps_good_programs_and_says_why_it_drops_the_rest(tmp_path):
    src, suite = tmp_path / "src", tmp_path / "suite"
    make_sources(src)
    done = agent("suite", "build", src, "--out", suite, "--timeout", 1)
    assert done.returncode == 0, done.stderr
    dropped = {d["name"]: d["reason"] for d in json.loads((suite / "dropped.json").read_text())}
    assert set(dropped) == set(REASONS)
    for name, reason in REASONS.items():
        assert reason in dropped[name], (name, dropped[name])
        assert f"dropped  {name}: " in done.stdout
    assert "2 tasks in" in done.stdout and "10 dropped" in done.stdout
    assert sorted(p.name for p in suite.iterdir() if p.is_dir()) == ["squares", "sum"]
    assert (suite / "sum" / "tests" / "2.out").read_text() == "42\n"
    assert (suite / "squares" / "tests" / "small.out").read_text() == "1\n4\n9\n"
    assert "main:" in (suite / "sum" / "prog.s").read_text()

    out = tmp_path / "out"
    with OpenAIServer(lambda body: Reply("I cannot improve this.")) as server:
        ran = agent("batch", suite, "--workers", 2, *model_args(server), "--out", out)
    assert ran.returncode == 0, ran.stderr
    lines = results(out)
    assert sorted(lines) == ["squares", "sum"]
    assert all(x["status"] == "done" and x["tests"]["total"] >= 1 for x in lines.values())
    assert all(not x["model_correct"] for x in lines.values())
    assert json.loads((out / "summary.json").read_text())["tasks"] == 2


def test_suite_build_refuses_a_folder_without_programs(tmp_path):
    (tmp_path / "empty").mkdir()
    done = agent("suite", "build", tmp_path / "empty", "--out", tmp_path / "suite")
    assert done.returncode == 2 and "no C programs" in done.stderr


@needs_sandbox
def test_the_undefined_programs_print_the_same_at_o0_and_o3():
    """So the -O0/-O3 comparison alone would keep them (the screening is needed)."""
    from tools.build import build
    from tools.sandbox import Sandbox
    from tools.task import Task, rebuild_baseline

    sandbox = Sandbox()
    for name in ("uninitialised", "signed_overflow"):
        shell = Task(name=name, asm="", tests=(), source=PROGRAMS[name])
        binaries = [build(rebuild_baseline(shell, o).asm, sandbox).binary for o in ("-O0", "-O3")]
        with sandbox.session(binaries) as session:
            session.set_input(b"2147483647\n")
            o0, o3 = session.run(0), session.run(1)
        assert o0.ok and o3.ok and o0.stdout == o3.stdout, name


@needs_sandbox
def test_no_screen_keeps_what_only_the_screening_would_drop(tmp_path):
    src = tmp_path / "src"
    (src / "uninitialised").mkdir(parents=True)
    (src / "uninitialised" / "prog.c").write_text(PROGRAMS["uninitialised"])
    (src / "uninitialised" / "1.in").write_text("2147483647\n")
    done = agent("suite", "build", src, "--out", tmp_path / "suite", "--no-screen")
    assert done.returncode == 0, done.stderr
    assert "1 tasks in" in done.stdout and "0 dropped" in done.stdout
    assert json.loads((tmp_path / "suite" / "suite.json").read_text())["screened"] == "no"
