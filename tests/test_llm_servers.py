"""The fake LLM servers, exercised with the real clients (openai, anthropic, LangChain)."""

from __future__ import annotations

import asyncio
import threading
import time

import anthropic
import httpx
import openai
import pytest
from langchain_anthropic import ChatAnthropic
from langchain_core.exceptions import (
    ModelAPIError,
    ModelConnectionError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from tests.llm_servers import (
    DEFAULT_TEXT,
    SAMPLE_ASM,
    AnthropicServer,
    OpenAIServer,
    Reply,
    fenced,
    prompt_text,
    prose_only,
    server_fixture,
    truncated,
)

openai_server = server_fixture(OpenAIServer)
anthropic_server = server_fixture(AnthropicServer)

MODEL = "gpt-4o-mini"
CLAUDE = "claude-sonnet-4-6"
THINKING = {"type": "enabled", "budget_tokens": 1024}
MESSAGES = [SystemMessage("You optimize x86-64 assembly."), HumanMessage("Make it faster.")]


def chat_openai(server: OpenAIServer, **kwargs) -> ChatOpenAI:
    kwargs.setdefault("max_retries", 0)
    return ChatOpenAI(model=MODEL, base_url=server.base_url, api_key="test", **kwargs)


def chat_anthropic(server: AnthropicServer, **kwargs) -> ChatAnthropic:
    kwargs.setdefault("max_retries", 0)
    return ChatAnthropic(model=CLAUDE, base_url=server.base_url, api_key="test", **kwargs)


# --------------------------------------------------------------------------- OpenAI / LangChain


def test_chat_openai_invoke_and_request_log(openai_server: OpenAIServer) -> None:
    answer = fenced(SAMPLE_ASM)
    openai_server.push(Reply(answer, input_tokens=120, output_tokens=45))
    msg = chat_openai(openai_server, temperature=0.7).invoke(MESSAGES)

    assert msg.content == answer
    assert msg.usage_metadata is not None
    assert msg.usage_metadata["input_tokens"] == 120
    assert msg.usage_metadata["output_tokens"] == 45
    assert msg.usage_metadata["total_tokens"] == 165
    assert msg.response_metadata["finish_reason"] == "stop"
    assert msg.response_metadata["model_name"] == MODEL

    (req,) = openai_server.requests
    assert req["_path"] == "/v1/chat/completions"
    assert req["_method"] == "POST"
    assert req["model"] == MODEL
    assert req["temperature"] == 0.7
    assert req["messages"] == [
        {"role": "system", "content": "You optimize x86-64 assembly."},
        {"role": "user", "content": "Make it faster."},
    ]
    assert req["_headers"]["authorization"] == "Bearer test"
    assert "Make it faster." in prompt_text(req)


async def test_chat_openai_ainvoke(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply("async answer", input_tokens=9, output_tokens=2))
    msg = await chat_openai(openai_server).ainvoke("hi")
    assert msg.content == "async answer"
    assert msg.usage_metadata is not None
    assert (msg.usage_metadata["input_tokens"], msg.usage_metadata["output_tokens"]) == (9, 2)
    assert openai_server.requests[0]["_headers"]["x-stainless-async"].startswith("async:")


async def test_chat_openai_astream_concatenates_with_usage(openai_server: OpenAIServer) -> None:
    answer = fenced(SAMPLE_ASM)
    openai_server.push(Reply(answer, input_tokens=100, output_tokens=80))
    llm = chat_openai(openai_server, stream_usage=True)
    chunks = [chunk async for chunk in llm.astream(MESSAGES)]

    assert len(chunks) > 5
    assert "".join(str(c.content) for c in chunks) == answer
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    assert full.content == answer
    assert full.usage_metadata is not None
    assert full.usage_metadata["input_tokens"] == 100
    assert full.usage_metadata["output_tokens"] == 80
    assert full.response_metadata["finish_reason"] == "stop"
    req = openai_server.requests[0]
    assert req["stream"] is True
    assert req["stream_options"] == {"include_usage": True}


async def test_chat_openai_custom_base_url_streams_without_usage_by_default(
    openai_server: OpenAIServer,
) -> None:
    # With a custom base_url, ChatOpenAI leaves stream_usage off: no usage when streaming.
    chunks = [c async for c in chat_openai(openai_server).astream("hi")]
    assert "".join(str(c.content) for c in chunks) == DEFAULT_TEXT
    assert all(c.usage_metadata is None for c in chunks)
    assert "stream_options" not in openai_server.requests[0]


def test_chat_openai_drops_reasoning_content(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply("final", reasoning="let me think"), Reply("final", reasoning="hmm"))
    llm = chat_openai(openai_server)
    msg = llm.invoke("hi")
    assert msg.content == "final"
    assert "reasoning_content" not in msg.additional_kwargs
    full = None
    for chunk in llm.stream("hi"):
        full = chunk if full is None else full + chunk
    assert full is not None
    assert full.content == "final"
    assert "hmm" not in str(full)


def test_callback_replies_and_default(openai_server: OpenAIServer) -> None:
    with OpenAIServer(
        lambda body: Reply(f"t={body.get('temperature')}"), default_reply="unused"
    ) as server:
        assert chat_openai(server, temperature=0.2).invoke("a").content == "t=0.2"
        server.push("queued first")
        assert chat_openai(server, temperature=0.9).invoke("b").content == "queued first"
        assert chat_openai(server, temperature=0.9).invoke("c").content == "t=0.9"
    # a server with nothing scripted answers with the default text instead of hanging
    assert chat_openai(openai_server).invoke("x").content == DEFAULT_TEXT
    assert openai_server.pending == 0


def test_callback_error_becomes_500() -> None:
    def broken(body: dict) -> Reply:
        raise RuntimeError("bug in test script")

    with OpenAIServer(broken) as server:
        with pytest.raises(ModelAPIError, match="bug in test script") as info:
            chat_openai(server).invoke("x")
        assert isinstance(info.value, openai.InternalServerError)
        assert isinstance(server.errors[0], RuntimeError)
        # The server closes this connection, and says so: otherwise the cached httpx
        # client could reuse it for the next request just before the close (a race).
        assert info.value.response.headers["connection"] == "close"
        server.push("recovered")
        assert chat_openai(server).invoke("x").content == "recovered"


# --------------------------------------------------------------------------- raw openai client


def test_raw_openai_client_plain_stream_and_models(openai_server: OpenAIServer) -> None:
    client = openai.OpenAI(base_url=openai_server.base_url, api_key="test", max_retries=0)
    openai_server.push(
        Reply("plain", reasoning="why", input_tokens=7, output_tokens=3),
        Reply("streamed reply text", reasoning="step by step", input_tokens=5, output_tokens=4),
    )
    messages = [{"role": "user", "content": "q"}]

    done = client.chat.completions.create(model="m1", messages=messages, temperature=0.1)
    assert done.model == "m1"
    assert done.object == "chat.completion"
    assert done.choices[0].message.content == "plain"
    assert done.choices[0].finish_reason == "stop"
    assert done.choices[0].message.reasoning_content == "why"  # an "extra" field
    assert done.usage is not None
    assert (done.usage.prompt_tokens, done.usage.completion_tokens) == (7, 3)
    assert done.usage.total_tokens == 10

    stream = client.chat.completions.create(
        model="m1", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    reasoning = "".join(
        getattr(c.choices[0].delta, "reasoning_content", None) or "" for c in chunks if c.choices
    )
    assert text == "streamed reply text"
    assert reasoning == "step by step"
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 4

    assert [m.id for m in client.models.list()] == ["fake-model"]
    assert [r["_path"] for r in openai_server.requests][-1] == "/v1/models"
    assert len(openai_server.completion_requests) == 2


async def test_raw_async_openai_stream(openai_server: OpenAIServer) -> None:
    client = openai.AsyncOpenAI(base_url=openai_server.base_url, api_key="test", max_retries=0)
    openai_server.push(Reply("async streamed text", finish_reason="length"))
    stream = await client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "q"}], stream=True
    )
    parts, finish = [], None
    async for chunk in stream:
        parts.append(chunk.choices[0].delta.content or "")
        finish = chunk.choices[0].finish_reason or finish
    assert "".join(parts) == "async streamed text"
    assert finish == "length"
    await client.close()


