"""What the built-in optimizer remembers of one task, across its branches.

- Each text it made and the stack of moves that made it (the original: no
  moves), so a branch's current text, whichever branch made it, says which
  moves are already in it; a text no one made is "given".
- Every text proposed, so no assembly is proposed twice: branches then spread
  over different moves.
- Which moves the harness accepted or rejected, as the graph tells it
  (`ProposalRequest.previous`): moves accepted elsewhere are tried first,
  rejected ones last.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from agent.builtin.moves import Move
from agent.proposer import Verdict
from tools import asm as asmlib


def digest(asm: str) -> str:
    return hashlib.sha256(asmlib.normalize(asm).encode("utf-8", "surrogateescape")).hexdigest()


class Memory:
    def __init__(self, original: str):
        self.origin: dict[str, tuple[str, ...]] = {digest(original): ()}
        self.proposed: set[str] = set()
        self.last: dict[int, tuple[int, str]] = {}  # branch -> (iteration, move) proposed
        self.accepted: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()

    def stack(self, asm: str) -> tuple[str, ...]:
        """The moves that made `asm` (("given",): not made here)."""
        return self.origin.get(digest(asm), ("given",))

    def told(self, branch: int, previous: Verdict | None) -> None:
        """The harness's verdict on the branch's last proposal (if it was ours)."""
        last = self.last.pop(branch, None)
        if last is None or previous is None or previous.iteration != last[0]:
            return
        (self.accepted if previous.accepted else self.rejected)[last[1]] += 1

    def fresh(self, asm: str) -> bool:
        """Neither proposed nor made before (the original included)."""
        made = digest(asm)
        return made not in self.proposed and made not in self.origin

    def proposing(self, branch: int, iteration: int, move: str, asm: str, stack) -> None:
        made = digest(asm)
        self.proposed.add(made)
        self.origin[made] = tuple(stack)
        self.last[branch] = (iteration, move)

    def rank(self, moves: list[Move]) -> list[Move]:
        """Moves accepted elsewhere first, rejected ones last (stable otherwise)."""
        return sorted(
            moves, key=lambda m: (-min(self.accepted[m.name], 1), self.rejected[m.name] > 0)
        )
