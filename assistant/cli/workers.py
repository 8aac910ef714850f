"""Several uvicorn workers, each with a listening socket of its own (SO_REUSEPORT).

Why not uvicorn's own `--workers`: its workers share one listening socket, and the event loop
(uvloop, libuv) accepts every pending connection at once. Clients that keep their connections
open — nginx's upstream keep-alive, WeChat's servers, a benchmark's 20 followers — then mostly
land on one worker: 20 connections opened together were split 20:0 or 19:1 over two workers here,
so one core served everything while the other idled. With a socket per worker bound with
SO_REUSEPORT, the kernel spreads new connections over the sockets by a hash of their addresses.

A worker slot keeps its socket for the life of the server: a worker that dies is replaced on the
same socket (connections queued on it wait for the replacement instead of being reset), and a
SIGHUP restart replaces each worker on its own socket. Where SO_REUSEPORT does not exist, the
workers share one socket as uvicorn does.
"""

from __future__ import annotations

import logging
import socket

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets bound to the same address with SO_REUSEPORT (one if the platform lacks it),
    Nagle's algorithm off (accepted sockets inherit TCP_NODELAY: without it every keep-alive
    response waited ~40 ms for the client's delayed ACK)."""
    reuse_port = getattr(socket, "SO_REUSEPORT", None)
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sockets: list[socket.socket] = []
    for _ in range(count if reuse_port is not None else 1):
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port is not None:
            sock.setsockopt(socket.SOL_SOCKET, reuse_port, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind(address)
        except OSError:
            sock.close()
            for s in sockets:
                s.close()
            raise
        address = sock.getsockname()  # port 0: the others join the port the first one got
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


class Workers(Multiprocess):
    """uvicorn's supervisor (health checks, restarts, signals) with worker slot i always on socket i."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.slots = [sockets[i % len(sockets)] for i in range(self.processes_num)]

    def _spawn(self, slot: int) -> Process:
        process = Process(self.config, [self.slots[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        for slot in range(self.processes_num):
            self.processes.append(self._spawn(slot))

    def restart_all(self) -> None:
        """SIGHUP: replace each worker, its replacement serving before the old one is retired."""
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._spawn(slot)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    logger.error(f"New child process [{new.pid}] was not ready in time; keeping [{old.pid}].")
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for slot, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung: kill it
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # the app itself cannot start: restarting would loop
                logger.error(f"Child process [{process.pid}] failed to start, stopping the parent process.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[slot] = self._spawn(slot)
