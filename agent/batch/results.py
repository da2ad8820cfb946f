"""A batch folder's record of finished tasks: `results.jsonl`, one line per task.

Appended with one write per line and fsync'd, so after a kill the file holds
whole lines plus at most one torn last line, which `read_results` skips and
`ResultsLog` cuts off before appending.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = "results.jsonl"
REQUEST = "batch.json"  # what was asked (plan.py writes it, summary.py reads it)


def read_results(path: Path) -> list[dict]:
    """Every whole line of a results file, first occurrence of each task only;
    a torn or unparsable line (a kill in the middle of a write) is skipped."""
    if not path.exists():
        return []
    seen: set[str] = set()
    lines = []
    for raw in path.read_bytes().split(b"\n"):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(line, dict) or "task" not in line or line["task"] in seen:
            continue
        seen.add(line["task"])
        lines.append(line)
    return lines


class ResultsLog:
    """Appends one line per finished task: a single write, flush and fsync each,
    so a line is on disk whole before the next task is reported."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._repair()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def _repair(self) -> None:
        """Cut a torn last line (no newline at the end) so the next line starts clean."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            with self.path.open("r+b") as f:
                f.truncate(keep)
                f.flush()
                os.fsync(f.fileno())

    def append(self, line: dict) -> None:
        data = (json.dumps(line, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:  # one write for any sane line; loop only on a short write
            view = view[os.write(self._fd, view) :]
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def rewrite_results(path: Path, lines: list[dict]) -> None:
    """Replace the results file atomically (used to drop error lines for a retry)."""
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("wb") as f:
        for line in lines:
            f.write((json.dumps(line, separators=(",", ":")) + "\n").encode())
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
