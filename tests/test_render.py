"""The human summary shows untrusted text literally: no markup, no escapes."""

from __future__ import annotations

import io

from rich.console import Console

from agent.render import render_evaluation


def report(**extra) -> dict:
    base = {
        "candidate": "c.s",
        "assembled": False,
        "errors": [{"line": 3, "text": "\x1b[2Jmov [bold]x", "message": "bad [red]thing"}],
        "tests": {"passed": 0, "total": 0},
        "correct": False,
        "first_failure": None,
        "hot_lines": [],
        "speedup": None,
    }
    return base | extra


def test_hostile_text_is_shown_literally():
    out = io.StringIO()
    render_evaluation(report(), Console(file=out, width=120, color_system=None))
    text = out.getvalue()
    assert "\x1b" not in text
    assert "\\x1b[2Jmov [bold]x" in text
    assert "line 3: bad [red]thing" in text


def test_a_speedup_line_says_faster_only_when_the_interval_says_so():
    timing = {
        "metric": "cpu_time",
        "p_value": 1e-4,
        "pairs": 15,
        "test": "t4",
        "baseline_median": 0.13,
        "below_resolution": False,
        "flagged_runs": 0,
        "problem": "",
    }
    out = io.StringIO()
    render_evaluation(
        report(
            assembled=True,
            errors=[],
            correct=True,
            tests={"passed": 4, "total": 4},
            speedup=1.02,
            speedup_ci=[0.99, 1.05],
            faster=False,
            timing=timing,
        ),
        Console(file=out, width=160, color_system=None),
    )
    assert "no clear change" in out.getvalue()
    assert "130.0 ms" in out.getvalue()
