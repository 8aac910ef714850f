"""`innopoints serve --workers N`: each worker listens on a socket of its own (SO_REUSEPORT), so
connections opened together are spread over the workers by the kernel (on one shared socket the
first worker to wake accepted nearly all of them when the machine was loaded: 20:0 and 19:1 were
seen; when it is idle the split happens to be fair, so this test cannot tell the two apart there),
and a worker that dies is replaced on its own socket.

Real processes on 127.0.0.1: which worker holds a connection is read from /proc (the established
sockets of the server's port, and each worker's file descriptors)."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.assistant.conftest import Zone, copy_zone, zone_env

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT")]
ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = 20


class Served:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        assert proc.stdout is not None
        self.out: IO[str] = proc.stdout

    def wait_started(self, count: int) -> None:
        """Wait for `count` more "Application startup complete" lines (one per worker)."""
        seen = 0
        for line in self.out:
            seen += "Application startup complete" in line
            if seen == count:
                return
        raise AssertionError(f"the server exited ({self.proc.wait()}) before {count} workers started")

    def wait_listening(self, count: int) -> None:
        """Wait until `count` sockets listen on the port: a worker logs its start-up as complete
        just before its socket starts listening, and until then the kernel gives it nothing."""
        deadline = time.monotonic() + 120
        while self._listening() < count:
            assert self.proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, f"{count} sockets were not listening after 120 s"
            time.sleep(0.05)

    def _listening(self) -> int:
        return sum(1 for fields in self._tcp() if fields[3] == "0A")  # 0A: LISTEN

    def _tcp(self) -> list[list[str]]:
        """The rows of /proc/net/tcp{,6} whose local port is the server's."""
        rows = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            if Path(table).exists():
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == self.port:
                        rows.append(fields)
        return rows

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]

    def connections_by_worker(self) -> dict[int, int]:
        """Established connections of the server's port held by each worker."""
        inodes = {fields[9] for fields in self._tcp() if fields[3] == "01"}  # 01: ESTABLISHED
        counts = {}
        for pid in self.workers():
            held = 0
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                held += target.startswith("socket:[") and target[8:-1] in inodes
            counts[pid] = held
        return counts


@pytest.fixture
def served(zone: Zone, tmp_path: Path) -> Iterator[Served]:
    data = copy_zone(zone, tmp_path / "zone")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "INNOPOINTS_EMBEDDER": "none", "INNOPOINTS_ENVIRONMENT": "development",
           "PYTHONPATH": str(ROOT)}
    env.pop("INNOPOINTS_DATABASE_URL", None)
    env.update(zone_env(data))
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--workers", "2", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        server = Served(proc, port)
        server.wait_started(2)
        server.wait_listening(2)
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()


def _open_together(port: int) -> list[socket.socket]:
    """`CONNECTIONS` connections opened in a burst, before any is used (the kernel completes them
    while the workers are still to accept), then each asked one keep-alive request."""
    conns = []
    for _ in range(CONNECTIONS):  # non-blocking: every SYN is out before the first worker wakes
        conn = socket.socket()
        conn.setblocking(False)
        conn.connect_ex(("127.0.0.1", port))
        conns.append(conn)
    for conn in conns:
        select.select([], [conn], [])  # connected
        conn.setblocking(True)
    for conn in conns:
        conn.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    for conn in conns:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            assert chunk, "the server closed the connection"
            head += chunk
        assert head.startswith(b"HTTP/1.1 200"), head[:100]
    return conns


def test_connections_opened_together_reach_both_workers(served: Served) -> None:
    conns = _open_together(served.port)
    try:
        counts = served.connections_by_worker()
        assert len(counts) == 2
        assert sum(counts.values()) == CONNECTIONS
        # A hash of the addresses picks the socket: all 20 on one of two workers has odds of 2 in 2^20.
        assert min(counts.values()) >= 1, counts
    finally:
        for conn in conns:
            conn.close()


def test_a_killed_worker_is_replaced_on_its_own_socket(served: Served) -> None:
    victim, survivor = served.workers()
    os.kill(victim, signal.SIGKILL)
    # Connections opened meanwhile wait on the dead worker's socket (the supervisor holds it)
    # instead of being refused; every one is answered once the replacement has started.
    clients = _open_together_in_background(served.port)
    served.wait_started(1)
    served.wait_listening(2)
    replaced = served.workers()
    assert survivor in replaced and victim not in replaced and len(replaced) == 2
    answered = [t.result() for t in clients]
    assert all(status == 200 for status in answered), answered
    fresh = _open_together(served.port)
    try:
        counts = served.connections_by_worker()
        assert min(counts.values()) >= 1, counts  # the replacement listens: it gets its share
    finally:
        for conn in fresh:
            conn.close()


def _open_together_in_background(port: int) -> list[Future[int]]:
    pool = ThreadPoolExecutor(max_workers=CONNECTIONS)

    def one() -> int:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=None) as c:
            return c.get("/api/health").status_code

    futures = [pool.submit(one) for _ in range(CONNECTIONS)]
    pool.shutdown(wait=False)
    return futures
