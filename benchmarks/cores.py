"""Does untimed sandboxed work pinned off the timing core leave A/A timing noise alone?

Today every untimed sandboxed run of ours waits while a timing job runs
(tools.quiet), so on a 2-core machine one core idles during timing. Timed runs
are pinned to `tools.timing.timing_core()`. If untimed work pinned to the
other core(s) adds no noise, it could run beside timing.

Each trial is one A/A measurement as `tools.timing.measure` makes it (one
runner session pinned to the timing core, the example's baseline against
itself in random order, 1 warm-up pair + N pairs on its slowest test), but
without `timing_slot`, so that background work can run beside it. Conditions:

- idle: nothing else of ours runs;
- pinned: background threads loop over real untimed work (the example's tests
  through `run_tests`, two runner sessions, and gcc builds through
  `tools.build.build` of its .s with a fresh comment each time, so the cache
  never answers) with their CPU affinity set to the cores other than the timing
  core (inherited by every process they start; checked at start-up);
- unpinned: the same background work with no affinity.

Conditions and examples are interleaved in rounds (conditions shuffled per
round), so drift of the machine hits all alike. Per condition and example,
printed as the mean over rounds: the robust spread of per-run CPU time
(MAD/median), the spread of the within-pair log ratios (std, and IQR/1.349),
the half-width of the 95% interval of `tools.stats.speedup_ci`, the share of
runs descheduled (wall > 1.5 x CPU + 2 ms), and the ratio of each noise figure
to idle's. A second table shows the load: busy and steal time of each core
during the timed runs, the share of the timing core busy with anything but the
timed runs (intrusion), background work done, and CPU time used by other
users' processes during the trial (a lower bound; others make every condition
noisier, so the script waits for a quiet machine before each trial and repeats
a trial that others disturbed). A last table pools each condition's centred pair log
ratios over rounds and gives a bootstrap 95% interval for the ratio of their
spread to idle's, which says how small a difference these figures can resolve.

    .venv/bin/python benchmarks/cores.py [--pairs 40] [--rounds 3]
        [--examples sum_scanf,collatz]

About 3-4 minutes by default on a 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tools import build as buildlib
from tools.evaluate import Baseline, prepare_baseline
from tools.sandbox import UID_BASE, UID_SLOTS, RunResult, Sandbox
from tools.stats import speedup_ci
from tools.task import load_task
from tools.testing import run_tests
from tools.timing import timing_core

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CONDITIONS = ("idle", "pinned", "unpinned")
WARMUP_PAIRS = 1
LSCPU_KEYS = (
    "Model name",
    "CPU(s)",
    "Thread(s) per core",
    "Core(s) per socket",
    "Socket(s)",
    "Hypervisor vendor",
    "L1d cache",
    "L1i cache",
    "L2 cache",
    "L3 cache",
)
PROBE = b"#!/bin/sh\ngrep Cpus_allowed_list /proc/self/status\n"


# -- the machine ---------------------------------------------------------------


def print_machine() -> None:
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        key = line.split(":", 1)[0].strip()
        if key in LSCPU_KEYS:
            print(f"lscpu  {line.strip()}")
    for cpu in sorted(os.sched_getaffinity(0)):
        path = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list")
        if path.exists():
            print(f"cpu{cpu}   thread siblings: {path.read_text().strip()}")


def cpu_times() -> dict[int, tuple[int, int, int]]:
    """Per cpu: (busy, steal, total) jiffies from /proc/stat."""
    times = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if not name.startswith("cpu") or name == "cpu":
            continue
        v = [int(x) for x in fields[:8]]
        busy = v[0] + v[1] + v[2] + v[5] + v[6]  # user nice system irq softirq
        times[int(name[3:])] = (busy, v[7], sum(v))
    return times


def busy_mark() -> tuple[dict, float]:
    return cpu_times(), time.monotonic()


def busy_since(mark: tuple[dict, float]) -> float:
    """CPU time used on the machine since `mark`, in % of one core."""
    times, wall = mark
    now, hz = cpu_times(), os.sysconf("SC_CLK_TCK")
    busy = sum(now[c][0] - times[c][0] for c in now) / hz
    return busy / max(time.monotonic() - wall, 1e-3) * 100


def wait_quiet(limit: float, max_wait: float) -> float:
    """Wait until the machine is busy for at most `limit` % of a core over one
    second (nothing of ours runs meanwhile), or `max_wait` seconds have passed;
    returns the last figure."""
    deadline = time.monotonic() + max_wait
    told = False
    while True:
        mark = busy_mark()
        time.sleep(1.0)
        load = busy_since(mark)
        if load <= limit or time.monotonic() >= deadline:
            return load
        if not told:
            print(f"  waiting for the machine to quiet down ({load:.0f}% of a core busy)")
            told = True


def others_mark() -> tuple[dict[int, tuple[int, int]], float]:
    """CPU ticks (own and reaped children's) of every process that is not ours,
    by pid: (start time, ticks).

    Ours are this process and its descendants. Left out: kernel threads; init,
    which also reaps our sandboxes' orphans (bwrap leaves its inner process to
    it, so getrusage misses our sandboxes' CPU and "busy minus ours" is no
    measure); and processes under a sandbox uid, which may be such orphans
    (other users' sandboxed runs still count, in the CPU of their parents once
    reaped)."""
    procs: dict[int, tuple[int, int, int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
            uid = entry.stat().st_uid
        except OSError:
            continue
        f = text[text.rindex(")") + 2 :].split()  # f[0] is field 3 (state)
        procs[int(entry.name)] = (int(f[1]), int(f[19]), sum(int(x) for x in f[11:15]), uid)
    me = os.getpid()

    def ours(pid: int) -> bool:
        for _ in range(64):
            if pid == me:
                return True
            if pid <= 1 or pid not in procs:
                return False
            pid = procs[pid][0]
        return False

    sandbox_uids = range(UID_BASE, UID_BASE + UID_SLOTS)
    others = {
        pid: (start, ticks)
        for pid, (ppid, start, ticks, uid) in procs.items()
        if pid > 2 and ppid != 2 and uid not in sandbox_uids and not ours(pid)
    }
    return others, time.monotonic()


def others_since(mark: tuple[dict[int, tuple[int, int]], float]) -> float:
    """CPU used by other processes since `mark` (see others_mark), % of one core:
    the growth of those alive then, and all of those started since. Processes
    that started and ended in between count only once their parent reaps them."""
    before, wall = mark
    now, _ = others_mark()
    ticks = 0
    for pid, (start, used) in now.items():
        if pid in before and before[pid][0] == start:
            ticks += used - before[pid][1]
        else:
            ticks += used  # started since the mark
    return ticks / os.sysconf("SC_CLK_TCK") / max(time.monotonic() - wall, 1e-3) * 100


def check_inheritance(sandbox: Sandbox, cpus: set[int], core: int) -> None:
    """Show the affinity seen by sandboxed processes started by a pinned thread
    (one-shot and runner session, from a pool thread as run_tests does) and by
    the timing session."""
    shown: dict[str, str] = {}

    def probe() -> None:
        os.sched_setaffinity(0, cpus)
        shown["one-shot Sandbox.run from a pinned thread"] = sandbox.run(
            ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"]
        ).stdout.decode()

        def in_session() -> str:
            with sandbox.session([PROBE]) as session:
                session.set_input(b"")
                return session.run(0).stdout.decode()

        with ThreadPoolExecutor(1) as pool:
            shown["runner session from its pool thread"] = pool.submit(in_session).result()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    with sandbox.session([PROBE], cpu=core) as session:
        session.set_input(b"")
        shown["timing session (cpu=timing_core())"] = session.run(0).stdout.decode()
    for where, text in shown.items():
        print(f"affinity  {where}: {text.split(':')[-1].strip() or '?'}")


# -- background work -----------------------------------------------------------


class Background:
    """Untimed sandboxed work like ours, looping until stopped: the example's
    tests (run_tests: two runner sessions) in one thread, gcc builds in another."""

    def __init__(self, base: Baseline, sandbox: Sandbox, cpus: set[int] | None):
        self.base, self.sandbox, self.cpus = base, sandbox, cpus
        self.stop_event = threading.Event()
        self.suites = 0
        self.builds = 0
        self.errors: list[str] = []
        self.threads = [
            threading.Thread(target=self._loop, args=(self._suite,), daemon=True),
            threading.Thread(target=self._loop, args=(self._build,), daemon=True),
        ]
        self._token = f"{os.getpid()}-{random.getrandbits(32):08x}"

    def _loop(self, work) -> None:
        if self.cpus is not None:
            os.sched_setaffinity(0, self.cpus)  # this thread only; its children inherit it
        while not self.stop_event.is_set():
            try:
                work()
            except Exception as exc:  # report, do not hang the benchmark
                self.errors.append(f"{type(exc).__name__}: {exc}")
                return

    def _suite(self) -> None:
        task = self.base.task
        report = run_tests(self.base.binary, task.tests, self.sandbox, task.compare)
        if not report.ok:
            raise RuntimeError(f"background tests failed: {report.first_failure.reason}")
        self.suites += 1

    def _build(self) -> None:
        task = self.base.task
        text = f"{task.asm}\n# background build {self._token} {self.builds}\n"
        built = buildlib.build(text, self.sandbox, task.link_flags)
        if not built.ok:
            raise RuntimeError(f"background build failed: {built.errors[0]}")
        # Do not leave thousands of throw-away binaries in the build cache.
        binary, _ = buildlib._paths(built.digest)
        binary.unlink(missing_ok=True)
        self.builds += 1

    def __enter__(self) -> Background:
        for t in self.threads:
            t.start()
        deadline = time.monotonic() + 3
        while (self.suites == 0 or self.builds == 0) and time.monotonic() < deadline:
            if self.errors:
                break
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join()
        if self.errors:
            raise RuntimeError("; ".join(self.errors))


# -- one A/A trial -------------------------------------------------------------


@dataclass
class Trial:
    condition: str
    example: str
    a: list[RunResult] = field(default_factory=list)
    b: list[RunResult] = field(default_factory=list)
    seconds: float = 0.0
    busy: dict[int, float] = field(default_factory=dict)  # % of each cpu while timing
    steal: dict[int, float] = field(default_factory=dict)
    foreign: float = 0.0  # CPU not ours, % of one core, over the whole trial
    intrusion: float = 0.0  # % of the timing core busy with anything but the timed runs
    suites_per_s: float = 0.0
    builds_per_s: float = 0.0

    def to_dict(self) -> dict:
        return {
            "condition": self.condition,
            "example": self.example,
            "cpu_us": [[r.cpu_us for r in self.a], [r.cpu_us for r in self.b]],
            "wall_us": [[r.wall_us for r in self.a], [r.wall_us for r in self.b]],
            "seconds": self.seconds,
            "busy": self.busy,
            "steal": self.steal,
            "intrusion": self.intrusion,
            "others": self.foreign,
        }

    def cpu(self, runs: list[RunResult]) -> np.ndarray:
        return np.array([max(r.cpu_us, 1) / 1e6 for r in runs])

    @property
    def log_ratios(self) -> np.ndarray:
        return np.log(self.cpu(self.a)) - np.log(self.cpu(self.b))

    @property
    def median_ms(self) -> float:
        return float(np.median(self.cpu(self.a + self.b))) * 1e3

    @property
    def cpu_spread(self) -> float:
        values = self.cpu(self.a + self.b)
        med = np.median(values)
        return float(np.median(np.abs(values - med)) / med * 100)

    @property
    def pair_std(self) -> float:
        return float(np.std(self.log_ratios, ddof=1) * 100)

    @property
    def pair_iqr(self) -> float:
        q1, q3 = np.percentile(self.log_ratios, [25, 75])
        return float((q3 - q1) / 1.349 * 100)

    @property
    def ci_half_width(self) -> float:
        return speedup_ci(list(self.cpu(self.a)), list(self.cpu(self.b))).half_width * 100

    @property
    def descheduled(self) -> tuple[int, int]:
        runs = self.a + self.b
        return sum(1 for r in runs if r.wall_us > 1.5 * r.cpu_us + 2000), len(runs)


def aa_trial(
    condition: str, base: Baseline, sandbox: Sandbox, pairs: int, seed: int, core: int
) -> Trial:
    trial = Trial(condition, base.task.name)
    test = base.timing_test
    expected = base.tests.hashes()[test.name]
    cpus = set(os.sched_getaffinity(0))
    others = cpus - {core}
    start = others_mark()
    background: contextlib.AbstractContextManager = contextlib.nullcontext()
    if condition != "idle":
        background = Background(base, sandbox, others if condition == "pinned" else None)
    rng = random.Random(seed)
    with background as bg, sandbox.session([base.binary, base.binary], cpu=core) as session:
        session.set_input(test.input)
        t0, stat0 = time.monotonic(), cpu_times()
        done0 = (bg.suites, bg.builds) if bg else (0, 0)
        timed_us = 0
        for p in range(WARMUP_PAIRS + pairs):
            for index in (0, 1) if rng.random() < 0.5 else (1, 0):
                r = session.run(index, send_output=False)
                timed_us += r.cpu_us
                if not r.ok or r.signal or r.out_hash != expected:
                    raise RuntimeError(f"{trial.example}: a timed run failed ({r})")
                if p >= WARMUP_PAIRS:
                    (trial.a if index == 0 else trial.b).append(r)
        trial.seconds = time.monotonic() - t0
        stat1 = cpu_times()
        if bg:
            trial.suites_per_s = (bg.suites - done0[0]) / trial.seconds
            trial.builds_per_s = (bg.builds - done0[1]) / trial.seconds
    for cpu in stat1:
        total = stat1[cpu][2] - stat0[cpu][2]
        trial.busy[cpu] = 100 * (stat1[cpu][0] - stat0[cpu][0]) / max(total, 1)
        trial.steal[cpu] = 100 * (stat1[cpu][1] - stat0[cpu][1]) / max(total, 1)
    trial.intrusion = max(0.0, trial.busy[core] - 100 * timed_us / 1e6 / trial.seconds)
    trial.foreign = others_since(start)
    return trial


# -- report --------------------------------------------------------------------


def mean(values) -> float:
    return statistics.fmean(values)


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}" if reference > 0 else "-"


def print_noise(trials: list[Trial], examples: list[str], pairs: int) -> None:
    print()
    print(f"Noise (mean over rounds; {pairs} pairs + {WARMUP_PAIRS} warm-up per trial)")
    header = (
        f"{'condition':<9} {'example':<10} {'trials':>6} {'cpu ms':>7} {'cpu spr%':>8} "
        f"{'pair sd%':>8} {'pair iqr%':>9} {'CI hw%':>7} {'desched%':>8} {'wall s':>7} "
        f"{'| x idle:':>9} {'cpu spr':>7} {'pair sd':>7} {'pair iqr':>8} {'CI hw':>6}"
    )
    print(header)
    print("-" * len(header))
    for example in examples:
        idle = [t for t in trials if t.example == example and t.condition == "idle"]
        ref = {
            "spr": mean(t.cpu_spread for t in idle),
            "sd": mean(t.pair_std for t in idle),
            "iqr": mean(t.pair_iqr for t in idle),
            "ci": mean(t.ci_half_width for t in idle),
        }
        for condition in CONDITIONS:
            ts = [t for t in trials if t.example == example and t.condition == condition]
            spr = mean(t.cpu_spread for t in ts)
            sd = mean(t.pair_std for t in ts)
            iq = mean(t.pair_iqr for t in ts)
            ci = mean(t.ci_half_width for t in ts)
            bad = sum(t.descheduled[0] for t in ts)
            runs = sum(t.descheduled[1] for t in ts)
            print(
                f"{condition:<9} {example:<10} {len(ts):>6} "
                f"{mean(t.median_ms for t in ts):>7.1f} {spr:>8.2f} {sd:>8.2f} {iq:>9.2f} "
                f"{ci:>7.2f} {100 * bad / runs:>8.1f} {mean(t.seconds for t in ts):>7.1f} "
                f"{'':>9} {ratio(spr, ref['spr']):>7} {ratio(sd, ref['sd']):>7} "
                f"{ratio(iq, ref['iqr']):>8} {ratio(ci, ref['ci']):>6}"
            )
    print()
    print("Per trial, in run order: CI half-width % (CPU not ours, % of a core)")
    for example in examples:
        for condition in CONDITIONS:
            ts = [t for t in trials if t.example == example and t.condition == condition]
            cells = [f"{t.ci_half_width:5.2f} ({t.foreign:.0f})" for t in ts]
            print(f"  {condition:<9} {example:<10} " + "  ".join(cells))


def print_load(trials: list[Trial], examples: list[str], core: int) -> None:
    others = sorted(set(os.sched_getaffinity(0)) - {core})
    print()
    print(
        f"Load (mean over rounds; busy/steal measured while timing; timing core {core}, "
        f"other {','.join(map(str, others))})"
    )
    header = (
        f"{'condition':<9} {'example':<10} {'timing busy%':>12} {'other busy%':>11} "
        f"{'intrusion%':>10} {'timing steal%':>13} {'suites/s':>8} {'builds/s':>8} "
        f"{'not ours %core':>14}"
    )
    print(header)
    print("-" * len(header))
    for example in examples:
        for condition in CONDITIONS:
            ts = [t for t in trials if t.example == example and t.condition == condition]
            other_busy = mean(mean(t.busy[c] for c in others) for t in ts) if others else 0.0
            print(
                f"{condition:<9} {example:<10} {mean(t.busy[core] for t in ts):>12.1f} "
                f"{other_busy:>11.1f} {mean(t.intrusion for t in ts):>10.1f} "
                f"{mean(t.steal[core] for t in ts):>13.2f} "
                f"{mean(t.suites_per_s for t in ts):>8.2f} "
                f"{mean(t.builds_per_s for t in ts):>8.2f} {mean(t.foreign for t in ts):>14.1f}"
            )


def spread(x: np.ndarray, robust: bool) -> float:
    if robust:
        q1, q3 = np.percentile(x, [25, 75])
        return (q3 - q1) / 1.349
    return float(np.std(x, ddof=1))


def print_pooled(trials: list[Trial], examples: list[str], seed: int) -> None:
    """Each trial's log ratios centred on their median, pooled over rounds; the
    ratio of their spread to idle's with a bootstrap interval (trials resampled
    within each condition, then pairs within each trial)."""
    rng = np.random.default_rng(seed)
    print()
    print("Pooled pair log ratios: spread relative to idle, bootstrap 95% interval")
    header = f"{'condition':<9} {'example':<10} {'pairs':>6} {'sd x idle':>22} {'iqr x idle':>22}"
    print(header)
    print("-" * len(header))

    def centred(ts: list[Trial]) -> list[np.ndarray]:
        return [t.log_ratios - np.median(t.log_ratios) for t in ts]

    def resample(groups: list[np.ndarray]) -> np.ndarray:
        picked = [groups[i] for i in rng.integers(0, len(groups), len(groups))]
        return np.concatenate([g[rng.integers(0, len(g), len(g))] for g in picked])

    for example in examples:
        idle = centred([t for t in trials if t.example == example and t.condition == "idle"])
        for condition in CONDITIONS[1:]:
            groups = centred(
                [t for t in trials if t.example == example and t.condition == condition]
            )
            cells = []
            for robust in (False, True):
                point = spread(np.concatenate(groups), robust) / spread(
                    np.concatenate(idle), robust
                )
                boot = []
                for _ in range(2000):
                    den = spread(resample(idle), robust)
                    boot.append(spread(resample(groups), robust) / den if den > 0 else np.nan)
                low, high = np.nanpercentile(boot, [2.5, 97.5])
                cells.append(f"{point:.2f} [{low:.2f}, {high:.2f}]")
            n = sum(len(g) for g in groups)
            print(f"{condition:<9} {example:<10} {n:>6} {cells[0]:>22} {cells[1]:>22}")


# -- main ----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", default="sum_scanf,collatz")
    parser.add_argument("--pairs", type=int, default=40, help="measured pairs per trial")
    parser.add_argument("--rounds", type=int, default=3, help="trials per condition and example")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-foreign",
        type=float,
        default=20.0,
        help="%% of a core: wait till the machine is this quiet; redo trials others disturbed",
    )
    parser.add_argument("--retries", type=int, default=2, help="repeats of a disturbed trial")
    parser.add_argument("--json", type=Path, help="also write every run's times here")
    parser.add_argument("--max-wait", type=float, default=300.0, help="seconds to wait for quiet")
    args = parser.parse_args()
    examples = args.examples.split(",")
    core = timing_core()
    cpus = set(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("needs at least two usable cores")
    print_machine()
    print(f"timing core {core}; background pinned to {sorted(cpus - {core})}")
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")

    bases: dict[str, Baseline] = {}
    sandboxes: dict[str, Sandbox] = {}
    for name in examples:
        task = load_task(EXAMPLES / name / "prog.s")
        sandboxes[name] = Sandbox(task.limits)
        bases[name] = prepare_baseline(task, sandboxes[name], with_profile=False)
        print(f"{name}: timing test {bases[name].timing_test.name}")
    check_inheritance(sandboxes[examples[0]], cpus - {core}, core)

    rng = random.Random(args.seed)
    trials: list[Trial] = []
    start = time.monotonic()
    for round_ in range(args.rounds):
        order = list(CONDITIONS)
        rng.shuffle(order)
        for condition in order:
            for name in examples:
                seed = rng.getrandbits(32)
                for attempt in range(1 + args.retries):
                    wait_quiet(args.max_foreign, args.max_wait)
                    t = aa_trial(condition, bases[name], sandboxes[name], args.pairs, seed, core)
                    if t.foreign <= args.max_foreign:
                        break
                    if attempt < args.retries:
                        print(f"  {t.foreign:.0f}% of a core was not ours: trial repeated")
                trials.append(t)
                if args.json:  # after every trial, so an interrupted run keeps its data
                    args.json.write_text(json.dumps([t.to_dict() for t in trials], indent=1))
                bad, runs = t.descheduled
                flag = " (!)" if t.foreign > args.max_foreign else ""
                print(
                    f"round {round_ + 1} {condition:<9} {name:<10} CI ±{t.ci_half_width:.2f}% "
                    f"pair sd {t.pair_std:.2f}% cpu spread {t.cpu_spread:.2f}% "
                    f"descheduled {bad}/{runs} ({t.seconds:.1f} s, "
                    f"not ours {t.foreign:.0f}% of a core{flag})",
                    flush=True,
                )
    print(f"\ntotal {time.monotonic() - start:.0f} s")
    print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")
    print_noise(trials, examples, args.pairs)
    print_load(trials, examples, core)
    print_pooled(trials, examples, args.seed)


if __name__ == "__main__":
    main()
