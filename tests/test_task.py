"""Loading tasks: folders, task.toml, dataset records, and every bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.errors import BadInput
from tools.task import (
    Compare,
    Limits,
    Task,
    TestCase,
    load_records,
    load_task,
    load_task_dir,
    load_tests,
    parse_task_toml,
    rebuild_baseline,
    task_from_record,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE_NAMES = ["sum_scanf", "collatz", "lcs"]

ASM = "\t.globl main\nmain:\n\txorl %eax, %eax\n\tret\n"


def make_task(tmp_path: Path, tests: dict[str, tuple[bytes, bytes]] | None = None) -> Path:
    """A minimal task folder; returns the path of its prog.s."""
    (tmp_path / "prog.s").write_text(ASM)
    tdir = tmp_path / "tests"
    tdir.mkdir()
    for name, (inp, out) in (tests if tests is not None else {"a": (b"1\n", b"2\n")}).items():
        (tdir / f"{name}.in").write_bytes(inp)
        (tdir / f"{name}.out").write_bytes(out)
    return tmp_path / "prog.s"


def bad(match: str):
    """Expect a BadInput whose one-line message contains `match`."""
    return pytest.raises(BadInput, match=match)


def one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg, msg
    return msg


# ---------------------------------------------------------------------------
# examples


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_load(name: str) -> None:
    task = load_task_dir(EXAMPLES / name)
    assert task.name == name
    assert task.root == (EXAMPLES / name).absolute()
    assert task.asm_path == (EXAMPLES / name / "prog.s").absolute()
    assert "main:" in task.asm
    assert task.source is not None and "int main" in task.source
    assert 3 <= len(task.tests) <= 5
    names = [t.name for t in task.tests]
    assert names == sorted(names, key=lambda n: int(n[1:]))
    for t in task.tests:
        assert t.input and t.expected
        assert (EXAMPLES / name / "tests" / f"{t.name}.in").read_bytes() == t.input
    assert task.baseline == "given"


def test_example_via_prog_s_has_same_content() -> None:
    by_file = load_task(EXAMPLES / "collatz" / "prog.s")
    by_dir = load_task_dir(EXAMPLES / "collatz")
    assert by_file == by_dir


def test_example_task_toml_is_applied() -> None:
    task = load_task_dir(EXAMPLES / "sum_scanf")
    assert task.compare == Compare(mode="exact")
    assert task.limits.timeout_s == 10.0


def test_load_task_on_folder_loads_folder() -> None:
    assert load_task(EXAMPLES / "lcs").name == "lcs"


# ---------------------------------------------------------------------------
# load_task defaults and bad input


def test_defaults_tests_source_and_name(tmp_path: Path) -> None:
    (tmp_path / "mytask").mkdir()
    asm = make_task(tmp_path / "mytask")
    (asm.parent / "prog.c").write_text("int main(void) { return 0; }\n")
    task = load_task(asm)
    assert task.name == "mytask"
    assert task.tests == (TestCase("a", b"1\n", b"2\n"),)
    assert task.source == "int main(void) { return 0; }\n"
    assert task.link_flags == ("-lm",)  # judges link libm; task.toml's link_flags replace it
    assert task.compare == Compare() and task.limits == Limits()
    assert task.generator is None and task.expected_from == "files"


def test_stem_name_and_explicit_paths(tmp_path: Path) -> None:
    make_task(tmp_path)
    other = tmp_path / "fast.s"
    other.write_text(ASM)
    elsewhere = tmp_path / "cases"
    elsewhere.mkdir()
    (elsewhere / "x.in").write_bytes(b"")
    (elsewhere / "x.out").write_bytes(b"")
    src = tmp_path / "other.c"
    src.write_text("int main(void){return 1;}")
    task = load_task(other, tests_dir=elsewhere, source=src)
    assert task.name == "fast"
    assert [t.name for t in task.tests] == ["x"]
    assert task.tests[0].input == b"" and task.tests[0].expected == b""
    assert task.source == "int main(void){return 1;}"
    # no fast.c beside fast.s: no source by default
    assert load_task(other).source is None


def test_missing_asm(tmp_path: Path) -> None:
    path = tmp_path / "nope.s"
    with bad("no such file") as exc:
        load_task(path)
    assert one_line(exc) == f"no such file: {path}"


def test_empty_asm(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    asm.write_text("  \n\n")
    with bad("is empty") as exc:
        load_task(asm)
    assert one_line(exc) == f"{asm} is empty"


@pytest.mark.parametrize("data", [b"\x7fELF\x02\x01\x01\x00\x00\x00", b"main:\n\xff\xfe ret\n"])
def test_binary_asm(tmp_path: Path, data: bytes) -> None:
    asm = make_task(tmp_path)
    asm.write_bytes(data)
    with bad("binary") as exc:
        load_task(asm)
    assert one_line(exc) == f"{asm} is binary data, not assembly text"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_asm(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    asm.chmod(0)
    with bad("cannot read"):
        load_task(asm)


def test_unreadable_asm_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asm = make_task(tmp_path)

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(BadInput) as exc:
        load_task(asm)
    assert one_line(exc) == f"cannot read {asm}: Permission denied"


def test_unreadable_asm_as_folder(tmp_path: Path) -> None:
    make_task(tmp_path)
    folder = tmp_path / "x.s"
    folder.mkdir()
    with bad("is a folder"):
        load_task(folder, tests_dir=tmp_path / "tests")


def test_no_tests_folder_means_one_empty_input(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    shutil.rmtree(tmp_path / "tests")
    task = load_task(asm)
    assert task.tests == (TestCase("empty", b"", None),)
    assert task.expected_from == "empty input" and task.needs_reference


def test_missing_explicit_tests_folder(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    with bad("no tests folder") as exc:
        load_task(asm, tests_dir=tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in one_line(exc)


def test_empty_tests_folder(tmp_path: Path) -> None:
    asm = make_task(tmp_path, tests={})
    (tmp_path / "tests" / "README").write_text("no tests yet")
    with bad("no tests in") as exc:
        load_task(asm)
    one_line(exc)


def test_inputs_only_expect_the_original(tmp_path: Path) -> None:
    asm = make_task(tmp_path, tests={})
    for name, data in (("b", b"2"), ("a", b"1")):
        (tmp_path / "tests" / f"{name}.in").write_bytes(data)
    task = load_task(asm)
    assert task.tests == (TestCase("a", b"1", None), TestCase("b", b"2", None))
    assert task.expected_from == "original" and task.needs_reference


def test_unpaired_in(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    (tmp_path / "tests" / "x.in").write_bytes(b"1")
    (tmp_path / "tests" / "z.in").write_bytes(b"1")
    with bad("unpaired") as exc:
        load_task(asm)
    assert one_line(exc) == (
        f"unpaired test files in {tmp_path / 'tests'}: x.in has no x.out; z.in has no z.out"
    )


def test_unpaired_out(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    (tmp_path / "tests" / "y.out").write_bytes(b"1")
    with bad("unpaired") as exc:
        load_task(asm)
    assert one_line(exc) == f"unpaired test files in {tmp_path / 'tests'}: y.out has no y.in"


def test_outputs_without_inputs(tmp_path: Path) -> None:
    asm = make_task(tmp_path, tests={})
    (tmp_path / "tests" / "y.out").write_bytes(b"1")
    with bad("y.out has no y.in"):
        load_task(asm)


def test_missing_explicit_source(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    with bad("no such file"):
        load_task(asm, source=tmp_path / "missing.c")


def test_binary_source(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    (tmp_path / "prog.c").write_bytes(b"\x00\x01\x02")
    with bad("binary data, not C source text"):
        load_task(asm)


def test_natural_sort_and_bytes(tmp_path: Path) -> None:
    names = ["t10", "t2", "t1", "b", "a10", "a9"]
    make_task(tmp_path, tests={n: (n.encode() + b"\xff", b"\x00" + n.encode()) for n in names})
    (tmp_path / "tests" / ".hidden.in").write_bytes(b"ignored")
    (tmp_path / "tests" / "notes.txt").write_text("ignored")
    tests = load_tests(tmp_path / "tests")
    assert [t.name for t in tests] == ["a9", "a10", "b", "t1", "t2", "t10"]
    assert tests[4] == TestCase("t2", b"t2\xff", b"\x00t2")


def test_load_tests_not_a_folder(tmp_path: Path) -> None:
    f = tmp_path / "tests"
    f.write_text("x")
    with bad("is not a folder"):
        load_tests(f)


# ---------------------------------------------------------------------------
# load_task_dir


def test_dir_with_single_other_s(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    asm.rename(tmp_path / "solution.s")
    task = load_task_dir(tmp_path)
    assert task.name == tmp_path.name
    assert task.asm_path == (tmp_path / "solution.s").absolute()


def test_dir_with_no_s(tmp_path: Path) -> None:
    make_task(tmp_path).unlink()
    with bad("no prog.s in"):
        load_task_dir(tmp_path)


def test_dir_with_several_s(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    asm.rename(tmp_path / "a.s")
    (tmp_path / "b.s").write_text(ASM)
    with bad(r"several \.s files \(a\.s, b\.s\)") as exc:
        load_task_dir(tmp_path)
    one_line(exc)


def test_dir_missing_or_file(tmp_path: Path) -> None:
    with bad("no such folder"):
        load_task_dir(tmp_path / "none")
    (tmp_path / "f").write_text("x")
    with bad("is not a folder"):
        load_task_dir(tmp_path / "f")


# ---------------------------------------------------------------------------
# task.toml

FULL_TOML = """
name = "demo"
generator = "gen.py"
link_flags = ["-lm", "-lpthread"]
[compare]
mode = "float"
rel_tol = 1e-3
abs_tol = 0
[limits]
timeout_s = 5
cpu_s = 3
memory_mb = 512
output_mb = 8
file_mb = 4
processes = 4
"""


def test_toml_full(tmp_path: Path) -> None:
    asm = make_task(tmp_path)
    (tmp_path / "task.toml").write_text(FULL_TOML)
    parsed = parse_task_toml(tmp_path / "task.toml")
    assert parsed == {
        "name": "demo",
        "generator": "gen.py",
        "link_flags": ("-lm", "-lpthread"),
        "compare": Compare("float", 1e-3, 0.0),
        "limits": Limits(5.0, 3, 512, 8, 4, 4),
    }
    task = load_task(asm)
    assert task.name == "demo"
    assert task.generator == "gen.py"
    assert task.link_flags == ("-lm", "-lpthread")
    assert task.compare.mode == "float" and task.compare.rel_tol == 1e-3
    assert task.limits.timeout_s == 5.0 and isinstance(task.limits.timeout_s, float)
    assert task.limits.processes == 4
    assert load_task_dir(tmp_path).name == "demo"


def test_toml_partial_keeps_defaults(tmp_path: Path) -> None:
    path = tmp_path / "task.toml"
    path.write_text("[limits]\nmemory_mb = 100\n[compare]\nmode = 'whitespace'\n")
    parsed = parse_task_toml(path)
    assert parsed["limits"] == Limits(memory_mb=100)
    assert parsed["compare"] == Compare(mode="whitespace")
    assert "link_flags" not in parsed
    path.write_text("")
    assert parse_task_toml(path) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "foo = 1",
            "unknown key 'foo' (known: args, cflags, compare, function, generator, limits, "
            "link_flags, name, others, outputs, source)",
        ),
        ("[compare]\nmod = 'exact'", "unknown key 'compare.mod' (known: abs_tol, mode, rel_tol)"),
        ("[limits]\ntimeout = 3", "unknown key 'limits.timeout' (known: cpu_s, file_mb,"),
        ("name = ", "not valid TOML"),
        ("[compare]\nmode = 'fuzzy'", "compare.mode must be one of exact, whitespace, float"),
        ("[compare]\nrel_tol = 'small'", "compare.rel_tol must be a number, not str"),
        ("[compare]\nabs_tol = -1.0", "compare.abs_tol must be >= 0"),
        ("[limits]\ncpu_s = 1.5", "limits.cpu_s must be an integer"),
        ("[limits]\nmemory_mb = true", "limits.memory_mb must be an integer, not bool"),
        ("[limits]\ntimeout_s = 0", "limits.timeout_s must be > 0"),
        ("[limits]\ntimeout_s = inf", "limits.timeout_s must be finite"),
        ("[limits]\nprocesses = -2", "limits.processes must be > 0"),
        ("link_flags = '-lm'", "link_flags must be a list of strings"),
        ("link_flags = [1]", "link_flags must be a list of strings"),
        ("name = 3", "name must be a non-empty string"),
        ("generator = ''", "generator must be a non-empty string"),
        ("compare = 'exact'", "compare must be a table"),
        ("limits = 3", "limits must be a table"),
    ],
)
def test_toml_bad(tmp_path: Path, text: str, message: str) -> None:
    asm = make_task(tmp_path)
    path = tmp_path / "task.toml"
    path.write_text(text)
    with pytest.raises(BadInput) as exc:
        load_task(asm)
    msg = one_line(exc)
    assert msg.startswith(f"{path}: ")
    assert message in msg


def test_toml_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "task.toml"
    path.write_bytes(b"name = '\xff'")
    with bad("not valid TOML"):
        parse_task_toml(path)


def test_toml_missing(tmp_path: Path) -> None:
    with bad("no such file"):
        parse_task_toml(tmp_path / "task.toml")


def test_compare_rejects_unknown_mode() -> None:
    with bad("unknown compare mode 'fuzzy'"):
        Compare(mode="fuzzy")


# ---------------------------------------------------------------------------
# dataset records


def record_from(task: Task, **extra: object) -> dict:
    return {
        "data_source": "test",
        **extra,
        "extra_info": {
            "inputs": [t.input.decode() for t in task.tests],
            "outputs": [t.expected.decode() for t in task.tests],
            "c_code": task.source,
            "unoptimized_assembly": task.asm,
        },
    }


def test_record_round_trip_jsonl(tmp_path: Path) -> None:
    collatz = load_task_dir(EXAMPLES / "collatz")
    lcs = load_task_dir(EXAMPLES / "lcs")
    path = tmp_path / "suite.jsonl"
    with path.open("w") as f:
        f.write(json.dumps(record_from(collatz, problem_id="p01234")) + "\n\n")
        f.write(json.dumps(record_from(lcs)) + "\n")
    tasks = list(load_records(path))
    assert [t.name for t in tasks] == ["p01234", "suite-1"]
    assert tasks[0].tests == collatz.tests  # same names t1..tN, same bytes
    assert tasks[1].tests == lcs.tests
    assert tasks[0].asm == collatz.asm and tasks[0].source == collatz.source
    assert tasks[0].baseline == "dataset-O0"
    assert tasks[0].link_flags == ("-lm",)
    assert tasks[0].root is None and tasks[0].asm_path is None


def test_records_duplicate_names_made_unique(tmp_path: Path) -> None:
    collatz = load_task_dir(EXAMPLES / "collatz")
    path = tmp_path / "dup.jsonl"
    rec = record_from(collatz, id="p1")
    path.write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n")
    assert [t.name for t in load_records(path)] == ["p1", "p1-1"]


def test_record_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    tasks = [load_task_dir(EXAMPLES / n) for n in EXAMPLE_NAMES]
    rows = [record_from(t, name=t.name) for t in tasks]
    path = tmp_path / "suite.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    loaded = list(load_records(path))
    assert [t.name for t in loaded] == EXAMPLE_NAMES
    for original, got in zip(tasks, loaded, strict=True):
        assert got.tests == original.tests
        assert got.asm == original.asm
        assert got.baseline == "dataset-O0"


def test_record_json_document_and_fenced_asm(tmp_path: Path) -> None:
    collatz = load_task_dir(EXAMPLES / "collatz")
    rec = record_from(collatz)
    rec["extra_info"]["unoptimized_assembly"] = "```assembly\n" + collatz.asm + "```"
    rec["extra_info"]["c_code"] = None
    path = tmp_path / "one.json"
    path.write_text(json.dumps(rec, indent=2))
    (task,) = load_records(path)
    assert task.name == "one-0"
    assert task.asm == collatz.asm
    assert task.source is None


def test_record_extra_info_as_json_string() -> None:
    collatz = load_task_dir(EXAMPLES / "collatz")
    rec = record_from(collatz)
    rec["extra_info"] = json.dumps(rec["extra_info"])
    assert task_from_record(rec, "x").tests == collatz.tests


@pytest.mark.parametrize("field", ["inputs", "outputs", "unoptimized_assembly"])
def test_record_missing_field(field: str) -> None:
    rec = record_from(load_task_dir(EXAMPLES / "collatz"))
    del rec["extra_info"][field]
    with pytest.raises(BadInput) as exc:
        task_from_record(rec, "rec7")
    assert one_line(exc) == f"record rec7: missing field 'extra_info.{field}'"


def test_record_missing_extra_info() -> None:
    with bad("record p9: missing field 'extra_info'"):
        task_from_record({"problem_id": "p9"}, "fallback")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inputs": ["1\n"]}, "1 inputs but 4 outputs"),
        ({"inputs": [], "outputs": []}, "no tests"),
        ({"inputs": "1\n"}, "extra_info.inputs must be a list of strings"),
        ({"outputs": [1, 2, 3, 4]}, "extra_info.outputs must be a list of strings"),
        ({"unoptimized_assembly": "  "}, "unoptimized_assembly is empty"),
        ({"unoptimized_assembly": 5}, "unoptimized_assembly must be a string"),
        ({"c_code": ["x"]}, "c_code must be a string"),
    ],
)
def test_record_bad_fields(change: dict, message: str) -> None:
    rec = record_from(load_task_dir(EXAMPLES / "collatz"))
    rec["extra_info"].update(change)
    with pytest.raises(BadInput) as exc:
        task_from_record(rec, "r")
    assert message in one_line(exc)


def test_records_bad_files(tmp_path: Path) -> None:
    with bad("no such file"):
        list(load_records(tmp_path / "none.jsonl"))
    path = tmp_path / "bad.jsonl"
    path.write_text('{"extra_info": {}}\n')
    with pytest.raises(BadInput) as exc:
        list(load_records(path))
    assert one_line(exc).startswith(f"{path} line 1: record bad-0: missing field")
    path.write_text("{not json\n")
    with bad("line 1: not valid JSON"):
        list(load_records(path))
    path.write_text("[1, 2]\n")
    with bad("a record must be a JSON object"):
        list(load_records(path))
    path.write_text("\n\n")
    with bad("no records in"):
        list(load_records(path))
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"this is not parquet")
    with pytest.raises(BadInput) as exc:
        list(load_records(fake))
    assert "cannot read" in one_line(exc) and "as parquet" in str(exc.value)


# ---------------------------------------------------------------------------
# rebuild_baseline


def test_rebuild_baseline_from_record(tmp_path: Path) -> None:
    collatz = load_task_dir(EXAMPLES / "collatz")
    task = task_from_record(record_from(collatz), "c")
    rebuilt = rebuild_baseline(task)
    assert rebuilt.baseline == "gcc-O3"
    assert "main:" in rebuilt.asm
    assert rebuilt.tests == task.tests and rebuilt.source == task.source
    # gcc -O3 on the same source gives the example's prog.s, up to the file name
    strip = [ln for ln in collatz.asm.splitlines() if not ln.lstrip().startswith(".file")]
    assert [ln for ln in rebuilt.asm.splitlines() if ".file" not in ln] == strip
    o1 = rebuild_baseline(task, "-O1")
    assert o1.baseline == "gcc-O1" and "main:" in o1.asm


def test_rebuild_baseline_errors() -> None:
    collatz = load_task_dir(EXAMPLES / "collatz")
    no_source = Task(name="n", asm=ASM, tests=collatz.tests)
    with bad("task n: no C source"):
        rebuild_baseline(no_source)
    broken = Task(name="b", asm=ASM, tests=collatz.tests, source="int main(void) { return x; }\n")
    with pytest.raises(BadInput) as exc:
        rebuild_baseline(broken)
    msg = one_line(exc)
    assert msg.startswith("task b: C source does not compile: line 1:")
    assert "'x' undeclared" in msg
    with bad("bad optimization level"):
        rebuild_baseline(collatz, "-O3 -fplugin=evil.so")


# ---------------------------------------------------------------------------
# the example tasks and the handmade candidates are what they claim to be


def _build_and_run(asm: Path, tmp_path: Path, tests: tuple[TestCase, ...]) -> list[bytes]:
    binary = tmp_path / (asm.stem + ".bin")
    subprocess.run(["gcc", str(asm), "-o", str(binary), "-lm"], check=True, timeout=60)
    return [
        subprocess.run([binary], input=t.input, capture_output=True, timeout=60).stdout
        for t in tests
    ]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_baseline_passes_its_tests(name: str, tmp_path: Path) -> None:
    task = load_task_dir(EXAMPLES / name)
    outputs = _build_and_run(task.asm_path, tmp_path, task.tests)
    assert outputs == [t.expected for t in task.tests]


def test_collatz_candidates(tmp_path: Path) -> None:
    task = load_task_dir(EXAMPLES / "collatz")
    data = ROOT / "tests" / "data"
    fast = _build_and_run(data / "collatz_fast.s", tmp_path, task.tests)
    assert fast == [t.expected for t in task.tests]
    wrong = _build_and_run(data / "collatz_wrong.s", tmp_path, task.tests)
    assert all(w != t.expected for w, t in zip(wrong, task.tests, strict=True))
    # the wrong candidate is prog.s with one constant changed
    base_lines = task.asm.splitlines()
    wrong_lines = (data / "collatz_wrong.s").read_text().splitlines()
    changed = [(a, b) for a, b in zip(base_lines, wrong_lines, strict=True) if a != b]
    assert changed == [("\taddl\t$1, %edx", "\taddl\t$2, %edx")]
