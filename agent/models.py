"""Model providers behind `--model`: builtin, openai:NAME, anthropic:NAME.

LLM calls go through langchain's chat models with the clients' own retries
turned off: we retry here, on 429, 5xx, timeouts and connection errors only,
with exponential backoff and jitter, honouring Retry-After, within an overall
deadline. A failed assembly or test is never retried: that is feedback for
the next proposal. Every call's tokens and cost are counted, and a shared
budget stops new calls once it is spent.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from agent.config import RunConfig
from agent.edits import read_reply
from agent.proposer import Proposal, ProposalRequest
from tools.errors import BadInput

# USD per million tokens (input, output). Override or extend with
# `[prices]` in agent.toml: "openai:my-model" = [0.5, 1.5].
PRICES: dict[str, tuple[float, float]] = {
    "openai:gpt-4o": (2.5, 10.0),
    "openai:gpt-4o-mini": (0.15, 0.6),
    "openai:gpt-4.1": (2.0, 8.0),
    "openai:gpt-4.1-mini": (0.4, 1.6),
    "openai:o3": (2.0, 8.0),
    "openai:o4-mini": (1.1, 4.4),
    "anthropic:claude-opus-4-0": (15.0, 75.0),
    "anthropic:claude-sonnet-4-0": (3.0, 15.0),
    "anthropic:claude-3-5-haiku-latest": (0.8, 4.0),
}


class ModelError(Exception):
    """A model call failed for good (after retries, or not retryable)."""


@dataclass
class Budget:
    """Money spent on model calls across all branches (and, in batch, all tasks)."""

    limit_usd: float | None = None
    spent_usd: float = 0.0
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def exhausted(self) -> bool:
        return self.limit_usd is not None and self.spent_usd >= self.limit_usd

    def add(self, input_tokens: int, output_tokens: int, cost: float) -> None:
        with self._lock:
            self.calls += 1
            self.input_tokens += input_tokens
            self.output_tokens += output_tokens
            self.spent_usd += cost

    def to_dict(self) -> dict:
        return {
            "calls": self.calls,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": round(self.spent_usd, 6),
        }


def price(spec: str, overrides: dict) -> tuple[float, float] | None:
    value = overrides.get(spec) or PRICES.get(spec)
    return (float(value[0]), float(value[1])) if value else None


def retry_delay(exc: BaseException, attempt: int, rng: random.Random) -> float | None:
    """Seconds to wait before retrying after `exc`, or None if it must not be retried."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    transient = (
        status in (408, 409, 429)
        or (isinstance(status, int) and status >= 500)
        or "Timeout" in name
        or "Connection" in name
        or isinstance(exc, TimeoutError | ConnectionError)
    )
    if not transient:
        return None
    response = getattr(exc, "response", None)
    header = response.headers.get("retry-after") if response is not None else None
    if header:
        try:
            return min(float(header), 120.0)
        except ValueError:
            pass
    return min(60.0, 2.0**attempt) * (0.5 + rng.random())


async def call_with_retries(call, *, max_retries: int, deadline_s: float, seed: int = 0):
    """Await `call()` with retries on transient errors; returns (result, retries)."""
    rng = random.Random(seed)
    start = time.monotonic()
    for attempt in range(max_retries + 1):
        remaining = deadline_s - (time.monotonic() - start)
        if remaining <= 0:
            raise ModelError(f"no answer within the {deadline_s:.0f} s deadline")
        try:
            # Not asyncio.wait_for: on Python 3.11 it can swallow a cancellation
            # that lands as the call completes (CPython gh-86296), and then a
            # Ctrl-C is lost and the run goes on to its end.
            async with asyncio.timeout(remaining):
                result = await call()
            return result, attempt
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            delay = retry_delay(exc, attempt, rng)
            message = f"{type(exc).__name__}: {str(exc)[:300]}"
            if delay is None:
                raise ModelError(message) from exc
            if attempt == max_retries:
                raise ModelError(f"{message} (after {max_retries} retries)") from exc
            if time.monotonic() - start + delay > deadline_s:
                raise ModelError(f"{message} (deadline reached)") from exc
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def _loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _text_and_reasoning(message) -> tuple[str, str]:
    """The reply's text and any reasoning it carried (Anthropic thinking blocks,
    or `reasoning_content` from OpenAI-compatible servers)."""
    content = message.content
    reasoning = message.additional_kwargs.get("reasoning_content", "") or ""
    if isinstance(content, str):
        return content, reasoning
    texts = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
        elif block.get("type") == "text":
            texts.append(block.get("text", ""))
        elif block.get("type") in ("thinking", "reasoning"):
            reasoning += block.get("thinking") or block.get("reasoning") or ""
    return "".join(texts), reasoning


