"""The diff pane: a candidate against the baseline, unified or side by side,
with AT&T syntax highlighting (pygments' `gas` lexer), the profile's hot lines
marked with their percentages, and assembler errors on their lines."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pygments.lexers import get_lexer_by_name
from pygments.token import Token
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from tui.diffrows import Gap, Line, Pair, fold, pairs, unified
from tui.state import Iteration, format_speedup, printable

WIDE = 100  # from this body width on, tabs are 8 columns (else 4)
GUTTER = 5  # "1234 "
MARK = 6  # " 35.4%"
HOT_KEEP = 1.0  # hot lines at or above this percent are kept when folding

ASM_STYLES = {  # pygments token -> Textual style (theme variables: dark and light)
    Token.Comment: "italic $text 60%",
    Token.Name.Function: "$text-accent",  # mnemonics
    Token.Name.Variable: "$text-primary",  # registers
    Token.Name.Constant: "$text-warning",  # immediates, symbols
    Token.Name.Label: "bold $text-success",
    Token.Name.Attribute: "$text-secondary",  # directives
    Token.Literal.Number: "$text-warning",
    Token.Literal.String: "$text-success",
}


@functools.cache
def _lexer():
    return get_lexer_by_name("gas", stripnl=False, ensurenl=False)


@functools.lru_cache(maxsize=4096)
def highlight_asm(line: str, tab: int = 8) -> Content:
    """One line of AT&T assembly, tabs expanded, coloured with theme variables."""
    text = printable(line).expandtabs(tab)
    spans: list[tuple[int, int, str]] = []
    start = 0
    for token_type, token in _lexer().get_tokens(text):
        end = start + len(token)
        kind = token_type
        while kind is not None:
            if kind in ASM_STYLES:
                spans.append((start, end, ASM_STYLES[kind]))
                break
            kind = kind.parent
        start = end
    content = Content(text)
    for begin, end, style in spans:
        content = content.stylize(style, begin, min(end, len(text)))
    return content


@dataclass
class DiffDoc:
    """What the pane shows."""

    summary: list[Content]
    baseline: str
    candidate: str | None  # None: the baseline alone
    hot: dict[int, float] = field(default_factory=dict)  # candidate line -> percent
    base_hot: dict[int, float] = field(default_factory=dict)  # baseline line -> percent
    errors: dict[int, str] = field(default_factory=dict)  # candidate line -> message
    title: str = "baseline"
    reply: str | None = None  # no assembly: the model's reply instead of a diff


class DiffView(Vertical):
    side_by_side: reactive[bool] = reactive(False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._doc: DiffDoc | None = None
        self._width = 0
        self._tab = 8

    def compose(self) -> ComposeResult:
        yield Static(id="diff-summary")
        with ScrollableContainer(id="diff-scroll"):
            yield Static(id="diff-body")

    def on_mount(self) -> None:
        self._title()

    # -- what to show ------------------------------------------------------------

    def show(self, doc: DiffDoc, scroll_home: bool = True) -> None:
        self._doc = doc
        self._redraw()
        if scroll_home:
            self.query_one("#diff-scroll").scroll_home(animate=False)

    @property
    def doc(self) -> DiffDoc | None:
        return self._doc

    def watch_side_by_side(self) -> None:
        self._title()
        self._redraw()

    def on_resize(self) -> None:
        width = self._body_width()
        if width != self._width:
            self._redraw()

    def _title(self) -> None:
        mode = "side by side" if self.side_by_side else "unified"
        doc = self._doc
        if doc is None or (doc.candidate is None and doc.reply is None):
            self.border_title = "baseline · hot lines"
        elif doc.reply is not None:
            self.border_title = f"{doc.title} · reply"
        else:
            self.border_title = f"{doc.title} vs baseline · {mode}"
        self.border_subtitle = "d: unified / side by side"

    def _body_width(self) -> int:
        width = self.query_one("#diff-scroll").scrollable_content_region.width
        return width if width > 0 else 78

    # -- rendering ---------------------------------------------------------------

    def _redraw(self) -> None:
        doc = self._doc
        summary = self.query_one("#diff-summary", Static)
        body = self.query_one("#diff-body", Static)
        self._title()
        if doc is None:
            summary.update(Content.styled("waiting for the baseline…", "$text-muted"))
            body.update("")
            return
        self._width = self._body_width()
        self._tab = 8 if self._width >= (2 * WIDE if self.side_by_side else WIDE) else 4
        summary.update(Content("\n").join(doc.summary))
        summary.display = bool(doc.summary)
        if doc.reply is not None:
            rows = [Content.styled("the model's reply (no assembly in it):", "bold")]
            rows += [Content(printable(line).expandtabs(4)) for line in doc.reply.splitlines()]
        elif doc.candidate is None:
            rows = self._baseline_rows(doc)
        elif self.side_by_side:
            rows = self._side_by_side_rows(doc, self._width)
        else:
            rows = self._unified_rows(doc)
        width = max([self._width, *(row.cell_length for row in rows)])
        body.update(Content("\n").join(row.extend_right(width - row.cell_length) for row in rows))

    @staticmethod
    def _number(no: int | None, compact: bool = False) -> Content:
        width = GUTTER - 1 if compact else GUTTER
        return Content.styled(f"{no:>{width - 1}} " if no else " " * width, "$text-muted")

    @staticmethod
    def _mark(
        no: int | None, hot: dict[int, float], errors: dict[int, str], compact: bool = False
    ) -> Content:
        if no is not None and no in errors:
            return Content.styled("err " if compact else "  err ", "bold $text-error")
        if no is not None and no in hot:
            pct = hot[no]
            style = "bold $text-warning" if pct >= HOT_KEEP else "$text-warning"
            return Content.styled(f"{pct:3.0f}%" if compact else f"{pct:5.1f}%", style)
        return Content(" " * (MARK - 2 if compact else MARK))

    @staticmethod
    def _gap(count: int, what: str = "unchanged ") -> Content:
        word = "line" if count == 1 else "lines"
        return Content.styled(f"{'':>{GUTTER}}  ⋯ {count} {what}{word}", "$text-muted")

    def _baseline_rows(self, doc: DiffDoc) -> list[Content]:
        lines = doc.baseline.splitlines()
        numbered = list(enumerate(lines, 1))
        folded = fold(numbered, lambda r: doc.base_hot.get(r[0], 0.0) >= HOT_KEEP)
        rows = []
        for row in folded:
            if isinstance(row, Gap):
                rows.append(self._gap(row.count, what=""))
                continue
            no, text = row
            rows.append(
                Content.assemble(
                    self._number(no),
                    "  ",
                    self._mark(no, doc.base_hot, {}),
                    " ",
                    highlight_asm(text, self._tab),
                )
            )
        return rows

    def _keep_line(self, doc: DiffDoc):
        def keep(line: Line) -> bool:
            return (
                line.changed
                or doc.hot.get(line.new_no or -1, 0.0) >= HOT_KEEP
                or (line.new_no in doc.errors)
            )

        return keep

    def _unified_rows(self, doc: DiffDoc) -> list[Content]:
        assert doc.candidate is not None
        lines = unified(pairs(doc.baseline, doc.candidate))
        rows = []
        for line in fold(lines, self._keep_line(doc)):
            if isinstance(line, Gap):
                rows.append(self._gap(line.count))
                continue
            if line.sign == "-":
                mark = self._mark(line.old_no, doc.base_hot, {})
                sign = Content.styled("-", "bold $text-error")
            else:
                mark = self._mark(line.new_no, doc.hot, doc.errors)
                sign = Content.styled(line.sign, "bold $text-success")
            row = Content.assemble(
                self._number(line.new_no or line.old_no),
                sign,
                " ",
                mark,
                " ",
                highlight_asm(line.text, self._tab),
            )
            if line.sign != " ":
                row = row.stylize_before(
                    "on $success-muted" if line.sign == "+" else "on $error-muted"
                )
            rows.append(row)
        return rows

    def _side_by_side_rows(self, doc: DiffDoc, width: int) -> list[Content]:
        assert doc.candidate is not None
        half = max(20, (width - 1) // 2)
        compact = half < 45  # narrow halves: smaller gutters, whitespace squeezed
        rows = []

        def keep(p: Pair) -> bool:
            return (
                p.changed
                or doc.hot.get(p.new_no or -1, 0.0) >= HOT_KEEP
                or (p.new_no in doc.errors)
            )

        def side(no, text, hot, errors, changed, style) -> Content:
            if text is None:
                return Content(" " * half)
            if compact:
                text = (" " if text[:1].isspace() else "") + " ".join(text.split())
            cell = Content.assemble(
                self._number(no, compact),
                self._mark(no, hot, errors, compact),
                " ",
                highlight_asm(text, self._tab),
            )
            cell = cell.truncate(half, pad=True)
            return cell.stylize_before(style) if changed else cell

        for p in fold(pairs(doc.baseline, doc.candidate), keep):
            if isinstance(p, Gap):
                rows.append(self._gap(p.count))
                continue
            left = side(p.old_no, p.old, doc.base_hot, {}, p.changed, "on $error-muted")
            right = side(p.new_no, p.new, doc.hot, doc.errors, p.changed, "on $success-muted")
            rows.append(Content.assemble(left, Content.styled("│", "$text-muted"), right))
        return rows


# -- documents -------------------------------------------------------------------------


def _safe(line: Content) -> Content:
    """A summary line whose text came from a report or a reply, made printable."""
    text = printable(line.plain)
    return line if text == line.plain else Content(text.replace("\n", " "))


def _hot(report_or_lines) -> dict[int, float]:
    out: dict[int, float] = {}
    for h in report_or_lines or ():
        if h.get("line"):
            out[int(h["line"])] = max(out.get(int(h["line"]), 0.0), float(h["percent"]))
    return out


STATUS_STYLES = {
    "correct": "bold $text-success",
    "assembling": "bold $text-warning",
}


def candidate_doc(
    it: Iteration,
    live: bool,
    baseline: str,
    candidate: str | None,
    report: dict | None,
    base_hot_lines: list | None,
) -> DiffDoc:
    """The pane's content for one candidate and its evaluation report."""
    status = it.status_label(live)
    head: list = [
        (f"b{it.branch} i{it.iteration}", "bold"),
        " · ",
        (status, STATUS_STYLES.get(status, "bold $text-error")),
    ]
    if it.correct and it.speedup is not None:
        head += [" · ", (format_speedup(it.speedup, it.speedup_ci), "bold")]
        if it.speedup_ci:
            low, high = it.speedup_ci
            head += [(f" [{low:.3f}, {high:.3f}]", "$text-muted")]
        head += [" · ", ("verified" if it.verified else "not verified", "$text-muted")]
    if report and report.get("tests", {}).get("total"):
        tests = report["tests"]
        head += [" · ", f"{tests['passed']}/{tests['total']} tests"]
    summary = [Content.assemble(*head)]
    errors: dict[int, str] = {}
    for e in (report or {}).get("errors", [])[:3]:
        where = f"line {e['line']}: " if e.get("line") else ""
        summary.append(Content.styled(f"{where}{e['message']}", "$text-error"))
        if e.get("line"):
            errors[int(e["line"])] = e["message"]
    failure = (report or {}).get("first_failure")
    if failure:
        summary.append(
            Content.styled(f"{failure['reason']} on test {failure['test']}", "$text-error")
        )
        for line in (failure.get("diff") or "").splitlines()[1:4]:
            summary.append(Content.styled(line, "$text-muted"))
    elif it.detail and not errors and not it.correct:
        summary.append(Content.styled(it.detail, "$text-muted"))
    hot = sorted((report or {}).get("hot_lines") or [], key=lambda h: -h["percent"])[:3]
    if hot:
        parts: list = [("hot: ", "$text-muted")]
        for h in hot:
            parts += [(f"{h['percent']:.1f}%", "bold $text-warning"), f" l{h['line']} "]
            parts += [(" ".join(str(h["text"]).split()), "$text-muted"), "  "]
        summary.append(Content.assemble(*parts))
    if it.note:
        summary.append(Content.styled(f"note: {it.note}", "italic $text-muted"))
    if report and report.get("identical_to_baseline"):
        summary.append(Content.styled("identical to the baseline", "$text-muted"))
    return DiffDoc(
        summary=[_safe(line).truncate(400) for line in summary],
        baseline=baseline,
        candidate=candidate,
        reply=(it.reply or "(an empty reply)") if candidate is None else None,
        hot=_hot((report or {}).get("hot_lines")),
        base_hot=_hot(base_hot_lines),
        errors=errors,
        title=f"b{it.branch} i{it.iteration}",
    )


def baseline_doc(baseline: str, tests: int | None, timing: str, base_hot_lines: list | None):
    """The pane's content before any candidate: the baseline and its hot lines."""
    if tests is None:
        head = Content.styled("measuring the baseline…", "$text-muted")
    else:
        head = Content.assemble(("baseline", "bold"), f" · {tests} tests pass · timing on {timing}")
    return DiffDoc(
        summary=[head],
        baseline=baseline,
        candidate=None,
        base_hot=_hot(base_hot_lines),
        title="baseline",
    )
