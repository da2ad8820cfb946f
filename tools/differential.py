"""Differential testing: the candidate against the original on generated inputs.

Why: the given tests are few. A candidate can pass them and still be wrong
(hard-coded answers, a branch the tests never take, a buffer sized for the test
inputs). Here both programs run in the sandbox on inputs shaped like the tests
(`tools.inputgen`, or the task's own generator) and must agree: the same output
under the task's comparison mode and the same exit status.

- An input on which the original itself misbehaves (crash, timeout, output over
  the cap, an exit status it never showed on the given tests) is outside the
  program's domain: it is discarded, not held against the candidate.
- A candidate timeout counts only when the original ran in under a quarter of
  the per-run limit; otherwise the input is discarded as too slow to judge.
- Two runner sessions (both cores) pull input numbers from one counter. The
  check stops at the time bound, after the first mismatch, or when enough
  inputs were checked; the result says how many were.
- The original's results are cached per (baseline build, input source, seed),
  so evaluating many candidates against one baseline runs the original once per
  input. Input `i` is the same for any requested count, so the count is not part
  of the key: a larger request reuses the smaller one's inputs.
- The original is run twice on the first inputs: if it disagrees with itself,
  differential testing cannot judge anything and says so.

Verdict (see `DiffResult.ok`): no mismatch and at least min(requested,
MIN_INPUTS) inputs checked; fewer (slow programs, a tight time bound, inputs the
original rejects) is "no mismatch seen" but not verified.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tools.inputgen import input_source
from tools.sandbox import RunResult, Sandbox
from tools.task import Task, TestCase
from tools.testing import _judge

MIN_INPUTS = 50  # a run that checked fewer (of a larger request) does not verify
KEEP_INPUT = 64 << 10  # cache inputs up to this size; bigger ones are regenerated
CACHE_SETS = 8  # baselines (x seeds) whose original outputs are kept


@dataclass(frozen=True)
class DiffOptions:
    inputs: int = 200  # valid inputs to check (0: off)
    seconds: float = 30.0  # time bound for the whole check
    seed: int = 0
    save_dir: Path | None = None  # where mismatches are saved as NAME.in/NAME.out
    workers: int = 2


def required(requested: int) -> int:
    """How many checked inputs make a verdict."""
    return min(requested, MIN_INPUTS)


@dataclass
class DiffResult:
    requested: int
    checked: int = 0  # inputs on which both ran and were compared
    generated: int = 0  # inputs drawn (checked + discarded + in flight at a stop)
    discarded: int = 0  # the original misbehaved, or the generator failed
    mismatches: int = 0
    counterexample: dict | None = None  # the smallest mismatching input, described
    saved: list[str] = field(default_factory=list)
    seconds: float = 0.0
    source: str = "structure"
    note: str = ""  # why the check could not judge, if it could not

    @property
    def ok(self) -> bool:
        """No mismatch on enough inputs (the `verified` half of the verdict)."""
        return (
            self.requested > 0
            and not self.note
            and self.mismatches == 0
            and self.checked >= required(self.requested)
        )

    def to_dict(self) -> dict:
        """The contract's `differential` fields."""
        return {
            "inputs": self.checked,
            "mismatches": self.mismatches,
            "counterexample": self.counterexample,
        }

    def details(self) -> dict:
        return {
            "requested": self.requested,
            "required": required(self.requested),
            "checked": self.checked,
            "generated": self.generated,
            "discarded": self.discarded,
            "mismatches": self.mismatches,
            "seconds": round(self.seconds, 3),
            "source": self.source,
            "saved": self.saved,
            "note": self.note,
            "ok": self.ok,
        }


# ---------------------------------------------------------------------------
# the original's results, cached


@dataclass(frozen=True)
class _Orig:
    input: bytes | None  # None: regenerate it (big), or no input (generator failed)
    valid: bool
    digest: bytes = b""  # of the input, to check a regenerated one
    stdout: bytes = b""
    exit_code: int = 0
    wall_us: int = 0


class _OrigCache:
    def __init__(self):
        self.lock = threading.Lock()
        self.results: dict[int, _Orig] = {}
        self.unstable = ""  # set when the original (or the generator) disagreed with itself


_CACHE: OrderedDict[tuple, _OrigCache] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _cache_for(key: tuple) -> _OrigCache:
    with _CACHE_LOCK:
        entry = _CACHE.pop(key, None) or _OrigCache()
        _CACHE[key] = entry
        while len(_CACHE) > CACHE_SETS:
            _CACHE.popitem(last=False)
        return entry


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def _source_key(task: Task) -> str:
    h = hashlib.sha256()
    if task.generator:
        h.update(b"generator\0" + task.generator.encode())
        if task.root:
            for word in task.generator.split():
                path = task.root / word
                if path.is_file():
                    h.update(path.read_bytes())
    else:
        for t in task.tests:
            h.update(hashlib.sha256(t.input).digest())
    return h.hexdigest()


# ---------------------------------------------------------------------------
# the check


class _State:
    """Which input comes next, and when to stop."""

    def __init__(self, requested: int, deadline: float):
        self.lock = threading.Lock()
        self.requested, self.deadline = requested, deadline
        self.max_index = requested * 5 + 20  # most inputs may be discarded
        self.next = self.checked = self.inflight = self.discarded = 0
        self.stop = False
        self.found: list[tuple[int, bytes, _Orig, dict]] = []

    def claim(self) -> int | None:
        with self.lock:
            if (
                self.stop
                or time.monotonic() >= self.deadline
                or self.checked + self.inflight >= self.requested
                or self.next >= self.max_index
            ):
                return None
            self.next += 1
            self.inflight += 1
            return self.next - 1

    def finish(self, outcome: str, mismatch=None) -> None:
        with self.lock:
            self.inflight -= 1
            if outcome == "checked":
                self.checked += 1
            elif outcome == "discarded":
                self.discarded += 1
            if mismatch is not None:
                self.found.append(mismatch)
                self.stop = True


