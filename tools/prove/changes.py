"""Which code a candidate changed: whole functions, or a loop inside a large one.

A function changed when its code (instructions and labels; alignment and
other directives do not change what it does) differs after
`tools.asm.normalize`, the normalisation that decides "identical candidate".
Most functions are checked whole. In `main` (judge programs keep most code
there), and in any function longer than `LARGE` statements, the check is
narrowed to the innermost loop that contains every changed line in both
texts: a label `L` and a backward jump to `L`, with no jump from outside into
it except to `L` (single entry).
Otherwise the change is "not confined to a region".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from tools import asm as asmlib

LARGE = 400  # statements: longer functions are checked by region
_JUMP = re.compile(r"^\s*(j[a-z]+)\s+\*?([A-Za-z_.$][\w.$]*)\s*(?:#.*)?$")


@dataclass(frozen=True)
class Region:
    """Lines [first, last] of one text (1-based, inclusive): a loop entered at `label`."""

    label: str  # where control enters it
    first: int
    last: int
    exits: tuple[str, ...]  # labels outside the region that it jumps to
    top: str = ""  # the label on its first line


@dataclass(frozen=True)
class Change:
    """One changed function, whole (`region` None) or narrowed to a loop."""

    name: str
    base_region: Region | None = None
    cand_region: Region | None = None
    why_not: str = ""  # set when the change cannot be checked (not confined, ...)
    line: int | None = None  # where it is in the candidate

    @property
    def title(self) -> str:
        if self.base_region is None:
            return self.name
        return f"{self.name} loop at line {self.cand_region.first}"


def _canonical(line: asmlib.Line) -> str:
    return asmlib.normalize(line.text).strip()


def changed(baseline: str, candidate: str) -> list[Change]:
    """The functions whose normalized bodies differ, in candidate order."""
    base, cand = asmlib.parse(baseline), asmlib.parse(candidate)
    base_fns = {f.name: f for f in base.functions}
    out: list[Change] = []
    for fn in cand.functions:
        old = base_fns.get(fn.name)
        if old is None:
            continue  # a new helper: checked through the functions that call it
        a = [s for s in map(_canonical, _code(base, old)) if s]
        b = [s for s in map(_canonical, _code(cand, fn)) if s]
        if a == b:
            continue
        if fn.name == "main" or max(len(a), len(b)) > LARGE:
            out.append(_narrow(fn.name, base, old, cand, fn))
        else:
            out.append(Change(fn.name, line=fn.start))
    return out


def _code(listing: asmlib.Listing, fn: asmlib.Function) -> list[asmlib.Line]:
    """Instruction and label lines of a function (what decides its behaviour)."""
    lines = listing.lines[fn.start - 1 : fn.end]
    return [ln for ln in lines if ln.kind in ("instruction", "label")]


def _changed_lines(a: list[asmlib.Line], b: list[asmlib.Line]) -> tuple[set[int], set[int]]:
    """Line numbers that differ, on each side."""
    matcher = difflib.SequenceMatcher(None, [_canonical(x) for x in a], [_canonical(x) for x in b])
    left: set[int] = set()
    right: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # an insertion sits between two lines: count both neighbours as changed
        left.update(x.number for x in a[max(i1 - (i1 == i2), 0) : max(i2, i1 + 1)])
        right.update(x.number for x in b[max(j1 - (j1 == j2), 0) : max(j2, j1 + 1)])
    return left, right


def _loops(code: list[asmlib.Line]) -> list[Region]:
    """Loops as line ranges: each backward jump's [target label, jump], and unions of
    overlapping ones (gcc lays a loop's blocks out around its header), kept when
    they are single-entry."""
    where = {ln.label: i for i, ln in enumerate(code) if ln.kind == "label"}
    spans = set()
    for j, ln in enumerate(code):
        i = where.get(_targets(ln) or "")
        if i is not None and i < j:
            spans.add((i, j))
    grown = True
    while grown:  # close under union of overlapping spans
        grown = False
        for a in list(spans):
            for b in list(spans):
                if a != b and a[0] <= b[1] and b[0] <= a[1]:
                    union = (min(a[0], b[0]), max(a[1], b[1]))
                    if union not in spans:
                        spans.add(union)
                        grown = True
    regions = []
    for i, j in sorted(spans):
        region = _region(code, i, j)
        if region is not None and region not in regions:
            regions.append(region)
    return regions


def _targets(line: asmlib.Line) -> str | None:
    match = _JUMP.match(line.text.split("#")[0].rstrip())
    return match.group(2) if line.kind == "instruction" and match else None


def _falls_through(line: asmlib.Line | None) -> bool:
    """Whether control can run past this line into the next one."""
    if line is None or line.kind != "instruction":
        return line is not None
    mnemonic = (line.mnemonic or "").lower()
    return not (mnemonic.startswith(("jmp", "ret", "ud2")) or mnemonic == "hlt")


def _region(code: list[asmlib.Line], i: int, j: int) -> Region | None:
    """Lines [i, j] if single-entry: one label reached from outside (or the top,
    fallen into), and no other way in. `label` is that entry."""
    inner = {ln.label for ln in code[i : j + 1] if ln.kind == "label"}
    entries = {_targets(ln) for k, ln in enumerate(code) if not i <= k <= j} & inner
    before = next((code[k] for k in range(i - 1, -1, -1) if code[k].kind == "instruction"), None)
    if before is not None and _falls_through(before):
        entries.add(code[i].label)
    if len(entries) != 1:
        return None
    (entry,) = entries
    exits = []
    for ln in code[i : j + 1]:
        target = _targets(ln)
        if target and target not in inner and target not in exits:
            exits.append(target)
    return Region(entry, code[i].number, code[j].number, tuple(exits), top=code[i].label)


def _narrow(name, base, old, cand, fn) -> Change:
    a, b = _code(base, old), _code(cand, fn)
    left, right = _changed_lines(a, b)
    base_loops = {(r.top, r.label): r for r in _loops(a)}
    for region in sorted(_loops(b), key=lambda r: r.last - r.first):
        if not all(region.first <= n <= region.last for n in right):
            continue
        other = base_loops.get((region.top, region.label))
        if other and all(other.first <= n <= other.last for n in left):
            return Change(name, other, region, line=region.first)
    return Change(name, why_not="change not confined to a region", line=fn.start)
