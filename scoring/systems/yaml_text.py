"""YAML text → Python data, safely and fast: every data file of the package is read through here."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's C parser when PyYAML was built with it (the wheels are): about 6x faster on the
# indicator-system files than the pure-Python SafeLoader, with the same safe subset (no tags
# that build objects).
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML with the safe loader (raises yaml.YAMLError on malformed text)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 — a safe loader, C or Python


__all__ = ["load_yaml"]
