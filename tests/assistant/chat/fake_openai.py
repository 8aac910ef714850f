"""A fake OpenAI-compatible server: a real HTTP server on 127.0.0.1 in a thread, answering
`POST /v1/chat/completions` the way each test sets (a right answer, wrong numbers, garbage, an
error status, a tool call), or holding its answer until the test releases it (a slow model)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# What the fake answers: (status, body). The default is a plain completion saying nothing.
Respond = Callable[[dict[str, Any]], tuple[int, bytes]]
HOLD_LIMIT_S = 60.0  # a held answer is released by the test; this only ends a forgotten one


def completion(content: str | None = None, tool_calls: list[dict[str, Any]] | None = None) -> tuple[int, bytes]:
    """A chat completion as the OpenAI protocol shapes it."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls is not None:
        message["tool_calls"] = tool_calls
    body = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}]}
    return 200, json.dumps(body, ensure_ascii=False).encode()


def tool_call(name: str, arguments: str | dict[str, Any]) -> tuple[int, bytes]:
    """A completion calling one tool (``arguments`` as the JSON text the protocol carries)."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return completion(None, [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}])


@dataclass
class Seen:
    """One request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeOpenAI:
    """The server and what it saw; ``respond`` and ``hold`` decide its next answers."""

    server: ThreadingHTTPServer
    respond: Respond = field(default=lambda body: completion("好的"))
    hold: bool = False  # hold each answer until `release` is set
    release: threading.Event = field(default_factory=threading.Event)
    received: threading.Event = field(default_factory=threading.Event)
    seen: list[Seen] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"


def _handler(fake: Callable[[], FakeOpenAI]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            state = fake()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"_raw": raw.decode(errors="replace")}
            state.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            state.received.set()
            if state.hold:
                state.release.wait(HOLD_LIMIT_S)
            status, payload = state.respond(body) if self.path == "/v1/chat/completions" else (404, b"{}")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the slow model's test)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
            pass

    return Handler


def serve_fake() -> Iterator[FakeOpenAI]:
    """Start the fake on a free port of 127.0.0.1; stop it when the generator is closed."""
    holder: list[FakeOpenAI] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lambda: holder[0]))
    server.daemon_threads = True
    holder.append(FakeOpenAI(server))
    # A short poll interval: `shutdown` waits for the loop to look, once per interval.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai",
                              daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        holder[0].release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
