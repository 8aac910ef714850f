"""The data that ships with innopoints, installed as the package `innopoints_data`.

Indicator systems (`indicator_systems/`), the raw-field registry (`fields/`), source column
mappings (`sources/`), search dictionaries (`dicts/`), the default demo zone's passage vectors
(`demo_vectors/`, made by `scripts/demo-vectors`). Read through `importlib.resources`, so a
built wheel works offline wherever it is installed (`tests/test_wheel.py`).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# Wheels are installed unpacked, so the package's folder is a real directory.
DATA_DIR = Path(str(files(__name__)))

__all__ = ["DATA_DIR"]
