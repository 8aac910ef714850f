"""The service on PostgreSQL when things go wrong: the server stopped in the middle of a request
(`pg_ctl stop -m immediate`) gives 503s in the one error shape and the service recovers by itself
once it is back; `innopoints serve --workers 4` on PostgreSQL answers from every worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli.main import app as cli_app
from tests.assistant.conftest import PASSWORDS, assert_error, bearer, make_settings
from tests.pg_cluster import Cluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


class PgZone:
    """A small demo zone in a database of the session's cluster, and its data folder."""

    def __init__(self, cluster: Cluster, url: str, data: Path) -> None:
        self.cluster, self.url, self.data = cluster, url, data

    def env(self) -> dict[str, str]:
        return {"INNOPOINTS_DATABASE_URL": self.url, "INNOPOINTS_DATA_DIR": str(self.data)}


@pytest.fixture(scope="module")
def pg_zone(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> PgZone:
    """`innopoints demo --size 60` into an empty PostgreSQL database."""
    zone = PgZone(pg_cluster, pg_cluster.url(pg_cluster.create("zone")), tmp_path_factory.mktemp("pgzone"))
    mp = pytest.MonkeyPatch()
    for key, value in zone.env().items():
        mp.setenv(key, value)
    try:
        result = CliRunner().invoke(cli_app, ["demo", "--size", "60", "--no-index"])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    return zone


@pytest.fixture
def served(pg_zone: PgZone) -> Iterator[str]:
    """The app on the PostgreSQL zone, served by uvicorn on 127.0.0.1 in a thread."""
    settings = make_settings(pg_zone.data, database_url=pg_zone.url, embedder="none")
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-pg", daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join()


def _waiting_on_a_lock(cluster: Cluster, database: str) -> bool:
    rows = cluster.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                       .replace("%s", f"'{database}'"))
    return int(str(rows[0][0])) > 0


def test_postgres_stopped_mid_request_gives_503_and_the_service_recovers(served: str, pg_zone: PgZone) -> None:
    cluster, database = pg_zone.cluster, str(make_url(pg_zone.url).database)
    with httpx.Client(base_url=served, timeout=None) as client:
        token = client.post("/api/auth/token", data={"username": "official", "password": PASSWORDS["official"]}).json()["access_token"]
        listed = client.get("/api/enterprises?page_size=1", headers=bearer(token))
        assert listed.status_code == 200, listed.text
        uscc = listed.json()["items"][0]["uscc"]
        assert client.get(f"/api/enterprises/{uscc}", headers=bearer(token)).status_code == 200
        # Hold the enterprise table so that the next request waits inside the database…
        import psycopg

        locker = psycopg.connect(host=str(cluster.socket_dir), port=cluster.port, user="postgres", dbname=database)
        locker.execute("LOCK TABLE enterprise IN ACCESS EXCLUSIVE MODE")
        answer: dict[str, httpx.Response] = {}
        request = threading.Thread(target=lambda: answer.setdefault(
            "r", client.get(f"/api/enterprises/{uscc}", headers=bearer(token))))
        request.start()
        try:
            while not _waiting_on_a_lock(cluster, database):  # the request is in the database now
                assert request.is_alive(), answer
                time.sleep(0.01)
            cluster.pg_ctl("stop", "-m", "immediate")  # …and the server dies under it
            request.join()
            assert_error(answer["r"], 503, "database_unavailable")
            assert "数据库暂时无法连接" in answer["r"].json()["error"]["message"]
            down = client.get(f"/api/enterprises/{uscc}", headers=bearer(token))
            assert_error(down, 503, "database_unavailable")
            assert down.headers["Retry-After"] == "5"
            assert client.get("/api/health").status_code == 200  # alive, not ready
            assert assert_error(client.get("/api/ready"), 503)["details"]["store"] is False
        finally:
            if request.is_alive() or not (cluster.root / "data" / "postmaster.pid").exists():
                cluster.pg_ctl("start")
            locker.close()
        # Back: the very next requests are answered, without a restart of the service.
        again = client.get(f"/api/enterprises/{uscc}", headers=bearer(token))
        assert again.status_code == 200, again.text
        assert client.get("/api/ready").json()["store"] is True


