"""Our timing protocol against the SuperCoder paper's, on the same program pairs.

The paper's harness (arXiv 2505.11480) times EVERY test with hyperfine: for each
test, each binary in turn (baseline, then candidate), 3 warm-up runs and 10
timed runs, each a fresh `sh -c 'BIN < IN'`, wall clock, mean of the 10. Its
speedup is the mean time over all tests of the baseline divided by the
candidate's.

Ours (`tools.timing.measure`) times only the test where the baseline runs
longest, inside one sandbox, interleaving baseline and candidate in a random
ABBA order, by CPU time, until the bootstrap 95% CI is within ±1%.

For each pair this script estimates the speedup R times with each protocol
(alternating them, so machine drift hits both), and prints the mean wall time
per estimate, the estimates' mean, standard deviation and min-max spread, and
for ours the mean CI width. Only the timing part of each protocol is compared;
the wall time of our full `evaluate()` (tests + timing, no profile) is printed
once per pair for context.

    .venv/bin/python benchmarks/harness_vs_paper.py [--pairs collatz_fast,collatz_aa,lcs_aa]
        [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.build import build
from tools.evaluate import EvalOptions, evaluate, prepare_baseline
from tools.quiet import timing_slot
from tools.sandbox import Sandbox
from tools.task import Task, load_task
from tools.timing import TimingOptions, measure

ROOT = Path(__file__).resolve().parent.parent

# name -> (baseline .s, candidate .s, true speedup if known, description)
PAIRS: dict[str, tuple[str, str, float | None, str]] = {
    "collatz_fast": (
        "examples/collatz/prog.s",
        "tests/data/collatz_fast.s",
        None,
        "collatz vs collatz_fast (~1.85x)",
    ),
    "collatz_aa": ("examples/collatz/prog.s", "examples/collatz/prog.s", 1.0, "collatz A/A"),
    "lcs_aa": ("examples/lcs/prog.s", "examples/lcs/prog.s", 1.0, "lcs A/A"),
    # Paper-shaped: CodeNet problems come with several tests of comparable size,
    # and the paper times every one of them. Built at start-up (see suite_task).
    "suite_fast": (
        "{suite}/prog.s",
        "tests/data/collatz_fast.s",
        None,
        "collatz with 8 tests of similar size vs collatz_fast",
    ),
    "suite_aa": ("{suite}/prog.s", "{suite}/prog.s", 1.0, "collatz with 8 similar tests, A/A"),
}
SUITE_DIR: Path | None = None


def suite_task(folder: Path) -> Path:
    """A collatz task whose 8 tests each run 40-60 ms, like a CodeNet problem's
    set of similar tests; expected outputs come from the example's own binary."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "examples" / "collatz" / "prog.s", folder / "prog.s")
    tests = folder / "tests"
    tests.mkdir(exist_ok=True)
    binary = assemble_unsandboxed(folder / "prog.s", (), folder / "prog")
    for i, limit in enumerate(range(200_000, 280_000, 10_000), start=1):
        data = f"1 {limit}\n".encode()
        (tests / f"s{i}.in").write_bytes(data)
        out = subprocess.run([str(binary)], input=data, capture_output=True, check=True).stdout
        (tests / f"s{i}.out").write_bytes(out)
    return folder


def resolve(rel: str) -> Path:
    if "{suite}" in rel:
        return Path(rel.replace("{suite}", str(SUITE_DIR)))
    return ROOT / rel


WARMUP = 3  # the paper's hyperfine settings
RUNS = 10


@dataclass
class Series:
    """R estimates of one protocol on one pair."""

    estimates: list[float] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    ci_widths: list[float] = field(default_factory=list)  # ours only
    processes: list[int] = field(default_factory=list)  # program runs per estimate

    def std(self) -> float:
        return statistics.stdev(self.estimates) if len(self.estimates) > 1 else 0.0

    def rmse(self, truth: float) -> float:
        """Root-mean-square error around a known true speedup: spread plus bias."""
        return statistics.fmean((e - truth) ** 2 for e in self.estimates) ** 0.5


DEFAULTS = TimingOptions.precise()  # the reported figure: ±1% or the cap
MIN_RUNS = 2 * (DEFAULTS.warmup_pairs + DEFAULTS.min_pairs)


