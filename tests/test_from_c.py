"""`agent task from-c`: a small multi-file C project with arguments -> a task
folder whose prog.s is the unit where the time goes, end to end in the sandbox."""

from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest

from tests.conftest import agent, needs_perf, needs_sandbox
from tools.errors import BadInput
from tools.from_c import Unit, load_cases, shares, split_args

# work() is a serial chain of multiplies: 10^8 steps take ~0.1 s or more on any
# machine we know, thousands of perf samples; main.c and util.c do next to nothing.
WORK_H = "unsigned long work(unsigned long n);\nint parse(const char *s);\n"
WORK_C = """#include "work.h"
unsigned long work(unsigned long n) {
    unsigned long x = 1;
    for (unsigned long i = 0; i < n; i++) x = x * 6364136223846793005UL + (x >> 13) + i;
    return x;
}
"""
UTIL_C = """#include <stdlib.h>
#include "work.h"
int parse(const char *s) { return atoi(s); }
"""
MAIN_C = """#include <stdio.h>
#include "work.h"
int main(int argc, char **argv) {
    if (argc < 2) { puts("usage: prog N"); return 1; }
    int m = parse(argv[1]);
    printf("%d %lu\\n", m, work((unsigned long)m * 1000UL));
    return 0;
}
"""


@pytest.fixture
def open_tmp():
    """A folder the sandbox's own uid can enter: `agent eval` compiles the
    task's others with their folders bound into the sandbox, and pytest's
    tmp_path lies under a folder only its owner may enter."""
    folder = Path(tempfile.mkdtemp(prefix="from-c-test-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def project(root: Path, **files: str) -> Path:
    src = root / "proj"
    src.mkdir()
    for name, text in {
        "work.h": WORK_H,
        "work.c": WORK_C,
        "util.c": UTIL_C,
        "main.c": MAIN_C,
        **files,
    }.items():
        (src / name).write_text(text)
    return src


@needs_sandbox
@needs_perf
def test_from_c_picks_the_hot_unit_and_writes_a_task_that_runs(open_tmp):
    src = project(open_tmp)
    out = open_tmp / "task"
    done = agent("task", "from-c", src, "--args", "100000", "--args", "7", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "-> " in done.stdout and "src/work.c" in done.stdout
    assert "chose src/work.c: it holds the most samples" in done.stdout
    for unit in ("src/main.c", "src/util.c", "outside the program"):
        assert unit in done.stdout  # every unit's share is shown
    prog = (out / "prog.s").read_text()
    assert "work:" in prog and "main:" not in prog
    settings = tomllib.loads((out / "task.toml").read_text())
    assert settings["source"] == "src/work.c"
    assert sorted(settings["others"]) == ["src/main.c", "src/util.c"]
    assert settings["cflags"] == ["-O3"] and settings["link_flags"] == ["-lm"]
    assert "args" not in settings  # the two cases differ: each has its NAME.args
    assert (out / "src" / "work.h").is_file()  # the headers travel with the sources
    assert (out / "tests" / "t1.args").read_text().strip() == "100000"
    assert (out / "tests" / "t2.args").read_text().strip() == "7"
    expected = (out / "tests" / "t2.out").read_text()
    assert expected.startswith("7 ") and (out / "tests" / "t1.out").read_text().startswith(
        "100000 "
    )
    # The folder is a task the harness takes: the baseline builds with its
    # others, passes its own tests, and is itself the same program.
    done = agent(
        "eval", out / "prog.s", "--baseline", out / "prog.s", "--json",
        "--differential", "0", "--no-profile",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["correct"] and report["tests"] == {"passed": 2, "total": 2}


@needs_sandbox
def test_from_c_hot_overrides_and_one_args_is_the_default(tmp_path):
    src = project(tmp_path)
    out = tmp_path / "task"
    done = agent(
        "task", "from-c", src / "main.c", src / "work.c", src / "util.c",
        "--args", "3", "--hot", src / "util.c", "--compare", "float", "--out", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "chose src/util.c: named by --hot" in done.stdout
    settings = tomllib.loads((out / "task.toml").read_text())
    assert settings["source"] == "src/util.c" and settings["args"] == ["3"]
    assert settings["compare"] == {"mode": "float"}
    assert not (out / "tests" / "t1.args").exists()
    assert (out / "tests" / "t1.in").read_bytes() == b""


@needs_sandbox
@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({"util.c": "int parse(const char *s) { return s[0] +; }\n"}, [], "does not compile"),
        ({}, [], "fails on case t1 (exit status 1"),  # no argument: usage, exit 1
        ({}, ["--args", "'unbalanced"], "cannot split"),
        ({}, ["--args", "1", "--hot", "nowhere.c"], "--hot nowhere.c: not one of"),
    ],
)
def test_from_c_bad_input_is_one_line_and_leaves_nothing(tmp_path, files, extra, message):
    src = project(tmp_path, **files)
    out = tmp_path / "task"
    done = agent("task", "from-c", src, *extra, "--out", out)
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]  # after "compiling ..." when it got there
    assert last.startswith("agent: error: ") and message in last
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj"]  # no temporary left


@needs_sandbox
def test_from_c_refuses_a_folder_that_is_not_empty(tmp_path):
    src = project(tmp_path)
    out = tmp_path / "task"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    done = agent("task", "from-c", src, "--args", "1", "--out", out)
    assert done.returncode == 2 and "already exists and is not empty" in done.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_cases_from_an_inputs_folder(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.in").write_text("1 2\n")
    (inputs / "b.args").write_text("-n 'two words'\n")
    (inputs / "b.files").mkdir()
    (inputs / "b.files" / "data.txt").write_text("x")
    cases = load_cases(["--fast"], inputs)
    assert [(c.name, c.args, c.stdin) for c in cases] == [
        ("a", ("--fast",), b"1 2\n"),
        ("b", ("-n", "two words"), b""),
    ]
    assert cases[1].files == {"data.txt": b"x"}
    with pytest.raises(BadInput, match="at most one --args"):
        load_cases(["1", "2"], inputs)
    assert split_args('-x "a b"') == ("-x", "a b")


def test_shares_give_each_unit_its_functions_samples():
    units = [Unit(Path("a.c"), "src/a.c", "", ("hot", "hot.cold")), Unit(Path("b.c"), "src/b.c")]
    counts = {("prog", "hot"): 60, ("prog", "hot.part.0"): 20, ("libc.so.6", "memcpy"): 20}
    pct, top, total = shares(units, counts)
    assert total == 100
    assert pct == {"src/a.c": 80.0, "src/b.c": 0.0, "outside the program": 20.0}
    assert top["src/a.c"][0] == ("hot", 60.0)


READER_C = r"""#include <stdio.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror("open"); return 2; }
    int c, n = 0, k = 0;
    while ((c = fgetc(f)) != EOF) n += c;
    if (scanf("%d", &k) != 1) k = -1;
    printf("%d %d\n", n, k);
    return 0;
}
"""


@needs_sandbox
def test_from_c_cases_with_input_files(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "reader.c").write_text(READER_C)
    inputs = tmp_path / "inputs"
    (inputs / "c1.files" / "sub").mkdir(parents=True)
    (inputs / "c1.files" / "sub" / "data.txt").write_text("hello\n")
    (inputs / "c1.args").write_text("sub/data.txt\n")
    (inputs / "c1.in").write_text("42\n")
    out = tmp_path / "task"
    done = agent("task", "from-c", tmp_path / "src", "--inputs", inputs, "--out", out)
    assert done.returncode == 0, done.stderr
    assert (out / "tests" / "c1.out").read_text() == "542 42\n"  # read the file, and stdin
    assert (out / "tests" / "c1.args").read_text() == "sub/data.txt\n"
    assert (out / "tests" / "c1.files" / "sub" / "data.txt").read_text() == "hello\n"
    assert (out / "tests" / "c1.in").read_text() == "42\n"


def test_regeneration_compiles_the_source_as_the_project_does(tmp_path):
    """The built-in's compiler variants keep the task's own -D/-I flags and find
    the headers beside the source (a from-c task's source is src/NAME.c)."""
    from agent.builtin.compiler import source_flags
    from tools.task import Task

    task = Task(
        name="t",
        asm="",
        tests=(),
        root=tmp_path,
        cflags=("-O3", "-DTORONTO", "-Iinc", "-I", "more", "-march=native", "-g"),
        source_path=tmp_path / "src" / "hot.c",
    )
    assert source_flags(task) == [
        "-DTORONTO",
        f"-I{tmp_path / 'inc'}",
        "-I",
        str(tmp_path / "more"),
        "-iquote",
        str(tmp_path / "src"),
    ]