def test_openai_429_retry_after_then_success(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply(status=429, retry_after=1.0), Reply("after retry"))
    client = openai.OpenAI(base_url=openai_server.base_url, api_key="test", max_retries=1)
    start = time.monotonic()
    done = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    elapsed = time.monotonic() - start
    assert done.choices[0].message.content == "after retry"
    # The client slept for Retry-After (1 s): its own first backoff is at most 0.5 s.
    assert 1.0 <= elapsed < 15.0
    first, second = openai_server.requests
    assert first["_headers"]["x-stainless-retry-count"] == "0"
    assert second["_headers"]["x-stainless-retry-count"] == "1"
    assert first["messages"] == second["messages"]


def test_openai_429_without_retries_is_rate_limit_error(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply(status=429, retry_after=1))
    with pytest.raises(ModelRateLimitError) as info:
        chat_openai(openai_server).invoke("q")
    assert isinstance(info.value, openai.RateLimitError)
    assert info.value.response.headers["retry-after"] == "1"
    assert info.value.body["code"] == "rate_limit_exceeded"


def test_openai_500_raises_without_retries(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply(status=500, error_message="The server had an error"))
    client = openai.OpenAI(base_url=openai_server.base_url, api_key="test", max_retries=0)
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert info.value.status_code == 500
    assert info.value.body == {
        "message": "The server had an error",
        "type": "server_error",
        "param": None,
        "code": None,
    }
    assert len(openai_server.requests) == 1


