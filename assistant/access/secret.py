"""The token-signing secret: the configured one, or a random one kept in the data folder.

No secret ships with the source: whoever reads a default can mint an admin token. When
INNOPOINTS_SECRET_KEY is unset, the first start writes `secrets.token_urlsafe(48)` (64 characters,
384 random bits) to `<data_dir>/secret.key`, readable by its owner only (0600); later starts and
every worker read the same file, so tokens survive a restart. Deleting the file logs everyone out.

    >>> from pathlib import Path; import tempfile
    >>> key = load_or_create(Path(tempfile.mkdtemp()) / "secret.key")
    >>> len(key)
    64
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

MIN_LENGTH = 32


class SecretFileError(ValueError):
    """The secret file exists but cannot be used (too short, or readable by others)."""


def load_or_create(path: Path) -> str:
    """The secret in `path`, written there first (mode 0600) if the file does not exist yet."""
    if not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: a link never replaces an
    # existing file, so workers starting together all end up reading the one secret that won.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def _read(path: Path) -> str:
    if os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SecretFileError(f"密钥文件 {path} 的权限为 {mode:04o}，其他用户也能读取；请执行 chmod 600 {path}")
    key = path.read_text(encoding="utf-8", errors="replace").strip()
    if len(key) < MIN_LENGTH:
        raise SecretFileError(
            f"密钥文件 {path} 只有 {len(key)} 个字符，至少 {MIN_LENGTH} 个；"
            "删除它即可在下次启动时重新生成（所有人需重新登录）",
        )
    return key
