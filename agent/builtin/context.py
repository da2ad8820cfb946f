"""What an assembly pass knows besides the text: the target CPU and the profile.

Every pass is `apply(asm, ctx) -> str | None` (None: it does not fire). Hot
lines are keyed by 1-based line number of the very text the pass gets; passes
that insert lines work on a fresh parse each time, so a profile of an older
text must not be passed on (`PassContext.without_profile`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from agent.builtin import cpu

_HOT_LINE = re.compile(r"^\s*([\d.]+)%\s+line\s+(\d+):")
_HOT_FUNCTION = re.compile(r"^\s*([\d.]+)%\s+(.+?)(?:\s+\(([^()]*)\))?\s*$")


@dataclass(frozen=True)
class PassContext:
    target: str = "native"
    hot_lines: dict[int, float] = field(default_factory=dict)  # line -> % of samples
    hot_functions: tuple[tuple[str, str, float], ...] = ()  # (name, dso, %)

    @property
    def features(self) -> frozenset[str]:
        return cpu.features(self.target)

    @property
    def has_profile(self) -> bool:
        return bool(self.hot_lines or self.hot_functions)

    def heat(self, line_numbers) -> float:
        """Share of samples on these lines (1-based)."""
        return sum(self.hot_lines.get(n, 0.0) for n in line_numbers)

    def without_profile(self) -> PassContext:
        return dataclasses.replace(self, hot_lines={}, hot_functions=())

    def share(self, predicate) -> float:
        """Share of samples in functions whose name satisfies `predicate`."""
        return sum(p for name, _dso, p in self.hot_functions if predicate(name))


def parse_hot_lines(items) -> dict[int, float]:
    """Feedback strings like "12.3%  line 57: imull ..." -> {57: 12.3}."""
    found: dict[int, float] = {}
    for item in items:
        match = _HOT_LINE.match(item)
        if match:
            found[int(match.group(2))] = float(match.group(1))
    return found


def parse_hot_functions(items) -> tuple[tuple[str, str, float], ...]:
    """Feedback strings like "61.0%  __vfscanf_internal (libc.so.6)" -> tuples."""
    found = []
    for item in items:
        match = _HOT_FUNCTION.match(item)
        if match:
            found.append((match.group(2), match.group(3) or "", float(match.group(1))))
    return tuple(found)


def from_profile(profile, **kwargs) -> PassContext:
    """A context from a `tools.profile.Profile` (None: no profile)."""
    if profile is None:
        return PassContext(**kwargs)
    lines = {h.line: h.percent for h in profile.hot_lines}
    funcs = tuple((f.name, f.dso, f.percent) for f in profile.functions)
    return PassContext(hot_lines=lines, hot_functions=funcs, **kwargs)
