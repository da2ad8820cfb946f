"""Proved, not only tested: bounded equivalence of the code a candidate changed.

    changes (tools/prove/changes.py)  which functions differ after normalisation;
                                      in main, the loop holding every change
    build                             both programs, sandboxed (tools/build.py),
                                      data at fixed addresses, local labels kept
    compare (symbolic.py)             angr from one symbolic state, loops
                                      unrolled `bound` times, a time limit each
    replay (replay.py)                a difference is called both ways in the
                                      sandbox; only a reproduced one refutes
    cache                             verdicts by the pair of normalized bodies
                                      (and the rest of the candidate: its callers)

The verdicts and their meaning are in tools/prove/verdict.py. angr is an
optional extra (`pip install -e '.[prove]'`); `require()` says so in one line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass

from tools import asm as asmlib
from tools.build import build
from tools.c_source import void_functions
from tools.errors import BadInput
from tools.paths import cache_dir
from tools.prove.changes import Change, Region, changed
from tools.prove.verdict import PROVED, REFUTED, UNKNOWN, Proof, Verdict

__all__ = ["INSTALL_HINT", "PROVED", "REFUTED", "UNKNOWN", "Proof", "ProveOptions", "Verdict"]
__all__ += ["available", "prove", "require"]

# Loop iterations unrolled. Measured on tests/data/prove/leaf.c (2 loaded cores): a
# bit-counting loop took 5 s at 8, 19 s at 16, 65 s at 32 (complete at 64: 99 s);
# main's loop around three calls 10 s at 8 and over 30 s at 16.
DEFAULT_BOUND = 8
DEFAULT_SECONDS = 30.0  # per function or region
RECIPE = "2"  # bump when the check changes, so cached verdicts are not reused
# No PIE, data and bss at fixed addresses: both programs' globals share addresses.
LAYOUT = (
    "-no-pie",
    "-Wa,-L",
    "-Wl,-Tdata=0x30000000",
    "-Wl,-Tbss=0x38000000",
)
TOTAL_CHECKS = 3  # a candidate's proof takes at most this many checks' time limits
HARD_FACTOR = 1.5  # a check is killed at this multiple of its limit (plus SPAWN_S)
SPAWN_S = 20.0  # a fresh interpreter importing angr
CHILD_MEMORY_MB = 6144
INSTALL_HINT = "proving needs angr: pip install -e '.[prove]' (or make setup)"
_FALL = ".Lprove_fall"


@dataclass(frozen=True)
class ProveOptions:
    bound: int = DEFAULT_BOUND
    seconds: float = DEFAULT_SECONDS
    cache: bool = True


def available() -> bool:
    _quiet_angr()
    try:
        import angr  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    """Raise BadInput (one line: how to install it) when angr is missing."""
    if not available():
        raise BadInput(INSTALL_HINT)


def prove(
    baseline: str,
    candidate: str,
    sandbox,
    link_flags: tuple[str, ...] = (),
    options: ProveOptions | None = None,
    objects: tuple[tuple[str, bytes], ...] = (),
    source: str | None = None,
) -> Proof:
    """Check every changed function or region of `candidate` against `baseline`
    (`objects`: the program's other compiled files, linked with both; `source`:
    the C it came from, whose `void` functions return nothing worth comparing)."""
    require()
    options = options or ProveOptions()
    build_with = (link_flags, objects, void_functions(source or ""))
    deadline = time.monotonic() + TOTAL_CHECKS * options.seconds
    verdicts = []
    for change in changed(baseline, candidate):
        if time.monotonic() > deadline:
            why = f"the proof's time ({TOTAL_CHECKS} x {options.seconds:g} s) was spent"
            verdicts.append(Verdict(change.title, UNKNOWN, why=why, line=change.line))
            continue
        verdicts.append(_check(change, baseline, candidate, sandbox, build_with, options))
    return Proof.of(verdicts)


def _check(change: Change, baseline, candidate, sandbox, build_with, options) -> Verdict:
    start = time.monotonic()
    if change.why_not:
        return Verdict(change.title, UNKNOWN, why=change.why_not, line=change.line)
    key = _key(change, baseline, candidate, options)
    cached = _load(key) if options.cache else None
    if cached is not None:
        return cached
    verdict = _isolated(change, baseline, candidate, sandbox, build_with, options)
    verdict = Verdict(**{**verdict.to_dict(), "seconds": round(time.monotonic() - start, 2)})
    if options.cache and not verdict.why.startswith(("time limit", "build")):
        _store(key, verdict)
    return verdict


def _isolated(change: Change, baseline, candidate, sandbox, build_with, options) -> Verdict:
    """`_decide` in a child process, killed at a hard deadline.

    Why: angr's time limit is checked only between steps and z3 can abort the
    whole process on an internal assertion; neither may stall or kill the run
    that asked (seen on the suite: one check past 300 s, and a z3 abort)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    box = (sandbox.limits, sandbox.mode)
    worker = context.Process(
        target=_child, args=(child, change, baseline, candidate, box, build_with, options)
    )
    worker.start()
    child.close()
    limit = HARD_FACTOR * options.seconds + SPAWN_S
    try:
        if parent.poll(limit):
            return parent.recv()
        why = f"time limit {options.seconds:g} s (stopped at {limit:g} s)"
    except EOFError:  # died without a verdict
        worker.join(5)
        why = f"the symbolic checker crashed (exit status {worker.exitcode})"
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        parent.close()
    return Verdict(change.title, UNKNOWN, why=why, line=change.line)


