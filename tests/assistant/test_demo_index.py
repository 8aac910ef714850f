"""`innopoints demo` builds the search index (issue 11, item 22): the service started on a fresh
demo answers its first search with vectors, and a second demo encodes nothing again. A demo of
another size shares no passage with the shipped vectors (`test_demo_vectors.py`): it encodes them.
The store is the `--store` pass's (a new PostgreSQL database under `--store postgresql`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli.main import app as cli_app
from tests.assistant.conftest import bearer, login, make_settings, zone_env

SIZE = 60


def whole(text: str) -> str:
    """Console text without rich's line wrapping (and spaces), to look for a message in it."""
    return re.sub(r"\s", "", text)


def demo(folder: Path, *args: str, embedder: str) -> Any:
    env = {"INNOPOINTS_DATABASE_URL": "", **zone_env(folder), "INNOPOINTS_EMBEDDER": embedder}
    result = CliRunner().invoke(cli_app, ["demo", "--size", str(SIZE), *args], env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.slow
def test_the_first_search_after_the_demo_is_semantic(tmp_path: Path, new_store: Callable[[Path], Path]) -> None:
    first = demo(new_store(tmp_path), embedder="e5")  # the index is built by default
    assert f"搜索索引已生成：{SIZE}家企业" in whole(first.stdout)
    assert f"随包向量0段，新编码{SIZE}段文本" in whole(first.stdout)
    settings = make_settings(tmp_path, embedder="e5")
    with TestClient(create_app(settings)) as client:
        ready = client.get("/api/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["semantic"] is True and ready.json()["documents"] == SIZE
        headers = bearer(login(client, "official"))
        r = client.get("/api/search", params={"q": "光伏组件", "limit": 3}, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["semantic"] is True  # the first request, without waiting
    # `--force` keeps the passage cache: the same deterministic demo encodes nothing again.
    again = demo(tmp_path, "--force", embedder="e5")
    assert "新编码0段文本" in whole(again.stdout)


def test_no_vectors_without_an_embedder_or_with_no_index(tmp_path: Path, new_store: Callable[[Path], Path]) -> None:
    result = demo(new_store(tmp_path / "none"), embedder="none")
    assert "向量模型为none：只用文本检索" in whole(result.stdout)
    assert "搜索索引已生成" not in whole(result.stdout) and not (tmp_path / "none" / "search").exists()
    result = demo(new_store(tmp_path / "skip"), "--no-index", embedder="e5")
    assert "搜索索引已生成" not in whole(result.stdout) and not (tmp_path / "skip" / "search").exists()