class ChatProposer:
    """A proposer backed by a langchain chat model (OpenAI or Anthropic API)."""

    def __init__(self, spec: str, config: RunConfig, budget: Budget, factory, baseline_profile):
        self.name = spec
        self.spec = spec
        self.config = config
        self.budget = budget
        self._factory = factory  # (temperature, seed) -> chat model
        self._baseline_profile = baseline_profile  # () -> str, filled once the baseline is measured

    async def propose(self, request: ProposalRequest) -> Proposal:
        from agent.prompts import messages

        if self.budget.exhausted:
            return Proposal(
                None, note="budget exhausted", model=self.spec, extra={"stop": "budget"}
            )
        prompt = messages(
            request,
            self._baseline_profile(),
            self.config.feedback_tokens,
            self.config.reply_format,
            self.config.edit_threshold,
        )
        model = self._factory(request.temperature, request.seed)
        started = time.monotonic()
        try:
            reply, retries = await call_with_retries(
                lambda: model.ainvoke(prompt),
                max_retries=self.config.max_retries,
                deadline_s=self.config.call_deadline,
                seed=request.seed,
            )
        except ModelError as exc:
            return Proposal(
                None, note=f"model error: {exc}", model=self.spec, extra={"error": str(exc)}
            )
        finally:
            await _close(model)
        text, reasoning = _text_and_reasoning(reply)
        usage = reply.usage_metadata or {}
        tokens_in, tokens_out = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
        rates = price(self.spec, self.config.prices)
        cost = (tokens_in * rates[0] + tokens_out * rates[1]) / 1e6 if rates else 0.0
        self.budget.add(tokens_in, tokens_out, cost)
        # A whole file, or edits applied to the file the prompt showed; edits
        # that do not apply are feedback for the next prompt, never a crash.
        parsed = read_reply(text, request.current)
        return Proposal(
            asm=parsed.asm,
            reply=text,
            note=_summary(text),
            model=self.spec,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            cost_usd=cost,
            extra={
                "reasoning": reasoning,
                "retries": retries,
                "seconds": time.monotonic() - started,
                "prompt": [list(m) for m in prompt],
                "price_known": rates is not None,
                "reply_format": parsed.format,
                "edit_blocks": parsed.blocks,
                "edit_error": parsed.feedback,
                "edit_summary": parsed.summary if parsed.errors else "",
            },
        )


async def _close(model) -> None:
    """Close the model's HTTP client in the loop that opened it."""
    for attr in ("root_async_client", "_async_client"):
        client = getattr(model, attr, None)
        if client is not None and hasattr(client, "close"):
            with contextlib.suppress(Exception):
                await client.close()
            return


def _summary(text: str) -> str:
    """The reply's first sentence of prose, as a short note for the history."""
    prose = text.split("```", 1)[0].split("<<<<<", 1)[0].strip().replace("\n", " ")
    return (prose[:157] + "...") if len(prose) > 160 else prose


def make_proposer(config: RunConfig, budget: Budget, baseline_profile=lambda: ""):
    """The proposer for `config.model`; bad specs and missing keys are BadInput."""
    spec = config.model
    if spec == "builtin":
        try:
            from agent.builtin import BuiltinProposer
        except ImportError:
            raise BadInput(
                "the built-in optimizer is not available in this version; "
                "use --model openai:NAME or anthropic:NAME"
            ) from None
        return BuiltinProposer()
    provider, _, name = spec.partition(":")
    if not name or provider not in ("openai", "anthropic"):
        raise BadInput(f"unknown model {spec!r}: use builtin, openai:NAME or anthropic:NAME")
    if provider == "openai":
        factory = _openai_factory(name, config)
    else:
        factory = _anthropic_factory(name, config)
    return ChatProposer(spec, config, budget, factory, baseline_profile)


def _openai_factory(name: str, config: RunConfig):
    from langchain_openai import ChatOpenAI
    from langchain_openai._compat import httpx

    key = os.environ.get("OPENAI_API_KEY")
    base_url = config.base_url
    if not key:
        if base_url and _loopback(base_url):
            key = "not-needed"  # local servers (vLLM, Ollama, llama.cpp) take any key
        else:
            raise BadInput(
                "OPENAI_API_KEY is not set (needed for openai: models; "
                "a --base-url on this machine needs none)"
            )

    def make(temperature: float, seed: int):
        return ChatOpenAI(
            model=name,
            api_key=key,
            base_url=base_url,
            temperature=temperature,
            seed=seed,
            # An httpx.Timeout (unhashable) makes langchain-openai build a fresh
            # HTTP client instead of reusing one cached from another event loop.
            timeout=httpx.Timeout(config.request_timeout),
            max_retries=0,
        )

    return make


def _anthropic_factory(name: str, config: RunConfig):
    from functools import cached_property

    import anthropic
    from langchain_anthropic import ChatAnthropic

    class FreshChatAnthropic(ChatAnthropic):
        """langchain-anthropic caches one HTTP client per base URL for the whole
        process; a client bound to a finished event loop fails in the next one
        (batch runs, benchmarks). Build the SDK's own client per model instead."""

        @cached_property
        def _async_client(self) -> anthropic.AsyncClient:
            return anthropic.AsyncClient(**self._client_params)

    key = os.environ.get("ANTHROPIC_API_KEY")
    if not key:
        raise BadInput("ANTHROPIC_API_KEY is not set (needed for anthropic: models)")

    def make(temperature: float, seed: int):
        # base_url is left to the SDK, which honours ANTHROPIC_BASE_URL.
        return FreshChatAnthropic(
            model=name,
            api_key=key,
            temperature=min(temperature, 1.0),
            timeout=config.request_timeout,
            max_retries=0,
            max_tokens=16000,
        )

    return make
