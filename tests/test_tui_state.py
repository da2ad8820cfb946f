"""The TUI's pure parts: the run view folded from events, diff rows, the chart."""

from __future__ import annotations

from agent import events as ev
from tests.test_tui_snapshots import T0, scripted_run
from tui.diffrows import Gap, fold, pairs, unified
from tui.state import RunView, format_elapsed, format_speedup
from tui.widgets.speedup_chart import bars, sample


def test_the_view_of_a_finished_run(tmp_path):
    view = RunView()
    for event in scripted_run(tmp_path / "run"):
        view.apply(event)
    assert (view.task, view.model, view.best_of) == ("collatz", "openai:test", 4)
    assert view.best == (0, 1) and view.finished is not None
    labels = {
        key: view.candidate(key).status_label(live=False)
        for key in [(0, 1), (0, 2), (1, 1), (2, 1), (3, 1)]
    }
    assert labels == {
        (0, 1): "correct",
        (0, 2): "correct",
        (1, 1): "wrong",
        (2, 1): "failed to assemble",
        (3, 1): "no code",
    }
    assert view.candidate((0, 1)).speedup_text() == "1.849x ±0.024"
    assert view.calls == 5 and view.input_tokens == 1800 * 2 + 1900 + 2000 + 2100
    assert view.elapsed() == 43
    assert [v for _, v in view.best_series] == [1.849]
    assert [v for _, v in view.branches[0].series] == [1.849, 1.812]
    assert view.branches[3].finished == "proposer done"


def test_an_interrupted_run_and_its_resumption(tmp_path):
    events = scripted_run(tmp_path / "run", finished=False)
    view = RunView()
    for event in events:
        view.apply(event)
    pending = view.candidate((0, 2))
    assert pending.status_label(live=True) == "assembling"
    assert pending.status_label(live=False) == "interrupted"
    # Resumed a day later: the segments add up, the pause between them does not count.
    view.apply(ev.RunStarted("collatz", "openai:test", 4, 2, "out", resumed=True, at=T0 + 86400))
    view.apply(events[-1].__class__(**{**events[-1].__dict__, "at": T0 + 86410}))
    assert view.elapsed() == 27 + 10
    assert view.elapsed(now=T0 + 86420) == 27 + 20
    # Applying an evaluation twice changes nothing.
    again = next(e for e in events if isinstance(e, ev.CandidateEvaluated) and e.correct)
    before = (len(view.branches[0].iterations), view.best, list(view.branches[0].series))
    view.apply(again)
    assert (len(view.branches[0].iterations), view.best, view.branches[0].series) == before


def test_diff_rows_align_and_fold():
    old = "\n".join(f"l{i}" for i in range(1, 31))
    new = old.replace("l10", "L10").replace("l20\n", "")
    rows = pairs(old, new)
    changed = [p for p in rows if p.changed]
    assert [(p.old_no, p.old, p.new_no, p.new) for p in changed] == [
        (10, "l10", 10, "L10"),
        (20, "l20", None, None),
    ]
    lines = unified(rows)
    assert [(line.sign, line.text) for line in lines if line.changed] == [
        ("-", "l10"),
        ("+", "L10"),
        ("-", "l20"),
    ]
    folded = fold(lines, lambda line: line.changed, context=2)
    assert isinstance(folded[0], Gap) and folded[0].count == 7
    assert isinstance(folded[-1], Gap) and folded[-1].count == 8
    assert fold(lines, lambda line: False) == lines  # nothing to keep: everything


def test_chart_sampling_is_a_step_function():
    points = [(10.0, 1.2), (20.0, 1.5)]
    assert sample(points, 0.0, 40.0, 4) == [1.2, 1.5, 1.5, 1.5]
    assert sample(points, 0.0, 40.0, 8)[:2] == [None, 1.2]
    assert bars([None, 1.0, 2.0], 1.0, 2.0) == " ▁█"


def test_formats():
    assert format_speedup(1.5, [1.4, 1.6]) == "1.500x ±0.100"
    assert format_speedup(1.5, None) == "1.500x"
    assert format_elapsed(3725) == "1:02:05"


def test_an_opened_run_resumes_with_a_new_time_budget(tmp_path):
    from agent.config import RunConfig
    from agent.run import save_request
    from tests.conftest import EXAMPLES
    from tui.session import RunSession

    run_dir = tmp_path / "run"
    save_request(run_dir, EXAMPLES / "collatz" / "prog.s", None, None, RunConfig(time_budget=9))
    assert RunSession.open(run_dir).context().config.time_budget == 9
    session = RunSession.open(run_dir, time_budget=600.0)
    assert session.context().config.time_budget == 600.0
    assert 590 < session.context().time_left() <= 600
