"""`agent batch --executor ray` on a local Ray instance: the same per-task
verdicts as the local executor, with a node's files shared or shipped."""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import EXAMPLES, needs_sandbox
from tests.llm_servers import OpenAIServer
from tests.test_batch import results, scripted

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install '.[ray]')")

pytestmark = needs_sandbox

ONLY = ("collatz", "sum_scanf")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(
        num_cpus=2,
        resources={"bench_slot": 1},
        include_dashboard=False,
        logging_level=logging.WARNING,
    )
    yield
    ray.shutdown()


def batch(out, server, executor: str) -> dict[str, tuple]:
    from agent.batch import BatchOptions, run_batch
    from agent.config import RunConfig

    config = RunConfig(
        model="openai:test",
        base_url=server.url,
        best_of=1,
        iterations=1,
        timing_seconds=3,
        confirm_seconds=3,
        differential=10,
    )
    summary = run_batch(
        BatchOptions(suite=EXAMPLES, out=out, config=config, only=ONLY, executor=executor)
    )
    assert summary["tasks"] == len(ONLY) and summary["errors"] == 0
    lines = results(out)
    assert sorted(lines) == sorted(ONLY)
    for line in lines.values():
        assert (out / line["run_dir"] / "report.json").exists()
        assert (out / line["run_dir"] / "checkpoints.sqlite").exists()
    return {n: (x["model_correct"], x["best"]["source"] != "baseline") for n, x in lines.items()}


def test_ray_gives_the_same_verdicts_as_local(local_ray, tmp_path, monkeypatch):
    with OpenAIServer(scripted) as server:
        local = batch(tmp_path / "local", server, "local")
        on_ray = batch(tmp_path / "ray", server, "ray")
        monkeypatch.setenv("AGENT_RAY_SHIP_FILES", "1")  # as if no node shared our disk
        shipped = batch(tmp_path / "shipped", server, "ray")
    assert local == {"collatz": (True, True), "sum_scanf": (False, False)}
    assert on_ray == local and shipped == local
    for folder in ("ray", "shipped"):
        line = json.loads((tmp_path / folder / "results.jsonl").read_text().splitlines()[0])
        assert line["node"]  # where it ran: a program's baseline and candidates share a node
    run = json.loads((tmp_path / "shipped" / "collatz" / "run.json").read_text())
    assert run["asm"] == str((tmp_path / "shipped" / "collatz" / "task" / "prog.s").resolve())


def test_a_cluster_without_bench_slots_is_refused(local_ray, tmp_path, monkeypatch):
    """The module's Ray instance, its bench slots hidden from the driver's view
    of the cluster (a second instance without them cost another Ray start)."""
    from agent.batch import BatchOptions, run_batch
    from agent.config import RunConfig
    from tools.errors import BadInput

    resources = ray.cluster_resources
    assert resources().get("bench_slot") == 1

    def without_slots() -> dict:
        return {k: v for k, v in resources().items() if k != "bench_slot"}

    monkeypatch.setattr(ray, "cluster_resources", without_slots)
    with pytest.raises(BadInput, match="bench_slot"):
        run_batch(
            BatchOptions(
                suite=EXAMPLES,
                out=tmp_path / "out",
                config=RunConfig(model="openai:x", base_url="http://127.0.0.1:9/v1"),
                only=("collatz",),
                executor="ray",
            )
        )
