"""Settings: one pydantic-settings class, read from the environment (prefix INNOPOINTS_) or `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything a deployment sets. Defaults give the embedded SQLite demo in `var/`."""

    model_config = SettingsConfigDict(env_prefix="INNOPOINTS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=REPO_ROOT / "var", description="生成文件（数据库、索引）所在目录")
    database_url: str = Field(default="", description="SQLAlchemy URL；为空时使用 data_dir 下的 SQLite 文件")
    systems_dir: Path = Field(default=REPO_ROOT / "data" / "indicator_systems")

    @property
    def db_url(self) -> str:
        """The database URL in force (the SQLite file under `data_dir` unless set)."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "innopoints.sqlite"