def test_openai_timeout_then_server_keeps_serving(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply("too late", delay_s=60), Reply("on time"))
    llm = chat_openai(openai_server, timeout=0.5)
    start = time.monotonic()
    with pytest.raises(ModelTimeoutError) as info:
        llm.invoke("q")
    assert time.monotonic() - start < 15.0  # the reply would take 60 s
    assert isinstance(info.value, openai.APITimeoutError)
    assert llm.invoke("q").content == "on time"
    assert len(openai_server.requests) == 2


def test_a_held_reply_leaves_only_when_released(openai_server: OpenAIServer) -> None:
    """`Reply(hold=event)` keeps the client waiting, however long, until the
    test sets the event; then the reply is the scripted one."""
    release, answer = threading.Event(), []
    openai_server.push(Reply("released", hold=release))
    llm = chat_openai(openai_server, timeout=120)
    caller = threading.Thread(target=lambda: answer.append(llm.invoke("q").content))
    caller.start()
    deadline = time.monotonic() + 60
    while not openai_server.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert openai_server.requests, "the request never arrived"
    caller.join(0.5)
    assert caller.is_alive() and not answer  # held: no reply without the release
    release.set()
    caller.join(60)
    assert answer == ["released"]


async def test_openai_concurrent_requests_overlap() -> None:
    # No reply leaves before all four requests are in: handled one after the
    # other, the first would wait for the rest until the barrier gives up (30 s).
    together = threading.Barrier(4, timeout=30)

    def reply(body: dict) -> Reply:
        together.wait()
        return Reply(prompt_text(body).replace("q", "branch "), delay_s=1.0)

    with OpenAIServer(reply) as server:
        results = await asyncio.gather(*(chat_openai(server).ainvoke(f"q{i}") for i in range(4)))
        assert sorted(str(m.content) for m in results) == [f"branch {i}" for i in range(4)]
        assert server.errors == []
        assert server.max_in_flight == 4  # released together, each then waits 1 s
        assert server.in_flight == 0


