"""The word lists under data/dicts/: where they live and how their lines are read."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from search.errors import DictionaryError

__all__ = ["DEFAULT_DICT_DIR", "read_entries"]

# The shipped data/dicts/ (package `innopoints_data`, read through importlib.resources); a
# deployment may pass another folder via SearchOptions.dict_dir.
DEFAULT_DICT_DIR = Path(str(files("innopoints_data"))) / "dicts"


def read_entries(path: Path, *, min_fields: int = 1) -> list[list[str]]:
    """Whitespace-separated fields of each non-blank, non-comment (#) line of a dictionary file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DictionaryError(f"{path}: cannot read dictionary ({exc})") from exc
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) < min_fields:
            raise DictionaryError(
                f"{path}:{number}: expected at least {min_fields} fields, got {line!r}"
            )
        entries.append(fields)
    return entries
