"""One function in focus: `agent run --function NAME` (task.toml `function`).

The work is restricted to the function and to what it alone calls: the local
(non-`.globl`) functions that nothing outside the focus references, found
transitively, with their gcc `.cold` parts. Global callees stay out: other
translation units may call them.

- The *region* is those functions' lines in the current file: each from its
  header (section switch, alignment, `.globl`/`.type`, gcc's `.LHOTB`/`.LCOLDB`
  labels) to its `.size` and trailer. The *view* is the region's lines, in file
  order; hot lines are renumbered to it.
- A model sees the view (with the function's C source and hot lines) instead of
  the file; its whole-function reply, or its edits against the view, make a
  new view, which `write_back` puts where the region's first function stood
  (the region's other lines go). A reply that is a whole file gives up only its
  focus functions (`transplant`).
- The built-in optimizer works on the whole file (it assembles and profiles
  it); from each of its proposals only the focus functions are taken
  (`transplant`): textually when the proposal is the current file rewritten by
  a pass (its data is the current's), else through `agent.builtin.splice`,
  which brings the function's constants along renamed. Proposals that leave
  the focus unchanged are skipped. A fresh compile's version is spliced only
  when no other function of the file calls the focus function, because gcc's
  IPA register allocation lets a caller rely on what the old callee left alone.

Every candidate is the whole file again, and is judged as the whole program.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from agent.proposer import Proposal, ProposalRequest
from tools import asm as asmlib
from tools import c_source as c_source_lib
from tools.c_source import CLONE
from tools.errors import BadInput

MAX_TRIES = 12  # built-in proposals looked at per request for one that moves the focus
_SYMBOL = re.compile(r'"(?:\\.|[^"\\\n])*"|%[A-Za-z_]\w*|@[A-Za-z_]\w*|(?P<sym>[A-Za-z_.][\w.$]*)')
_HOTCOLD_HEAD = re.compile(r"^\.L(?:HOT|COLD)B\d+:$")
_HOTCOLD_TAIL = re.compile(r"^\.L(?:HOT|COLD)E\d+:$")
_HEADER_DIRECTIVES = (".globl", ".global", ".type", ".p2align", ".align", ".balign", ".text")
_HOT_LINE = re.compile(r"^(\s*[\d.]+%\s+line\s+)(\d+)(:.*)$")


@dataclass(frozen=True)
class Region:
    """The focus in one file: which functions, and their 0-based [start, end) line spans."""

    name: str
    functions: tuple[str, ...]  # the focus function first, then what it alone calls
    spans: tuple[tuple[int, int], ...]  # in file order, disjoint

    def view_line(self, line: int) -> int | None:
        """The view's 1-based line for the file's 1-based `line` (None: outside)."""
        offset = 0
        for start, end in self.spans:
            if start < line <= end:
                return offset + line - start
            offset += end - start
        return None


def _code(text: str) -> list[str]:
    raw = asmlib._split_lines(text)
    return [line.strip() for line in asmlib._strip_comments(text).split("\n")[: len(raw)]]


def _symbols(code_line: str) -> list[str]:
    return [m.group("sym") for m in _SYMBOL.finditer(code_line) if m.group("sym")]


def _is_switch(code_line: str) -> bool:
    head = code_line.split(None, 1)[0] if code_line else ""
    if head == ".text":
        return True
    return head == ".section" and code_line.split(None, 1)[1].lstrip('"').startswith(".text")


def _spans(asm: str) -> tuple[dict[str, tuple[int, int]], set[str]]:
    """Each function's span (its `.cold` part folded in), and the `.globl` names."""
    listing = asmlib.parse(asm)
    code = _code(asm)
    globl: set[str] = set()
    for line in code:
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] in (".globl", ".global"):
            globl.update(n.strip() for n in parts[1].split(","))
    raw: dict[str, list[int]] = {}
    for f in listing.functions:
        owner = f.name[: -len(".cold")] if f.name.endswith(".cold") else f.name
        if owner != f.name and owner not in {g.name for g in listing.functions}:
            owner = f.name
        span = raw.setdefault(owner, [f.start - 1, f.end])
        span[0], span[1] = min(span[0], f.start - 1), max(span[1], f.end)
    spans: dict[str, tuple[int, int]] = {}
    for name, (start, end) in raw.items():
        while start > 0:
            line = code[start - 1]
            head = line.split(None, 1)[0] if line else ""
            header = head in _HEADER_DIRECTIVES or _is_switch(line) or _HOTCOLD_HEAD.match(line)
            if not line or header:
                start -= 1
            else:
                break
        while start < end and not code[start]:
            start += 1  # blank lines above belong to no one
        own = {name, name + ".cold"}
        probe = end
        while probe < len(code):
            line = code[probe]
            parts = line.split(None, 1)
            sized = len(parts) == 2 and parts[0] == ".size"
            if (sized and parts[1].split(",", 1)[0].strip() in own) or _HOTCOLD_TAIL.match(line):
                end = probe = probe + 1
            elif not line or _is_switch(line):
                probe += 1  # kept only when a tail label follows
            else:
                break
        spans[name] = (start, end)
    return spans, globl


