"""Real program shapes, piece by piece: arguments (NAME.args, task.toml `args`),
input files (NAME.files/), output files (`outputs`), several translation units
(`others`, `cflags`, `source`) and the runner that gives all of that to each
run. End to end through the CLI: tests/test_shapes_e2e.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import needs_sandbox
from tools.errors import BadInput
from tools.inputgen import RunShapes
from tools.task import TestCase, load_task, load_tests, parse_args_line, parse_task_toml

ASM_MAIN = "\t.globl\tmain\nmain:\n\txorl\t%eax, %eax\n\tret\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


# -- arguments -----------------------------------------------------------------


def test_args_split_as_a_shell_would_without_expansion():
    line = """-n 10 'two words' "double \\"q\\"" back\\ slash $HOME *.txt ~ """
    assert parse_args_line(line, "t.args") == (
        "-n",
        "10",
        "two words",
        'double "q"',
        "back slash",
        "$HOME",
        "*.txt",
        "~",
    )
    assert parse_args_line("", "t.args") == ()
    assert parse_args_line("  \n", "t.args") == ()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("3 'data.txt\n", "no closing quotation"),
        ("trailing\\", "no escaped character"),
        ("one\ntwo\n", "2 lines"),
    ],
)
def test_an_args_line_that_does_not_parse_names_the_file(tmp_path, text, why):
    tests = tmp_path / "tests"
    write(tests / "t1.args", text)
    with pytest.raises(BadInput) as err:
        load_tests(tests)
    assert str(tests / "t1.args") in str(err.value)
    assert why in str(err.value)
    assert "\n" not in str(err.value)


def test_args_make_in_optional_and_task_args_are_the_default(tmp_path):
    tests = tmp_path / "tests"
    write(tests / "a.args", "5 'x y'\n")  # no a.in: empty stdin
    write(tests / "b.in", "1 2\n")  # no b.args: the task's args
    write(tests / "c.files" / "data.txt", "42\n")  # input files alone make a test
    loaded = {t.name: t for t in load_tests(tests, args=("-v",))}
    assert loaded["a"].input == b"" and loaded["a"].args == ("5", "x y")
    assert loaded["b"].args == ("-v",)
    assert loaded["c"].files == (("data.txt", b"42\n"),) and loaded["c"].args == ("-v",)
    assert all(t.expected is None for t in loaded.values())  # the original's output is the truth
    assert loaded["a"].shown_args == "5 'x y'"


def test_a_test_with_args_but_no_out_is_unpaired(tmp_path):
    tests = tmp_path / "tests"
    write(tests / "a.in", "1\n")
    write(tests / "a.out", "1\n")
    write(tests / "b.args", "7\n")
    with pytest.raises(BadInput, match=r"b\.args has no b\.out"):
        load_tests(tests)


def test_input_files_keep_subfolders_and_are_bounded(tmp_path):
    tests = tmp_path / "tests"
    write(tests / "t.files" / "sub" / "deep.bin", b"\x00\x01")
    write(tests / "t.files" / "top.txt", "top\n")
    (test,) = load_tests(tests)
    assert dict(test.files) == {"sub/deep.bin": b"\x00\x01", "top.txt": b"top\n"}
    write(tests / "t.files" / "big", b"x" * 5000)
    with pytest.raises(BadInput, match=r"input files over .*limits\.file_mb"):
        load_tests(tests, files_limit=4000)


# -- task.toml -----------------------------------------------------------------


def test_shape_keys_in_task_toml(tmp_path):
    write(tmp_path / "prog.s", ASM_MAIN)
    write(tmp_path / "src" / "a.c", "int f(void) { return 1; }\n")
    write(tmp_path / "src" / "hot.c", "int main(void) { return 0; }\n")
    write(
        tmp_path / "task.toml",
        'args = ["-n", "3"]\nothers = ["src/a.c"]\ncflags = "-O2 -DX=1"\n'
        'source = "src/hot.c"\noutputs = ["out.txt", "res/b.txt"]\nfunction = "hot"\n',
    )
    task = load_task(tmp_path / "prog.s")
    assert task.args == ("-n", "3")
    assert task.tests[0].args == ("-n", "3")  # no tests folder: one empty input, the args
    assert task.others == ((tmp_path / "src" / "a.c").absolute(),)
    assert task.cflags == ("-O2", "-DX=1")
    assert task.source_path == (tmp_path / "src" / "hot.c").absolute()
    assert task.source == "int main(void) { return 0; }\n"
    assert task.outputs == ("out.txt", "res/b.txt")
    assert task.function == "hot"
    assert not task.needs_main  # the others may hold main
    # the command line replaces the file's values
    again = load_task(tmp_path / "prog.s", shape={"args": "1 2", "outputs": ["o.txt"]})
    assert again.args == ("1", "2") and again.outputs == ("o.txt",)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('others = ["src/missing.c"]', "others: no such file: src/missing.c"),
        ('others = ["prog.s"]', "is not a .c or .o file"),
        ('others = "a.c"', "others must be a list of strings"),
        ('source = "nope.c"', "source: no such file: nope.c"),
        ('outputs = ["../escape.txt"]', "must be a relative path inside the working directory"),
        ('outputs = ["/etc/passwd"]', "must be a relative path"),
        ("function = 3", "function must be a non-empty string"),
        ('args = "\'open"', "args: cannot split the arguments: no closing quotation"),
        ("args = [1, 2]", "args must be a list of strings"),
    ],
)
def test_bad_shape_keys_are_one_line_errors_naming_the_file(tmp_path, toml, message):
    write(tmp_path / "prog.s", ASM_MAIN)
    path = write(tmp_path / "task.toml", toml + "\n")
    with pytest.raises(BadInput) as err:
        parse_task_toml(path)
    assert str(path) in str(err.value) and message in str(err.value)


# -- the runner: args, input files, output files ----------------------------------

PROBE_C = r"""
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) printf("[%s]", argv[i]);
    char buf[64] = {0};
    FILE *f = fopen("in/data.txt", "r");
    if (f) { fgets(buf, sizeof buf, f); fclose(f); }
    printf(" data=%s", buf);
    printf(" writable=%d", fopen("in/data.txt", "a") != NULL);
    unlink("in/data.txt");  /* the next run must get it back */
    if (argc > 1 && strcmp(argv[1], "write") == 0) {
        FILE *o = fopen("out.txt", "w");
        fprintf(o, "answer %d\n", argc);
        fclose(o);
    }
    printf("\n");
    return 0;
}
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("probe")
    write(folder / "probe.c", PROBE_C)
    subprocess.run(["gcc", "-O1", "-o", folder / "probe", folder / "probe.c"], check=True)
    return (folder / "probe").read_bytes()


