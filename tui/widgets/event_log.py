"""The log pane: every event, one line each, and the model's messages
(its reasoning, when it sends any, and the prose of its reply)."""

from __future__ import annotations

import re
from collections import deque

from rich.style import Style
from rich.text import Text
from textual.widgets import RichLog

from agent import events as ev
from tui.state import format_elapsed, printable

FENCE = re.compile(r"```.*?(```|$)", re.DOTALL)
EDIT_BLOCK = re.compile(
    r"^\s*<{5,9}\s*SEARCH\b.*?(^\s*>{5,9}\s*REPLACE\b[^\n]*|\Z)", re.DOTALL | re.MULTILINE
)
MESSAGE_CHARS = 600


def clean(text: str) -> str:
    """Untrusted text (model replies, tool messages): printable, one paragraph."""
    return " ".join(printable(text).split())


def prose(reply: str) -> str:
    """A reply without its code blocks and edit blocks, trimmed."""
    text = clean(FENCE.sub(" [code] ", EDIT_BLOCK.sub(" [edit] ", reply)))
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


class EventLog(RichLog):
    MAX_LINES = 5000

    def __init__(self, **kwargs) -> None:
        super().__init__(
            wrap=True,
            markup=False,
            highlight=False,
            max_lines=self.MAX_LINES,
            min_width=20,
            **kwargs,
        )
        self._t0: float | None = None
        self._entries: deque[tuple[str, str, str, str]] = deque(maxlen=self.MAX_LINES)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._rewrite())

    def _line(self, stamp: str, text: str, style: str, colour: str) -> Text:
        """A line in the current theme's colours (`colour`: a theme variable's name)."""
        value = self.app.theme_variables.get(colour, "") if colour else ""
        line = Text(stamp, style="dim")
        line.append(text, style=Style.parse(style or "none") + Style(color=value or None))
        return line

    def _rewrite(self) -> None:
        self.clear()
        for entry in self._entries:
            self.write(self._line(*entry))

    def say(self, at: float | None, text: str, style: str = "", colour: str = "") -> None:
        """One line: `+H:MM:SS text`, or indented under the previous line when `at` is None."""
        stamp = f"+{format_elapsed(at - self._t0)} " if at is not None and self._t0 else "  "
        entry = (stamp, clean(text), style, colour)
        self._entries.append(entry)  # stamp, text, style, colour
        self.write(self._line(*entry))

    def add(self, event: ev.Event) -> None:
        if self._t0 is None:
            self._t0 = event.at
        at = event.at
        match event:
            case ev.RunStarted():
                verb = "resuming" if event.resumed else "optimising"
                self.say(
                    at,
                    f"{verb} {event.task} with {event.model}: {event.best_of} branches x "
                    f"{event.iterations} iterations",
                    "bold",
                )
            case ev.BaselineMeasured():
                self.say(
                    at,
                    f"baseline: {event.tests} tests pass; timing on {event.timing_shown} "
                    f"({event.cpu_ms:.1f} ms CPU)",
                )
            case ev.BranchStarted():
                self.say(at, f"b{event.branch} started (temperature {event.temperature})")
            case ev.CandidateProposed():
                what = "proposed" if event.path else "no assembly"
                self.say(at, f"b{event.branch} i{event.iteration} {what}: {event.note}")
                if event.reply_format == "edits":
                    plural = "s" if event.edit_blocks != 1 else ""
                    self.say(None, f"edit: {event.edit_blocks} block{plural}", "dim")
                if event.reasoning:
                    self.say(None, f"reasoning: {prose(event.reasoning)}", "italic dim")
                if event.reply and prose(event.reply):
                    self.say(None, f"reply: {prose(event.reply)}", "dim")
            case ev.CandidateEvaluated():
                colour = "text-success" if event.correct else "text-error"
                self.say(
                    at,
                    f"b{event.branch} i{event.iteration} {event.status}: {event.detail}",
                    colour=colour,
                )
            case ev.NewBest():
                low, high = event.speedup_ci
                self.say(
                    at,
                    f"b{event.branch} i{event.iteration} new branch best "
                    f"{event.speedup:.3f}x [{low:.3f}, {high:.3f}]",
                    "bold",
                    colour="text-success",
                )
            case ev.BranchFinished():
                self.say(at, f"b{event.branch} finished after {event.iterations} ({event.reason})")
            case ev.ModelUsage():
                retries = f", {event.retries} retries" if event.retries else ""
                self.say(
                    at,
                    f"b{event.branch} i{event.iteration} {event.model}: {event.input_tokens} in / "
                    f"{event.output_tokens} out tokens, ${event.cost_usd:.4f}, "
                    f"{event.seconds:.1f} s{retries}",
                    "dim",
                )
            case ev.RunFinished():
                low, high = event.speedup_ci
                self.say(
                    at,
                    f"finished: {event.speedup:.3f}x [{low:.3f}, {high:.3f}] from {event.best}",
                    "bold",
                )
                if event.proof:
                    self.say(at, event.proof, "bold")
            case _:
                pass
