"""The branch tree: the run, its branches, and each branch's iterations with
their status and speedup ± CI."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree

from tui.messages import OpenCandidate
from tui.state import Branch, Iteration, RunView, format_speedup, printable

STATUS_COLOURS = {
    "correct": "text-success",
    "wrong": "text-error",
    "failed to assemble": "text-error",
    "no code": "text-error",
    "error": "text-error",
    "assembling": "text-warning",
}


class BranchTree(Tree[tuple]):
    """Node data: ("run",), ("branch", B) or ("iter", B, I)."""

    BINDINGS = [  # noqa: RUF012 (Textual's convention)
        Binding("up", "cursor_up", "move", key_display="↑↓", show=True),
        Binding("down", "cursor_down", "move", show=False),
        Binding("enter", "select_cursor", "open"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__("run", data=("run",), **kwargs)
        self.auto_expand = False
        self.guide_depth = 2
        self._branches: dict[int, object] = {}
        self._iterations: dict[tuple[int, int], object] = {}
        self._last: tuple[RunView, bool, frozenset[int]] | None = None

    def on_mount(self) -> None:
        self.root.expand()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._relabel())

    def sync(self, view: RunView, live: bool, paused: set[int]) -> None:
        """Add the nodes that are new and relabel all (a handful: cheap)."""
        self._last = (view, live, frozenset(paused))
        for b in sorted(view.branches):
            branch = view.branches[b]
            node = self._branches.get(b)
            if node is None:
                node = self._branches[b] = self.root.add("", data=("branch", b), expand=True)
            for i in sorted(branch.iterations):
                if (b, i) not in self._iterations:
                    self._iterations[(b, i)] = node.add_leaf("", data=("iter", b, i))
        self._relabel()

    def _relabel(self) -> None:
        if self._last is None:
            return
        view, live, paused = self._last
        colours = self.app.theme_variables
        self.root.set_label(self._run_label(view, colours))
        for b, node in self._branches.items():
            branch = view.branches[b]
            node.set_label(self._branch_label(branch, b in paused, live, view, colours))
            for i, it in branch.iterations.items():
                self._iterations[(b, i)].set_label(self._iteration_label(it, live, colours))

    @staticmethod
    def _run_label(view: RunView, colours: dict) -> Text:
        label = Text(printable(view.task or "run"), style="bold")
        best = view.best_candidate()
        if best is not None and best.speedup is not None:
            label.append(f"  best {best.speedup:.3f}x", style=Style(color=colours["text-success"]))
        elif view.finished is not None:
            label.append("  baseline kept", style="dim")
        return label

    @staticmethod
    def _branch_label(
        branch: Branch, paused: bool, live: bool, view: RunView, colours: dict
    ) -> Text:
        label = Text(f"branch {branch.index}", style="bold")
        if branch.best is not None:
            label.append(f" {branch.best[1]:.3f}x", style=Style(color=colours["text-success"]))
        if paused:
            label.append(" paused", style=Style(color=colours["text-warning"], bold=True))
        elif branch.finished:
            label.append(" done", style="dim")
        elif live:
            label.append(" running", style=Style(color=colours["text-warning"]))
        elif view.finished is None:
            label.append(" interrupted", style="dim")
        return label

    @staticmethod
    def _iteration_label(it: Iteration, live: bool, colours: dict) -> Text:
        status = it.status_label(live)
        colour = colours.get(STATUS_COLOURS.get(status, ""))
        label = Text(f"i{it.iteration} ")
        label.append(status, style=Style(color=colour) if colour else "dim")
        if it.correct and it.speedup is not None:
            label.append(f" {format_speedup(it.speedup, it.speedup_ci)}", style="bold")
        return label

    def cursor_target(self) -> tuple:
        node = self.cursor_node
        return node.data if node is not None and node.data else ("run",)

    def select_target(self, target: tuple) -> None:
        """Move the cursor to a node (used by tests and by the app after a hint)."""
        node = {
            "run": lambda: self.root,
            "branch": lambda: self._branches.get(target[1]),
            "iter": lambda: self._iterations.get(tuple(target[1:])),
        }[target[0]]()
        if node is not None:
            self.move_cursor(node)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        self.post_message(OpenCandidate(event.node.data or ("run",)))
