"""Fake OpenAI and Anthropic HTTP APIs for tests (standard library only).

No LLM service is reachable from the test machines, so code that talks to one is
tested against these servers. Each runs a ``ThreadingHTTPServer`` in a daemon
thread on 127.0.0.1 with an OS-assigned port and answers in the provider's real
wire format, so the real clients (``openai``, ``anthropic``, ``langchain-openai``,
``langchain-anthropic``) parse the answers unchanged::

    with OpenAIServer([Reply("```asm\\nret\\n```")]) as server:
        llm = ChatOpenAI(model="gpt-4o-mini", base_url=server.base_url, api_key="test")
        llm.invoke("optimize")
        server.requests[0]["messages"]

    with AnthropicServer() as server:  # base_url has no /v1: the SDK appends /v1/messages
        llm = ChatAnthropic(model="claude-sonnet-4-6", base_url=server.base_url, api_key="test")

Replies come from a FIFO queue (``replies=[...]`` / ``push()``), then from an
optional callback ``replies=lambda body: Reply(...)``, then from ``default_reply``,
so a server never hangs for lack of a script. Faults: ``Reply(status=429,
retry_after=0.1)``, ``Reply(status=500)``, ``Reply(delay_s=5)`` (longer than the
client's timeout) and ``Reply(disconnect=True)``.

``Reply(hold=event)`` answers only once the test sets ``event`` (a
``threading.Event``): it holds a run at a model call for as long as the test
needs, on any machine, where a delay would only hope to be long enough::

    release = threading.Event()
    with OpenAIServer(lambda body: Reply(fenced(asm), hold=release)) as server:
        ...  # the run waits at its model call until:
        release.set()

A held reply ends when the event is set or the server stops (then the
connection is closed without an answer); a client that gave up meanwhile
only finds its connection closed.

``server_fixture(OpenAIServer)`` makes a pytest fixture; pytest is imported only
when it is called.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, TypeVar

__all__ = [
    "DEFAULT_TEXT",
    "SAMPLE_ASM",
    "AnthropicServer",
    "OpenAIServer",
    "Reply",
    "ScriptedLLMServer",
    "fenced",
    "prompt_text",
    "prose_only",
    "server_fixture",
    "truncated",
]

DEFAULT_TEXT = "I have no further changes to suggest."

# A small gcc -O3 style listing (sum of an int array), for canned replies.
SAMPLE_ASM = """\
\t.file\t"sum.c"
\t.text
\t.p2align 4
\t.globl\tsum
\t.type\tsum, @function
sum:
.LFB0:
\t.cfi_startproc
\ttestl\t%esi, %esi
\tjle\t.L4
\tmovslq\t%esi, %rsi
\txorl\t%eax, %eax
\tleaq\t(%rdi,%rsi,4), %rdx
.L3:
\taddl\t(%rdi), %eax
\taddq\t$4, %rdi
\tcmpq\t%rdx, %rdi
\tjne\t.L3
\tret
.L4:
\txorl\t%eax, %eax
\tret
\t.cfi_endproc
.LFE0:
\t.size\tsum, .-sum
\t.section\t.note.GNU-stack,"",@progbits
"""


@dataclass
class Reply:
    """One scripted answer.

    ``finish_reason`` may use either vocabulary ("stop"/"length" or
    "end_turn"/"max_tokens"); each server maps it to its own. ``None`` means a
    normal end of turn.
    """

    text: str = ""
    delay_s: float = 0.0  # wait before answering (timeouts, concurrency)
    status: int = 200  # e.g. 429 or 500 to inject a fault
    retry_after: float | None = None  # Retry-After header, in seconds
    reasoning: str = ""  # OpenAI: reasoning_content; Anthropic: a thinking block
    input_tokens: int | None = None  # default: rough count of the prompt
    output_tokens: int | None = None  # default: rough count of text + reasoning
    finish_reason: str | None = None
    chunk_delay_s: float = 0.0  # streaming: pause between chunks
    disconnect: bool = False  # close the connection without answering
    error_message: str | None = None  # message in the error body when status >= 400
    hold: threading.Event | None = None  # answer only once the test sets it (after delay_s)


ReplyLike = Reply | str
ReplySource = list[ReplyLike] | Callable[[dict], ReplyLike] | None
S = TypeVar("S", bound="ScriptedLLMServer")


def _as_reply(value: ReplyLike) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply(text=value)
    raise TypeError(f"a scripted reply must be a Reply or a str, not {type(value).__name__}")


def _collect_text(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key in ("text", "content", "thinking"):
            if key in value:
                _collect_text(value[key], out)
    elif isinstance(value, list):
        for item in value:
            _collect_text(item, out)


def prompt_text(body: dict) -> str:
    """All text of a request's system prompt and messages, joined by newlines.

    Handy in callbacks: ``replies=lambda b: Reply("A" if "MARKER" in prompt_text(b) else "B")``.
    """
    out: list[str] = []
    _collect_text(body.get("system"), out)
    _collect_text(body.get("messages"), out)
    return "\n".join(out)


def rough_tokens(text: str) -> int:
    """About four characters a token, at least one."""
    return max(1, round(len(text) / 4))


def _new_id(prefix: str, nbytes: int = 12) -> str:
    return prefix + secrets.token_hex(nbytes)


# --------------------------------------------------------------------------- HTTP plumbing


class _ClientGone(Exception):
    """The client went away (or the server is stopping) mid-answer."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # server_close() must not join sleeping handlers
    allow_reuse_address = True
    owner: ScriptedLLMServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    timeout = 30  # idle keep-alive connections end after this long

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length > 0 else b""
        if len(data) < length:  # the client died mid-request (SIGKILL): nothing was asked
            raise _ClientGone
        return data

    def _dispatch(self) -> None:
        exchange = _Exchange(self)
        owner = self.server.owner
        try:
            raw = self._read_body()
            owner._handle(exchange, raw)
        except (_ClientGone, OSError):
            self.close_connection = True
        except Exception as err:  # a bug in a test's callback: answer 500, keep serving
            owner.errors.append(err)
            self.close_connection = True
            if exchange.started:  # too late for a 500: cut the answer short instead
                exchange.abort()
                return
            # This connection is closed after the 500, so the answer must say
            # "Connection: close". Without it the client pools the connection as
            # keep-alive, and its next request (langchain-openai caches one httpx
            # client per base_url, so even a new ChatOpenAI reuses it) can be written
            # into the socket in the moment between the 500 and the server's
            # close(): the client then fails with "Server disconnected without
            # sending a response" (APIConnectionError). That is a race, rarely
            # lost on an idle machine and more often on a busy one.
            with contextlib.suppress(_ClientGone):
                owner._send_error(
                    exchange, 500, f"fake server error: {err!r}", {"Connection": "close"}
                )


