"""SEARCH/REPLACE edit replies (aider's syntax), applied to the current best.

Why: real programs compile to thousands of lines of assembly. A whole-file
reply costs about ten output tokens a line, the long ones arrive truncated,
and long replies are where models drop a label or a directive. An edit names
only the lines it changes:

    <<<<<<< SEARCH
    (lines exactly as they stand in the current best)
    =======
    (their replacement; empty deletes them)
    >>>>>>> REPLACE

Blocks may be bare or inside fenced code blocks. Each SEARCH must match the
current best once: exactly, else ignoring leading and trailing whitespace per
line, else also treating runs of whitespace inside a line as one. All blocks
are located in the file the model was shown, must not overlap, and are
applied together or not at all: a reply whose blocks do not all apply gives
`EditError`s that quote the block (and the nearest similar lines of the
file) for the next prompt, never a half-edited program.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from tools.asm import extract_assembly

SEARCH_MARK = re.compile(r"^\s*<{5,9}\s*SEARCH\b")
DIVIDER_MARK = re.compile(r"^\s*={5,9}\s*$")
REPLACE_MARK = re.compile(r"^\s*>{5,9}\s*REPLACE\b")
MAIN_LABEL = re.compile(r"^\s*main\s*:", re.MULTILINE)
QUOTE_LINES = 12  # lines of a SEARCH or of the file quoted in feedback, at most
NEAREST_MIN_RATIO = 0.5  # below this, "nearest similar lines" would mislead
NEAREST_PROBES = 40  # SEARCH lines used to place candidate windows
NEAREST_COMMON = 50  # a line found more often than this places no window
NEAREST_CANDIDATES = 12  # windows compared in full
NEAREST_LINES = 80  # lines of each side compared


@dataclass(frozen=True)
class EditBlock:
    index: int  # 1-based, in reply order
    search: tuple[str, ...]
    replace: tuple[str, ...]


@dataclass(frozen=True)
class EditError:
    """Why a reply's edits were not applied, for the model to read."""

    reason: str  # one line, naming the block: "block 2 of 3: its SEARCH text matches nowhere"
    search: tuple[str, ...] = ()  # the block's SEARCH lines, quoted back
    nearest: tuple[int, tuple[str, ...]] | None = None  # (first line number, lines) of the file

    def render(self) -> str:
        parts = [self.reason]
        if self.search:
            parts.append("  its SEARCH lines:")
            parts += _quote(self.search)
        if self.nearest:
            first, lines = self.nearest
            last = first + len(lines) - 1
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            parts.append(f"  the most similar lines of the current best ({where}):")
            parts += _quote(lines)
        return "\n".join(parts)


class EditsRejected(Exception):
    """The edits of one reply could not be applied; carries every reason found."""

    def __init__(self, errors: list[EditError]):
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ParsedReply:
    """A reply read against the current best: its format, and the file it yields."""

    format: str  # "whole" | "edits"
    asm: str | None  # the complete .s to judge, or None
    blocks: int = 0  # edit blocks in the reply
    errors: tuple[EditError, ...] = ()

    @property
    def feedback(self) -> str:
        """The errors as the next prompt shows them ("" when there are none)."""
        if not self.errors:
            return ""
        lead = (
            f"None of the {self.blocks} edit blocks was applied (a reply's edits apply "
            "together or not at all):"
            if self.blocks > 1
            else "The edit was not applied:"
        )
        body = "\n".join(f"- {e.render()}" for e in self.errors)
        advice = (
            "Copy SEARCH lines exactly from the current best, give each block enough "
            "lines to match one place only, and keep blocks apart."
        )
        return f"{lead}\n{body}\n{advice}"

    @property
    def summary(self) -> str:
        """One line for logs and the branch history."""
        if self.errors:
            first = self.errors[0].reason
            more = f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
            return f"edits not applied: {first}{more}"
        if self.format == "edits":
            return f"edit: {self.blocks} block{'s' if self.blocks != 1 else ''}"
        return "whole file"


def has_edits(reply: str) -> bool:
    return any(SEARCH_MARK.match(line) for line in reply.splitlines())


def read_reply(reply: str, current: str) -> ParsedReply:
    """The complete `.s` a reply yields: its one whole file, or its edits
    applied to `current`. Problems become errors, never exceptions."""
    if not has_edits(reply):
        return ParsedReply("whole", extract_assembly(reply))
    try:
        blocks, outside = parse_edits(reply)
    except EditsRejected as exc:
        return ParsedReply("edits", None, _count_blocks(reply), tuple(exc.errors))
    whole = extract_assembly(outside)
    if whole is not None and (MAIN_LABEL.search(whole) or whole.count("\n") >= 20):
        error = EditError(
            f"the reply holds both a whole file ({whole.count(chr(10))} lines) and "
            f"{len(blocks)} edit block{'s' if len(blocks) != 1 else ''}: reply with one or "
            "the other"
        )
        return ParsedReply("edits", None, len(blocks), (error,))
    try:
        return ParsedReply("edits", apply_edits(current, blocks), len(blocks))
    except EditsRejected as exc:
        return ParsedReply("edits", None, len(blocks), tuple(exc.errors))


