"""The supervisor's hand-off of connections to workers (`assistant.cli.workers.Dispatcher`), with
real sockets: workers are played by this test on the channel ends they would get. A connection
waits while no worker is ready (never refused), goes to the ready worker holding the fewest, the
counts follow the workers' "closed" notes, a worker whose channel closes gets no more, and the
connections a dead worker never said it took go to another worker, unread."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from assistant.cli.workers import CLOSED, READY, TAKEN, Dispatcher, supported

pytestmark = pytest.mark.skipif(not supported(), reason="no descriptor passing (SCM_RIGHTS)")


class Worker:
    """A worker's side of a channel: says ready or closed, and takes the connections handed to it."""

    def __init__(self, end: socket.socket) -> None:
        # Its own copy, as a worker process has (the supervisor closes its copy once it hears "ready").
        self.end = end.dup()
        self.end.settimeout(60)  # a hand-off that never comes fails the test instead of hanging it

    def say(self, message: bytes) -> None:
        self.end.send(message)

    def take(self, *, say_taken: bool = True) -> socket.socket:
        """The next connection handed over (blocks until one comes), said taken as a worker does
        unless `say_taken` is False (a worker killed between receiving it and saying so)."""
        _, fds, _, _ = socket.recv_fds(self.end, 16, 4)
        assert len(fds) == 1
        if say_taken:
            self.say(TAKEN)
        return socket.socket(fileno=fds[0])

    def has_nothing(self) -> bool:
        self.end.setblocking(False)
        try:
            self.end.recv(16)
        except BlockingIOError:
            return True
        finally:
            self.end.settimeout(60)
        return False


@pytest.fixture
def dispatcher() -> Iterator[tuple[Dispatcher, int]]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    d = Dispatcher(listener, 2)
    port = listener.getsockname()[1]
    d.start()
    try:
        yield d, port
    finally:
        d.stop()


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port))


def _roundtrip(client: socket.socket, served: socket.socket) -> None:
    """The handed-over socket is the client's connection: bytes go both ways."""
    client.sendall(b"ping")
    assert served.recv(4) == b"ping"
    served.sendall(b"pong")
    assert client.recv(4) == b"pong"


def test_connections_wait_for_a_ready_worker_then_go_to_the_fewest(dispatcher: tuple[Dispatcher, int]) -> None:
    d, port = dispatcher
    a, b = Worker(d.channel_for(0)), Worker(d.channel_for(1))
    early = _connect(port)  # no worker ready yet: accepted and held, not refused
    a.say(READY)
    first = a.take()  # held until a was ready, then handed to it
    _roundtrip(early, first)
    b.say(READY)
    clients = [_connect(port) for _ in range(3)]
    # a holds 1, b 0: b gets the next; then they alternate (fewest first, ties in turn)
    got_b = [b.take()]
    got_a = [a.take()]
    got_b.append(b.take())
    assert sorted(d.open) == [2, 2]
    a.say(CLOSED)  # a connection of a closed: a holds the fewest again
    late = _connect(port)
    got_a.append(a.take())
    for c in [early, late, *clients, first, *got_a, *got_b]:
        c.close()


def test_a_worker_whose_channel_closes_gets_nothing_more(dispatcher: tuple[Dispatcher, int]) -> None:
    d, port = dispatcher
    a, b = Worker(d.channel_for(0)), Worker(d.channel_for(1))
    a.say(READY)
    b.say(READY)
    a.end.close()  # worker a died
    clients = [_connect(port) for _ in range(3)]
    served = [b.take() for _ in clients]  # all three to b, none lost
    for client, conn in zip(clients, served, strict=True):
        _roundtrip(client, conn)
    replacement = Worker(d.channel_for(0))  # a's slot gets a new worker; nothing before it is ready
    again = _connect(port)
    late = b.take()
    assert replacement.has_nothing()
    for c in [*clients, *served, again, late]:
        c.close()


def test_what_a_dead_worker_never_took_goes_to_another_unread(dispatcher: tuple[Dispatcher, int]) -> None:
    d, port = dispatcher
    a, b = Worker(d.channel_for(0)), Worker(d.channel_for(1))
    a.say(READY)
    first = _connect(port)
    first.sendall(b"GET")  # the request is already on its way
    unsaid = a.take(say_taken=False)  # a got it, and was killed before saying so
    b.say(READY)
    unsaid.close()
    a.end.close()
    again = b.take()  # the same connection, handed to b: nothing of it was read
    assert again.recv(3) == b"GET"
    first.sendall(b"ping")
    assert again.recv(4) == b"ping"
    again.sendall(b"pong")
    assert first.recv(4) == b"pong"
    for c in [first, again]:
        c.close()


def test_a_taken_connection_is_the_workers_alone(dispatcher: tuple[Dispatcher, int]) -> None:
    """Once taken, the supervisor keeps no copy: when the worker closes it (or dies), the client sees
    the end, and no other worker is handed it."""
    d, port = dispatcher
    a, b = Worker(d.channel_for(0)), Worker(d.channel_for(1))
    a.say(READY)
    client = _connect(port)
    served = a.take()
    _roundtrip(client, served)
    b.say(READY)
    served.close()
    a.end.close()  # a dies after closing it
    client.settimeout(60)
    assert client.recv(4) == b""  # closed: nothing held it open
    later = _connect(port)
    got = b.take()
    _roundtrip(later, got)  # b's first hand-off is the new connection, not the old one
    assert b.has_nothing()
    for c in [client, later, got]:
        c.close()


def test_a_dead_worker_replaced_before_its_end_was_read_loses_nothing(dispatcher: tuple[Dispatcher, int]) -> None:
    """The supervisor may start a dead worker's replacement before the dispatcher thread has read
    the end of its channel: what it never took still goes on, to the replacement here."""
    d, port = dispatcher
    a = Worker(d.channel_for(0))
    a.say(READY)
    client = _connect(port)
    unsaid = a.take(say_taken=False)
    with d._mu:  # the dispatcher thread is held while a dies and its slot is replaced
        unsaid.close()
        a.end.close()
        replacement = Worker(d.channel_for(0))
    replacement.say(READY)
    again = replacement.take()
    _roundtrip(client, again)
    for c in [client, again]:
        c.close()