class _Exchange:
    """One request/answer: the parsed request line, plus writers for JSON and SSE."""

    def __init__(self, handler: _Handler) -> None:
        self.handler = handler
        self.method = handler.command
        self.path = handler.path.split("?", 1)[0]
        self.headers = {k.lower(): v for k, v in handler.headers.items()}
        self.started = False  # a status line has been (or is being) sent
        self._chunked = False

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        h = self.handler
        self.started = True
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                h.send_header(key, value)
            h.end_headers()
            h.wfile.write(data)
            h.wfile.flush()
        except OSError as err:
            raise _ClientGone from err

    def start_sse(self, headers: dict[str, str] | None = None) -> None:
        h = self.handler
        self.started = True
        try:
            h.send_response(200)
            h.send_header("Content-Type", "text/event-stream; charset=utf-8")
            h.send_header("Cache-Control", "no-cache")
            h.send_header("Transfer-Encoding", "chunked")
            for key, value in (headers or {}).items():
                h.send_header(key, value)
            h.end_headers()
        except OSError as err:
            raise _ClientGone from err
        self._chunked = True

    def sse(self, data: Any, event: str | None = None) -> None:
        payload = data if isinstance(data, str) else json.dumps(data)
        text = (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"
        self._write_chunk(text.encode())

    def end_sse(self) -> None:
        self._write_chunk(b"")

    def _write_chunk(self, data: bytes) -> None:
        try:
            self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.handler.wfile.flush()
        except OSError as err:
            raise _ClientGone from err

    def abort(self) -> None:
        """Close the connection without (finishing) an answer."""
        self.handler.close_connection = True
        with contextlib.suppress(OSError):
            self.handler.connection.shutdown(socket.SHUT_RDWR)


# --------------------------------------------------------------------------- base server


class ScriptedLLMServer:
    """A fake LLM API: a queue/callback of replies and a log of every request received.

    ``requests`` holds every request body (parsed JSON) in arrival order, with the
    request headers (lower-case names) under ``"_headers"``, the path under
    ``"_path"`` and the method under ``"_method"``. GET requests are logged too.
    """

    provider: ClassVar[str] = ""
    api_prefix: ClassVar[str] = "/v1"

    def __init__(
        self,
        replies: ReplySource = None,
        *,
        default_reply: ReplyLike = DEFAULT_TEXT,
        api_key: str | None = None,
        models: tuple[str, ...] = ("fake-model",),
        stream_chunk_chars: int = 12,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._queue: deque[Reply] = deque()
        self._callback: Callable[[dict], ReplyLike] | None = None
        if callable(replies):
            self._callback = replies
        elif replies is not None:
            self._queue.extend(_as_reply(r) for r in replies)
        self.default_reply = _as_reply(default_reply)
        self.api_key = api_key  # when set, other keys get a 401 in the provider's format
        self.models = models
        self.stream_chunk_chars = max(1, stream_chunk_chars)
        self.host = host
        self._port = port
        self.requests: list[dict] = []
        self.errors: list[BaseException] = []  # exceptions raised by reply callbacks
        self.in_flight = 0
        self.max_in_flight = 0
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._conns: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle

    def start(self: S) -> S:
        if self._httpd is not None:
            return self
        self._stop.clear()
        httpd = _HTTPServer((self.host, self._port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; returns promptly even while handlers sleep in a delay."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._stop.set()  # wakes handlers waiting in delay_s / chunk_delay_s
        httpd.shutdown()
        with self._cond:
            conns = list(self._conns)
        for conn in conns:  # idle keep-alive handlers block in readline()
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=2)
        self._httpd = None
        self._thread = None

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- addresses

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no path)."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        return self.root_url + self.api_prefix

    @property
    def base_url(self) -> str:
        """What to pass as ``base_url`` to this provider's SDK / LangChain class."""
        return self.url

    # ----- script

    def push(self, *replies: ReplyLike) -> None:
        """Queue replies; queued replies are used before the callback and the default."""
        with self._cond:
            self._queue.extend(_as_reply(r) for r in replies)

    @property
    def pending(self) -> int:
        """Number of queued replies not used yet."""
        with self._cond:
            return len(self._queue)

    def _next_reply(self, record: dict) -> Reply:
        with self._cond:
            if self._queue:
                return self._queue.popleft()
        if self._callback is not None:
            return _as_reply(self._callback(record))
        return self.default_reply

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> list[dict]:
        """Block until at least ``n`` requests arrived; return a copy of the log."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.requests) >= n, timeout):
                raise TimeoutError(f"{len(self.requests)} requests received, expected {n}")
            return list(self.requests)

    @property
    def completion_requests(self) -> list[dict]:
        """The logged requests that asked for a completion (POST to the chat endpoint)."""
        with self._cond:
            return [r for r in self.requests if r["_path"] == self.completion_path]

    # ----- request handling

    completion_path: ClassVar[str] = ""

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def _handle(self, ex: _Exchange, raw: bytes) -> None:
        body: Any
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        record: dict = dict(body) if isinstance(body, dict) else {"_raw": raw.decode("replace")}
        record["_headers"] = ex.headers
        record["_path"] = ex.path
        record["_method"] = ex.method
        with self._cond:
            self.requests.append(record)
            self._cond.notify_all()

        if not self._authorized(ex.headers):
            self._send_error(ex, 401, "Invalid API key (fake server).")
            return
        if ex.method == "GET" and ex.path == f"{self.api_prefix}/models":
            ex.send_json(200, self._models_body())
            return
        if ex.method == "POST" and ex.path in self._extra_routes():
            if not isinstance(body, dict):
                self._send_error(ex, 400, "The request body is not valid JSON.")
                return
            self._extra_routes()[ex.path](ex, body)
            return
        if ex.method != "POST" or ex.path != self.completion_path:
            self._send_error(ex, 404, self._not_found_message(ex.method, ex.path))
            return
        if not isinstance(body, dict):
            self._send_error(ex, 400, "The request body is not valid JSON.")
            return
        problem = self._validate(body)
        if problem:
            self._send_error(ex, 400, problem)
            return

        reply = self._next_reply(record)
        with self._cond:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if reply.delay_s > 0 and self._stop.wait(reply.delay_s):
                ex.abort()
                return
            if reply.hold is not None and not self._wait_held(reply.hold):
                ex.abort()
                return
            if reply.disconnect:
                ex.abort()
                return
            headers = {}
            if reply.retry_after is not None:
                headers["Retry-After"] = f"{reply.retry_after:g}"
            if reply.status >= 400:
                message = reply.error_message or f"Scripted fault (HTTP {reply.status})."
                self._send_error(ex, reply.status, message, headers)
                return
            if body.get("stream"):
                self._stream(ex, body, reply, headers)
            else:
                ex.send_json(reply.status, self._completion(body, reply), headers)
        finally:
            with self._cond:
                self.in_flight -= 1

    def _wait_held(self, hold: threading.Event) -> bool:
        """Wait for the test's event; False if the server stops first."""
        while not hold.wait(0.05):
            if self._stop.is_set():
                return False
        return not self._stop.is_set()

    def _pause(self, ex: _Exchange, seconds: float) -> None:
        if seconds > 0 and self._stop.wait(seconds):
            ex.abort()
            raise _ClientGone("server stopping")

    def _pieces(self, text: str) -> Iterator[str]:
        n = self.stream_chunk_chars
        for i in range(0, len(text), n):
            yield text[i : i + n]

    def _usage(self, body: dict, reply: Reply) -> tuple[int, int]:
        prompt = reply.input_tokens
        if prompt is None:
            prompt = rough_tokens(prompt_text(body))
        completion = reply.output_tokens
        if completion is None:
            completion = rough_tokens(reply.reasoning + reply.text)
        return prompt, completion

    def _model(self, body: dict) -> str:
        return str(body.get("model") or self.models[0])

    def _send_error(
        self, ex: _Exchange, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        ex.send_json(
            status, self._error_body(status, message), self._error_headers() | (headers or {})
        )

    # ----- provider hooks

    def _authorized(self, headers: dict[str, str]) -> bool:
        return True

    def _validate(self, body: dict) -> str | None:
        return None

    def _extra_routes(self) -> dict[str, Callable[[_Exchange, dict], None]]:
        return {}

    def _not_found_message(self, method: str, path: str) -> str:
        return f"Unknown route {method} {path}."

    def _error_headers(self) -> dict[str, str]:
        return {}

    def _models_body(self) -> dict:
        raise NotImplementedError

    def _error_body(self, status: int, message: str) -> dict:
        raise NotImplementedError

    def _completion(self, body: dict, reply: Reply) -> dict:
        raise NotImplementedError

    def _stream(self, ex: _Exchange, body: dict, reply: Reply, headers: dict[str, str]) -> None:
        raise NotImplementedError


# --------------------------------------------------------------------------- OpenAI


_OPENAI_FINISH = {"end_turn": "stop", "max_tokens": "length", "tool_use": "tool_calls"}
_OPENAI_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "unknown_url"),
    429: ("requests", "rate_limit_exceeded"),
}


class OpenAIServer(ScriptedLLMServer):
    """POST /v1/chat/completions (plain and ``stream: true``) and GET /v1/models.

    ``base_url`` (== ``url``) is ``http://127.0.0.1:PORT/v1``, as the openai SDK expects.
    Reasoning is sent as ``reasoning_content`` in the message / delta, as DeepSeek
    and vLLM do.
    """

    provider = "openai"
    completion_path = "/v1/chat/completions"

    def _authorized(self, headers: dict[str, str]) -> bool:
        return self.api_key is None or headers.get("authorization") == f"Bearer {self.api_key}"

    def _validate(self, body: dict) -> str | None:
        if not body.get("model"):
            return "you must provide a model parameter"
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return "'messages' must be a non-empty array"
        return None

    def _not_found_message(self, method: str, path: str) -> str:
        hint = ""
        if path == "/chat/completions":
            hint = " The base_url must end in /v1 (use OpenAIServer.base_url)."
        return f"Invalid URL ({method} {path}).{hint}"

    def _error_headers(self) -> dict[str, str]:
        return {"x-request-id": _new_id("req_")}

    def _models_body(self) -> dict:
        created = int(time.time())
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": created, "owned_by": "fake"}
                for m in self.models
            ],
        }

    def _error_body(self, status: int, message: str) -> dict:
        kind, code = _OPENAI_ERROR_TYPES.get(
            status, ("server_error", None) if status >= 500 else ("invalid_request_error", None)
        )
        return {"error": {"message": message, "type": kind, "param": None, "code": code}}

    @staticmethod
    def _finish(reply: Reply) -> str:
        reason = reply.finish_reason or "stop"
        return _OPENAI_FINISH.get(reason, reason)

    def _usage_body(self, body: dict, reply: Reply) -> dict:
        prompt, completion = self._usage(body, reply)
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        }
        if reply.reasoning:
            usage["completion_tokens_details"] = {
                "reasoning_tokens": min(completion, rough_tokens(reply.reasoning)),
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            }
        return usage

    def _completion(self, body: dict, reply: Reply) -> dict:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
        if reply.reasoning:
            message["reasoning_content"] = reply.reasoning
        return {
            "id": _new_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self._model(body),
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": self._finish(reply),
                }
            ],
            "usage": self._usage_body(body, reply),
        }

    def _stream(self, ex: _Exchange, body: dict, reply: Reply, headers: dict[str, str]) -> None:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        base = {
            "id": _new_id("chatcmpl-"),
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self._model(body),
            "system_fingerprint": "fp_fake",
        }

        def chunk(delta: dict, finish: str | None = None) -> dict:
            out = {
                **base,
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            if include_usage:
                out["usage"] = None
            return out

        ex.start_sse(headers | {"x-request-id": _new_id("req_")})
        ex.sse(chunk({"role": "assistant", "content": "", "refusal": None}))
        for piece in self._pieces(reply.reasoning):
            self._pause(ex, reply.chunk_delay_s)
            ex.sse(chunk({"content": None, "reasoning_content": piece}))
        for piece in self._pieces(reply.text):
            self._pause(ex, reply.chunk_delay_s)
            ex.sse(chunk({"content": piece}))
        ex.sse(chunk({}, self._finish(reply)))
        if include_usage:
            ex.sse({**base, "choices": [], "usage": self._usage_body(body, reply)})
        ex.sse("[DONE]")
        ex.end_sse()


# --------------------------------------------------------------------------- Anthropic


_ANTHROPIC_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    504: "timeout_error",
    529: "overloaded_error",
}


