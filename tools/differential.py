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
  of the key: a larger request reuses the smaller one's inputs. An output over
  KEEP_OUTPUT is kept as its digest (a program printing 25 MB per input held
  gigabytes across a suite): a candidate printing the same bytes passes; one
  that does not gets the original run again for the comparison.
- The original is run twice on the first inputs, and MISMATCH_REPEATS more
  times on any input where the candidate differs from it. An input on which it
  disagrees with itself is outside its domain (it read uninitialised or
  out-of-bounds memory there, say): it is discarded for every candidate, as
  `unstable`. When such inputs are as many as the checked ones, the program's
  own noise is the rule, not the exception: the check cannot judge it and says so.
- An original can also read the same garbage on every run (past a stack
  array, say): where a candidate differs from it and the task has the C
  source (one stdin, no arguments, files or other objects), the original is
  run once on that input built with ASan+UBSan (`tools.screen.undefined_on`).
  If they report undefined behaviour, the input is outside its domain too:
  discarded for every candidate, as `undefined`, with the sanitizers' report.
- Sizes: input `i` has a size class (`source.kind(i)`: "small", "test-size",
  "large"; "generated" for a task's generator), mostly small (see
  `tools.inputgen`). What each class cost (inputs, both programs' run time) is
  in `DiffResult.by_size`. Fitting the bound: once a few inputs are done, if
  their measured cost per input says the required count would not fit in the
  time left, the most expensive class (large, then test-size; never small) is
  skipped for the rest of the check. Skipping leaves every other index, and so
  every input and every cached result, as it was.
- Output that does not depend on the input: when every given test expects the
  same output and exit status (one test, or all test inputs empty, qualifies)
  and the original also prints exactly that on the first `independence` (3)
  generated inputs, those few checked inputs verify: more inputs would only
  repeat them (a program that reads no input, e.g. a fixed-size simulation,
  whose every run may take seconds). Until the first few are judged, no later
  index is started.

- Arguments and input files (`tools.inputgen.RunShapes`): each generated
  stdin runs with the arguments and input files of one given test; integer
  arguments that differ between the tests are redrawn within the range the
  tests use, never beyond it; other arguments are never varied. A program
  that reads no stdin is then checked on the tests' own argument lines and
  the integers between them. The task's output files (`outputs`) are
  compared like stdout.

Verdict (see `DiffResult.ok`): no mismatch and at least min(requested,
MIN_INPUTS) inputs checked (the first few, for output that does not depend on
the input); fewer (slow programs, a tight time bound, inputs the original
rejects) is "no mismatch seen" but not verified.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import shlex
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tools.compare import outputs_match
from tools.inputgen import SIZES, RunShapes, input_source
from tools.sandbox import RunResult, Sandbox
from tools.screen import undefined_on
from tools.task import Task, TestCase
from tools.testing import _judge, files_room

MIN_INPUTS = 50  # a run that checked fewer (of a larger request) does not verify
KEEP_INPUT = 64 << 10  # cache inputs up to this size; bigger ones are regenerated
KEEP_OUTPUT = 256 << 10  # cache the original's output up to this size; of bigger ones, a digest
CACHE_SETS = 8  # baselines (x seeds) whose original outputs are kept
INDEPENDENCE = 3  # generated inputs that show an output does not depend on the input
FIT_AFTER = 4  # inputs done before their cost may narrow the sizes
FIT_MARGIN = 0.8  # the share of the time left that the estimate may fill
FIT_RATIO = 1.5  # a class is skipped only if it costs this much more than small inputs
MISMATCH_REPEATS = 3  # runs of the original that must repeat its output before a mismatch counts
UNSTABLE = (
    "the original printed different output on two runs of the same input on {unstable} "
    "of {seen} inputs: differential testing cannot judge this program"
)


@dataclass(frozen=True)
class DiffOptions:
    inputs: int = 200  # valid inputs to check (0: off)
    seconds: float = 30.0  # time bound for the whole check
    seed: int = 0
    save_dir: Path | None = None  # where mismatches are saved as NAME.in/NAME.out
    workers: int = 2
    independence: int = INDEPENDENCE  # inputs that show input-independent output (0: off)
    fit: bool = True  # skip the larger size classes when the required count would not fit


def required(requested: int) -> int:
    """How many checked inputs make a verdict."""
    return min(requested, MIN_INPUTS)


@dataclass
class DiffResult:
    requested: int
    checked: int = 0  # inputs on which both ran and were compared
    generated: int = 0  # inputs drawn (checked + discarded + in flight at a stop)
    discarded: int = 0  # the original misbehaved, or the generator failed
    unstable: int = 0  # of those, inputs on which the original disagreed with itself
    undefined: int = 0  # of those, inputs on which the sanitizers saw undefined behaviour
    mismatches: int = 0
    counterexample: dict | None = None  # the smallest mismatching input, described
    saved: list[str] = field(default_factory=list)
    seconds: float = 0.0
    source: str = "structure"
    arguments: str = ""  # how generated inputs got their arguments ("" without any)
    note: str = ""  # why the check could not judge, if it could not
    required_inputs: int = 0  # checked inputs that verify (0: `required(requested)`)
    input_independent: bool = False  # the original's output does not depend on its input
    skipped: int = 0  # indices passed over (their size class did not fit the time bound)
    by_size: dict[str, dict] = field(default_factory=dict)  # per size class: what it cost
    required_seconds: float | None = None  # when the required count was reached
    basis: str = ""  # what the verdict rests on, for people

    @property
    def required_count(self) -> int:
        return self.required_inputs or required(self.requested)

    @property
    def ok(self) -> bool:
        """No mismatch on enough inputs (the `verified` half of the verdict)."""
        return (
            self.requested > 0
            and not self.note
            and self.mismatches == 0
            and self.checked >= self.required_count
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
            "required": self.required_count,
            "checked": self.checked,
            "generated": self.generated,
            "discarded": self.discarded,
            "unstable": self.unstable,
            "undefined": self.undefined,
            "skipped": self.skipped,
            "mismatches": self.mismatches,
            "seconds": round(self.seconds, 3),
            "source": self.source,
            "arguments": self.arguments,
            "saved": self.saved,
            "note": self.note,
            "input_independent": self.input_independent,
            "by_size": self.by_size,
            "required_seconds": None
            if self.required_seconds is None
            else round(self.required_seconds, 3),
            "basis": self.basis,
            "ok": self.ok,
        }


# ---------------------------------------------------------------------------
# the original's results, cached


@dataclass(frozen=True)
class _Orig:
    input: bytes | None  # None: regenerate it (big), or no input (generator failed)
    valid: bool
    digest: bytes = b""  # of the input, to check a regenerated one
    stdout: bytes | None = b""  # None: too big to keep (`out_digest` stands for it)
    exit_code: int = 0
    wall_us: int = 0
    files: tuple[tuple[str, bytes | None], ...] = ()  # its output files (task `outputs`)
    out_digest: bytes = b""  # of its stdout

    def same(self, run: RunResult) -> bool:
        """Did `run` print and exit exactly as this did?"""
        return (_digest(run.stdout), run.exit_code, run.files) == (
            self.out_digest,
            self.exit_code,
            self.files,
        )


class _OrigCache:
    def __init__(self):
        self.lock = threading.Lock()
        self.results: dict[int, _Orig] = {}
        self.unstable = ""  # set when the generator disagreed with itself
        self.noisy: set[int] = set()  # inputs on which the original disagreed with itself
        self.undefined: dict[int, str] = {}  # inputs with undefined behaviour: the report


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
    for t in task.tests:  # the arguments and input files generated inputs run with
        h.update(b"\0args\0" + "\0".join(t.args).encode("utf-8", "surrogateescape"))
        for name, data in t.files:
            h.update(name.encode("utf-8", "surrogateescape") + hashlib.sha256(data).digest())
    h.update(b"\0outputs\0" + "\0".join(task.outputs).encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------
# the check


@dataclass
class _Size:
    """What one size class cost so far in this check."""

    checked: int = 0
    discarded: int = 0
    skipped: int = 0
    done: int = 0  # inputs finished (checked, discarded or given up)
    run_us: int = 0  # wall time of every run of either program
    elapsed: float = 0.0  # worker time (generating, running, comparing)

    def to_dict(self) -> dict:
        return {
            "inputs": self.checked,
            "discarded": self.discarded,
            "skipped": self.skipped,
            "seconds": round(self.run_us / 1e6, 3),
            "elapsed": round(self.elapsed, 3),
        }


class _State:
    """Which input comes next, and when to stop."""

    def __init__(
        self, requested: int, start: float, seconds: float, source, workers: int, fit: bool
    ):
        self.lock = threading.Condition()
        self.start, self.reached = start, None  # when the required count was reached
        self.goal = requested  # stop once this many are checked
        self.need = required(requested)  # what the time bound must fit
        self.deadline, self.workers = start + seconds, workers
        self.max_draws = requested * 5 + 20  # most inputs may be discarded
        self.kind = getattr(source, "kind", lambda index: "generated")
        self.next = self.drawn = self.checked = self.inflight = self.discarded = 0
        self.unstable = self.undefined = 0
        self.skipped = 0
        self.stop = False
        self.found: list[tuple[int, bytes, _Orig, dict]] = []
        self.sizes: dict[str, _Size] = {}
        self.running: dict[int, tuple[str, float]] = {}  # index -> (class, start)
        sized = self.kind(0) in SIZES  # not a generator's inputs: one class
        self.allowed = set(SIZES) if fit and sized else None  # None: every class, always
        self.dropped: list[str] = []
        self.gate = 0  # indices from here wait until `independent` is settled
        self.independent: bool | None = False

    def _size(self, kind: str) -> _Size:
        return self.sizes.setdefault(kind, _Size())

    def claim(self) -> int | None:
        with self.lock:
            while True:
                now = time.monotonic()
                if (
                    self.stop
                    or now >= self.deadline
                    or self.checked + self.inflight >= self.goal
                    or self.drawn >= self.max_draws
                ):
                    return None
                if self.independent is None and self.next >= self.gate:
                    self.lock.wait(min(0.25, self.deadline - now))
                    continue
                break
            self._fit(now)
            kind = self.kind(self.next)
            while self.allowed is not None and kind in SIZES and kind not in self.allowed:
                self._size(kind).skipped += 1
                self.skipped += 1
                self.next += 1
                kind = self.kind(self.next)
            index = self.next
            self.next += 1
            self.drawn += 1
            self.inflight += 1
            self.running[index] = (kind, now)
            return index

    def finish(self, index: int, outcome: str, mismatch=None, run_us: int = 0) -> None:
        with self.lock:
            kind, started = self.running.pop(index)
            size = self._size(kind)
            size.done += 1
            size.run_us += run_us
            size.elapsed += time.monotonic() - started
            self.inflight -= 1
            if outcome == "checked":
                self.checked += 1
                size.checked += 1
                if self.checked == self.need and mismatch is None and not self.found:
                    self.reached = time.monotonic() - self.start
            elif outcome in ("discarded", "unstable", "undefined"):
                self.discarded += 1
                size.discarded += 1
                self.unstable += outcome == "unstable"
                self.undefined += outcome == "undefined"
            elif outcome == "halt":
                self.stop = True
            if mismatch is not None:
                self.found.append(mismatch)
                self.stop = True
            self.lock.notify_all()

    def halt(self) -> None:
        with self.lock:
            self.stop = True
            self.lock.notify_all()

    def settle(self, independent: bool | None) -> None:
        """Record whether the output depends on the input (None: not known yet)."""
        with self.lock:
            if self.independent is not None or independent is None:
                return
            self.independent = independent
            if independent:
                self.goal = self.need = self.gate
                if self.checked >= self.need and self.reached is None:
                    self.reached = time.monotonic() - self.start
            self.lock.notify_all()

    # -- fitting the time bound ---------------------------------------------

    def _fit(self, now: float) -> None:
        """Skip the costliest size classes while the required count would not
        fit in the time left at the measured cost per input (lock held)."""
        if self.allowed is None or len(self.allowed) <= 1:
            return
        done = sum(s.done for s in self.sizes.values())
        left = self.need - self.checked - self.inflight
        if done < FIT_AFTER or left <= 0:
            return
        cost = self._costs(now)
        if cost is None:
            return
        valid = max(0.25, self.checked / done)  # most draws may be discarded
        draws = math.ceil(left / valid)
        budget = max(0.0, self.deadline - now) * self.workers * FIT_MARGIN
        while self._upcoming(draws, cost) > budget:
            costly = [
                k for k in SIZES[1:] if k in self.allowed and cost[k] > FIT_RATIO * cost[SIZES[0]]
            ]
            if not costly:
                return
            self.allowed.discard(costly[-1])
            self.dropped.append(costly[-1])

    def _costs(self, now: float) -> dict[str, float] | None:
        """Seconds per input of each class: measured here (at least as long as
        one still running), else as much as the next smaller class."""
        slowest: dict[str, float] = {}
        for kind, started in self.running.values():
            slowest[kind] = max(slowest.get(kind, 0.0), now - started)
        cost: dict[str, float] = {}
        for k in SIZES:
            size = self.sizes.get(k)
            seen = size.elapsed / size.done if size and size.done else None
            if seen is None and k not in slowest:
                if not cost:
                    return None  # nothing small measured yet
                cost[k] = cost[SIZES[SIZES.index(k) - 1]]
            else:
                cost[k] = max(seen or 0.0, slowest.get(k, 0.0))
        return cost

    def _upcoming(self, draws: int, cost: dict[str, float]) -> float:
        """Worker seconds for the next `draws` inputs of the allowed classes."""
        total, found, index = 0.0, 0, self.next
        while found < draws and index < self.next + 16 * (draws + 1):
            kind = self.kind(index)
            if kind in cost and kind in self.allowed:
                total += cost[kind]
                found += 1
            index += 1
        return total


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
    shapes = RunShapes(task.tests, opt.seed)
    result.source = source.name
    result.arguments = shapes.describe()
    codes = frozenset(exit_codes)
    cache = _cache_for((digest, _source_key(task), opt.seed, timeout, codes))
    if cache.unstable:
        result.note = cache.unstable
        return result
    workers = max(1, min(opt.workers, len(os.sched_getaffinity(0))))
    state = _State(opt.inputs, start, opt.seconds, source, workers, opt.fit)
    few = opt.independence
    if 0 < few <= opt.inputs and _same_on_tests(task, codes):
        state.gate, state.independent = few, None
        state.settle(_independent(cache, few, task, codes))

    def work() -> None:
        try:
            room = files_room(task.tests)
            with runs.session([original, candidate], room=room) as session:
                while (index := state.claim()) is not None:
                    spent = [0]
                    outcome, mismatch = _one(
                        index, session, (source, shapes), cache, codes, timeout, task, spent
                    )
                    state.finish(index, outcome, mismatch, spent[0])
                    if state.independent is None and index < state.gate:
                        state.settle(_independent(cache, state.gate, task, codes))
        except BaseException:
            state.halt()  # no other worker may wait for this one's input
            raise

    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(work) for _ in range(workers)]:
            future.result()

    result.checked, result.discarded = state.checked, state.discarded
    result.unstable, result.undefined = state.unstable, state.undefined
    result.generated, result.skipped = state.drawn, state.skipped
    result.mismatches = len(state.found)
    result.seconds = time.monotonic() - start
    result.input_independent = bool(state.independent)
    if result.input_independent:
        result.required_inputs = state.gate
    if state.checked >= state.need:
        result.required_seconds = state.reached
    result.by_size = {k: state.sizes[k].to_dict() for k in _ordered(state.sizes)}
    noisy = len(cache.noisy)
    if cache.unstable:
        result.note = cache.unstable
    elif noisy and noisy >= state.checked:
        result.note = UNSTABLE.format(unstable=noisy, seen=noisy + state.checked)
    elif state.checked == 0 and source.error:
        result.note = source.error
    if state.found:
        _report(result, state.found, opt, source, shapes)
    why = min(cache.undefined.items())[1] if cache.undefined else ""
    result.basis = _basis(result, state, task, opt, why)
    return result


def _ordered(sizes: dict) -> list[str]:
    return sorted(sizes, key=lambda k: (SIZES.index(k) if k in SIZES else len(SIZES), k))


def _same_on_tests(task: Task, codes: frozenset[int]) -> bool:
    """Every given test expects one output (output files included) and one exit status."""
    if len(codes) > 1:
        return False
    outs = [t.expected for t in task.tests]
    if len({t.expected_files for t in task.tests}) > 1:
        return False
    return not outs or all(outputs_match(outs[0], out, task.compare) for out in outs[1:])


def _independent(cache: _OrigCache, few: int, task: Task, codes: frozenset[int]) -> bool | None:
    """Did the original print the tests' output, byte for byte the same each
    time, on the first `few` generated inputs? None until all of them ran."""
    with cache.lock:
        origs = [cache.results.get(i) for i in range(few)]
    if any(o is not None and not o.valid for o in origs):
        return False  # it rejected one: its behaviour depends on the input
    if any(o is None for o in origs):
        return None
    first = origs[0]
    if any(
        (o.out_digest, o.exit_code, o.files) != (first.out_digest, first.exit_code, first.files)
        for o in origs
    ):
        return False
    if codes and first.exit_code not in codes:
        return False
    if task.outputs and any(t.expected_files != first.files for t in task.tests):
        return False
    if first.stdout is None:  # too big to keep: only the same bytes can be told apart
        return all(_digest(t.expected or b"") == first.out_digest for t in task.tests)
    return all(outputs_match(t.expected, first.stdout, task.compare) for t in task.tests)


def _basis(result: DiffResult, state: _State, task: Task, opt: DiffOptions, why: str = "") -> str:
    """What the verdict rests on, in a sentence or two."""
    if result.note:
        return f"not judged: {result.note}"
    n = result.checked
    if result.mismatches:
        text = f"mismatch after {n} checked inputs"
    elif result.input_independent:
        tests = len(task.tests)
        text = (
            f"output does not depend on the input: the original printed the same output and "
            f"exit status on its {tests} given test{'s' * (tests != 1)} and on "
            f"{state.gate} generated inputs, so {n} checked inputs verify"
        )
    elif result.ok:
        text = f"{n} generated inputs checked with no mismatch ({result.required_count} required)"
    else:
        text = (
            f"only {n} of the {result.required_count} required inputs checked "
            f"within {opt.seconds:g} s"
            + (f" ({result.discarded} discarded by the original)" if result.discarded else "")
        )
    if result.unstable:
        text += (
            f"; {result.unstable} discarded because the original disagreed with itself "
            "on them (outside its domain)"
        )
    if result.undefined:
        text += (
            f"; {result.undefined} discarded because the original's behaviour is undefined "
            f"on them (ASan/UBSan: {why})"
        )
    counts = {k: state.sizes[k].skipped for k in state.dropped if k in state.sizes}
    skipped = ", ".join(f"{count} {k}" for k, count in counts.items() if count)
    if skipped:
        text += (
            f"; skipped {skipped} inputs: at their measured cost, {state.need} inputs "
            f"would not have fit in {opt.seconds:g} s"
        )
    return text


def _one(index, session, sources, cache: _OrigCache, codes, timeout, task: Task, spent: list):
    """Check one input: ("checked" | "discarded" | "unstable" | "halt", mismatch or None).
    Adds the wall time of every run to spent[0]."""
    source, shapes = sources

    def run(which: int) -> RunResult:
        done = session.run(which)
        spent[0] += done.wall_us
        return done

    with cache.lock:
        orig = cache.results.get(index)
    data = orig.input if orig is not None else None
    if orig is not None and not orig.valid:
        return _why_invalid(cache, index), None
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
            return "halt", None
    args, files = shapes.of(index)
    session.set_test(TestCase("", data, None, args, files), task.outputs)
    if orig is None:
        orig = _judge_original(run(0), data, codes)
        if orig.valid and index < 2 and not _reproduces(run, orig):
            return _noisy(cache, index, orig)
        with cache.lock:
            cache.results[index] = orig
        if not orig.valid:
            return "discarded", None
    done = run(1)
    if done.timed_out and orig.wall_us * 4 > timeout * 1e6:
        return "discarded", None  # the original was slow too: no verdict
    clean = not (done.timed_out or done.signal or done.out_truncated)
    if clean and orig.same(done):
        return "checked", None  # the same bytes: equal under any comparison
    if orig.stdout is None:  # its output was too big to keep: the original again
        again = run(0)
        if not orig.same(again):
            return _noisy(cache, index, orig)
        orig = dataclasses.replace(orig, stdout=again.stdout)
    expected_files = orig.files if task.outputs else None
    test = TestCase(f"input {index}", data, orig.stdout, args, files, expected_files)
    outcome = _judge(test, done, task.compare, orig.exit_code)
    if outcome.passed:
        return "checked", None
    # A mismatch must not be the original's noise: an original reading garbage (say,
    # out of bounds on an input outside its domain) can repeat itself once by
    # chance (seen on a public program), so it must do so MISMATCH_REPEATS times.
    if not _reproduces(run, orig, MISMATCH_REPEATS):
        return _noisy(cache, index, orig)
    if _undefined(cache, index, orig, task, data, (args, files), session.sandbox):
        return "undefined", None
    return "checked", (index, data, orig, outcome.failure())


def _why_invalid(cache: _OrigCache, index: int) -> str:
    if index in cache.noisy:
        return "unstable"
    return "undefined" if index in cache.undefined else "discarded"


def _undefined(cache, index, orig: _Orig, task: Task, data, shape, sandbox) -> bool:
    """Is the original's behaviour on this input undefined (see the module
    docstring)? Then the input is discarded from now on for every candidate.
    The sanitized run is bounded well above its usual 2-3x slowdown; one that
    does not finish says nothing, and the mismatch stands."""
    if not task.source or task.others or task.objects or any(shape):
        return False
    bound = min(60.0, 10.0 + 20 * orig.wall_us / 1e6)
    reason = undefined_on(task.source, data, sandbox, task.link_flags, bound)
    if not reason:
        return False
    with cache.lock:
        cache.undefined[index] = reason
        cache.results[index] = dataclasses.replace(orig, valid=False)
    return True


def _reproduces(run, orig: _Orig, times: int = 1) -> bool:
    """Run the original again `times` times on the session's input: does it
    repeat itself every time?"""
    return all(orig.same(run(0)) for _ in range(times))


def _noisy(cache: _OrigCache, index: int, orig: _Orig) -> tuple[str, None]:
    """The original disagreed with itself on input `index`: outside its domain,
    discarded from now on for every candidate."""
    with cache.lock:
        cache.noisy.add(index)
        cache.results[index] = dataclasses.replace(orig, valid=False)
    return "unstable", None


def _judge_original(run: RunResult, data: bytes, codes: frozenset[int]) -> _Orig:
    valid = (
        not run.timed_out and not run.signal and not run.out_truncated and run.exit_code in codes
    )
    keep = data if len(data) <= KEEP_INPUT else None
    out = run.stdout if len(run.stdout) <= KEEP_OUTPUT else None
    return _Orig(
        keep, valid, _digest(data), out, run.exit_code, run.wall_us, run.files, _digest(run.stdout)
    )


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _report(result: DiffResult, found: list, opt: DiffOptions, source, shapes: RunShapes) -> None:
    """Save every mismatch as a test (if asked: NAME.in, NAME.out, and NAME.args
    and NAME.files/ when it had them) and describe the smallest one."""
    found.sort(key=lambda m: (len(m[1]), m[0]))
    for index, data, orig, _ in found:
        if opt.save_dir is None:
            break
        folder = Path(opt.save_dir)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"diff-{opt.seed}-{index}"
        (folder / f"{name}.in").write_bytes(data)
        (folder / f"{name}.out").write_bytes(orig.stdout)
        args, files = shapes.of(index)
        if args:
            (folder / f"{name}.args").write_text(shlex.join(args) + "\n")
        for rel, content in files:
            path = folder / f"{name}.files" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        result.saved.append(str(folder / f"{name}.in"))
    index, data, orig, failure = found[0]
    failure.pop("test", None)
    result.counterexample = {
        "name": f"diff-{opt.seed}-{index}",
        "index": index,
        "args": shlex.join(shapes.of(index)[0]),
        "size": getattr(source, "kind", lambda i: "generated")(index),
        "source": source.name,
        "input_bytes": len(data),
        **failure,
        "expected_exit_code": orig.exit_code,
        "saved": result.saved[0] if result.saved else None,
    }
