"""The harness end to end on a real example: correctness, honest speedups, output
checks on timed runs, pyperf export."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest

from tests.conftest import DATA, EXAMPLES, needs_sandbox
from tools.asm import with_extra_work
from tools.evaluate import EvalOptions, confirm, evaluate, prepare_baseline
from tools.sandbox import Sandbox
from tools.task import TestCase, load_task
from tools.timing import (
    BUDGET,
    CAPPED,
    EQUAL,
    FASTER,
    OUTCLASSED,
    PRECISE,
    SLOWER,
    TimingOptions,
    measure,
    write_pyperf,
)

pytestmark = needs_sandbox

FAST = EvalOptions(timing=TimingOptions(max_pairs=38, max_seconds=60), profile=False)
# All Collatz steps of t4 (N = 1,000, 300,000, 700,000) over those from the starts
# in [N/2, N) that collatz_fast.s scans: 125,119,186 / 66,161,430.
FAST_WORK = 1.89


@pytest.fixture(scope="module")
def collatz():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    sandbox = Sandbox(task.limits)
    return prepare_baseline(task, sandbox), sandbox


def test_baseline_is_prepared_with_its_slowest_test(collatz):
    base, _ = collatz
    assert base.tests.ok and base.tests.total == 4
    assert base.timing_test.name == "t4"
    assert base.profile is not None and base.profile.hot_lines


def test_the_baseline_as_its_own_candidate_is_not_timed(collatz):
    base, sandbox = collatz
    result = evaluate(base.task.asm, base, sandbox, FAST)
    report = result.to_report()
    assert report["correct"] and report["identical_to_baseline"]
    assert report["speedup"] == 1.0 and report["speedup_ci"] == [1.0, 1.0]
    assert report["timing"] is None and not report["faster"]
    assert report["differential_details"]["note"] == "not checked: identical to the baseline"
    assert set(report["seconds"]) - {"wait"} == {"build", "tests"}


def test_a_copy_that_is_not_identical_is_timed_and_decided(collatz):
    """An equivalent copy (one more instruction, run once) is timed; whatever
    the decision, it is bounded by pairs and only a faster one is checked."""
    base, sandbox = collatz
    copy = with_extra_work(base.task.asm, 1)
    report = evaluate(copy, base, sandbox, FAST).to_report()
    t = report["timing"]
    assert report["correct"] and not report["identical_to_baseline"]
    assert t["mode"] == "screening" and t["pairs"] <= FAST.timing.max_pairs
    assert t["decision"] in (EQUAL, FASTER, SLOWER, BUDGET)
    assert t["ci_level"] > 0.98  # widened for the looks, see tools/timing.py
    assert (report["differential"]["inputs"] > 0) == (t["decision"] == FASTER)


def test_a_wrong_candidate_names_the_failing_test(collatz):
    base, sandbox = collatz
    report = evaluate((DATA / "collatz_wrong.s").read_text(), base, sandbox, FAST).to_report()
    assert report["assembled"] and not report["correct"]
    assert report["tests"] == {"passed": 0, "total": 4}
    failure = report["first_failure"]
    assert failure["test"] == "t1" and failure["reason"] == "wrong output"
    assert "line 1" in failure["diff"]
    assert report["speedup"] is None and report["timing"] is None


def test_a_really_faster_candidate_is_reported_faster(collatz, tmp_path):
    base, sandbox = collatz
    options = EvalOptions(timing=TimingOptions(max_seconds=20), profile=True)
    result = evaluate((DATA / "collatz_fast.s").read_text(), base, sandbox, options)
    report = result.to_report()
    assert report["correct"] and report["faster"]
    assert report["timing"]["decision"] == FASTER
    low, high = report["speedup_ci"]
    assert 1.0 < low <= report["speedup"] <= high
    # The same loop over the upper half of the starts: 1/1.89 of the Collatz steps
    # of t4 (counted), on any CPU. Only a broken measurement leaves this range.
    assert FAST_WORK / 1.5 < report["speedup"] < FAST_WORK * 1.5
    assert report["hot_lines"] and all(0 < h["percent"] <= 100 for h in report["hot_lines"])
    # A contender: checked on generated inputs, and every phase timed.
    assert report["differential"]["inputs"] > 0 and report["verified"]
    phases = {"build", "tests", "timing", "differential", "profile"}
    assert set(report["seconds"]) - {"wait"} == phases
    # pyperf can read our samples.
    write_pyperf(result.timing, tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "pyperf", "compare_to", "baseline.json", "candidate.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "faster" in out.stdout


def test_a_clearly_slower_candidate_is_decided_slower_and_not_checked(collatz):
    base, sandbox = collatz
    # 400M one-cycle steps: about as many cycles as the whole baseline run takes
    # (0.56x here); both scale with the clock, so the ratio is the same at any speed.
    slow = with_extra_work(base.task.asm, 400_000_000)
    report = evaluate(slow, base, sandbox, FAST).to_report()
    assert report["correct"] and not report["faster"]
    assert report["timing"]["decision"] == SLOWER
    assert report["speedup_ci"][1] < 1.0
    assert report["differential"]["inputs"] == 0 and not report["verified"]
    assert report["differential_details"]["note"] == "not checked: slower"
    assert "differential" not in report["seconds"]


def test_a_candidate_that_cannot_beat_the_best_stops_early(collatz):
    base, sandbox = collatz
    fast = (DATA / "collatz_fast.s").read_text()
    result = evaluate(fast, base, sandbox, FAST, to_beat=5.0)
    assert result.timing.decision == OUTCLASSED
    assert result.differential is None and not result.verified
    assert result.to_report()["differential_details"]["note"] == (
        "not checked: cannot beat the best so far"
    )


def test_the_winner_is_confirmed_afresh_to_the_reporting_precision(collatz):
    base, sandbox = collatz
    options = TimingOptions.precise(max_pairs=12)  # bounded by pairs, not by width
    timing = confirm((DATA / "collatz_fast.s").read_text(), base, sandbox, options)
    assert timing.mode == "precise" and timing.pairs <= 12
    assert timing.decision in (PRECISE, CAPPED) and timing.faster
    assert timing.to_dict()["mode"] == "precise" and timing.level == 0.95


def test_a_candidate_that_does_not_assemble_points_at_its_line(collatz):
    base, sandbox = collatz
    lines = base.task.asm.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("movl"))
    lines[at] = "\tmovz\t%eax, %ebx"
    report = evaluate("\n".join(lines) + "\n", base, sandbox, FAST).to_report()
    assert not report["assembled"] and not report["correct"]
    error = report["errors"][0]
    assert error["line"] == at + 1
    assert error["text"] == "movz\t%eax, %ebx"
    assert "movz" in error["message"]


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_every_timed_run_is_checked(collatz, tmp_path):
    """A candidate that notices it is being timed (pinned to one core) and then
    prints something else passes the tests but fails timing."""
    source = (EXAMPLES / "collatz" / "prog.c").read_text()
    source = source.replace(
        "#include <stdio.h>", "#define _GNU_SOURCE\n#include <sched.h>\n#include <stdio.h>"
    )
    source = source.replace(
        'printf("%lld %d\\n", best, best_steps);',
        "cpu_set_t s; sched_getaffinity(0, sizeof s, &s);"
        'printf("%lld %d\\n", best, CPU_COUNT(&s) == 1 ? 0 : best_steps);',
    )
    c = tmp_path / "cheat.c"
    c.write_text(source)
    asm = subprocess.run(
        ["gcc", "-O3", "-S", "-o", "-", str(c)], check=True, capture_output=True, text=True
    ).stdout
    base, sandbox = collatz
    report = evaluate(asm, base, sandbox, FAST).to_report()
    assert report["tests"] == {"passed": 4, "total": 4}
    assert not report["correct"] and report["speedup"] is None
    assert "different output" in report["timing"]["problem"]


def test_short_runs_are_flagged_below_resolution(collatz):
    base, sandbox = collatz
    tiny = base.task.tests[0]
    h = base.tests.hashes()[tiny.name]
    timing = measure(base.binary, base.binary, tiny, sandbox, (h, h), TimingOptions(max_pairs=11))
    assert timing.below_resolution
    assert timing.to_dict()["below_resolution"] is True


def test_aa_check_intervals_contain_one():
    """The baseline timed against itself 10 times, each trial bounded by pairs
    (never by the interval's width: on a noisy machine that would not end).

    A calibrated 95% interval misses 1.0 once in 20 trials on average, so "at
    least 18 of 20" fails for 7.5% of runs of a perfect harness: a gate built on
    it would turn CI red once in 13 runs. The gate is 7 of 10, which a
    calibrated interval fails with probability 0.1% (binomial) and an interval
    that is off by a position bias or a broken pairing (coverage near 0) cannot
    pass. The coverage itself is measured by `benchmarks/aa_coverage.py` on real
    runs and by tests/test_stats.py on simulated ones.

    The input is the first half of sum_scanf's largest test: scanf and qsort as
    in t5, at half the time of the 200 runs."""
    task = load_task(EXAMPLES / "sum_scanf" / "prog.s")
    t5 = next(t for t in task.tests if t.name == "t5").input.split()
    half = t5[1 : 1 + int(t5[0]) // 2]
    data = b"%d\n%s\n" % (len(half), b" ".join(half))
    task = replace(task, tests=(TestCase("t5-half", data, None),), expected_from="original")
    sandbox = Sandbox(task.limits)
    base = prepare_baseline(task, sandbox, with_profile=False)
    inside = 0
    for seed in range(10):
        # One look at 10 pairs: a plain 95% interval (tools.timing.critical_z).
        options = TimingOptions(seed=seed, max_pairs=10, max_seconds=60)
        t = base.timed_against_itself(sandbox, options)
        assert t.pairs == 10
        inside += t.speedup.contains(1.0)
    assert inside >= 7