def equal_precision_cost(paper: Series, ours: Series, truth: float | None) -> float:
    """(paper wall x paper variance) / (ours wall x ours variance): variance falls
    as 1/runs, so this is how many times more wall time the paper's protocol
    needs to reach our precision. With a known truth, the mean squared error
    (variance plus bias squared) stands in for the variance."""

    def spread(s: Series) -> float:
        return s.rmse(truth) ** 2 if truth else s.std() ** 2

    ours_cost = statistics.fmean(ours.walls) * spread(ours)
    paper_cost = statistics.fmean(paper.walls) * spread(paper)
    return paper_cost / ours_cost if ours_cost > 0 else float("inf")


def ceiling(paper: Series, ours: Series) -> float:
    """Paper wall time over the wall time of our minimum number of runs."""
    per_run = statistics.fmean(w / n for w, n in zip(ours.walls, ours.processes, strict=True))
    return statistics.fmean(paper.walls) / (per_run * MIN_RUNS)


# ---------------------------------------------------------------------------
# the paper's protocol


def assemble_unsandboxed(asm_path: Path, link_flags: tuple[str, ...], out: Path) -> Path:
    """Assemble one of OUR OWN trusted example programs with plain gcc, outside the
    sandbox: the paper runs its binaries unconfined, and so may a benchmark that
    only ever runs the repository's own examples. Never point this at untrusted
    candidates."""
    subprocess.run(["gcc", "-o", str(out), str(asm_path), *link_flags], check=True)
    return out