@needs_sandbox
def test_runner_gives_args_and_fresh_read_only_files_and_reads_outputs(probe):
    from tools.sandbox import Sandbox

    test = TestCase("t", b"", None, ("write", "a b", "$HOME"), (("in/data.txt", b"hello"),))
    with Sandbox().session([probe], room=100) as session:
        session.set_test(test, ("out.txt", "never.txt"))
        first, second = session.run(0), session.run(0)
        session.set_test(TestCase("u", b"", None, ("plain",)), ("out.txt",))
        third = session.run(0)
    assert first.stdout == b"[write][a b][$HOME] data=hello writable=0\n"
    assert second.stdout == first.stdout  # the deleted input file came back
    assert first.files == (("out.txt", b"answer 4\n"), ("never.txt", None))
    assert second.out_hash == first.out_hash
    assert third.stdout == b"[plain] data= writable=0\n"
    assert third.files == (("out.txt", None),)  # nothing left over from the earlier runs


@needs_sandbox
def test_the_hash_covers_output_files(probe):
    """Timing checks each run by hash: a run that writes another file must not pass."""
    from tools.sandbox import Sandbox

    with Sandbox().session([probe]) as session:
        session.set_test(TestCase("t", b"", None, ("write",)), ("out.txt",))
        a = session.run(0, send_output=False)
        session.set_test(TestCase("t", b"", None, ("write", "x")), ("out.txt",))
        b = session.run(0, send_output=False)
        session.set_test(TestCase("t", b"", None, ("write", "x")), ())
        c = session.run(0, send_output=False)
    assert a.files == () and a.out_len == b.out_len - 3
    assert len({a.out_hash, b.out_hash, c.out_hash}) == 3


# -- several translation units ------------------------------------------------------

