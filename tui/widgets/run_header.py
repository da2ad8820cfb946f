"""The header: task, state, elapsed time, best speedup, tokens, cost, model."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.state import RunView, format_elapsed, format_speedup, format_tokens, printable

STATE_STYLES = {
    "running": "bold $text-warning",
    "starting": "bold $text-warning",
    "finished": "bold $text-success",
    "stopped": "bold $text-error",
    "interrupted": "bold $text-error",
    "error": "bold $text-error",
}


class RunHeader(Static):
    """One line; the most useful fields first, so a narrow terminal keeps them."""

    def show(self, view: RunView, state: str, now: float | None) -> None:
        sep = (" · ", "$text-muted")
        parts: list = [(printable(view.task or "agent"), "bold")]
        parts += [sep, (state, STATE_STYLES.get(state.split(":")[0], "bold"))]
        parts += [sep, format_elapsed(view.elapsed(now))]
        best = view.best_candidate()
        if best is not None and best.speedup is not None:
            parts += [sep, ("best ", "$text-muted"), (format_speedup(best.speedup, None), "bold")]
        parts += [
            sep,
            f"{format_tokens(view.input_tokens)} in/{format_tokens(view.output_tokens)} out tok",
            sep,
            f"${view.cost_usd:.4f}",
        ]
        if view.model:
            parts += [sep, (printable(view.model), "$text-muted")]
        self.update(Content.assemble(*parts))