def _mean_hyperfine(binary: Path, test_in: Path, workdir: Path) -> float:
    """One hyperfine call, as the paper makes it: the command goes through
    hyperfine's default shell (`sh -c`), whose spawn time hyperfine measures and
    subtracts; what remains of the shell's noise stays in the figure."""
    out = workdir / "hyperfine.json"
    cmd = f"{shlex.quote(str(binary))} < {shlex.quote(str(test_in))} > /dev/null"
    subprocess.run(
        [
            "hyperfine",
            "--warmup",
            str(WARMUP),
            "--runs",
            str(RUNS),
            "--style",
            "none",
            "--export-json",
            str(out),
            cmd,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return float(json.loads(out.read_text())["results"][0]["mean"])


def _mean_subprocess(binary: Path, test_in: Path) -> float:
    """The same protocol without hyperfine: `sh -c` per run, wall clock, mean of
    the timed runs (no shell spawn-time correction, unlike hyperfine)."""
    cmd = f"{shlex.quote(str(binary))} < {shlex.quote(str(test_in))} > /dev/null"
    times = []
    for i in range(WARMUP + RUNS):
        start = time.perf_counter()
        subprocess.run(["sh", "-c", cmd], check=True)
        if i >= WARMUP:
            times.append(time.perf_counter() - start)
    return statistics.fmean(times)


def paper_estimate(
    base: Path, cand: Path, test_inputs: list[Path], workdir: Path, use_hyperfine: bool
) -> float:
    """Every test, each binary one after the other; ratio of mean times over tests."""
    means: dict[Path, list[float]] = {base: [], cand: []}
    for test_in in test_inputs:
        for binary in (base, cand):
            if use_hyperfine:
                means[binary].append(_mean_hyperfine(binary, test_in, workdir))
            else:
                means[binary].append(_mean_subprocess(binary, test_in))
    return statistics.fmean(means[base]) / statistics.fmean(means[cand])


# ---------------------------------------------------------------------------
# the run


def run_pair(name: str, repeats: int, sandbox_mode: str, use_hyperfine: bool, log) -> dict:
    base_rel, cand_rel, _, _ = PAIRS[name]
    base_path, cand_path = resolve(base_rel), resolve(cand_rel)
    task: Task = load_task(base_path)
    candidate_asm = cand_path.read_text()
    test_inputs = [task.root / "tests" / f"{t.name}.in" for t in task.tests]
    sandbox = Sandbox(task.limits, sandbox_mode)

    # Ours, set-up (not counted): baseline built, tested, slowest test found.
    baseline = prepare_baseline(task, sandbox, with_profile=False)
    cand_build = build(candidate_asm, sandbox, task.link_flags)
    if not cand_build.ok:
        raise SystemExit(f"{cand_rel} does not assemble: {cand_build.errors[0]}")
    # Full evaluate() once, for context (build cached by now; tests + timing).
    start = time.monotonic()
    full = evaluate(candidate_asm, baseline, sandbox, EvalOptions(profile=False))
    full_wall = time.monotonic() - start
    if not full.correct:
        raise SystemExit(f"{cand_rel} is not correct on {base_rel}'s tests")
    test = baseline.timing_test
    hashes = (baseline.tests.hashes()[test.name], full.tests.hashes()[test.name])

    paper, ours = Series(), Series()
    with tempfile.TemporaryDirectory(prefix="harness-vs-paper-") as tmp:
        workdir = Path(tmp)
        base_bin = assemble_unsandboxed(base_path, task.link_flags, workdir / "base")
        cand_bin = assemble_unsandboxed(cand_path, task.link_flags, workdir / "cand")
        for r in range(repeats):
            # Alternate which protocol goes first, so drift hits both alike.
            order = ("paper", "ours") if r % 2 == 0 else ("ours", "paper")
            for which in order:
                if which == "paper":
                    # Hold our machine-wide timing lock, as measure() does, so
                    # our own other timing jobs do not disturb either protocol.
                    with timing_slot():
                        start = time.monotonic()
                        est = paper_estimate(
                            base_bin, cand_bin, test_inputs, workdir, use_hyperfine
                        )
                        paper.walls.append(time.monotonic() - start)
                    paper.estimates.append(est)
                    paper.processes.append(2 * len(test_inputs) * (WARMUP + RUNS))
                else:
                    # Wait out other jobs' timing first, so that the wall time is
                    # the protocol's own and not time spent queueing for the lock.
                    with timing_slot():
                        pass
                    start = time.monotonic()
                    timing = measure(
                        baseline.binary, cand_build.binary, test, sandbox, hashes, DEFAULTS
                    )
                    ours.walls.append(time.monotonic() - start)
                    if timing.problem or timing.speedup is None:
                        raise SystemExit(f"our timing failed: {timing.problem or 'no estimate'}")
                    s = timing.speedup
                    ours.estimates.append(s.estimate)
                    ours.ci_widths.append(s.high - s.low)
                    ours.processes.append(2 * (timing.pairs + DEFAULTS.warmup_pairs))
            log(
                f"  {name} repeat {r + 1}/{repeats}: paper {paper.estimates[-1]:.3f}x "
                f"({paper.walls[-1]:.1f}s), ours {ours.estimates[-1]:.3f}x "
                f"({ours.walls[-1]:.1f}s, {ours.processes[-1]} runs)"
            )
    return {
        "name": name,
        "paper": paper,
        "ours": ours,
        "full_wall": full_wall,
        "full_speedup": full.speedup,
        "timing_test": test.name,
        "tests": len(task.tests),
    }


def _fmt_row(cells: list[str], widths: list[int]) -> str:
    pairs = enumerate(zip(cells, widths, strict=True))
    return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in pairs)


def report(results: list[dict], repeats: int, use_hyperfine: bool) -> None:
    print()
    how = "hyperfine 3 warm-ups + 10 runs" if use_hyperfine else "subprocess (no hyperfine)"
    print(f"Speedup estimates, {repeats} repeats per protocol and pair")
    print(f"  paper: every test, {how}, sh -c per run, wall clock, ratio of mean times")
    print("  ours:  tools.timing.measure defaults (slowest test, ABBA, CPU time, CI ±1%)")
    print("  wall = timing part only (no build, no correctness tests) per estimate,")
    print("         not counting any wait for the machine-wide timing lock")
    print()
    header = [
        "pair",
        "protocol",
        "wall/est",
        "runs/est",
        "mean",
        "std",
        "min-max",
        "CI width",
    ]
    rows = []
    for res in results:
        truth = PAIRS[res["name"]][2]
        for proto in ("paper", "ours"):
            s: Series = res[proto]
            lo, hi = min(s.estimates), max(s.estimates)
            ci = f"{statistics.fmean(s.ci_widths):.4f}" if s.ci_widths else "-"
            rows.append(
                [
                    res["name"] + (f" (true {truth:.2f})" if truth else ""),
                    proto,
                    f"{statistics.fmean(s.walls):.2f}s",
                    f"{statistics.fmean(s.processes):.0f}",
                    f"{statistics.fmean(s.estimates):.4f}",
                    f"{s.std():.4f}",
                    f"{lo:.3f}-{hi:.3f} ({hi - lo:.3f})",
                    ci,
                ]
            )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(_fmt_row(header, widths))
    print("  ".join("-" * w for w in widths))
    for i, row in enumerate(rows):
        print(_fmt_row(row, widths))
        if i % 2 == 1 and i < len(rows) - 1:
            print()
    print()

    print("Ratios and goals (ours >= 5x less wall time, with equal or tighter spread;")
    print("cost at equal precision = (paper wall x paper variance) / (ours wall x ours")
    print("variance), >= 5x: how much more the paper's protocol must spend for our precision;")
    print("where the truth is known, the mean squared error around it stands for the variance)")
    all_ok = True
    for res in results:
        p, o = res["paper"], res["ours"]
        wall_ratio = statistics.fmean(p.walls) / statistics.fmean(o.walls)
        if o.std() > 0:
            spread_ratio = f"{p.std() / o.std():.2f}"
        else:
            spread_ratio = "inf" if p.std() > 0 else "n/a"
        wall_ok = wall_ratio >= 5.0
        spread_ok = o.std() <= p.std()
        all_ok = all_ok and wall_ok and spread_ok
        truth = PAIRS[res["name"]][2]
        rmse = (
            f"   rmse vs true {truth:g} paper {p.rmse(truth):.4f} ours {o.rmse(truth):.4f}"
            if truth
            else ""
        )
        cost = equal_precision_cost(p, o, truth)
        cost_ok = cost >= 5.0
        all_ok = all_ok and cost_ok
        print(
            f"  {res['name']:<13} wall paper/ours {wall_ratio:5.2f}x "
            f"[{'PASS' if wall_ok else 'FAIL'}] (ceiling {ceiling(p, o):5.2f}x)   "
            f"std paper/ours {spread_ratio:>5} [{'PASS' if spread_ok else 'FAIL'}]   "
            f"cost at equal precision {cost:7.1f}x [{'PASS' if cost_ok else 'FAIL'}]{rmse}"
        )
    print(f"  overall: {'all goals hold' if all_ok else 'NOT all goals hold'}")
    print(
        "  ceiling: the wall ratio ours would reach if it always stopped at its minimum\n"
        f"  of {MIN_RUNS} runs ({DEFAULTS.warmup_pairs} warm-up pair(s) + "
        f"{DEFAULTS.min_pairs} pairs), "
        "at the run time measured here; a ratio\n"
        "  above it is out of reach of any estimate that keeps a CI from that many pairs."
    )
    print()
    print("Context: one full evaluate() of the candidate (cached build, all tests, timing)")
    for res in results:
        sp = res["full_speedup"]
        print(
            f"  {res['name']:<13} {res['full_wall']:.2f}s  speedup {sp:.4f}x  "
            f"(timed on {res['timing_test']} of {res['tests']} tests)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Compare our timing protocol with the SuperCoder paper's."
    )
    parser.add_argument(
        "--pairs",
        default=",".join(PAIRS),
        help=f"comma-separated pairs to run (default: all of {', '.join(PAIRS)})",
    )
    parser.add_argument("--repeats", type=int, default=5, help="estimates per protocol (5)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 repeats, one pair")
    parser.add_argument(
        "--sandbox", choices=("bwrap", "none"), default="bwrap", help="for our protocol"
    )
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.pairs.split(",") if n.strip()]
    unknown = [n for n in names if n not in PAIRS]
    if unknown or not names:
        parser.error(f"unknown pair(s) {', '.join(unknown)}; known: {', '.join(PAIRS)}")
    repeats = args.repeats
    if args.quick:
        names, repeats = names[:1], 2
    if repeats < 2:
        parser.error("--repeats must be at least 2 (a spread needs two estimates)")

    use_hyperfine = shutil.which("hyperfine") is not None
    if not use_hyperfine:
        print(
            "hyperfine not found: the paper protocol runs with subprocess and "
            "time.perf_counter instead (no shell spawn-time correction)",
            file=sys.stderr,
        )

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    global SUITE_DIR
    suite_tmp = tempfile.TemporaryDirectory(prefix="paper-shaped-")
    SUITE_DIR = suite_task(Path(suite_tmp.name) / "suite")
    results = []
    for name in names:
        log(f"{name}: {PAIRS[name][3]}")
        results.append(run_pair(name, repeats, args.sandbox, use_hyperfine, log))
    if results:
        report(results, repeats, use_hyperfine)


if __name__ == "__main__":
    main()