def _child(conn, change, baseline, candidate, box, build_with, options) -> None:
    """The child's side of `_isolated`: bounded memory, one verdict sent back."""
    import resource

    from tools.sandbox import Sandbox

    cap = CHILD_MEMORY_MB << 20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        verdict = _decide(change, baseline, candidate, Sandbox(*box), build_with, options)
    except MemoryError:
        verdict = Verdict(change.title, UNKNOWN, why="out of memory", line=change.line)
    conn.send(verdict)
    conn.close()


def _quiet_angr() -> None:
    """angr logs at import (no unicorn engine) and while it runs; verdicts say what matters."""
    for name in ("angr", "cle", "pyvex", "claripy"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _decide(change: Change, baseline, candidate, sandbox, build_with, options) -> Verdict:
    _quiet_angr()
    from tools.prove import symbolic
    from tools.prove.replay import OUT_ORDER, replay

    title, line = change.title, change.line
    base_text, cand_text = baseline, candidate
    if change.base_region is not None:
        base_text = _with_fall_label(baseline, change.base_region)
        cand_text = _with_fall_label(candidate, change.cand_region)
    link_flags, objects, void = build_with
    flags = (*link_flags, *LAYOUT)
    built = [build(text, sandbox, flags, objects=objects) for text in (base_text, cand_text)]
    if not all(b.ok for b in built):
        return Verdict(title, UNKNOWN, why="build failed for the proof", line=line)
    with tempfile.TemporaryDirectory(prefix="asm-prove-") as folder:
        sides = []
        regions = (change.base_region, change.cand_region)
        for b, region, text in zip(built, regions, (baseline, candidate), strict=True):
            path = os.path.join(folder, f"{len(sides)}.bin")
            with open(path, "wb") as f:
                f.write(b.binary)
            try:  # each program's calls clobber what its own callees use
                sides.append(_side(symbolic, path, _arg_use(text), change.name, region))
            except symbolic.Unknown as exc:
                return Verdict(title, UNKNOWN, why=str(exc), line=line)
        # what the candidate's callers read after the call: they are the ones it runs with
        sides[0].relied = sides[1].relied
        if sides[0].relied is None and change.name.split(".")[0] in void:
            sides[0].relied = frozenset()  # callers unknown, but it returns nothing
        outcome = symbolic.compare(sides[0], sides[1], options.bound, options.seconds)
        if change.base_region is None:
            used = symbolic.local_args(sides[0].project, sides[0].entry)
    if outcome.status == "proved":
        return Verdict(title, PROVED, bound=outcome.bound, why=outcome.why, line=line)
    if outcome.status == "unknown":
        return Verdict(title, UNKNOWN, why=outcome.why, line=line)
    model = outcome.model
    if change.base_region is not None:
        return Verdict(
            title,
            UNKNOWN,
            counterexample=model,
            why="a difference found in a region (regions are not replayed concretely)",
            line=line,
        )
    ints = [int(v, 16) for v in model["arguments"].values()]
    xmms = [int(v, 16) for v in model["xmm"].values()]
    outputs = [r for r in model["compared"] if r in OUT_ORDER]
    if not any(d in outputs for d in model["differs"]):
        why = f"a difference the harness cannot observe (in {', '.join(model['differs'])})"
        return Verdict(title, UNKNOWN, counterexample=model, why=why, line=line)
    done = replay(change.name, baseline, candidate, ints, xmms, sandbox, link_flags, outputs)
    if done.differs:
        shown = [
            k for k in done.baseline if k == "rax" or done.baseline[k] != done.candidate.get(k)
        ]
        cex = {
            "arguments": {r: v for r, v in model["arguments"].items() if r in used[0]},
            "baseline": {k: done.baseline.get(k) for k in shown},
            "candidate": {k: done.candidate.get(k) for k in shown},
        }
        xmm_args = {r: v for r, v in model["xmm"].items() if r in used[1]}
        if xmm_args:
            cex["xmm"] = xmm_args
        return Verdict(title, REFUTED, counterexample=cex, line=line)
    why = done.why or f"the counterexample did not replay (differs: {', '.join(model['differs'])})"
    if model.get("memory"):
        why += "; it depends on memory contents, which the harness does not set"
    return Verdict(title, UNKNOWN, counterexample=model, why=why, line=line)


def _side(symbolic, path: str, arg_use, name: str, region: Region | None):
    project = symbolic.load(path, arg_use)
    symbolic.hook_locals(project, keep={name})
    if region is None:
        entry = symbolic.address(project, name)
        if entry is None:
            raise symbolic.Unknown(f"no symbol {name} in the built program")
        side = symbolic.Side(project, entry, {symbolic.RET: "ret"}, region=False)
        side.relied = symbolic.relied_on(project, entry)
        return side
    entry = symbolic.address(project, region.label)
    stops: dict[int, str] = {}
    for label in (*region.exits, _FALL):
        addr = symbolic.address(project, label)
        if addr is None or entry is None:
            raise symbolic.Unknown(f"label {label} not found in the built program")
        stops[addr] = "fallthrough" if label == _FALL else label
    side = symbolic.Side(project, entry, stops, region=True)
    side.live = {label: symbolic.live_at(project, addr) for addr, label in stops.items()}
    return side


def _with_fall_label(text: str, region: Region) -> str:
    lines = text.split("\n")
    lines.insert(region.last, f"{_FALL}:")
    return "\n".join(lines)


def _arg_use(text: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]]:
    """Per function: the argument registers its body mentions (what a call to it passes),
    and every register it mentions (what a call to it may clobber)."""
    from tools.prove.symbolic import INT_ARGS, canonical_reg

    listing = asmlib.parse(text)
    out = {}
    for fn in listing.functions:
        body = "\n".join(ln.text for ln in listing.lines[fn.start - 1 : fn.end])
        regs = frozenset(r for w in re.findall(r"%(\w+)", body) if (r := canonical_reg(w)))
        ints = tuple(r for r in INT_ARGS if r in regs)
        xmms = tuple(f"xmm{i}" for i in range(8) if f"xmm{i}" in regs)
        out[fn.name] = (ints, xmms, regs)
    return out


