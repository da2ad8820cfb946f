"""Speedup over time: one sparkline per branch and one for the best so far.

The x axis is the run's time, from its first event to now (live) or to its
last event; each column holds the latest speedup measured by then (a step
function), so branches that finished early stay level. The y scale is shared
and always includes 1.0 (the baseline).
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from tui.state import RunView

BARS = "▁▂▃▄▅▆▇█"
LABEL = 5  # "b12  "
VALUE = 8  # " 1.849x"
SERIES_STYLES = ["$text-primary", "$text-accent", "$text-secondary", "$text-warning"]


def sample(points: list[tuple[float, float]], t0: float, t1: float, columns: int) -> list:
    """The step function of `points` at the end of each of `columns` equal time slices."""
    out: list[float | None] = []
    span = max(t1 - t0, 1e-9)
    index, value = 0, None
    for c in range(columns):
        t = t0 + span * (c + 1) / columns
        while index < len(points) and points[index][0] <= t:
            value = points[index][1]
            index += 1
        out.append(value)
    return out


def bars(values: list, low: float, high: float) -> str:
    span = max(high - low, 1e-9)
    return "".join(
        " " if v is None else BARS[min(len(BARS) - 1, max(0, round((v - low) / span * 7)))]
        for v in values
    )


class SpeedupChart(Widget):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._view: RunView | None = None
        self._now: float | None = None

    def show(self, view: RunView, now: float | None) -> None:
        self._view, self._now = view, now
        self.styles.height = min(len(view.branches) + 4, 12)
        self.refresh()

    def render(self) -> Content:
        view = self._view
        if view is None or view.first_at is None:
            return Content.styled("no measurement yet", "$text-muted")
        series = [
            (f"b{b}", view.branches[b].series, SERIES_STYLES[b % len(SERIES_STYLES)])
            for b in sorted(view.branches)
        ]
        series.append(("best", view.best_series, "bold $text-success"))
        values = [v for _, points, _ in series for _, v in points]
        if not values:
            return Content.styled("no correct candidate timed yet", "$text-muted")
        low, high = min([1.0, *values]), max([1.0, *values])
        columns = max(4, self.size.width - LABEL - VALUE)
        t0 = view.first_at
        t1 = max(view.last_at or t0, self._now or 0.0)
        lines = [Content.styled(f"{'':<{LABEL}}{low:.2f}x to {high:.2f}x", "$text-muted")]
        for name, points, style in series:
            line = Content.assemble(
                (f"{name:<{LABEL}}", "bold" if name == "best" else ""),
                (bars(sample(points, t0, t1, columns), low, high), style),
                (f" {points[-1][1]:.3f}x" if points else "", style),
            )
            lines.append(line)
        return Content("\n").join(lines)
