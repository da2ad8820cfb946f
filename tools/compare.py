"""Compare a candidate's stdout with the expected output, and describe differences.

A candidate's output is untrusted bytes: nothing here decodes strictly, and
everything shown to a person or a model is escaped first (control characters,
invalid UTF-8, terminal escapes and bidi overrides come out as \\x.. / \\u....),
so an output cannot break a terminal, a log line or a prompt.
"""

from __future__ import annotations

import math
import re

from tools.task import Compare

_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TRAILING_WS = b" \t\r\f\v"
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}


def outputs_match(expected: bytes, actual: bytes, compare: Compare) -> bool:
    """True when `actual` counts as the same output as `expected` under `compare`."""
    if compare.mode == "exact":
        return expected == actual
    if compare.mode == "whitespace":
        return _normalize_whitespace(expected) == _normalize_whitespace(actual)
    if compare.mode == "float":
        return _floats_match(expected, actual, compare.rel_tol, compare.abs_tol)
    raise ValueError(f"unknown compare mode {compare.mode!r}")


def _normalize_whitespace(data: bytes) -> list[bytes]:
    lines = [line.rstrip(_TRAILING_WS) for line in data.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _floats_match(expected: bytes, actual: bytes, rel_tol: float, abs_tol: float) -> bool:
    exp_tokens, act_tokens = expected.split(), actual.split()
    if len(exp_tokens) != len(act_tokens):
        return False
    for e, a in zip(exp_tokens, act_tokens, strict=True):
        if e == a:
            continue
        if not (_NUMBER.fullmatch(e) and _NUMBER.fullmatch(a)):
            return False
        x, y = float(e), float(a)
        if not (math.isfinite(x) and math.isfinite(y)):  # overflowed to inf: no tolerance
            return False
        if not math.isclose(x, y, rel_tol=rel_tol, abs_tol=abs_tol):
            return False
    return True


# ---------------------------------------------------------------------------
# showing bytes


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if ch.isprintable():
        return ch
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape(data: bytes, limit: int) -> tuple[str, bool]:
    """Escape `data` into at most `limit` characters; also say whether it was cut."""
    limit = max(limit, 0)
    head = data[: limit * 4 + 4]  # an escaped byte takes 1 to 4 characters
    out: list[str] = []
    size = 0
    for ch in head.decode("utf-8", "surrogateescape"):
        piece = _escape_char(ch)
        if size + len(piece) > limit:
            return "".join(out), True
        out.append(piece)
        size += len(piece)
    return "".join(out), len(head) < len(data)


def excerpt(data: bytes, limit: int = 200) -> str:
    """One printable line showing the start of `data`, escaped; when cut, it ends
    with "… (N bytes)" giving the full size."""
    text, cut = _escape(data, limit)
    return f"{text}… ({len(data)} bytes)" if cut else text


def _split_lines(data: bytes) -> list[bytes]:
    """Lines with their b"\\n" kept, so a missing final newline is a difference."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _show_line(line: bytes | None, col: int, width: int) -> str:
    if line is None:
        return "<end of output>"
    body = line[:-1] if line.endswith(b"\n") else line
    start = 0
    if len(body) > width and col > width // 2:
        start = col - width // 3  # keep the differing column in view on long lines
    shown, cut = _escape(body[start:], width)
    text = ("…" if start else "") + _quote(shown) + ("…" if cut else "")
    if not line.endswith(b"\n"):
        text += " (no newline at end)"
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quote(text: str) -> str:
    """Quote an already escaped text the way repr() quotes a string."""
    return "'" + text.replace("'", "\\'") + "'"


def first_difference(expected: bytes, actual: bytes, context: int = 2) -> str:
    """Where two outputs first differ, for a person or a model: the line and
    column, up to `context` identical lines before it, then the expected and the
    actual line, escaped; at most about 600 characters."""
    if expected == actual:
        return "outputs are identical"
    exp_lines, act_lines = _split_lines(expected), _split_lines(actual)
    i = 0
    while i < len(exp_lines) and i < len(act_lines) and exp_lines[i] == act_lines[i]:
        i += 1
    exp_line = exp_lines[i] if i < len(exp_lines) else None
    act_line = act_lines[i] if i < len(act_lines) else None
    where = f"line {i + 1}"
    col = 0
    if exp_line is not None and act_line is not None:
        while col < min(len(exp_line), len(act_line)) and exp_line[col] == act_line[col]:
            col += 1
        where += f", column {col + 1}"
    header = (
        f"first difference at {where} (expected {_count(len(exp_lines), 'line')},"
        f" {_count(len(expected), 'byte')}; got {_count(len(act_lines), 'line')},"
        f" {_count(len(actual), 'byte')})"
    )
    diff = [
        f"  expected: {_show_line(exp_line, col, 100)}",
        f"  actual:   {_show_line(act_line, col, 100)}",
    ]
    shown = [
        f"  line {j + 1}: {_show_line(exp_lines[j], 0, 60)}"
        for j in range(max(0, i - max(context, 0)), i)
    ]
    budget = 600 - len(header) - sum(len(d) + 1 for d in diff)
    while shown and sum(len(c) + 1 for c in shown) > budget:
        shown.pop(0)  # the line that differs matters more than its context
    return "\n".join([header, *shown, *diff])
