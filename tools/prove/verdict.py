"""What a proof says: one verdict per changed function or region, and the whole.

- `proved`: no input within the loop bound makes the two differ; `bound` is
  "complete" when no path was cut, else "k iterations" (loops unrolled k times);
- `refuted`: a counterexample that was replayed concretely in the sandbox and
  reproduced (`counterexample`: the arguments and both results);
- `unknown`: `why` says why (time limit, unsupported instruction, a
  counterexample that did not replay, a change not confined to a region, ...).

The whole is refuted when any part is, proved when every part is, else unknown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

PROVED, REFUTED, UNKNOWN = "proved", "refuted", "unknown"


@dataclass(frozen=True)
class Verdict:
    name: str  # "mix", or "main loop at line 88"
    status: str
    counterexample: dict | None = None
    bound: str | None = None  # "complete" | "16 iterations" (proved only)
    seconds: float = 0.0
    why: str = ""
    line: int | None = None  # first line of the checked code in the candidate

    def to_dict(self) -> dict:
        return asdict(self)

    def short(self) -> str:
        """ "mix (complete)", "main loop at line 88 (bound 16)", "f: time limit 30 s"."""
        if self.status == PROVED:
            detail = "complete" if self.bound == "complete" else f"bound {self.bound_k}"
            return f"{self.name} ({detail})"
        if self.status == REFUTED:
            return f"{self.name} ({describe_counterexample(self.counterexample)})"
        return f"{self.name} ({self.why})"

    @property
    def bound_k(self) -> str:
        return (self.bound or "").split()[0]


@dataclass(frozen=True)
class Proof:
    status: str
    functions: tuple[Verdict, ...] = field(default_factory=tuple)
    why: str = ""  # set when nothing could be checked at all

    def to_dict(self) -> dict:
        out = {"status": self.status, "functions": [v.to_dict() for v in self.functions]}
        if self.why:
            out["why"] = self.why
        return out

    def summary(self) -> str:
        """One line: "proved: mix (complete), main loop at line 88 (bound 16)"."""
        if not self.functions:
            return f"{self.status}: {self.why or 'no function changed'}"
        groups: dict[str, list[str]] = {}
        for v in self.functions:
            groups.setdefault(v.status, []).append(v.short())
        parts = [f"{status}: {', '.join(items)}" for status, items in groups.items()]
        return "; ".join(parts)

    @staticmethod
    def of(verdicts: list[Verdict], why: str = "") -> Proof:
        statuses = {v.status for v in verdicts}
        if REFUTED in statuses:
            status = REFUTED
        elif verdicts and statuses == {PROVED}:
            status = PROVED
        elif not verdicts and not why:
            status = PROVED  # nothing changed: the same code
        else:
            status = UNKNOWN
        return Proof(status, tuple(verdicts), why)


def describe_counterexample(cex: dict | None) -> str:
    """ "f(rdi=0x2a): baseline rax=0x1, candidate rax=0x2"."""
    if not cex:
        return "no counterexample"
    args = ", ".join(f"{k}={v}" for k, v in cex.get("arguments", {}).items())
    base = ", ".join(f"{k}={v}" for k, v in cex.get("baseline", {}).items())
    cand = ", ".join(f"{k}={v}" for k, v in cex.get("candidate", {}).items())
    return f"({args}): baseline {base}; candidate {cand}"


def from_dict(data: dict) -> Proof:
    verdicts = tuple(Verdict(**v) for v in data.get("functions", ()))
    return Proof(data["status"], verdicts, data.get("why", ""))
