"""Do parallel branches overlap model latency with evaluation?

A local OpenAI-compatible server answers every request after a fixed delay
(2 s by default) with a candidate that assembles but fails the tests, so each
step costs one model round trip plus a real sandboxed evaluation. The same
work (B branches x K iterations on examples/collatz) runs twice through the
real graph: once as one run of B concurrent branches, and once as B runs of
one branch, one after another. Goal: concurrent wall time <= 0.35x sequential.

    .venv/bin/python benchmarks/branch_scaling.py [--branches 8] [--iterations 3] [--delay 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.config import RunConfig  # noqa: E402
from agent.run import execute, make_context  # noqa: E402
from tests.llm_servers import OpenAIServer, Reply, fenced  # noqa: E402
from tools.task import load_task  # noqa: E402

WRONG = (ROOT / "tests" / "data" / "collatz_wrong.s").read_text()


async def one_run(config: RunConfig, folder: Path) -> tuple[float, int]:
    task = load_task(ROOT / "examples" / "collatz" / "prog.s")
    ctx = make_context(task, config, folder)
    ctx.baseline()  # measured before the clock starts: both variants share this cost
    start = time.monotonic()
    report = await execute(ctx)
    return time.monotonic() - start, report["iterations"]


async def all_runs(configs: list[RunConfig]) -> tuple[float, int]:
    seconds = steps = 0
    for config in configs:
        with tempfile.TemporaryDirectory() as folder:
            took, done = await one_run(config, Path(folder))
        seconds, steps = seconds + took, steps + done
    return seconds, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--delay", type=float, default=2.0)
    args = parser.parse_args()
    with OpenAIServer(lambda body: Reply(fenced(WRONG), delay_s=args.delay)) as server:
        base = RunConfig(
            model="openai:bench",
            base_url=server.url,
            best_of=args.branches,
            iterations=args.iterations,
            patience=args.iterations,
            differential=0,
        )
        times = {}
        plans = {"concurrent": [base], "sequential": [replace(base, best_of=1)] * args.branches}
        for name, configs in plans.items():
            seconds, steps = asyncio.run(all_runs(configs))
            times[name] = seconds
            print(
                f"{name:>10}: {seconds:6.1f} s for {steps} proposals "
                f"({args.branches} branches x {args.iterations} iterations, "
                f"model delay {args.delay:.1f} s)"
            )
        requests = len(server.completion_requests)
    ratio = times["concurrent"] / times["sequential"]
    verdict = "PASS" if ratio <= 0.35 else "FAIL"
    print(
        f"ratio concurrent/sequential: {ratio:.3f} (goal <= 0.35) [{verdict}]; "
        f"{requests} model requests served"
    )


if __name__ == "__main__":
    main()
