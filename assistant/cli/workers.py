"""Several uvicorn workers behind one listening socket: the supervisor accepts each connection and
hands it to the ready worker that holds the fewest open connections (Node's cluster module does the
same on Linux, for the same reason).

Why not uvicorn's own `--workers`: its workers share the listening socket, and the event loop
(uvloop, libuv) accepts every pending connection at once. Clients that keep their connections
open — nginx's upstream keep-alive, WeChat's servers, a benchmark's 20 followers — then mostly
land on one worker: 20 connections opened together were split 20:0 or 19:1 over two workers here,
so one core served everything while the other idled. A socket per worker with SO_REUSEPORT (the
kernel picks one by a hash of the addresses) did better but still left it to chance: 11:9, 8:12,
5:15 in tries, and the busier worker set the p95 (benchmarks/wechat.py).

How: each worker slot has a Unix SEQPACKET channel to the supervisor. The supervisor's thread
(`Dispatcher`) accepts, and passes the connection's file descriptor over the channel (SCM_RIGHTS);
the worker (`HandoffServer`) says it has taken it, serves it as if it had accepted it, and says
on the channel when a connection closes, so the supervisor's counts stay true. The supervisor keeps
its own copy of a connection until the worker says it has taken it: a worker that dies (kill -9,
a crash) loses only the connections it was serving, while those still in its channel go to
another worker, unread. A worker is sent nothing until it says it
has started; connections that arrive while no worker is ready wait in the supervisor (never
refused), and a worker that dies is replaced in its slot. Where the platform cannot pass file
descriptors (Windows) the workers share one socket as uvicorn does (`serve`).
"""

from __future__ import annotations

import asyncio
import logging
import select
import socket
import threading
from collections import deque
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from assistant import heap

logger = logging.getLogger("uvicorn.error")

READY, TAKEN, CLOSED = b"r", b"t", b"c"  # worker → supervisor: started serving; one connection taken, one closed
CONNECTION = b"n"  # supervisor → worker: the message a connection's descriptor travels with
READY_WITHIN_S = 600.0  # how long a reload waits for a replacement worker to finish its start-up


def supported() -> bool:
    """Whether connections can be handed to workers here (Unix: SCM_RIGHTS over SEQPACKET)."""
    return hasattr(socket, "send_fds") and hasattr(socket, "SOCK_SEQPACKET") and hasattr(socket, "AF_UNIX")


