"""Readiness (issue 11, item 5): the lifespan loads the search index, so that no request pays for
jieba and the documents, and `GET /api/ready` says when the service is ready."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from scoring.store import migrate
from tests.assistant.conftest import Isolated, assert_error


def test_the_index_is_loaded_before_the_first_request(isolated_factory: Callable[..., Isolated]) -> None:
    iso = isolated_factory()  # the default settings: the e5 embedder, no saved vectors yet
    index = iso.client.app.state.search  # type: ignore[attr-defined]
    loaded = index.peek()
    assert loaded is not None and len(loaded.documents) == 200  # before any request
    r = iso.client.get("/api/ready")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and body["store"] and body["search"] and body["documents"] == 200
    assert body["schema"] == {"current": True, "revision": migrate.head(), "head": migrate.head()}
    assert body["semantic"] is False  # no vectors were encoded at start-up
    assert body["audit"] == {"writing": True, "pending": 0, "failures": 0}
    first = iso.api.get("/api/search", params={"q": loaded.documents[0].name, "limit": 3})
    assert first.status_code == 200, first.text
    assert index.peek().documents is loaded.documents  # the first search built nothing


def test_not_ready_until_the_index_is_loaded(isolated_factory: Callable[..., Isolated]) -> None:
    iso = isolated_factory(embedder="none", search_warm_start=False)
    err = assert_error(iso.client.get("/api/ready"), 503, "unavailable")
    assert "搜索索引" in err["message"]
    assert err["details"]["store"] is True and err["details"]["search"] is False
    assert iso.client.get("/api/search", params={"q": "科技"}).status_code == 200  # loads it
    r = iso.client.get("/api/ready")
    assert r.status_code == 200 and r.json()["search"] is True and r.json()["semantic"] is False


def test_not_ready_when_the_schema_is_not_the_programs(isolated_factory: Callable[..., Isolated]) -> None:
    """Another program changed the store's revision under a running service: it stops saying ready."""
    iso = isolated_factory()
    assert iso.client.get("/api/ready").status_code == 200
    engine = iso.client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '0000'"))
    err = assert_error(iso.client.get("/api/ready"), 503, "unavailable")
    assert "0000" in err["message"] and "innopoints db upgrade" in err["message"]
    assert err["details"]["store"] is True and err["details"]["schema"]["current"] is False
    assert iso.client.get("/api/health").json() == {"status": "ok"}  # alive all the same