def region(asm: str, name: str) -> Region:
    """The focus region of `name` in `asm`; BadInput when it defines no such function."""
    spans, globl = _spans(asm)
    if name not in spans:
        known = ", ".join(sorted(n for n in spans if not n.endswith(".cold"))[:12])
        raise BadInput(f"--function {name}: no such function in the assembly (it has: {known})")
    code = _code(asm)
    owner_of = [None] * len(code)
    for fname, (start, end) in spans.items():
        for i in range(start, end):
            owner_of[i] = fname
    refs: dict[str, set[str | None]] = {}  # symbol -> the functions (None: elsewhere) using it
    uses: dict[str, set[str]] = {}
    for i, line in enumerate(code):
        if not line or line.endswith(":"):
            continue
        head = line.split(None, 1)[0]
        if head in (".globl", ".global", ".type", ".size", ".local", ".hidden"):
            continue
        for sym in _symbols(line.split(None, 1)[1] if " " in line or "\t" in line else ""):
            if sym in spans:
                refs.setdefault(sym, set()).add(owner_of[i])
                if owner_of[i] is not None:
                    uses.setdefault(owner_of[i], set()).add(sym)
    focus = [name]
    changed = True
    while changed:
        changed = False
        for fname in list(focus):
            for callee in sorted(uses.get(fname, ())):
                if callee in focus or callee in globl or callee == "main":
                    continue
                if refs.get(callee, set()) - {callee} <= set(focus):
                    focus.append(callee)
                    changed = True
    chosen = sorted(spans[f] for f in focus)
    return Region(name, tuple(focus), tuple(chosen))


def view(asm: str, reg: Region) -> str:
    """The region's lines, in file order."""
    lines = asm.split("\n")
    return "\n".join(line for start, end in reg.spans for line in lines[start:end]) + "\n"


def write_back(asm: str, reg: Region, new_view: str) -> str:
    """`asm` with the region replaced by `new_view`. When the new view still
    holds each of the region's functions, each goes back where it stood;
    otherwise the whole view goes where the region began."""
    lines = asm.split("\n")
    pieces = _pieces(asm, reg, new_view)
    out: list[str] = []
    position = 0
    for i, (start, end) in enumerate(reg.spans):
        out += lines[position:start]
        out += pieces[i]
        position = end
    out += lines[position:]
    return "\n".join(out)


def _pieces(asm: str, reg: Region, new_view: str) -> list[list[str]]:
    """The new view's lines for each span of the region, in span order."""
    new_lines = new_view.rstrip("\n").split("\n")
    whole = [new_lines] + [[] for _ in reg.spans[1:]]
    if len(reg.spans) == 1:
        return whole
    old, _ = _spans(asm)
    try:
        new, _ = _spans(new_view)
    except Exception:  # a view the parser does not take: keep it in one piece
        return whole
    by_span = {old[f]: f for f in old if old[f] in reg.spans}
    if set(new) != set(by_span.values()):
        return whole
    order = sorted(new, key=lambda f: new[f][0])
    pieces: dict[str, list[str]] = {}
    for k, name in enumerate(order):
        start = 0 if k == 0 else new[name][0]
        end = new[order[k + 1]][0] if k + 1 < len(order) else len(new_lines)
        pieces[name] = new_lines[start:end]
    return [pieces[by_span[span]] for span in reg.spans]


