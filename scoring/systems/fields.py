"""The raw-field registry: every field a formula may read, declared once in `data/fields/*.yaml`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml
from pydantic import ValidationError

from innopoints_data import DATA_DIR
from scoring.errors import InvalidIndicatorSystem
from scoring.systems.schema import FieldDef
from scoring.systems.yaml_text import load_yaml

FIELDS_DIR = DATA_DIR / "fields"
SYSTEMS_DIR = DATA_DIR / "indicator_systems"


def load_fields(folder: Path = FIELDS_DIR) -> dict[str, FieldDef]:
    """Read every `*.yaml` in `folder`; a field declared twice or malformed is refused."""
    registry: dict[str, FieldDef] = {}
    origin: dict[str, str] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            doc = load_yaml(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise InvalidIndicatorSystem(f"YAML 格式错误：{exc}", file=str(path)) from None
        entries = doc.get("fields") if isinstance(doc, dict) else None
        if not isinstance(entries, dict):
            raise InvalidIndicatorSystem("文件必须有一个 fields: 映射", file=str(path))
        for name, spec in entries.items():
            if name in registry:
                raise InvalidIndicatorSystem(
                    f"字段 {name} 重复声明（已在 {origin[name]} 中声明）", file=str(path)
                )
            try:
                registry[name] = FieldDef.model_validate(spec)
            except ValidationError as exc:
                problems = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                raise InvalidIndicatorSystem(problems, file=str(path), where=f"字段 {name}") from None
            origin[name] = path.name
    return registry


_CACHE: dict[str, dict[str, FieldDef]] = {}


def default_fields() -> Mapping[str, FieldDef]:
    """The registry of this checkout's `data/fields`, read once per process."""
    key = str(FIELDS_DIR)
    if key not in _CACHE:
        _CACHE[key] = load_fields(FIELDS_DIR)
    return _CACHE[key]