def test_disconnect_is_connection_error(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply(disconnect=True), Reply("fine"))
    with pytest.raises(ModelConnectionError):
        chat_openai(openai_server).invoke("q")
    assert chat_openai(openai_server).invoke("q").content == "fine"


def test_api_key_checked_when_configured() -> None:
    with OpenAIServer(api_key="right") as server:
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=server.base_url, api_key="wrong", max_retries=0).models.list()
        ok = openai.OpenAI(base_url=server.base_url, api_key="right", max_retries=0)
        assert [m.id for m in ok.models.list()] == ["fake-model"]


def test_wrong_base_url_gets_a_hint(openai_server: OpenAIServer) -> None:
    client = openai.OpenAI(base_url=openai_server.root_url, api_key="t", max_retries=0)
    with pytest.raises(openai.NotFoundError, match="must end in /v1"):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])


def test_stop_is_prompt_with_a_sleeping_handler() -> None:
    server = OpenAIServer([Reply("never", delay_s=60)]).start()
    url = server.url
    errors: list[BaseException] = []

    def call() -> None:
        try:
            httpx.post(
                f"{url}/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": "q"}]},
                timeout=60,
            )
        except httpx.HTTPError as err:
            errors.append(err)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    server.wait_for_requests(1, timeout=30)
    start = time.monotonic()
    server.stop()
    assert time.monotonic() - start < 10.0  # not after the handler's 60 s delay
    thread.join(timeout=15)
    assert not thread.is_alive()
    assert errors  # the client saw the connection close, not a 60 s wait
    with pytest.raises(RuntimeError):
        _ = server.url


# --------------------------------------------------------------------------- Anthropic


def test_chat_anthropic_invoke_and_request_log(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Reply("mov is fine", input_tokens=40, output_tokens=12))
    msg = chat_anthropic(anthropic_server, temperature=0.4, max_tokens=2048).invoke(MESSAGES)

    assert msg.content == "mov is fine"
    assert msg.usage_metadata is not None
    assert msg.usage_metadata["input_tokens"] == 40
    assert msg.usage_metadata["output_tokens"] == 12
    assert msg.usage_metadata["total_tokens"] == 52
    assert msg.response_metadata["stop_reason"] == "end_turn"
    assert msg.response_metadata["model_name"] == CLAUDE

    (req,) = anthropic_server.requests
    assert req["_path"] == "/v1/messages"
    assert req["model"] == CLAUDE
    assert req["temperature"] == 0.4
    assert req["max_tokens"] == 2048
    assert req["system"] == "You optimize x86-64 assembly."
    assert req["messages"] == [{"role": "user", "content": "Make it faster."}]
    # anthropic 2.x sends api_key as a bearer token, not x-api-key
    assert req["_headers"]["authorization"] == "Bearer test"
    assert "anthropic-version" in req["_headers"]


async def test_chat_anthropic_astream_text(anthropic_server: AnthropicServer) -> None:
    answer = fenced(SAMPLE_ASM)
    anthropic_server.push(Reply(answer, input_tokens=30, output_tokens=90))
    chunks = [c async for c in chat_anthropic(anthropic_server).astream(MESSAGES)]
    assert "".join(c.content for c in chunks if isinstance(c.content, str)) == answer
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    assert full.content == answer
    assert full.usage_metadata is not None
    assert full.usage_metadata["input_tokens"] == 30
    assert full.usage_metadata["output_tokens"] == 90
    assert full.response_metadata["stop_reason"] == "end_turn"
    assert anthropic_server.requests[0]["stream"] is True


def test_chat_anthropic_invoke_with_thinking(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Reply("use lea", reasoning="imul is slower than lea here"))
    llm = chat_anthropic(anthropic_server, thinking=THINKING, max_tokens=4096)
    msg = llm.invoke("q")
    assert isinstance(msg.content, list)
    thinking, text = msg.content
    assert thinking["type"] == "thinking"
    assert thinking["thinking"] == "imul is slower than lea here"
    assert thinking["signature"]
    assert text == {"type": "text", "text": "use lea"}
    assert msg.text == "use lea"
    assert anthropic_server.requests[0]["thinking"] == THINKING