class AnthropicServer(ScriptedLLMServer):
    """POST /v1/messages (plain and ``stream: true``), /v1/messages/count_tokens, GET /v1/models.

    The anthropic SDK appends ``/v1/messages`` to its base URL, so pass
    ``base_url`` (``http://127.0.0.1:PORT``, no ``/v1``) to ``anthropic.Anthropic``
    or ``ChatAnthropic``. ``url`` is still ``.../v1``.
    """

    provider = "anthropic"
    completion_path = "/v1/messages"

    @property
    def base_url(self) -> str:
        return self.root_url

    def _authorized(self, headers: dict[str, str]) -> bool:
        if self.api_key is None:
            return True
        return (
            headers.get("x-api-key") == self.api_key
            or headers.get("authorization") == f"Bearer {self.api_key}"
        )

    def _validate(self, body: dict) -> str | None:
        if not body.get("model"):
            return "model: Field required"
        if not isinstance(body.get("max_tokens"), int):
            return "max_tokens: Field required"
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return "messages: at least one message is required"
        return None

    def _extra_routes(self) -> dict[str, Callable[[_Exchange, dict], None]]:
        return {"/v1/messages/count_tokens": self._count_tokens}

    def _count_tokens(self, ex: _Exchange, body: dict) -> None:
        ex.send_json(200, {"input_tokens": rough_tokens(prompt_text(body))})

    def _not_found_message(self, method: str, path: str) -> str:
        hint = ""
        if path.startswith("/v1/v1/"):
            hint = (
                " The anthropic SDK appends /v1/messages itself: pass"
                " AnthropicServer.base_url (no /v1)."
            )
        return f"Not found: {method} {path}.{hint}"

    def _error_headers(self) -> dict[str, str]:
        return {"request-id": _new_id("req_")}

    def _models_body(self) -> dict:
        data = [
            {
                "type": "model",
                "id": m,
                "display_name": m,
                "created_at": "2025-01-01T00:00:00Z",
            }
            for m in self.models
        ]
        return {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }

    def _error_body(self, status: int, message: str) -> dict:
        kind = _ANTHROPIC_ERROR_TYPES.get(status, "api_error")
        return {
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": _new_id("req_"),
        }

    @staticmethod
    def _stop_reason(reply: Reply) -> str:
        reason = reply.finish_reason or "end_turn"
        return _ANTHROPIC_STOP.get(reason, reason)

    @staticmethod
    def _signature() -> str:
        return "EqQB" + secrets.token_urlsafe(48)

    def _usage_body(self, body: dict, reply: Reply) -> dict:
        prompt, completion = self._usage(body, reply)
        return {
            "input_tokens": prompt,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": completion,
        }

    def _completion(self, body: dict, reply: Reply) -> dict:
        content: list[dict] = []
        if reply.reasoning:
            content.append(
                {"type": "thinking", "thinking": reply.reasoning, "signature": self._signature()}
            )
        if reply.text or not reply.reasoning:
            content.append({"type": "text", "text": reply.text})
        return {
            "id": _new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": self._model(body),
            "content": content,
            "stop_reason": self._stop_reason(reply),
            "stop_sequence": None,
            "usage": self._usage_body(body, reply),
        }

    def _stream(self, ex: _Exchange, body: dict, reply: Reply, headers: dict[str, str]) -> None:
        usage = self._usage_body(body, reply)
        message = {
            "id": _new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": self._model(body),
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1},
        }

        def send(event: str, data: dict) -> None:
            ex.sse({"type": event, **data}, event=event)

        ex.start_sse(headers | {"request-id": _new_id("req_")})
        send("message_start", {"message": message})
        index = 0
        if reply.reasoning:
            block = {"type": "thinking", "thinking": "", "signature": ""}
            send("content_block_start", {"index": index, "content_block": block})
            send("ping", {})
            for piece in self._pieces(reply.reasoning):
                self._pause(ex, reply.chunk_delay_s)
                delta = {"type": "thinking_delta", "thinking": piece}
                send("content_block_delta", {"index": index, "delta": delta})
            delta = {"type": "signature_delta", "signature": self._signature()}
            send("content_block_delta", {"index": index, "delta": delta})
            send("content_block_stop", {"index": index})
            index += 1
        if reply.text or not reply.reasoning:
            send(
                "content_block_start",
                {"index": index, "content_block": {"type": "text", "text": ""}},
            )
            for piece in self._pieces(reply.text):
                self._pause(ex, reply.chunk_delay_s)
                delta = {"type": "text_delta", "text": piece}
                send("content_block_delta", {"index": index, "delta": delta})
            send("content_block_stop", {"index": index})
        send(
            "message_delta",
            {
                "delta": {"stop_reason": self._stop_reason(reply), "stop_sequence": None},
                "usage": usage,
            },
        )
        send("message_stop", {})
        ex.end_sse()