def test_four_workers_on_postgres_answer_together(pg_zone: PgZone) -> None:
    """`innopoints serve --workers 4`: the store is prepared once, every worker answers."""
    env = {**os.environ, **pg_zone.env(), "INNOPOINTS_EMBEDDER": "none", "INNOPOINTS_SECRET_KEY": "w" * 40,
           "PYTHONPATH": str(ROOT)}
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--workers", "4", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    assert server.stdout is not None
    try:
        started = 0
        for line in server.stdout:  # each worker logs (JSON) when its application started
            started += "Application startup complete" in line
            if started == 4:
                break
        assert started == 4, "the workers did not all start"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=None) as client:
            token = client.post("/api/auth/token", data={"username": "official", "password": PASSWORDS["official"]}).json()["access_token"]
            errors = []

            def read() -> None:
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=None) as own:
                    for _ in range(10):
                        r = own.get("/api/enterprises?page_size=5", headers=bearer(token))
                        if r.status_code != 200:
                            errors.append(r.text)

            readers = [threading.Thread(target=read) for _ in range(16)]
            for t in readers:
                t.start()
            for t in readers:
                t.join()
            assert errors == []
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 4  # four worker processes served them, none died (besides: the resource tracker)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])



# ----------------------------------------------------------------------------- same answers on both stores
READS = [
    ("official", "/api/enterprises?page_size=50&sort=total"),
    ("official", "/api/enterprises?page_size=20&q=科技"),
    ("official", "/api/rankings?stage=startup&page_size=20"),
    ("official", "/api/stats/distribution"),
    ("public", "/api/stats/distribution"),
    ("official", "/api/lists/credit?top=5"),
    ("admin", "/api/users"),
]
VOLATILE = {"published_at", "started_at", "created_at", "loaded_at", "at", "generated_at", "withdrawn_at", "last_login_at"}


def _stable(value: object) -> object:
    """The answer without the moments it was built at (the two zones were built at different times)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def test_the_api_answers_the_same_on_postgres_as_on_sqlite(served: str, pg_zone: PgZone, tmp_path: Path) -> None:
    """The same demo zone (same seed) in both stores: every read answers identically."""
    data = tmp_path / "sqlite"
    mp = pytest.MonkeyPatch()
    mp.setenv("INNOPOINTS_DATA_DIR", str(data))
    mp.delenv("INNOPOINTS_DATABASE_URL", raising=False)
    try:
        result = CliRunner().invoke(cli_app, ["demo", "--size", "60", "--no-index"])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    from fastapi.testclient import TestClient

    with TestClient(create_app(make_settings(data, embedder="none"))) as lite, \
            httpx.Client(base_url=served, timeout=None) as pg:
        tokens: dict[str, dict[str, dict[str, str]]] = {"sqlite": {}, "pg": {}}
        for name, client in (("sqlite", lite), ("pg", pg)):
            for who in ("official", "admin", "enterprise1"):
                r = client.post("/api/auth/token", data={"username": who, "password": PASSWORDS[who]})
                tokens[name][who] = bearer(r.json()["access_token"])
            tokens[name]["public"] = {}
        own = lite.get("/api/auth/me", headers=tokens["sqlite"]["enterprise1"]).json().get("uscc")
        reads = [*READS, ("official", f"/api/enterprises/{own}"), ("official", f"/api/enterprises/{own}/portrait"),
                 ("enterprise1", f"/api/enterprises/{own}/portrait"), ("public", f"/api/enterprises/{own}")]
        for who, path in reads:
            a = lite.get(path, headers=tokens["sqlite"][who])
            b = pg.get(path, headers=tokens["pg"][who])
            assert a.status_code == b.status_code == 200, (path, who, a.text[:300], b.text[:300])
            assert _stable(b.json()) == _stable(a.json()), (path, who)
