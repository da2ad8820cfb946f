"""Rows of a candidate-vs-baseline diff, for the unified and side-by-side views.

Pure data (no Textual): `pairs()` aligns the two listings line by line,
`unified()` turns the pairs into `-`/`+`/` ` rows, and `fold()` keeps the
changed and marked rows (hot lines, assembler errors) with some context and
collapses the rest into gaps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TypeVar


@dataclass(frozen=True)
class Pair:
    """One side-by-side row: a baseline line and a candidate line (either may be missing)."""

    old_no: int | None
    old: str | None
    new_no: int | None
    new: str | None

    @property
    def changed(self) -> bool:
        return self.old is None or self.new is None or self.old != self.new


@dataclass(frozen=True)
class Line:
    """One unified row."""

    sign: str  # " ", "-" or "+"
    old_no: int | None
    new_no: int | None
    text: str

    @property
    def changed(self) -> bool:
        return self.sign != " "


@dataclass(frozen=True)
class Gap:
    """Unchanged rows left out."""

    count: int


def pairs(old: str, new: str) -> list[Pair]:
    a, b = old.splitlines(), new.splitlines()
    rows: list[Pair] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [
                Pair(i + 1, a[i], j + 1, b[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            rows.append(
                Pair(
                    i + 1 if i < i2 else None,
                    a[i] if i < i2 else None,
                    j + 1 if j < j2 else None,
                    b[j] if j < j2 else None,
                )
            )
    return rows


def unified(rows: Sequence[Pair]) -> list[Line]:
    """Each run of changed pairs becomes its removed lines, then its added lines."""
    out: list[Line] = []
    removed: list[Line] = []
    added: list[Line] = []

    def flush() -> None:
        out.extend(removed)
        out.extend(added)
        removed.clear()
        added.clear()

    for p in rows:
        if not p.changed:
            flush()
            out.append(Line(" ", p.old_no, p.new_no, p.new or ""))
            continue
        if p.old is not None:
            removed.append(Line("-", p.old_no, None, p.old))
        if p.new is not None:
            added.append(Line("+", None, p.new_no, p.new))
    flush()
    return out


Row = TypeVar("Row")


def fold(rows: Sequence[Row], keep: Callable[[Row], bool], context: int = 3) -> list[Row | Gap]:
    """The rows within `context` of a kept row; runs of other rows become one Gap.
    With nothing to keep, every row is shown."""
    marked = [i for i, row in enumerate(rows) if keep(row)]
    if not marked:
        return list(rows)
    shown = [False] * len(rows)
    for i in marked:
        for j in range(max(0, i - context), min(len(rows), i + context + 1)):
            shown[j] = True
    out: list[Row | Gap] = []
    hidden = 0
    for row, visible in zip(rows, shown, strict=True):
        if visible:
            if hidden:
                out.append(Gap(hidden))
                hidden = 0
            out.append(row)
        else:
            hidden += 1
    if hidden:
        out.append(Gap(hidden))
    return out
