"""A fake WeChat API server on 127.0.0.1: the access-token endpoints and the customer-service
and menu endpoints, which refuse any access token but the one it issued."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeWeChatApi:
    server: ThreadingHTTPServer
    token: str = "ACCESS-TOKEN-1"
    fetches: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # tokens it refused
    menus: list[dict[str, Any]] = field(default_factory=list)
    errcode: int = 0  # what the send endpoint answers (45015: the follower's 48 hours are over)
    got_message: threading.Event = field(default_factory=threading.Event)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_sent(self, done: Callable[[list[dict[str, Any]]], bool], timeout: float) -> bool:
        """Wait until the messages sent so far satisfy `done` (the timeout only ends a failing test)."""
        with self._changed:
            return self._changed.wait_for(lambda: done(self.sent), timeout)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


def _handler(api: FakeWeChatApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, data: dict[str, Any]) -> None:
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/cgi-bin/token" and q.get("secret") == "test-app-secret":
                api.fetches += 1
                self._answer({"access_token": api.token, "expires_in": 7200})
            elif url.path == "/cgi-bin/gettoken" and q.get("corpsecret") == "test-corp-secret":
                api.fetches += 1
                self._answer({"access_token": api.token, "expires_in": 7200})
            else:
                self._answer({"errcode": 40125, "errmsg": "invalid appsecret"})

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if q.get("access_token") != api.token:
                api.refused.append(q.get("access_token", ""))
                self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                return
            if url.path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/send"):
                with api._changed:
                    api.sent.append({"path": url.path, **body})
                    api._changed.notify_all()
                api.got_message.set()
                self._answer({"errcode": api.errcode, "errmsg": "ok" if not api.errcode else "refused"})
            elif url.path == "/cgi-bin/menu/create":
                api.menus.append(body)
                self._answer({"errcode": 0, "errmsg": "ok"})
            else:
                self._answer({"errcode": 404, "errmsg": "no such api"})

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


def serve_fake_api() -> Iterator[FakeWeChatApi]:
    holder: list[FakeWeChatApi] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(_Proxy(holder)))  # type: ignore[arg-type]
    server.daemon_threads = True
    holder.append(FakeWeChatApi(server))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _Proxy:
    """The handler's view of the fake (made before the fake exists)."""

    def __init__(self, holder: list[FakeWeChatApi]) -> None:
        object.__setattr__(self, "_holder", holder)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._holder[0], name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._holder[0], name, value)
