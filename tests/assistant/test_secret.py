"""The token-signing secret (issue 11, item 8): none in the source; generated into the data folder
on first start when INNOPOINTS_SECRET_KEY is unset, in every environment."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from assistant.access.secret import SecretFileError, load_or_create
from assistant.api.app import create_app
from assistant.config import DEV_SECRET, Settings
from tests.assistant.conftest import SECRET, Zone, assert_error, bearer, copy_zone, login, zone_url


@pytest.fixture
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """No secret from the environment (and no `.env`: the settings below pass `_env_file=None`)."""
    monkeypatch.delenv("INNOPOINTS_SECRET_KEY", raising=False)


def _settings(folder: Path, **overrides: object) -> Settings:
    if zone_url(folder).startswith("postgresql"):  # pytest --store postgresql: the copy's database
        overrides.setdefault("database_url", zone_url(folder))
    return Settings(_env_file=None, data_dir=folder, **overrides)  # type: ignore[arg-type, call-arg]


def _forged_admin_token(secret: str) -> str:
    now = datetime.now(UTC)
    return jwt.encode({"sub": "admin", "role": "admin", "iat": now, "exp": now + timedelta(minutes=5)}, secret, algorithm="HS256")


@pytest.mark.parametrize("environment", ["development", "production"])
@pytest.mark.usefixtures("unset")
def test_without_a_secret_the_service_generates_one_and_refuses_the_published_one(
    zone: Zone, tmp_path: Path, environment: str
) -> None:
    folder = copy_zone(zone, tmp_path / "zone")
    settings = _settings(folder, environment=environment)
    assert settings.secret_key == ""
    with TestClient(create_app(settings)) as client:
        # Whoever read the source cannot mint an admin token.
        assert_error(client.get("/api/users", headers=bearer(_forged_admin_token(DEV_SECRET))), 401, "not_authenticated")
        token = login(client, "admin")
        assert client.get("/api/users", headers=bearer(token)).status_code == 200
    key_file = folder / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64 and key != DEV_SECRET
    assert jwt.decode(token, key, algorithms=["HS256"])["sub"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, DEV_SECRET, algorithms=["HS256"])


@pytest.mark.usefixtures("unset")
def test_the_generated_secret_survives_a_restart_and_differs_between_data_folders(zone: Zone, tmp_path: Path) -> None:
    first, other = copy_zone(zone, tmp_path / "a"), copy_zone(zone, tmp_path / "b")
    with TestClient(create_app(_settings(first))) as client:
        token = login(client, "official")
    with TestClient(create_app(_settings(first))) as client:  # the same folder, restarted
        assert client.get("/api/auth/me", headers=bearer(token)).json()["username"] == "official"
    with TestClient(create_app(_settings(other))) as client:  # another deployment
        assert_error(client.get("/api/auth/me", headers=bearer(token)), 401, "not_authenticated")
    assert (first / "secret.key").read_text() != (other / "secret.key").read_text()


@pytest.mark.usefixtures("unset")
def test_a_configured_secret_is_used_and_no_file_is_written(zone: Zone, tmp_path: Path) -> None:
    folder = copy_zone(zone, tmp_path / "zone")
    with TestClient(create_app(_settings(folder, secret_key=SECRET))) as client:
        token = login(client, "official")
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["sub"] == "official"
    assert not (folder / "secret.key").exists()


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.usefixtures("unset")
def test_published_or_short_secret_is_refused_in_every_environment(environment: str) -> None:
    for bad in (DEV_SECRET, "short-secret"):
        with pytest.raises(ValidationError, match="INNOPOINTS_SECRET_KEY.*32"):
            Settings(_env_file=None, environment=environment, secret_key=bad)  # type: ignore[arg-type, call-arg]
    assert Settings(_env_file=None, environment=environment, secret_key="s" * 32).secret_key == "s" * 32  # type: ignore[arg-type, call-arg]
    assert Settings(_env_file=None, environment=environment).secret_key == ""  # type: ignore[arg-type, call-arg]


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOPOINTS_ENVIRONMENT", "production")
    monkeypatch.setenv("INNOPOINTS_SECRET_KEY", "short")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("INNOPOINTS_SECRET_KEY", "k" * 40)
    assert Settings(_env_file=None).secret_key == "k" * 40  # type: ignore[call-arg]


@pytest.mark.usefixtures("unset")
def test_an_unusable_secret_file_stops_the_start_with_one_chinese_line(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    key_file.write_text("x" * 64)
    key_file.chmod(0o644)
    with pytest.raises(SecretFileError, match=r"权限为 0644.*chmod 600"), TestClient(create_app(_settings(tmp_path))):
        pass
    key_file.write_text("too-short")
    key_file.chmod(0o600)
    with pytest.raises(SecretFileError, match="只有 9 个字符，至少 32 个"), TestClient(create_app(_settings(tmp_path))):
        pass


def test_workers_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    path, start = tmp_path / "var" / "secret.key", threading.Barrier(8)
    keys: list[str] = []

    def worker() -> None:
        start.wait()
        keys.append(load_or_create(path))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no temporary file left
