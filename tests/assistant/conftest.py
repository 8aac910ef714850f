"""Fixtures for the HTTP service: one real demo zone, settings, clients, logins, a live server.

The demo zone is built once per test session through the real `innopoints demo --size 200`
command into a temporary data folder. Tests that change shared state in ways others would notice
(failed logins throttle the whole test client's address; disabled users) work on `isolated`, a
fresh copy of that database made with SQLite's backup API.

With `pytest --store postgresql` the zone's database is one of the session's PostgreSQL cluster
(tests/pg_cluster.py) instead: the pristine copy is a template database and every copy a
`CREATE DATABASE … TEMPLATE` of it. A copy's data folder is remembered with its database URL, so
that `make_settings(folder)`, `zone_url(folder)`, `zone_engine(folder)` and `zone_env(folder)`
reach the right database on either store.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli.main import app as cli_app
from assistant.config import Settings
from tests.pg_cluster import Cluster

ZONE_SIZE = 200
SECRET = "test-secret-key-for-innopoints-0123456789abcdef"
PASSWORDS = {
    "admin": "demo-admin-2026",
    "official": "demo-official-2026",
    "enterprise1": "demo-enterprise-2026",
    "enterprise2": "demo-enterprise-2026",
    "enterprise3": "demo-enterprise-2026",
}
CJK = re.compile(r"[\u4e00-\u9fff]")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "testserver", "testclient"}


# ----------------------------------------------------------------------------- network blocker
class NetworkBlocked(RuntimeError):
    """A test tried to reach something other than this machine."""


@pytest.fixture(scope="session", autouse=True)
def request_blocker() -> Iterator[None]:
    """Refuse outbound connections to anything but localhost for the whole session
    (haystack's `request_blocker`): the service must never call out while tested."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def _check(sock: socket.socket, address: Any) -> None:
        if sock.family == getattr(socket, "AF_UNIX", object()):
            return
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in LOCAL_HOSTS:
            raise NetworkBlocked(f"tests may not connect to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        _check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address)
        return real_connect_ex(self, address)

    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", connect)
    mp.setattr(socket.socket, "connect_ex", connect_ex)
    yield
    mp.undo()


# ----------------------------------------------------------------------------- the demo zone
@dataclass(frozen=True)
class Zone:
    """The demo zone on disk and what the tests need to know about it."""

    data_dir: Path
    pristine: Path  # a copy taken right after the build, which no test ever opens
    own: dict[str, str]  # enterprise user → bound USCC
    years: list[int]
    latest_year: int
    store: str = "sqlite"  # or "postgresql" (`pytest --store`)
    cluster: Cluster | None = None  # the session's PostgreSQL cluster, with store == "postgresql"
    pristine_database: str = ""  # the template database, with store == "postgresql"


# data folder → the URL of its PostgreSQL database (a folder that is not here uses its SQLite file).
# Per process: each xdist worker is its own session with its own cluster.
_DATABASE_URLS: dict[Path, str] = {}
_CLUSTERS: dict[Path, Cluster] = {}  # data folder → the cluster holding its database


def zone_url(data_dir: Path) -> str:
    """The SQLAlchemy URL of a zone folder's database (its PostgreSQL copy, or its SQLite file)."""
    return _DATABASE_URLS.get(Path(data_dir).resolve()) or f"sqlite:///{Path(data_dir) / 'innopoints.sqlite'}"


def zone_engine(data_dir: Path) -> Engine:
    """A plain SQLAlchemy engine on a zone folder's database, for tests that read it directly
    (`with zone_engine(f).connect() as c: c.execute(text(...))`; dispose it when done)."""
    return create_engine(zone_url(data_dir))


def zone_env(data_dir: Path) -> dict[str, str]:
    """The environment the CLI and `innopoints serve` need for a zone folder (its database too)."""
    env = {"INNOPOINTS_DATA_DIR": str(data_dir)}
    url = _DATABASE_URLS.get(Path(data_dir).resolve())
    if url:
        env["INNOPOINTS_DATABASE_URL"] = url
    return env


def use_zone(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Point the CLI (INNOPOINTS_DATA_DIR, and INNOPOINTS_DATABASE_URL on PostgreSQL) at a zone folder."""
    monkeypatch.delenv("INNOPOINTS_DATABASE_URL", raising=False)
    for key, value in zone_env(data_dir).items():
        monkeypatch.setenv(key, value)


def zone_rows(data_dir: Path, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one SQL statement on a zone folder's database (write `"user"`, quoted)."""
    engine = zone_engine(data_dir)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def zone(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Zone:
    """`innopoints demo --size 200` into a temporary data folder, once per session (its database
    in the session's PostgreSQL cluster with `pytest --store postgresql`)."""
    data = tmp_path_factory.mktemp("zone")
    store = str(request.config.getoption("--store"))
    cluster: Cluster | None = request.getfixturevalue("pg_cluster") if store == "postgresql" else None
    mp = pytest.MonkeyPatch()
    mp.setenv("INNOPOINTS_DATA_DIR", str(data))
    if cluster is not None:
        _CLUSTERS[data.resolve()] = cluster
        _DATABASE_URLS[data.resolve()] = cluster.url(cluster.create("zone"))
        mp.setenv("INNOPOINTS_DATABASE_URL", zone_url(data))
    else:
        mp.delenv("INNOPOINTS_DATABASE_URL", raising=False)
    try:
        result = CliRunner().invoke(cli_app, ["demo", "--size", str(ZONE_SIZE), "--no-index"])
    finally:
        mp.undo()
    if result.exit_code != 0:
        detail = "".join(traceback.format_exception(result.exception)) if result.exception else ""
        pytest.fail(f"innopoints demo failed ({result.exit_code}):\n{result.output}\n{detail}")
    own = {str(u): str(c) for u, c in zone_rows(data, """select username, uscc from "user" where role = 'enterprise' order by id""")}
    years = sorted({int(y) for (y,) in zone_rows(data, "select year from scorerun where status = 'published'")})
    assert len(own) == 3 and len(years) >= 2
    pristine = tmp_path_factory.mktemp("pristine")
    pristine_database = ""
    if cluster is not None:  # a template no test ever connects to (a copy needs it idle)
        pristine_database = _copy_database(cluster, "pristine", _database_name(zone_url(data)))
        _DATABASE_URLS[pristine.resolve()] = cluster.url(pristine_database)
    else:
        _backup(data / "innopoints.sqlite", pristine / "innopoints.sqlite")
    return Zone(data_dir=data, pristine=pristine, own=own, years=years, latest_year=years[-1], store=store,
                cluster=cluster, pristine_database=pristine_database)


@pytest.fixture(scope="session")
def new_store(request: pytest.FixtureRequest) -> Callable[[Path], Path]:
    """`new_store(folder)`: under `--store postgresql`, give a data folder that a test fills itself
    (`innopoints demo`, `db upgrade`) a new empty database of the session's cluster; its SQLite
    file otherwise. Returns the folder (use `use_zone`, `make_settings`, `zone_env` with it)."""
    cluster: Cluster | None = None
    if request.config.getoption("--store") == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")

    def make(folder: Path) -> Path:
        if cluster is not None:
            _CLUSTERS[Path(folder).resolve()] = cluster
            _DATABASE_URLS[Path(folder).resolve()] = cluster.url(cluster.create("own"))
        return folder

    return make


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a data folder's store into `target` (SQLite's backup API, or a
    template copy of its PostgreSQL database); returns `target`."""
    target.mkdir(parents=True, exist_ok=True)
    cluster = _CLUSTERS.get(Path(source).resolve())
    if cluster is None:
        _backup(Path(source) / "innopoints.sqlite", target / "innopoints.sqlite")
    else:
        _CLUSTERS[target.resolve()] = cluster
        _DATABASE_URLS[target.resolve()] = cluster.url(_copy_database(cluster, "copy", _database_name(zone_url(source))))
    return target


def store_name(data_dir: Path) -> str:
    """How commands name a folder's store: the SQLite file's path, or the PostgreSQL database."""
    url = _DATABASE_URLS.get(Path(data_dir).resolve())
    return _database_name(url) if url else str(Path(data_dir) / "innopoints.sqlite")


def _copy_database(cluster: Cluster, prefix: str, template: str) -> str:
    """`CREATE DATABASE … TEMPLATE template`, after closing what still holds the template: the
    pooled connection of a CLI command run in this process (its engine is never disposed, as a
    process that exits needs not), or of a test that read the pristine copy."""
    cluster.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{template}' "
                "AND pid <> pg_backend_pid()")
    return cluster.create(prefix, template=template)


def _database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


def _backup(src_file: Path, dst_file: Path) -> None:
    """Copy an SQLite database consistently (the backup API: safe with WAL)."""
    src = sqlite3.connect(src_file)
    dst = sqlite3.connect(dst_file)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Test settings for a data folder; a zone copy's PostgreSQL database comes with it unless
    `database_url` is given."""
    url = _DATABASE_URLS.get(Path(data_dir).resolve())
    if url and "database_url" not in overrides:
        overrides["database_url"] = url
    return Settings(data_dir=data_dir, environment="test", secret_key=SECRET, **overrides)


@pytest.fixture(scope="session")
def settings(zone: Zone) -> Settings:
    """Settings for the shared demo zone (test environment, a 32+ character secret)."""
    return make_settings(zone.data_dir)


def copy_zone(zone: Zone, target: Path) -> Path:
    """A fresh copy of the demo database as built: no logins, audit events or users that other
    tests added to the shared one (a template copy of the pristine database on PostgreSQL)."""
    target.mkdir(parents=True, exist_ok=True)
    if zone.cluster is not None:
        _CLUSTERS[target.resolve()] = zone.cluster
        _DATABASE_URLS[target.resolve()] = zone.cluster.url(_copy_database(zone.cluster, "copy", zone.pristine_database))
    else:
        _backup(zone.pristine / "innopoints.sqlite", target / "innopoints.sqlite")
    return target


# ----------------------------------------------------------------------------- clients and logins
def login(client: Any, username: str, password: str | None = None) -> str:
    """An access token for a user (works with TestClient and httpx.Client)."""
    r = client.post("/api/auth/token", data={"username": username, "password": password or PASSWORDS[username]})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Api:
    """A client with cached logins: `api.get(path, as_="official")`; `as_=None` is the public."""

    client: Any
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None or who == "public":
            return {}
        if who not in self.tokens:
            self.tokens[who] = login(self.client, who)
        return bearer(self.tokens[who])

    def get(self, path: str, *, as_: str | None = None, **kwargs: Any) -> Any:
        headers = {**self.headers(as_), **kwargs.pop("headers", {})}
        return self.client.get(path, headers=headers, **kwargs)

    def post(self, path: str, *, as_: str | None = None, **kwargs: Any) -> Any:
        headers = {**self.headers(as_), **kwargs.pop("headers", {})}
        return self.client.post(path, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    """`with TestClient(create_app(settings))` on the shared demo zone (lifespan run once)."""
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="session")
def api(client: TestClient) -> Api:
    return Api(client)


@pytest.fixture(scope="session")
def auth_headers(api: Api) -> Callable[[str | None], dict[str, str]]:
    """`auth_headers("official")` → the Authorization header of a logged-in demo user."""
    return api.headers


@dataclass
class Isolated:
    """A private copy of the demo zone with its own app and client."""

    settings: Settings
    client: TestClient
    api: Api


@pytest.fixture
def isolated_factory(zone: Zone, tmp_path: Path) -> Iterator[Callable[..., Isolated]]:
    """Make a private copy of the zone (with optional Settings overrides) and a client on it."""
    stack: list[TestClient] = []

    def make(**overrides: Any) -> Isolated:
        folder = copy_zone(zone, tmp_path / f"copy{len(stack)}")
        s = make_settings(folder, **overrides)
        c = TestClient(create_app(s))
        c.__enter__()
        stack.append(c)
        return Isolated(settings=s, client=c, api=Api(c))

    yield make
    for c in reversed(stack):
        c.__exit__(None, None, None)


@pytest.fixture
def isolated(isolated_factory: Callable[..., Isolated]) -> Isolated:
    """A private copy of the zone for tests that disable users or fail logins."""
    return isolated_factory()


# ----------------------------------------------------------------------------- live server
@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[str]:
    """The same app served by uvicorn on 127.0.0.1 (a free port) in a background thread."""
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# ----------------------------------------------------------------------------- shared checks
def assert_error(response: Any, status: int | tuple[int, ...], code: str | None = None) -> dict[str, Any]:
    """The response is the service's error shape with a Chinese message; returns the error."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "details"}, err
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and CJK.search(err["message"]), f"message is not Chinese: {err['message']!r}"
    if code is not None:
        assert err["code"] == code, err
    return err  # type: ignore[no-any-return]
