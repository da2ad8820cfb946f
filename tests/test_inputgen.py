"""Input generation from a task's own tests: structure inference, bounds,
reproducibility, and a task's own generator command (run in the sandbox)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import EXAMPLES, needs_sandbox
from tools.inputgen import (
    KINDS,
    SIZES,
    Line,
    Rep,
    Row,
    StructureSource,
    generate,
    infer,
    input_source,
    size_class,
)
from tools.sandbox import Sandbox
from tools.task import load_task

N = 120  # inputs per property check


def ints(data: bytes) -> list[int]:
    return [int(t) for t in data.split()]


def rows(data: bytes) -> list[list[bytes]]:
    return [line.split() for line in data.decode().splitlines()]


def test_n_then_n_values():
    tests = (b"5\n3 -1 4 1 -5\n", b"3\n9 8 7\n", b"1\n-42\n")
    model = infer(tests)
    nodes = model.templates[0].nodes
    assert isinstance(nodes[0], Line) and isinstance(nodes[1], Row)
    assert nodes[1].count == nodes[0].roles[0]
    for data in generate(tests, N, seed=1):
        n, *values = ints(data)
        assert len(values) == n
        assert all(-42 <= v <= 9 for v in values)


def test_n_values_wrapped_over_lines_keep_their_width():
    lines = [" ".join(str(i * 10 + j) for j in range(10)) for i in range(4)]
    test = ("40\n" + "\n".join(lines) + "\n").encode()
    model = infer((test,))
    assert isinstance(model.templates[0].nodes[1], Row) and model.templates[0].nodes[1].width == 10
    for data in generate((test,), N, seed=2):
        n, *values = ints(data)
        assert len(values) == n
        assert all(len(r) <= 10 for r in rows(data)[1:])


def test_n_lines():
    tests = (b"3\nab 1\ncd 2\nef 3\n", b"2\nxy 7\nzz 9\n")
    model = infer(tests)
    rep = model.templates[0].nodes[1]
    assert isinstance(rep, Rep) and rep.n == 3
    for data in generate(tests, N, seed=3):
        head, *body = rows(data)
        assert len(body) == int(head[0])
        assert all(len(r) == 2 and r[1].isdigit() for r in body)


def test_words():
    tests = (b"ABCBDAB\nBDCABA\n", b"x\nyyyy\n", b"GATTACA\nTACCGAT\n")
    seen_lengths = set()
    for data in generate(tests, N, seed=4):
        lines = rows(data)
        assert len(lines) == 2 and all(len(r) == 1 for r in lines)
        assert set("".join(r[0] for r in lines)) <= set("ABCDGTxy")
        seen_lengths.update(len(r[0]) for r in lines)
    assert min(seen_lengths) == 1 and max(seen_lengths) > 7  # scaled down and up


def test_floats_keep_their_range_and_decimals():
    tests = (b"3\n1.50 2.25 -0.75\n", b"2\n0.10 3.00\n")
    for data in generate(tests, N, seed=5):
        n, *values = data.split()
        assert len(values) == int(n)
        for v in values:
            assert -0.75 <= float(v) <= 3.0
            assert len(v.split(b".")[1]) == 2


def test_a_first_line_with_two_counts_matrix():
    tests = (b"2 3\n1 2 3\n4 5 6\n", b"3 2\n7 8\n9 1\n2 3\n")
    model = infer(tests)
    rep = model.templates[0].nodes[1]
    assert isinstance(rep, Rep) and isinstance(rep.groups[0][0], Row)
    for data in generate(tests, N, seed=6):
        (h, w), *body = [[int(t) for t in r] for r in rows(data)]
        assert len(body) == h and all(len(r) == w for r in body)


def test_a_first_line_with_two_counts_then_two_rows():
    tests = (b"3 2\n1 2 3\n4 5\n", b"1 4\n9\n8 7 6 5\n")
    for data in generate(tests, N, seed=7):
        lines = rows(data)
        n, m = map(int, lines[0])
        assert len(lines) == 3
        assert len(lines[1]) == n and len(lines[2]) == m


def test_edges_stay_below_the_node_count():
    tests = (b"5 4\n1 2\n2 3\n3 5\n4 5\n", b"4 3\n1 4\n2 4\n3 1\n")
    model = infer(tests)
    assert model.bounds  # u, v <= N was noticed
    for data in generate(tests, N, seed=8):
        (n, m), *edges = [[int(t) for t in r] for r in rows(data)]
        assert len(edges) == m
        assert all(0 <= x <= n for e in edges for x in e)


def test_cases_each_with_their_own_count():
    tests = (b"2\n3\n1 2 3\n2\n4 5\n", b"1\n4\n9 9 8 1\n")
    for data in generate(tests, N, seed=9):
        t, *rest = rows(data)
        assert len(rest) == 2 * int(t[0])
        for head, body in zip(rest[::2], rest[1::2], strict=True):
            assert len(body) == int(head[0])


def test_inline_counted_rows():
    tests = (b"3\n2 5 6\n3 1 2 3\n1 9\n",)
    for data in generate(tests, N, seed=10):
        head, *lines = rows(data)
        assert len(lines) == int(head[0])
        for r in lines:
            assert len(r) == int(r[0]) + 1


def test_a_grid_of_h_lines_of_w_characters():
    tests = (b"3 4\n0110\n1001\n0000\n", b"2 5\n.#.#.\n#####\n")
    for data in generate(tests, N, seed=15):
        head, *grid = rows(data)
        h, w = map(int, head)
        cells = ["".join(r) for r in grid]  # W = 0 gives empty lines
        assert len(grid) == h and all(len(c) == w for c in cells)
        assert all(set(c) <= set("01") or set(c) <= set(".#") for c in cells)


def test_lines_read_until_end_of_input_scale_too():
    """No count, just alike lines: their number is a size (a buffer sized for the
    tests' line count must be exercised)."""
    test = "".join(f"{i} {i * i % 17}\n" for i in range(10)).encode()
    counts = set()
    for data in generate((test,), N, seed=16):
        lines = rows(data)
        assert all(len(r) == 2 for r in lines)
        counts.add(len(lines))
    assert min(counts) <= 1 and max(counts) > 10 and len(counts) > 5


def test_the_same_seed_gives_the_same_inputs():
    tests = tuple(t.input for t in load_task(EXAMPLES / "collatz" / "prog.s").tests)
    a, b = generate(tests, 40, seed=11), generate(tests, 40, seed=11)
    assert a == b
    assert a != generate(tests, 40, seed=12)
    model = infer(tests)
    assert [model.generate(11, i) for i in (39, 5, 0)] == [a[39], a[5], a[0]]


def test_bounds_sizes_and_signs_on_the_examples():
    """At most ~2x the largest test in bytes; counts scaled past the largest seen;
    negatives only where negatives were seen; boundary values present."""
    collatz = tuple(t.input for t in load_task(EXAMPLES / "collatz" / "prog.s").tests)
    cap = 2 * max(map(len, collatz)) + 256
    values = []
    for data in generate(collatz, 200, seed=13):
        assert len(data) <= cap
        t, *queries = ints(data)
        assert len(queries) == t <= 8
        values += queries
    assert min(values) >= 0 and max(values) == 700_000  # the maximum seen, never above
    assert {2, 700_000} <= set(values)

    sums = tuple(t.input for t in load_task(EXAMPLES / "sum_scanf" / "prog.s").tests)
    model = infer(sums)
    sizes, counts, negatives = [], [], 0
    for i in range(0, 64):
        data = model.generate(14, i)
        sizes.append(len(data))
        n, *rest = ints(data) if len(data) < 4_000_000 else (0,)
        counts.append(n)
        negatives += any(v < 0 for v in rest)
        assert len(rest) == n
    assert max(sizes) <= model.max_bytes <= 2 * 1_480_007 + 256
    assert max(counts) > 740_000  # past the largest test: catches fixed-size buffers
    assert min(counts) <= 1 and negatives > 0


def test_the_schedule_is_mostly_small():
    """Most inputs are small (fast, short counterexamples), a few the tests' size,
    one in 16 larger; the first several are all small."""
    classes = [size_class(i) for i in range(160)]
    assert set(classes) == set(SIZES) and len(KINDS) == 16
    assert classes.count("large") == 10  # 1 in 16
    assert 2 * 10 <= classes.count("test-size") <= 4 * 10
    assert classes.count("small") >= 0.7 * len(classes)
    assert classes[:6] == ["small"] * 6

    # and the classes are what they say, on sum_scanf (tests up to N = 740,000)
    sums = tuple(t.input for t in load_task(EXAMPLES / "sum_scanf" / "prog.s").tests)
    source = StructureSource(sums, seed=3)
    counts: dict[str, list[int]] = {k: [] for k in SIZES}
    for i in range(48):
        assert source.kind(i) == classes[i]
        counts[source.kind(i)].append(ints(source.input(i))[0])
    assert max(counts["small"]) <= 100
    assert min(counts["large"]) > 740_000
    assert max(counts["test-size"]) > 100


def test_a_test_with_an_empty_input_gives_empty_inputs():
    """A program that reads nothing (a fixed simulation) has tests with empty
    inputs: every generated input is empty too, and none fails."""
    assert generate((b"",), 20, seed=1) == [b""] * 20
    assert generate((b"", b""), 5) == [b""] * 5
    assert generate((b"\n",), 5) == [b"\n"] * 5


@needs_sandbox
def test_a_task_generator_command_runs_in_the_sandbox(tmp_path):
    task_dir = tmp_path / "task"
    shutil.copytree(EXAMPLES / "sum_scanf", task_dir)
    (task_dir / "gen.sh").write_text(
        "#!/bin/sh\nn=$(( $1 % 7 + 1 ))\necho $n\ni=0\nwhile [ $i -lt $n ]; do "
        'printf "%d " $(( ($SEED + i) % 100 )); i=$((i+1)); done\necho\n'
    )
    (task_dir / "task.toml").write_text('generator = "/bin/sh gen.sh"\n')
    task = load_task(task_dir / "prog.s")
    source = input_source(task, seed=3, sandbox=Sandbox(task.limits))
    assert source.name == "generator" and source.kind(7) == "generated"
    first = [source.input(i) for i in range(3)]
    again = input_source(task, seed=3, sandbox=Sandbox(task.limits))
    assert first == [again.input(i) for i in range(3)]
    for data in first:
        n, *values = ints(data)
        assert len(values) == n >= 1

    (task_dir / "task.toml").write_text(
        'generator = "/usr/bin/python3 -c '
        "'import sys; print(1); print(int(sys.argv[1]) % 1000)'\"\n"
    )
    task = load_task(task_dir / "prog.s")
    source = input_source(task, seed=4, sandbox=Sandbox(task.limits))
    n, value = ints(source.input(0))
    assert n == 1 and 0 <= value < 1000

    (task_dir / "task.toml").write_text("generator = \"/bin/sh -c 'exit 3'\"\n")
    task = load_task(task_dir / "prog.s")
    source = input_source(task, seed=5, sandbox=Sandbox(task.limits))
    assert source.input(0) is None and "exit status 3" in source.error


def test_a_generator_needs_the_sandbox(tmp_path):
    task_dir = tmp_path / "task"
    shutil.copytree(EXAMPLES / "collatz", task_dir)
    (task_dir / "task.toml").write_text('generator = "gen.py"\n')
    from tools.errors import BadInput

    with pytest.raises(BadInput, match="sandbox"):
        input_source(load_task(task_dir / "prog.s"), seed=0, sandbox=None)