# ------------------------------------------------------------------------ cache


def _body(text: str, name: str, region: Region | None) -> str:
    listing = asmlib.parse(text)
    for fn in listing.functions:
        if fn.name == name:
            first, last = (fn.start, fn.end) if region is None else (region.first, region.last)
            return asmlib.normalize("\n".join(ln.text for ln in listing.lines[first - 1 : last]))
    return ""


def _key(change: Change, baseline: str, candidate: str, options: ProveOptions) -> str:
    """The pair of bodies, and the rest of the candidate: its callers decide which
    caller-saved registers are part of the claim (gcc's IPA-RA)."""
    h = hashlib.sha256()
    body = _body(candidate, change.name, change.cand_region)
    rest = asmlib.normalize(candidate).replace(body, "", 1)
    parts = (
        RECIPE,
        change.name,
        _body(baseline, change.name, change.base_region),
        body,
        hashlib.sha256(rest.encode("utf-8", "surrogateescape")).hexdigest(),
        str(options.bound),
        str(options.seconds),
    )
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def _path(key: str):
    return cache_dir() / "proofs" / key[:2] / f"{key}.json"


def _load(key: str) -> Verdict | None:
    path = _path(key)
    if not path.exists():
        return None
    try:
        return Verdict(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _store(key: str, verdict: Verdict) -> None:
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(json.dumps(verdict.to_dict()))
    tmp.replace(tmp.with_name(path.name))