def _count_blocks(reply: str) -> int:
    return sum(1 for line in reply.splitlines() if SEARCH_MARK.match(line))


def parse_edits(reply: str) -> tuple[list[EditBlock], str]:
    """The reply's edit blocks, and its text outside them. A block cut short
    (no divider, no REPLACE marker) or a stray marker raises EditsRejected."""
    blocks: list[EditBlock] = []
    outside: list[str] = []
    total = _count_blocks(reply)
    state, search, replace = "out", [], []

    def fail(reason: str, quoted=()) -> EditsRejected:
        where = f"block {len(blocks) + 1} of {total}: " if state != "out" else ""
        return EditsRejected([EditError(where + reason, tuple(quoted))])

    for line in reply.splitlines():
        if SEARCH_MARK.match(line):
            if state == "search":
                raise fail("no ======= divider and no >>>>>>> REPLACE marker", search)
            if state == "replace":
                raise fail("no >>>>>>> REPLACE marker before the next SEARCH", search)
            state, search, replace = "search", [], []
        elif DIVIDER_MARK.match(line):
            if state == "out":
                raise fail("a ======= divider outside any SEARCH block")
            if state == "replace":
                raise fail("a second ======= divider", search)
            state = "replace"
        elif REPLACE_MARK.match(line):
            if state == "out":
                raise fail("a >>>>>>> REPLACE marker with no SEARCH before it")
            if state == "search":
                raise fail("no ======= divider between its SEARCH and REPLACE parts", search)
            blocks.append(EditBlock(len(blocks) + 1, tuple(search), tuple(replace)))
            state = "out"
        elif state == "search":
            search.append(line)
        elif state == "replace":
            replace.append(line)
        else:
            outside.append(line)
    if state == "search":
        raise fail("the reply ends inside its SEARCH part (no =======, no REPLACE marker)", search)
    if state == "replace":
        raise fail("no >>>>>>> REPLACE marker (the reply ends inside the block)", search)
    return blocks, "\n".join(outside)


def apply_edits(current: str, blocks: list[EditBlock]) -> str:
    """`current` with every block applied, each located in `current` itself.
    Raises EditsRejected naming every block that matches nowhere, more than
    once, or overlaps another."""
    lines = current.splitlines()
    total = len(blocks)
    errors: list[EditError] = []
    spans: list[tuple[int, int, EditBlock]] = []
    for block in blocks:
        where = f"block {block.index} of {total}"
        found, error = _locate(lines, block.search)
        if error:
            nearest = _nearest(lines, block.search) if "nowhere" in error else None
            errors.append(EditError(f"{where}: {error}", block.search, nearest))
        else:
            spans.append((found[0], found[1], block))
    spans.sort(key=lambda s: (s[0], s[1]))
    reach: tuple[int, int, EditBlock] | None = None  # the span reaching furthest so far
    for start_b, end_b, b in spans:
        if reach is not None and start_b < reach[1]:
            start_a, end_a, a = reach
            first, second = sorted((a, b), key=lambda x: x.index)
            errors.append(
                EditError(
                    f"blocks {first.index} and {second.index} of {total} overlap "
                    f"(lines {start_a + 1}-{end_a} and {start_b + 1}-{end_b} of the current "
                    "best): merge them into one block",
                    second.search,
                )
            )
        if reach is None or end_b > reach[1]:
            reach = (start_b, end_b, b)
    if errors:
        raise EditsRejected(errors)
    out = list(lines)
    for start, end, block in reversed(spans):
        out[start:end] = block.replace
    text = "\n".join(out)
    return text + "\n" if text else text


def _locate(lines: list[str], search: tuple[str, ...]) -> tuple[tuple[int, int], str]:
    """((start, end), "") for the one place `search` matches, else ((0, 0), why).

    Passes, each tried only when the one before matched nowhere: exact; then
    ignoring leading and trailing whitespace per line (and blank lines at the
    SEARCH's ends); then also treating any run of whitespace inside a line as
    one space (a model that turned the listing's tabs into spaces)."""
    if not any(line.strip() for line in search):
        return (0, 0), "its SEARCH part is empty: quote the lines to replace"
    for norm in (None, str.strip, _squash):
        key = list(search) if norm is None else [norm(line) for line in search]
        while norm is not None and not key[0]:  # blank lines at the ends carry no position
            key.pop(0)
        while norm is not None and not key[-1]:
            key.pop()
        found = _matches(lines if norm is None else [norm(line) for line in lines], key)
        if len(found) == 1:
            return (found[0], found[0] + len(key)), ""
        if len(found) > 1:
            return (0, 0), _ambiguous(found)
    return (0, 0), "its SEARCH text matches nowhere in the current best"


