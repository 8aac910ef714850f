"""Backups of a whole store into one file, and restoring one: SQLite's backup API, PostgreSQL's
pg_dump / pg_restore (custom format).

Both are consistent while the service runs: SQLite's backup API copies a snapshot (WAL included),
pg_dump reads in one repeatable-read transaction. A restore replaces the store's content in one
step (SQLite: the backup API writes the target in one transaction; PostgreSQL: pg_restore
`--single-transaction --clean`), so a failed restore changes nothing. A file that is not a backup
of a store is refused before anything is touched.

    >>> backup("sqlite:///var/innopoints.sqlite", Path("innopoints-2026-12-03.sqlite"))  # doctest: +SKIP
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from scoring.errors import StoreError

__all__ = ["backup", "restore"]

# Tables every store has since the baseline: a file without them is no backup of ours.
_MARKS = {"enterprise", "scorerun", "alembic_version"}


def backup(url: str, target: Path) -> Path:
    """Copy the store at `url` into the file `target` (which must not exist); returns it."""
    if target.exists():
        raise StoreError(f"备份文件 {target} 已存在：请换一个文件名（不覆盖已有文件）")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = _sqlite_path(parsed)
        if not source.exists():
            raise StoreError(f"数据库文件 {source} 不存在，无可备份")
        _sqlite_copy(source, target)
        return target
    _postgres(parsed, "pg_dump", "--format=custom", "--no-owner", f"--file={target}")
    return target


def restore(url: str, source: Path) -> None:
    """Replace the store at `url` with the backup `source` (as `backup` made it)."""
    if not source.is_file():
        raise StoreError(f"备份文件 {source} 不存在")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_backup(source)
        target = _sqlite_path(parsed)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, target)
        return
    listing = _postgres(parsed, "pg_restore", "--list", str(source), database=False, check=False)
    if listing.returncode != 0 or not _MARKS <= _dumped_tables(listing.stdout):
        raise StoreError(f"{source} 不是 innopoints 数据库的备份（应由 innopoints db backup 生成），未做任何改动")
    _postgres(parsed, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
              str(source))


# ----------------------------------------------------------------------------- SQLite
def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise StoreError("内存数据库无法备份或恢复")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # every page in one step: the target changes in one transaction or not at all
    except sqlite3.Error as exc:
        raise StoreError(f"复制数据库失败（{exc}），目标 {target} 未被改动") from None
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(source: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        names = set()
    if not _MARKS <= names:
        raise StoreError(f"{source} 不是 innopoints 数据库的备份（应由 innopoints db backup 生成），未做任何改动")


# ----------------------------------------------------------------------------- PostgreSQL
def _dumped_tables(listing: str) -> set[str]:
    """Table names in a `pg_restore --list` table of contents ("… TABLE public enterprise postgres")."""
    out = set()
    for line in listing.splitlines():
        parts = line.split()
        if not line.startswith(";") and "TABLE" in parts and "DATA" not in parts:
            at = parts.index("TABLE")
            if len(parts) > at + 2:
                out.add(parts[at + 2])
    return out


def _postgres(url: URL, program: str, *args: str, database: bool = True, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run pg_dump / pg_restore on the database of `url` (the password goes in PGPASSWORD, never argv)."""
    exe = _binary(program)
    query = {k: v if isinstance(v, str) else v[0] for k, v in url.query.items()}
    host = query.get("host") or url.host or ""
    port = str(query.get("port") or url.port or "")
    command = [exe, *args]
    if database:
        command += [f"--dbname={url.database}"]
    command += [f"--host={host}"] if host else []
    command += [f"--port={port}"] if port else []
    command += [f"--username={url.username}"] if url.username else []
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if check and done.returncode != 0:
        problem = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"退出码 {done.returncode}"
        raise StoreError(f"{program} 失败：{problem}（数据库未被改动）")
    return done


def _binary(program: str) -> str:
    """The newest Debian-packaged `program` (its version must be at least the server's), else PATH's."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if Path(folder, program).exists():
            return str(Path(folder, program))
    found = shutil.which(program)
    if found is None:
        raise StoreError(f"找不到 {program}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）")
    return found
