"""Feedback for revise: every kind of signal, fitted to a token budget."""

from __future__ import annotations

from agent.feedback import feedback_from, outcome, render_feedback, render_history
from agent.proposer import Attempt, Feedback


def report(**extra) -> dict:
    base = {
        "correct": True,
        "assembled": True,
        "errors": [],
        "first_failure": None,
        "timing": {"problem": ""},
        "speedup": 1.2,
        "speedup_ci": [1.1, 1.3],
        "faster": True,
        "identical_to_baseline": False,
        "hot_lines": [],
        "profile": None,
        "differential": {"inputs": 0, "mismatches": 0, "counterexample": None},
    }
    return base | extra


def test_assembler_errors_carry_lines_and_text():
    r = report(
        assembled=False,
        correct=False,
        errors=[{"line": 12, "text": "movz %eax, %ebx", "message": "no such instruction: `movz'"}],
    )
    fb = feedback_from(r)
    assert fb.errors == ("line 12: no such instruction: `movz'   [movz %eax, %ebx]",)
    assert outcome(r).startswith("does not assemble")


def test_failing_test_diff_and_crash_signal():
    failure = {
        "test": "t3",
        "reason": "killed by SIGSEGV",
        "input": "5\\n1 2",
        "expected": "3",
        "actual": "",
        "diff": "",
        "stderr": "",
    }
    r = report(correct=False, first_failure=failure)
    fb = feedback_from(r)
    assert "test t3: killed by SIGSEGV" in fb.failure and "input: 5" in fb.failure
    assert outcome(r) == "killed by SIGSEGV on test t3"


def test_no_code_reply_says_so():
    fb = feedback_from(None, no_code_reply="Sure! Here is my plan...")
    assert "no complete assembly" in fb.errors[0] and "Sure!" in fb.errors[0]
    assert outcome(None) == "no assembly in the reply"


def test_speedup_and_hot_lines_and_hint():
    r = report(
        hot_lines=[{"line": 57, "percent": 40.0, "text": "imull %eax, %edx"}],
        profile={"functions": [{"name": "main", "dso": "prog", "percent": 90.0}]},
    )
    fb = feedback_from(r, hint="try unrolling")
    text = render_feedback(fb, 1000)
    assert "1.200x [95% CI 1.100, 1.300]" in text
    assert "line 57: imull %eax, %edx" in text and "main (prog)" in text
    assert "try unrolling" in text


def test_the_largest_part_is_trimmed_first():
    fb = Feedback(errors=("e" * 100,), failure="f" * 20000, hot_lines=("h" * 300,), speedup="1.1x")
    text = render_feedback(fb, 1000)
    assert len(text) < 4000 + 400
    assert "e" * 100 in text and "h" * 300 in text and "1.1x" in text
    assert "[... trimmed]" in text


def test_history_is_compact():
    history = tuple(Attempt(i, f"idea {i}", "wrong output on test t1") for i in range(1, 20))
    text = render_history(history, limit=5)
    assert text.count("\n") == 5 and "14 earlier attempts omitted" in text
    assert render_history(()) == "(nothing yet)"
