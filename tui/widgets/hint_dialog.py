"""A one-line prompt for a hint: text added to a branch's next revise prompt."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class HintDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel")]  # noqa: RUF012

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="hint-box"):
            yield Label(f"Hint for {self.target} (enter: send, escape: cancel)")
            yield Input(placeholder="e.g. keep the loop counter in a register", id="hint-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