def listening_socket(host: str, port: int) -> socket.socket:
    """The server's listening socket, Nagle's algorithm off (accepted sockets inherit TCP_NODELAY:
    without it every keep-alive response waited ~40 ms for the client's delayed ACK)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


class Dispatcher:
    """In the supervisor: accepts on the listening socket and hands each connection to the ready
    worker holding the fewest (ties in turn); holds them while no worker is ready."""

    def __init__(self, listener: socket.socket, slots: int) -> None:
        self.listener = listener
        self.channels: list[socket.socket | None] = [None] * slots
        self.ready = [False] * slots
        self.open = [0] * slots
        self.pending: deque[socket.socket] = deque()
        # Sent to a slot's worker, in order, and not yet said taken: ours to give to another if it dies.
        self.unacked: list[deque[socket.socket]] = [deque() for _ in range(slots)]
        self._child_ends: list[socket.socket | None] = [None] * slots  # until the worker has its own copy
        self._turn = 0
        self._mu = threading.RLock()  # reentrant: a test holds it to keep the dispatcher thread still
        self._stopping = False
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="innopoints-dispatcher", daemon=True)

    def channel_for(self, slot: int) -> socket.socket:
        """A new channel for the worker about to start in `slot` (its end, to pass to it); the
        slot's old channel, if any, is closed: its worker gets no more connections."""
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        parent.setblocking(False)
        with self._mu:
            if self.channels[slot] is not None:
                # What the old worker said last: its "taken" notes, and the end of the channel if it
                # is dead, so that what it never took goes to another (the dispatcher thread may not
                # have read them yet when a dead worker is replaced).
                self._hear(slot)
            self._drop(slot)
            self.channels[slot], self._child_ends[slot] = parent, child
        self._wake()
        return child

    def start(self) -> None:
        self.listener.setblocking(False)
        self._thread.start()

    def stop(self) -> None:
        with self._mu:
            self._stopping = True
        self._wake()
        self._thread.join()
        with self._mu:
            for slot in range(len(self.channels)):
                self._drop(slot)
            while self.pending:
                self.pending.popleft().close()
        self.listener.close()
        self._wake_r.close()
        self._wake_w.close()

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"w")
        except OSError:  # stopped, or already woken many times over
            pass

    def _run(self) -> None:
        while True:
            try:
                if not self._turn_once():
                    return
            except Exception:  # noqa: BLE001 - the server's only acceptor must outlive any surprise
                logger.exception("dispatcher: handing a connection on failed")

    def _turn_once(self) -> bool:
        """One wait and what it brought; False once stopping."""
        with self._mu:
            if self._stopping:
                return False
            watched = {self.listener.fileno(): -1, self._wake_r.fileno(): -2}
            watched |= {c.fileno(): slot for slot, c in enumerate(self.channels) if c is not None}
        poll = select.poll()
        for fd in watched:
            poll.register(fd, select.POLLIN)
        events = poll.poll()
        with self._mu:
            if self._stopping:
                return False
            for fd, _ in events:
                slot = watched[fd]
                if slot == -2:
                    self._wake_r.recv(4096)
                elif slot == -1:
                    self._accept()
                elif self.channels[slot] is not None and self.channels[slot].fileno() == fd:  # type: ignore[union-attr]
                    self._hear(slot)
            self._dispatch()
        return True

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of file descriptors, a connection reset before accept
                logger.warning("accept failed: %s", exc)
                return
            self.pending.append(conn)

    def _hear(self, slot: int) -> None:
        channel = self.channels[slot]
        assert channel is not None
        while True:
            try:
                message = channel.recv(16)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                message = b""
            if message == b"":  # the worker is gone: nothing more goes there
                self._drop(slot, died=True)
                return
            if message == READY:
                self.ready[slot] = True
                end, self._child_ends[slot] = self._child_ends[slot], None
                if end is not None:  # the worker has its copy: ours would hide its death from us
                    end.close()
            elif message == TAKEN:
                if self.unacked[slot]:
                    self.unacked[slot].popleft().close()  # the worker has its own descriptor now
            elif message == CLOSED:
                self.open[slot] = max(0, self.open[slot] - 1)

    def _dispatch(self) -> None:
        full: set[int] = set()
        while self.pending:
            slots = [s for s in range(len(self.channels)) if self.ready[s] and s not in full]
            if not slots:
                return  # they wait for a worker to be ready (or to read its channel)
            n = len(self.channels)
            slot = min(slots, key=lambda s: (self.open[s], (s - self._turn) % n))
            conn = self.pending[0]
            # Counted before it is sent: once the worker has it, the counts already include it.
            self.open[slot] += 1
            try:
                socket.send_fds(self.channels[slot], [CONNECTION], [conn.fileno()])  # type: ignore[arg-type]
            except (BlockingIOError, InterruptedError):
                self.open[slot] -= 1
                full.add(slot)  # its channel is full: the worker is busy or hung; try another
                continue
            except OSError:
                self._drop(slot, died=True)  # the worker died since (its counts go with it)
                continue
            self.unacked[slot].append(self.pending.popleft())
            self._turn = (slot + 1) % n

    def _drop(self, slot: int, *, died: bool = False) -> None:
        """Send `slot` nothing more. When its worker `died`, the connections it never said it took go
        back to the front of the queue, in order: it read nothing from them (it says "taken" before
        it reads). When a live worker is retired (its slot replaced, or the stop), they are still in
        its channel for it to take, so ours are only closed."""
        for end in (self.channels[slot], self._child_ends[slot]):
            if end is not None:
                end.close()
        self.channels[slot] = self._child_ends[slot] = None
        self.ready[slot], self.open[slot] = False, 0
        unacked, self.unacked[slot] = self.unacked[slot], deque()
        if died:
            self.pending.extendleft(reversed(unacked))
        else:
            for conn in unacked:
                conn.close()