def _squash(line: str) -> str:
    return " ".join(line.split())


def _ambiguous(starts: list[int]) -> str:
    shown = ", ".join(str(s + 1) for s in starts[:6]) + (", ..." if len(starts) > 6 else "")
    return (
        f"its SEARCH text matches {len(starts)} places (at lines {shown}): "
        "add lines around it so that it matches one place only"
    )


def _matches(lines: list[str], key: list[str]) -> list[int]:
    n = len(key)
    if n == 0 or n > len(lines):
        return []
    first = key[0]
    return [i for i in range(len(lines) - n + 1) if lines[i] == first and lines[i : i + n] == key]


def _nearest(lines: list[str], search: tuple[str, ...]) -> tuple[int, tuple[str, ...]] | None:
    """The window of the file most like `search`, when it is similar enough to
    help. Bounded work whatever the file: windows are placed by the SEARCH
    lines that occur in the file (or, when none does, by the file lines
    closest to its first lines), and only the best-placed few are compared
    with difflib over whitespace-squashed text."""
    want = [_squash(line) for line in search if line.strip()]
    if not want or not lines:
        return None
    squashed = [_squash(line) for line in lines]
    size = min(len(search), len(lines))
    places: dict[str, list[int]] = {}
    for i, line in enumerate(squashed):
        places.setdefault(line, []).append(i)

    def start_of(position: int, offset: int) -> int:
        return max(0, min(position - offset, len(lines) - size))

    votes: Counter[int] = Counter()
    for offset, line in enumerate(want[:NEAREST_PROBES]):
        hits = places.get(line, [])
        if len(hits) <= NEAREST_COMMON:  # a line found everywhere ("ret") places nothing
            votes.update(start_of(p, offset) for p in hits)
    starts = [start for start, _ in votes.most_common(NEAREST_CANDIDATES)]
    if not starts:
        known = list(places)
        for offset, line in enumerate(want[:3]):
            for close in difflib.get_close_matches(line, known, n=3, cutoff=0.6):
                starts += [start_of(p, offset) for p in places[close][:NEAREST_CANDIDATES]]
    target = "\n".join(want[:NEAREST_LINES])
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    best, best_ratio = 0, 0.0
    for start in dict.fromkeys(starts):
        window = [line for line in squashed[start : start + size] if line]
        matcher.set_seq1("\n".join(window[:NEAREST_LINES]))
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = start, ratio
    if best_ratio < NEAREST_MIN_RATIO:
        return None
    return best + 1, tuple(lines[best : best + size])


def _quote(lines: tuple[str, ...] | list[str]) -> list[str]:
    """Lines quoted with a bar, so that their own indentation shows; long runs
    keep their ends."""
    lines = list(lines)
    if len(lines) > QUOTE_LINES:
        half = QUOTE_LINES // 2
        lines = [*lines[:half], f"[... {len(lines) - 2 * half} lines]", *lines[-half:]]
    return [f"  | {line}" for line in lines]


def edit_reply(old: str, new: str, context: int = 2) -> str:
    """SEARCH/REPLACE blocks that turn `old` into `new`, each SEARCH matching
    once in `old` (its context grows until it does; blocks that would touch
    merge). For scripted models, benchmarks and tests."""
    a, b = old.splitlines(), new.splitlines()
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()

    def to_new(pos: int, pick) -> int:
        """Where an old line boundary (in an unchanged stretch, or at a change's
        edge) lies in `new`; `pick` (min or max) chooses before or after an
        insertion right at it."""
        places = [
            j1 + pos - i1 for tag, i1, i2, j1, _ in opcodes if tag == "equal" and i1 <= pos <= i2
        ]
        places += [j1 for _, i1, _, j1, _ in opcodes if pos == i1]
        places += [j2 for _, _, i2, _, j2 in opcodes if pos == i2]
        return pick(places)

    spans: list[list[int]] = []
    for tag, i1, i2, _j1, _j2 in opcodes:
        if tag == "equal":
            continue
        pad = context
        while True:
            lo, hi = max(0, i1 - pad), min(len(a), i2 + pad)
            if len(_matches(a, a[lo:hi])) == 1 or (lo == 0 and hi == len(a)):
                break
            pad += 1
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    # A merged span may reach into a later change's context: merge again.
    merged: list[list[int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    out = []
    for lo, hi in merged:
        replace = b[to_new(lo, min) : to_new(hi, max)]
        out += ["<<<<<<< SEARCH", *a[lo:hi], "=======", *replace, ">>>>>>> REPLACE"]
    return "\n".join(out) + "\n" if out else ""
