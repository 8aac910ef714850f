"""A throwaway PostgreSQL cluster for the test session: `initdb` + `pg_ctl` in a temporary folder.

The server listens on a Unix socket only (no TCP port to collide with), with fsync off (a crash
loses nothing a test needs). Each test gets a fresh database: `CREATE DATABASE … TEMPLATE` of a
template that is either empty or already migrated, which takes milliseconds where a new cluster
takes seconds. The binaries come from Debian's `postgresql` package (`scripts/setup-env test`
installs it when missing); initdb refuses to run as root, so as root the cluster belongs to the
`postgres` account the package creates.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

__all__ = ["Cluster", "find_binaries", "lock_waiters"]


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (PATH first, then Debian's versioned folders), or None."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


@dataclass
class Cluster:
    """A running cluster: `url(name)` for SQLAlchemy, `create(name)` and `sql(...)` as the superuser."""

    bin: Path
    root: Path
    port: int = 55_000 + os.getpid() % 5_000
    owner: str | None = None  # the account the server runs as (set when this process is root)
    _names: itertools.count[int] = field(default_factory=itertools.count)

    @classmethod
    def start(cls, bin_dir: Path) -> Cluster:
        """initdb and start a cluster in a new temporary folder (stop() removes it)."""
        root = Path(tempfile.mkdtemp(prefix="innopoints-pg-"))
        owner = None
        if os.geteuid() == 0:
            owner = "postgres" if _has_user("postgres") else "nobody"
            shutil.chown(root, user=owner)
        cluster = cls(bin=bin_dir, root=root, owner=owner)
        (root / "sock").mkdir()
        if owner:
            shutil.chown(root / "sock", user=owner)
        cluster._run("initdb", "-D", str(root / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                     "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        cluster.pg_ctl("start")
        return cluster

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, database: str) -> str:
        """A `postgresql+psycopg://` URL of `database` over the cluster's Unix socket."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def pg_ctl(self, action: str, *extra: str) -> None:
        """`pg_ctl start|stop|restart` (waiting until done); `stop -m immediate` is a crash."""
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        args = [action, "-D", str(self.root / "data"), "-w", "-l", str(self.root / "server.log")]
        if action in ("start", "restart"):
            args += ["-o", options]
        self._run("pg_ctl", *args, *extra)

    def sql(self, statement: str, *, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser (autocommit, so CREATE DATABASE works); its rows."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname=database,
                             autocommit=True) as conn:
            cur = conn.execute(statement)  # type: ignore[call-overload]  # our own statements, never input
            return cur.fetchall() if cur.description else []

    def create(self, prefix: str = "t", *, template: str = "template0") -> str:
        """A new database copied from `template`; its name."""
        name = f"{prefix}_{next(self._names)}"
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def stop(self) -> None:
        """Stop the server (fast) and remove the folder."""
        try:
            self.pg_ctl("stop", "-m", "fast")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, cwd=self.root)


def lock_waiters(engine: Engine) -> int:
    """Sessions of `engine`'s database waiting on a lock now: a test that holds a lock sees its
    requests arrive inside PostgreSQL before it lets them go."""
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )).scalar() or 0)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
