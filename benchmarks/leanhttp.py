"""A load generator's HTTP/1.1 client, as lean as a client can be: requests are bytes built before
the run, sent over one keep-alive asyncio connection each, responses read by Content-Length.

On this 2-core machine the client shares the cores with the server it measures, and httpx's
per-request work (about 3.9 ms of CPU a round trip, benchmarks/wechat.py) was CPU taken from that
server. Responses come back as `httpx.Response` objects, for checking after the run.

Benchmarks are scripts, not a package: they import it as `from leanhttp import Connection`
(benchmarks/stats.py says why).
"""

from __future__ import annotations

import asyncio

import httpx


class Connection:
    """One keep-alive connection to `url`'s host and port, opened at the first request."""

    def __init__(self, url: str) -> None:
        parsed = httpx.URL(url)
        self.host, self.port = parsed.host, parsed.port or 80
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, raw: bytes) -> httpx.Response:
        """Send one request's bytes (`raw_request`) and read its whole response."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = next((int(v) for k, v in headers.items() if k.lower() == "content-length"), None)
        assert length is not None, f"no Content-Length: {head!r}"
        body = await reader.readexactly(length)
        return httpx.Response(int(lines[0].split(" ", 2)[1]), headers=headers, content=body)

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


def raw_request(method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    """The bytes of one HTTP/1.1 request (keep-alive)."""
    u = httpx.URL(url)
    target = u.raw_path.decode("ascii")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {u.host}:{u.port}", f"Content-Length: {len(body)}",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