def _outside(asm: str, reg: Region) -> list[str]:
    """The file's lines outside the region, without comments and blank lines."""
    code = _code(asm)
    inside = {i for start, end in reg.spans for i in range(start, end)}
    return [line for i, line in enumerate(code) if i not in inside and line]


def called_elsewhere(asm: str, reg: Region) -> bool:
    """Does code outside the region call or jump to the focus function?"""
    spans, _ = _spans(asm)
    code = _code(asm)
    inside = {i for start, end in reg.spans for i in range(start, end)}
    functions = {i for start, end in spans.values() for i in range(start, end)}
    for i, line in enumerate(code):
        if i in inside or i not in functions or not line or line.endswith(":"):
            continue
        parts = line.split(None, 1)
        jumps = parts[0].startswith(("call", "j")) and len(parts) == 2
        if jumps and reg.name in _symbols(parts[1]):
            return True
    return False


def _defined(asm: str) -> set[str]:
    found = set()
    for line in _code(asm):
        if line.endswith(":") and " " not in line:
            found.add(line[:-1])
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] in (".comm", ".lcomm", ".set", ".equ"):
            found.add(parts[1].split(",", 1)[0].strip())
    return found


def _referenced(text: str) -> set[str]:
    found = set()
    for line in _code(text):
        if not line or line.endswith(":"):
            continue
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] not in (".globl", ".global", ".type", ".size"):
            found.update(_symbols(parts[1]))
    return found


def transplant(current: str, proposal: str, name: str, fresh: bool = False) -> str | None:
    """`current` with the focus functions as `proposal` has them; None when that
    cannot be done soundly or changes nothing. `fresh`: the proposal is a new
    compile (its labels and constants are its own), else a rewrite of `current`."""
    try:
        here = region(current, name)
        there = region(proposal, name)
    except BadInput:
        return None
    new_view = view(proposal, there)
    if view(current, here) == new_view:
        return None
    if not fresh:
        result = write_back(current, here, new_view)
        missing = (_referenced(new_view) & _defined(proposal)) - _defined(result)
        return None if missing else result  # e.g. a helper the pass added elsewhere
    if called_elsewhere(current, here):
        return None  # see the module docstring: IPA register allocation
    from agent.builtin import splice

    try:
        return splice.splice(current, proposal, [name], tag="focus")
    except ValueError:
        return None


# -- C source and profile ---------------------------------------------------------


def c_function(source: str, name: str) -> str | None:
    """The definition of C function `name` in `source` (K&R style too), or None."""
    return c_source_lib.function(source, name)


def c_source(source: str | None, reg: Region) -> str | None:
    """The C definitions of the region's functions (None: none found)."""
    if not source:
        return None
    found = []
    for name in dict.fromkeys(CLONE.sub("", f) for f in reg.functions):
        text = c_function(source, name)
        if text:
            found.append(text)
    return "\n\n".join(found) if found else None


def remap_hot_lines(items, current: str, reg: Region) -> tuple[str, ...]:
    """Hot-line strings ("12.3%  line 57: text") renumbered to the view; lines
    outside it, or whose text is no longer at that line, are dropped."""
    lines = current.split("\n")
    out = []
    for item in items:
        match = _HOT_LINE.match(item)
        if not match:
            continue
        line = int(match.group(2))
        where = reg.view_line(line)
        text = match.group(3)[1:].strip()
        if where is None or line > len(lines) or lines[line - 1].strip() != text:
            continue
        out.append(f"{match.group(1)}{where}{match.group(3)}")
    return tuple(out)