class HandoffServer(uvicorn.Server):
    """A worker's server: serves the connections the supervisor passes on its channel (the one
    socket it is given) instead of accepting on a listening socket."""

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._channel: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._taking: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        assert sockets is not None and len(sockets) == 1, "a worker is given its channel"
        heap.enable()  # a serving worker: its warm objects leave the GC's full passes
        await super().startup(sockets=[])  # the app's lifespan; no listening socket
        self._channel, self._loop = sockets[0], asyncio.get_running_loop()
        self._channel.setblocking(False)
        self._loop.add_reader(self._channel.fileno(), self._receive)
        self._tell(READY)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._loop is not None and self._channel is not None:
            self._loop.remove_reader(self._channel.fileno())
        await super().shutdown(sockets)  # closes the channel: the supervisor sends no more

    def _protocol(self) -> asyncio.Protocol:
        # As uvicorn builds it for a connection it accepts (Server.startup), and the close told.
        config = self.config
        protocol: Any = config.http_protocol_class(  # type: ignore[call-arg]
            config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=self._loop)
        lost = protocol.connection_lost

        def connection_lost(exc: Exception | None) -> None:
            try:
                lost(exc)
            finally:
                self._tell(CLOSED)

        protocol.connection_lost = connection_lost
        return protocol

    def _receive(self) -> None:
        assert self._channel is not None and self._loop is not None
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self._channel, 16, 16)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                message, fds = b"", []
            if not message and not fds:  # the supervisor closed this channel (a replacement, or its exit)
                self._loop.remove_reader(self._channel.fileno())
                return
            for fd in fds:
                self._tell(TAKEN)  # before anything is read from it: until now the supervisor may give it to another
                task = self._loop.create_task(self._take(socket.socket(fileno=fd)))
                self._taking.add(task)
                task.add_done_callback(self._taking.discard)

    async def _take(self, conn: socket.socket) -> None:
        assert self._loop is not None
        try:
            await self._loop.connect_accepted_socket(self._protocol, conn)
        except OSError:  # the client went away between accept and now
            conn.close()
            self._tell(CLOSED)

    def _tell(self, message: bytes) -> None:
        if self._channel is None:
            return
        try:
            self._channel.send(message)
        except OSError:  # the supervisor is gone or the channel full: the count is only a hint
            pass


class HandoffProcess(Process):
    """uvicorn's worker process, running a `HandoffServer` on the channel it is given."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = HandoffServer(config=self.config)
        return self._server


class Workers(Multiprocess):
    """uvicorn's supervisor (health checks, restarts, signals) with the `Dispatcher` in front."""

    def __init__(self, config: Config, listener: socket.socket) -> None:
        super().__init__(config, [])
        self.dispatcher = Dispatcher(listener, self.processes_num)

    def run(self) -> None:
        self.dispatcher.start()
        try:
            super().run()
        finally:
            self.dispatcher.stop()

    def _spawn(self, slot: int) -> Process:
        channel = self.dispatcher.channel_for(slot)
        process = HandoffProcess(self.config, [channel])
        process.start()
        return process

    def init_processes(self) -> None:
        for slot in range(self.processes_num):
            self.processes.append(self._spawn(slot))

    def restart_all(self) -> None:
        """SIGHUP: replace each worker, its replacement serving before the old one is retired
        (the old one's channel closes when the new one's opens: it finishes what it holds)."""
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._spawn(slot)
            # uvicorn waits timeout_worker_healthcheck (5 s) for a replacement; the app's start-up
            # (the search index, the runs scored ahead) takes longer, more on a loaded machine, so
            # every reload gave up on its first replacement. A replacement is waited on while it
            # lives; one that dies or hangs this long is given up.
            if not new.wait_until_ready(max(self.config.timeout_worker_healthcheck, READY_WITHIN_S), self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    logger.error(f"New child process [{new.pid}] was not ready in time; slot {slot} is replaced again.")
                    self.processes[slot] = new  # dead: keep_subprocess_alive starts another
                    old.terminate()
                    old.join()
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