def differential(
    original: bytes,
    candidate: bytes,
    task: Task,
    sandbox: Sandbox,
    *,
    digest: str,
    exit_codes: set[int] | frozenset[int] = frozenset({0}),
    options: DiffOptions | None = None,
    run_timeout: float | None = None,
) -> DiffResult:
    """Run `candidate` against `original` (whose build digest keys the cache) on
    generated inputs; see the module docstring for the rules."""
    opt = options or DiffOptions()
    result = DiffResult(requested=opt.inputs)
    if opt.inputs <= 0:
        result.note = "differential testing is off"
        return result
    start = time.monotonic()
    timeout = min(run_timeout or sandbox.limits.timeout_s, sandbox.limits.timeout_s)
    runs = sandbox.with_limits(dataclasses.replace(sandbox.limits, timeout_s=timeout))
    source = input_source(task, opt.seed, sandbox)
    result.source = source.name
    codes = frozenset(exit_codes)
    cache = _cache_for((digest, _source_key(task), opt.seed, timeout, codes))
    if cache.unstable:
        result.note = cache.unstable
        return result
    state = _State(opt.inputs, start + opt.seconds)
    workers = max(1, min(opt.workers, len(os.sched_getaffinity(0))))

    def work() -> None:
        with runs.session([original, candidate]) as session:
            while (index := state.claim()) is not None:
                outcome, mismatch = _one(index, session, source, cache, codes, timeout, task)
                if outcome == "unstable":
                    state.stop = True
                state.finish(outcome, mismatch)

    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(work) for _ in range(workers)]:
            future.result()

    result.checked, result.discarded = state.checked, state.discarded
    result.generated = state.next
    result.mismatches = len(state.found)
    result.seconds = time.monotonic() - start
    if cache.unstable:
        result.note = cache.unstable
    elif state.checked == 0 and source.error:
        result.note = source.error
    if state.found:
        _report(result, state.found, opt, source)
    return result


def _one(index, session, source, cache: _OrigCache, codes, timeout: float, task: Task):
    """Check one input: ("checked" | "discarded" | "unstable", mismatch or None)."""
    with cache.lock:
        orig = cache.results.get(index)
    data = orig.input if orig is not None else None
    if orig is not None and not orig.valid:
        return "discarded", None
    if data is None:
        data = source.input(index)
        if data is None:
            with cache.lock:
                cache.results[index] = _Orig(None, False)
            return "discarded", None
        if orig is not None and _digest(data) != orig.digest:
            cache.unstable = (
                f"the input generator gave a different input {index} for the same seed: "
                "differential testing cannot judge with it"
            )
            return "unstable", None
    session.set_input(data)
    if orig is None:
        orig = _judge_original(session.run(0), data, codes)
        if orig.valid and index < 2 and not _reproduces(session, orig, cache):
            return "unstable", None
        with cache.lock:
            cache.results[index] = orig
        if not orig.valid:
            return "discarded", None
    run = session.run(1)
    if run.timed_out and orig.wall_us * 4 > timeout * 1e6:
        return "discarded", None  # the original was slow too: no verdict
    outcome = _judge(
        TestCase(f"input {index}", data, orig.stdout), run, task.compare, orig.exit_code
    )
    if outcome.passed:
        return "checked", None
    if not _reproduces(session, orig, cache):  # a mismatch must not be the original's noise
        return "unstable", None
    return "checked", (index, data, orig, outcome.failure())


def _reproduces(session, orig: _Orig, cache: _OrigCache) -> bool:
    """Run the original again on the session's input: does it repeat itself?"""
    again = session.run(0)
    if again.stdout == orig.stdout and again.exit_code == orig.exit_code:
        return True
    cache.unstable = (
        "the original printed different output on two runs of the same input: "
        "differential testing cannot judge this program"
    )
    return False


def _judge_original(run: RunResult, data: bytes, codes: frozenset[int]) -> _Orig:
    valid = (
        not run.timed_out and not run.signal and not run.out_truncated and run.exit_code in codes
    )
    keep = data if len(data) <= KEEP_INPUT else None
    return _Orig(keep, valid, _digest(data), run.stdout, run.exit_code, run.wall_us)


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _report(result: DiffResult, found: list, opt: DiffOptions, source) -> None:
    """Save every mismatch as a test (if asked) and describe the smallest one."""
    found.sort(key=lambda m: (len(m[1]), m[0]))
    for index, data, orig, _ in found:
        if opt.save_dir is None:
            break
        folder = Path(opt.save_dir)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"diff-{opt.seed}-{index}"
        (folder / f"{name}.in").write_bytes(data)
        (folder / f"{name}.out").write_bytes(orig.stdout)
        result.saved.append(str(folder / f"{name}.in"))
    index, data, orig, failure = found[0]
    failure.pop("test", None)
    result.counterexample = {
        "name": f"diff-{opt.seed}-{index}",
        "index": index,
        "source": source.name,
        "input_bytes": len(data),
        **failure,
        "expected_exit_code": orig.exit_code,
        "saved": result.saved[0] if result.saved else None,
    }
