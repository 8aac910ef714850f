"""Fixtures every test folder shares: the two stores (SQLite and a real PostgreSQL cluster).

`store_url` is parametrised: a test that takes it runs once on a fresh SQLite file and once on a
fresh PostgreSQL database (`[postgresql]` in its id, marker `postgres`). The cluster is started
once per session (tests/pg_cluster.py) and every database is a `CREATE DATABASE … TEMPLATE` copy.
Where PostgreSQL cannot be found (scripts/setup-env installs it), those runs are skipped and the
session says so loudly: a warning, and a line at the end of the report.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_cluster import Cluster, find_binaries

STORES = ("sqlite", "postgresql")
_NO_POSTGRES: list[str] = []  # why PostgreSQL was skipped, for the terminal summary


class PostgresMissing(UserWarning):
    """The PostgreSQL half of the store tests did not run."""


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL cluster (skips, loudly, where PostgreSQL is not installed)."""
    bin_dir = find_binaries()
    if bin_dir is None:
        reason = "PostgreSQL 未安装（找不到 initdb/pg_ctl；scripts/setup-env test 会用 apt-get 安装）：PostgreSQL 上的存储测试全部跳过"
        if not _NO_POSTGRES:
            _NO_POSTGRES.append(reason)
            warnings.warn(reason, PostgresMissing, stacklevel=1)
        pytest.skip(reason)
    cluster = Cluster.start(bin_dir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> str:
    """A database already at the head revision: tests copy it instead of migrating each time."""
    from scoring.store import make_engine

    name = pg_cluster.create("head")
    make_engine(pg_cluster.url(name)).dispose()
    return name


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """"sqlite" or "postgresql" (the parameter of `store_url`)."""
    return str(request.param)


@pytest.fixture
def empty_store_url(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a new, empty database of either kind (no tables at all)."""
    if store_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.create("empty"))


@pytest.fixture
def store_url(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a new database of either kind with the schema at head."""
    if store_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.create("store", template=request.getfixturevalue("pg_template")))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store", choices=STORES, default="sqlite",
        help="the store the HTTP suite's demo zone (tests/assistant) lives in: a SQLite file (default) "
             "or a database of the session's PostgreSQL cluster; tests marked sqlite_only are skipped "
             "with postgresql")


# The fixtures whose store `--store` chooses: the HTTP suite's demo zone and a store a test fills itself.
STORE_CHOSEN = ("zone", "new_store")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the PostgreSQL runs, so that `-m "not postgres"` leaves them out on a laptop.

    Under `--store postgresql` only the tests whose store the option chooses run (they use
    `zone` or `new_store`): the rest would run exactly as in the default pass (their own SQLite
    files, no store at all, or both stores through `store_url`) and are deselected; of those that
    run, the tests about the SQLite file itself (marker `sqlite_only`) are skipped."""
    on_postgres = config.getoption("--store") == "postgresql"
    sqlite_only = pytest.mark.skip(reason="sqlite_only: about the SQLite file itself (--store postgresql)")
    kept, same_either_way = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("store_kind") == "postgresql":
            item.add_marker(pytest.mark.postgres)
        if on_postgres and not set(STORE_CHOSEN) & set(getattr(item, "fixturenames", ())):
            same_either_way.append(item)
            continue
        if on_postgres and item.get_closest_marker("sqlite_only") is not None:
            item.add_marker(sqlite_only)
        kept.append(item)
    if same_either_way:
        config.hook.pytest_deselected(items=same_either_way)
        items[:] = kept


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Under pytest-xdist the skips happened in the workers: their warnings reach this process.
    relayed = [str(w.message) for w in terminalreporter.stats.get("warnings", [])
               if "PostgreSQL 未安装" in str(getattr(w, "message", ""))]
    for reason in dict.fromkeys([*_NO_POSTGRES, *relayed]):
        terminalreporter.section("PostgreSQL", sep="!", red=True, bold=True)
        terminalreporter.line(f"注意：{reason}", red=True, bold=True)