# --------------------------------------------------------------------------- helpers


def server_fixture(cls: type[S], *, scope: str = "function", **kwargs: Any) -> Any:
    """A pytest fixture that yields a started ``cls(**kwargs)`` and stops it afterwards.

    In a test module: ``openai_server = server_fixture(OpenAIServer)``.
    """
    import pytest

    @pytest.fixture(scope=scope)  # type: ignore[misc]
    def _server() -> Iterator[S]:
        with cls(**kwargs) as server:
            yield server

    return _server


def fenced(asm: str, tag: str = "asm") -> str:
    """A typical good answer: a sentence of prose, one fenced code block, a closing line."""
    body = asm.strip("\n")
    return (
        "Here is an optimized version. The loop now keeps the running sum in a register"
        " and the bounds check is hoisted out of the loop.\n\n"
        f"```{tag}\n{body}\n```\n\n"
        "It has the same input-output behaviour as the original."
    )


def truncated(asm: str) -> str:
    """An answer cut off mid-listing: opening fence, half the lines, no closing fence."""
    lines = asm.strip("\n").splitlines()
    half = "\n".join(lines[: max(1, len(lines) // 2)])
    return f"Here is the optimized program:\n\n```asm\n{half}\n"


def prose_only() -> str:
    """An answer without any code block."""
    return (
        "The program is already close to optimal: the loop is memory-bound and gcc has"
        " unrolled it sensibly. You could try vectorizing the accumulation with SSE2, or"
        " replacing the indexed load with a pointer increment, but I would not expect a"
        " measurable speedup."
    )
