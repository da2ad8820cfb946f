"""Providers: retries with backoff and Retry-After, usage and cost, budget, and
clients that work across event loops (batch runs one loop after another)."""

from __future__ import annotations

import asyncio
import random

import pytest

from agent.config import RunConfig
from agent.models import Budget, ModelError, call_with_retries, make_proposer, retry_delay
from agent.proposer import ProposalRequest
from tests.conftest import DATA, EXAMPLES
from tests.llm_servers import AnthropicServer, OpenAIServer, Reply, fenced
from tools.task import load_task

FAST = (DATA / "collatz_fast.s").read_text()


class Status(Exception):
    def __init__(self, status, retry_after=None):
        super().__init__(f"status {status}")
        self.status_code = status
        self.response = type(
            "R", (), {"headers": {"retry-after": retry_after} if retry_after else {}}
        )()


def test_retry_delay_rules():
    rng = random.Random(0)
    assert retry_delay(Status(429, "3"), 0, rng) == 3.0
    assert 0.5 <= retry_delay(Status(503), 0, rng) <= 1.5
    assert 4 * 0.5 <= retry_delay(Status(500), 2, rng) <= 4 * 1.5
    assert retry_delay(Status(400), 0, rng) is None
    assert retry_delay(Status(401), 0, rng) is None
    assert retry_delay(TimeoutError(), 0, rng) is not None
    assert retry_delay(ValueError("bad json"), 0, rng) is None


async def test_call_with_retries_gives_up_after_max_retries():
    calls = []

    async def failing():
        calls.append(1)
        raise Status(429, "0.01")

    with pytest.raises(ModelError, match="after 2 retries"):
        await call_with_retries(failing, max_retries=2, deadline_s=5)
    assert len(calls) == 3


async def test_call_with_retries_respects_the_deadline():
    async def slow():
        await asyncio.sleep(5)

    with pytest.raises(ModelError):
        await call_with_retries(slow, max_retries=3, deadline_s=0.2)


def request() -> ProposalRequest:
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    return ProposalRequest(task=task, branch=0, iteration=1, current=task.asm)


@pytest.mark.parametrize("server_class", [OpenAIServer, AnthropicServer])
def test_proposers_work_across_event_loops(server_class, monkeypatch):
    with server_class(
        lambda body: Reply(fenced(FAST), input_tokens=1000, output_tokens=500)
    ) as server:
        if server_class is OpenAIServer:
            config = RunConfig(model="openai:gpt-4o", base_url=server.url)
            monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        else:
            config = RunConfig(model="anthropic:claude-sonnet-4-0")
            monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
            monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        budget = Budget()
        proposer = make_proposer(config, budget)
        models = []
        make_model = proposer._factory

        def recording_factory(*args):
            models.append(make_model(*args))
            return models[-1]

        proposer._factory = recording_factory
        first = asyncio.run(proposer.propose(request()))
        second = asyncio.run(proposer.propose(request()))
    # Each call's HTTP client is closed in its own loop; left to the garbage
    # collector, it would be closed in a later loop ("Event loop is closed").
    clients = [getattr(m, "root_async_client", None) or m._async_client for m in models]
    assert len(clients) == 2 and all(c.is_closed() for c in clients)
    for proposal in (first, second):
        assert proposal.asm == FAST
        assert (proposal.input_tokens, proposal.output_tokens) == (1000, 500)
        assert proposal.cost_usd > 0
    assert budget.calls == 2 and budget.input_tokens == 2000
    messages = str(server.completion_requests[0])
    assert "collatz" in messages or "chain_length" in messages  # the C source is in the prompt


def test_budget_exhaustion_stops_calls():
    with OpenAIServer(lambda body: Reply(fenced(FAST))) as server:
        budget = Budget(limit_usd=0.0)
        proposer = make_proposer(RunConfig(model="openai:x", base_url=server.url), budget)
        proposal = asyncio.run(proposer.propose(request()))
        assert proposal.asm is None and proposal.extra["stop"] == "budget"
        assert server.completion_requests == []