HOT_C = "long twice(long x) { return 2 * x; }\n"
MAIN_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include "hot.h"
int main(int argc, char **argv) {
    printf("%ld\n", twice(argc > 1 ? atol(argv[1]) : 0));
    return 0;
}
"""


def _multi_file_task(tmp_path: Path, main_c: str = MAIN_C) -> Path:
    write(tmp_path / "src" / "hot.c", HOT_C)
    write(tmp_path / "include" / "hot.h", "long twice(long x);\n")
    write(tmp_path / "src" / "main.c", main_c)
    asm = subprocess.run(
        ["gcc", "-O2", "-S", "-o", "-", tmp_path / "src" / "hot.c"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    write(tmp_path / "prog.s", asm)
    write(
        tmp_path / "task.toml",
        'others = ["src/main.c"]\ncflags = ["-O2", "-Iinclude"]\nsource = "src/hot.c"\n',
    )
    write(tmp_path / "tests" / "a.args", "21\n")
    write(tmp_path / "tests" / "b.args", "-4\n")
    return tmp_path


@needs_sandbox
def test_others_are_compiled_in_the_sandbox_and_linked(tmp_path):
    from tools.evaluate import prepare_baseline
    from tools.sandbox import Sandbox

    task = load_task(_multi_file_task(tmp_path) / "prog.s")
    assert task.needs_main is False
    base = prepare_baseline(task, Sandbox(task.limits), with_profile=False)
    assert [name for name, _ in base.task.objects] == ["main.o"]
    assert [t.expected for t in base.task.tests] == [b"42\n", b"-8\n"]


@needs_sandbox
def test_an_other_that_does_not_compile_is_bad_input_and_leaves_nothing(tmp_path):
    from tools.build import compile_others
    from tools.sandbox import Sandbox

    folder = _multi_file_task(tmp_path / "task", main_c="int main( {\n")
    task = load_task(folder / "prog.s")
    for mode in ("bwrap", "none"):
        before = set(Path("/tmp").glob("asm-superopt-*"))
        with pytest.raises(BadInput) as err:
            compile_others(task, Sandbox(task.limits, mode, warn=lambda msg: None))
        message = str(err.value)
        assert "main.c does not compile" in message and "error:" in message
        assert "\n" not in message
        assert set(Path("/tmp").glob("asm-superopt-*")) <= before
    assert sorted(p.name for p in (folder / "src").iterdir()) == ["hot.c", "main.c"]


# -- differential testing: how arguments vary ----------------------------------------


def test_integer_arguments_vary_within_the_tests_range_only():
    tests = (
        TestCase("a", b"", None, ("10", "in.txt", "-q"), (("in.txt", b"1"),)),
        TestCase("b", b"", None, ("1000", "other.txt", "-q"), (("other.txt", b"2"),)),
    )
    shapes = RunShapes(tests, seed=3)
    assert shapes.varies
    seen = set()
    for index in range(200):
        args, files = shapes.of(index)
        assert 10 <= int(args[0]) <= 1000
        assert args[2] == "-q"  # not an integer: never varied
        assert (args[1], files) in {("in.txt", tests[0].files), ("other.txt", tests[1].files)}
        seen.add(int(args[0]))
        assert shapes.of(index) == (args, files)  # reproducible one by one
    assert len(seen) > 20 and 1000 in seen  # large inputs take the largest
    assert "argument 1 in 10..1000" in shapes.describe()
    fixed = RunShapes((TestCase("a", b"", None, ("5",)), TestCase("b", b"1", None, ("5",))))
    assert not fixed.varies and fixed.of(7) == (("5",), ())
    assert "not varied" in fixed.describe()


SUM_C = r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    long n = atol(argv[1]), s = 0;
    for (long i = 1; i <= n; i++) s += i;
    printf("%ld\n", s);
    return 0;
}
"""
# Right on the given tests' arguments (10 and 100), wrong anywhere else.
CHEAT_C = r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    long n = atol(argv[1]);
    printf("%ld\n", n == 10 ? 55L : n == 100 ? 5050L : n * n / 2);
    return 0;
}
"""


@needs_sandbox
def test_differential_varies_arguments_and_catches_a_candidate_tuned_to_them(tmp_path):
    from tools.differential import DiffOptions, clear_cache, differential
    from tools.sandbox import Sandbox
    from tools.task import Task

    binaries = []
    for name, text in (("sum", SUM_C), ("cheat", CHEAT_C)):
        write(tmp_path / f"{name}.c", text)
        subprocess.run(["gcc", "-O1", "-o", tmp_path / name, tmp_path / f"{name}.c"], check=True)
        binaries.append((tmp_path / name).read_bytes())
    tests = (TestCase("a", b"", b"55\n", ("10",)), TestCase("b", b"", b"5050\n", ("100",)))
    task = Task(name="sum", asm="", tests=tests)
    clear_cache()
    options = DiffOptions(inputs=30, seconds=60, save_dir=tmp_path / "found")
    same = differential(binaries[0], binaries[0], task, Sandbox(), digest="sum", options=options)
    assert same.ok and same.checked == 30
    assert "integers redrawn within their range" in same.arguments
    caught = differential(binaries[0], binaries[1], task, Sandbox(), digest="sum", options=options)
    assert caught.mismatches >= 1 and not caught.ok
    cex = caught.counterexample
    assert cex["args"] not in ("10", "100") and 10 <= int(cex["args"]) <= 100
    saved = Path(cex["saved"])
    assert saved.with_suffix(".args").read_text() == cex["args"] + "\n"


# -- the command line, resuming, and what reports show ---------------------------------


def test_command_line_shape_keys_survive_a_resume_from_another_folder(tmp_path, monkeypatch):
    from agent.config import RunConfig
    from agent.run import load_request, save_request, shape_from_options

    folder = _multi_file_task(tmp_path / "task")
    (folder / "task.toml").write_text("")  # everything from the command line
    monkeypatch.chdir(folder)
    options = {
        "shape_args": "-v 'a b'",
        "shape_others": (Path("src/main.c"),),
        "shape_cflags": "-O2 -Iinclude",
        "shape_outputs": (),
        "model": None,
    }
    shape = shape_from_options(options)
    assert options == {"model": None}  # the rest is the run's configuration
    save_request(tmp_path / "run", folder / "prog.s", None, None, RunConfig(), shape)
    monkeypatch.chdir(tmp_path)
    task, _ = load_request(tmp_path / "run")
    assert task.args == ("-v", "a b")
    assert task.others == ((folder / "src" / "main.c").absolute(),)
    assert task.cflags == ("-O2", "-Iinclude") and task.outputs == ()
    assert [t.args for t in task.tests] == [("21",), ("-4",)]  # NAME.args win


def test_the_timed_tests_arguments_are_shown():
    from agent import events as ev
    from tools.evaluate import timed_test

    event = ev.BaselineMeasured(
        tests=2, timing_test="spaced", cpu_ms=1.0, timing_args="40 'my data.txt'"
    )
    assert event.timing_shown == "spaced (args: 40 'my data.txt')"
    assert ev.BaselineMeasured(tests=1, timing_test="t1", cpu_ms=1.0).timing_shown == "t1"
    test = TestCase("spaced", b"", None, ("40", "my data.txt"))
    assert timed_test(test) == {
        "name": "spaced",
        "args": ["40", "my data.txt"],
        "shown_args": "40 'my data.txt'",
    }


def test_output_files_count_when_asking_whether_output_depends_on_the_input():
    """A program that prints nothing and writes its answer to a file is not
    input-independent (which would verify it after three generated inputs)."""
    from tools.differential import _same_on_tests
    from tools.task import Task

    tests = tuple(
        TestCase(n, n.encode(), b"", expected_files=(("out.txt", n.encode()),)) for n in "ab"
    )
    task = Task(name="quiet", asm="", tests=tests, outputs=("out.txt",))
    assert not _same_on_tests(task, frozenset({0}))
    same = tuple(TestCase(n, n.encode(), b"", expected_files=(("out.txt", b"x"),)) for n in "ab")
    assert _same_on_tests(Task(name="q", asm="", tests=same, outputs=("out.txt",)), frozenset({0}))


HOSTILE_OUTPUTS_C = r"""
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
    symlink("/proc/self/environ", "link.txt");  /* read back, it would leak */
    mkfifo("fifo.txt", 0600);                   /* read back, it would block */
    mkdir("dir.txt", 0700);
    return 0;
}
"""


@needs_sandbox
def test_output_files_that_are_not_regular_files_are_not_followed(tmp_path):
    from tools.sandbox import Sandbox

    write(tmp_path / "h.c", HOSTILE_OUTPUTS_C)
    subprocess.run(["gcc", "-O1", "-o", tmp_path / "h", tmp_path / "h.c"], check=True)
    names = ("link.txt", "fifo.txt", "dir.txt")
    with Sandbox().session([(tmp_path / "h").read_bytes()]) as session:
        session.set_test(TestCase("t", b"", None), names)
        run = session.run(0)
    assert run.exit_code == 0 and not run.timed_out
    assert run.files == tuple((name, None) for name in names)


MEMO_C = r"""
#include <stdio.h>
#include <unistd.h>
int main(void) {
    const char *places[] = {"/memo", "/sb/memo", "/tmp/memo", "here"};
    for (int i = 0; i < 4; i++) {
        printf("%s:%s ", places[i], access(places[i], F_OK) == 0 ? "found" : "new");
        FILE *f = fopen(places[i], "w");
        if (f) fclose(f);
    }
    printf("\n");
    return 0;
}
"""


@needs_sandbox
def test_no_run_leaves_anything_for_the_next(tmp_path):
    """A candidate that kept its answer anywhere between timed runs would look
    faster: only /tmp is writable, and the runner empties it after each run."""
    from tools.sandbox import Sandbox

    write(tmp_path / "memo.c", MEMO_C)
    subprocess.run(["gcc", "-O1", "-o", tmp_path / "memo", tmp_path / "memo.c"], check=True)
    with Sandbox().session([(tmp_path / "memo").read_bytes()]) as session:
        session.set_test(TestCase("t", b"", None))
        runs = [session.run(0).stdout for _ in range(2)]
    assert runs[0] == runs[1] == b"/memo:new /sb/memo:new /tmp/memo:new here:new \n"