async def test_chat_anthropic_astream_with_thinking(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Reply("unroll by four", reasoning="the loop is short and hot"))
    llm = chat_anthropic(anthropic_server, thinking=THINKING, max_tokens=4096)
    full = None
    async for chunk in llm.astream("q"):
        full = chunk if full is None else full + chunk
    assert full is not None
    blocks = {b["type"]: b for b in full.content if isinstance(b, dict)}
    assert blocks["thinking"]["thinking"] == "the loop is short and hot"
    assert blocks["thinking"]["signature"]
    assert blocks["text"]["text"] == "unroll by four"
    assert full.text == "unroll by four"
    assert full.usage_metadata is not None


def test_raw_anthropic_client_stream_events(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(
        Reply("abc", reasoning="r", input_tokens=3, output_tokens=2, finish_reason="length")
    )
    client = anthropic.Anthropic(base_url=anthropic_server.base_url, api_key="k", max_retries=0)
    with client.messages.stream(
        model=CLAUDE, max_tokens=100, messages=[{"role": "user", "content": "q"}]
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[0] == "message_start"
    assert kinds[-1] == "message_stop"
    assert "content_block_stop" in kinds
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert final.content[1].text == "abc"
    assert final.stop_reason == "max_tokens"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (3, 2)
    assert (
        client.messages.count_tokens(
            model=CLAUDE, messages=[{"role": "user", "content": "four words long here"}]
        ).input_tokens
        == len("four words long here") // 4
    )


def test_anthropic_429_retry_then_500(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(
        Reply(status=429, retry_after=0.2), Reply("ok"), Reply(status=500), Reply(status=529)
    )
    client = anthropic.Anthropic(base_url=anthropic_server.base_url, api_key="k", max_retries=1)
    messages = [{"role": "user", "content": "q"}]
    done = client.messages.create(model=CLAUDE, max_tokens=10, messages=messages)
    assert done.content[0].text == "ok"
    assert len(anthropic_server.requests) == 2

    no_retry = client.with_options(max_retries=0)
    with pytest.raises(anthropic.InternalServerError) as info:
        no_retry.messages.create(model=CLAUDE, max_tokens=10, messages=messages)
    assert info.value.body["error"]["type"] == "api_error"
    with pytest.raises(anthropic.OverloadedError):
        no_retry.messages.create(model=CLAUDE, max_tokens=10, messages=messages)


def test_anthropic_timeout_and_bad_base_url(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Reply("late", delay_s=60), Reply("prompt"))
    llm = chat_anthropic(anthropic_server, timeout=0.5)
    start = time.monotonic()
    with pytest.raises(ModelTimeoutError) as info:
        llm.invoke("q")
    assert time.monotonic() - start < 15.0  # the reply would take 60 s
    assert isinstance(info.value, anthropic.APITimeoutError)
    assert llm.invoke("q").content == "prompt"

    wrong = anthropic.Anthropic(base_url=anthropic_server.url, api_key="k", max_retries=0)
    with pytest.raises(anthropic.NotFoundError, match="no /v1"):
        wrong.messages.create(
            model=CLAUDE, max_tokens=10, messages=[{"role": "user", "content": "q"}]
        )


# --------------------------------------------------------------------------- canned replies


def test_canned_replies() -> None:
    good = fenced(SAMPLE_ASM)
    assert good.count("```") == 2
    assert "```asm\n" + SAMPLE_ASM.strip("\n") + "\n```" in good
    assert fenced("ret", tag="gas").count("```gas\nret\n```") == 1

    cut = truncated(SAMPLE_ASM)
    assert cut.count("```") == 1
    assert cut.rstrip().endswith(SAMPLE_ASM.splitlines()[len(SAMPLE_ASM.splitlines()) // 2 - 1])
    assert "sum:" in cut
    assert ".size" not in cut

    assert "```" not in prose_only()
    assert prose_only().strip()