def profile_text(ctx) -> str:
    """The baseline's profile as the focused prompt shows it: the hot functions,
    then the hot lines of the focus, numbered as in the view of the baseline."""
    base = ctx._baseline
    if base is None or base.profile is None:
        return ""
    prof = base.profile
    try:
        reg = region(base.task.asm, ctx.task.function)
    except BadInput:
        return ctx.baseline_profile_text()
    lines = [f"{f.percent:5.1f}%  {f.name} ({f.dso})" for f in prof.functions[:8]]
    hot = [f"{h.percent:5.1f}%  line {h.line}: {h.text}" for h in prof.hot_lines]
    lines += remap_hot_lines(hot, base.task.asm, reg)
    return "\n".join(lines) or prof.message


# -- the proposer ---------------------------------------------------------------------


def check(asm: str, name: str) -> Region:
    """BadInput (one line) unless `asm` defines function `name`."""
    return region(asm, name)


class FocusedProposer:
    """Any proposer, restricted to one function (see the module docstring)."""

    def __init__(self, inner, function: str):
        self.inner = inner
        self.function = function
        self.name = inner.name
        # An offline proposer (the built-in) assembles and profiles what it gets:
        # it works on the whole file. No `explain`: its ablation would rebuild
        # its passes on the whole file, not on the focus alone.
        self.offline = getattr(inner, "offline", False)
        self.whole_file = self.offline

    async def propose(self, request: ProposalRequest) -> Proposal:
        if self.whole_file:
            return await self._from_whole_file(request)
        return await self._from_view(request)

    async def _from_whole_file(self, request: ProposalRequest) -> Proposal:
        for _ in range(MAX_TRIES):
            proposal = await self.inner.propose(request)
            if proposal.asm is None:
                return proposal
            move = str(proposal.extra.get("move", ""))
            fresh = move == "mix" or move.split("-")[0] in ("gcc", "clang")
            moved = transplant(request.current, proposal.asm, self.function, fresh)
            if moved is not None and moved != request.current:
                note = f"{proposal.note} (on {self.function} only)"
                return dataclasses.replace(
                    proposal, asm=moved, note=note, extra={**proposal.extra, "focus": self.function}
                )
        return Proposal(
            None,
            note=f"nothing left to try on {self.function}",
            model=self.inner.name,
            extra={"focus": self.function},
        )

    async def _from_view(self, request: ProposalRequest) -> Proposal:
        try:
            reg = region(request.current, self.function)
        except BadInput as exc:
            return Proposal(None, note=str(exc), model=self.name, extra={"error": str(exc)})
        shown = view(request.current, reg)
        source = c_source(request.task.source, reg)
        feedback = request.feedback
        if feedback is not None:
            feedback = dataclasses.replace(
                feedback, hot_lines=remap_hot_lines(feedback.hot_lines, request.current, reg)
            )
        focused = dataclasses.replace(
            request,
            current=shown,
            task=dataclasses.replace(request.task, source=source or request.task.source),
            feedback=feedback,
            focus=_focus_note(reg),
        )
        proposal = await self.inner.propose(focused)
        if proposal.asm is None:
            return proposal
        new = proposal.asm
        try:
            spans, _ = _spans(new)
        except Exception:  # text the parser does not take: judged as the view it claims to be
            spans = {}
        if any(
            f not in reg.functions and f.removesuffix(".cold") not in reg.functions for f in spans
        ):
            whole = transplant(request.current, new, self.function) or request.current
        else:
            whole = write_back(request.current, reg, new)
        return dataclasses.replace(
            proposal, asm=whole, extra={**proposal.extra, "focus": self.function}
        )


def _focus_note(reg: Region) -> str:
    others = [f for f in reg.functions if f != reg.name]
    alone = f" and what it alone calls ({', '.join(others)})" if others else ""
    return (
        f"Only the function `{reg.name}`{alone} is to be changed: the assembly below is "
        "those functions alone, cut from a larger file that stays as it is. Keep their "
        "names, their calling convention, and the registers and memory callers see; "
        "callers may rely on registers the original leaves alone. Your reply replaces "
        "exactly these lines."
    )
