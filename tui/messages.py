"""App-level messages: what the run worker and the widgets tell the app."""

from __future__ import annotations

from textual.message import Message

from agent import events as ev


class RunEvent(Message):
    """One typed event of the run (posted from `execute`'s `on_event`)."""

    def __init__(self, event: ev.Event) -> None:
        super().__init__()
        self.event = event


class OpenCandidate(Message):
    """Show a tree node's candidate in the diff pane.

    `target` is the node's data: ("run",) follows the best so far,
    ("branch", B) opens the branch's best (or latest) candidate,
    ("iter", B, I) that candidate."""

    def __init__(self, target: tuple) -> None:
        super().__init__()
        self.target = target
