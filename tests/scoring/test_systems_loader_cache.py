"""The systems folder is listed again when it changes, and a file's text read again when it does:
the listing and the texts are kept between calls (every chat answer asks for them)."""

from __future__ import annotations

import shutil
from pathlib import Path

from scoring.systems.fields import SYSTEMS_DIR
from scoring.systems.loader import system_files, system_text


def test_a_file_added_or_removed_is_seen_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "systems"
    folder.mkdir()
    assert system_files(folder) == []
    shutil.copy(SYSTEMS_DIR / "v1.0.yaml", folder / "v1.0.yaml")
    assert [p.name for p in system_files(folder)] == ["v1.0.yaml"]
    shutil.copy(SYSTEMS_DIR / "v1.1.yaml", folder / "v1.1.yaml")
    assert [p.name for p in system_files(folder)] == ["v1.0.yaml", "v1.1.yaml"]
    (folder / "v1.0.yaml").unlink()
    assert [p.name for p in system_files(folder)] == ["v1.1.yaml"]
    assert system_files(tmp_path / "missing") == []


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("version: a\n", encoding="utf-8")
    assert system_text(path) == "version: a\n"
    path.write_text("version: bb\n", encoding="utf-8")  # another size: another text
    assert system_text(path) == "version: bb\n"
