"""Indicator systems as data: schema, loader, the raw-field registry, diff and the rule kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

if TYPE_CHECKING:
    from scoring.systems.diff import SystemDiff, diff_systems
    from scoring.systems.fields import default_fields, load_fields
    from scoring.systems.loader import (
        find_system,
        load_all,
        load_system,
        parse_system,
        system_files,
    )
    from scoring.systems.rules import RULES, parse_rule
    from scoring.systems.schema import STAGES, FieldDef, Indicator, IndicatorSystem

_WHERE = {
    "RULES": "scoring.systems.rules",
    "STAGES": "scoring.systems.schema",
    "FieldDef": "scoring.systems.schema",
    "Indicator": "scoring.systems.schema",
    "IndicatorSystem": "scoring.systems.schema",
    "SystemDiff": "scoring.systems.diff",
    "default_fields": "scoring.systems.fields",
    "diff_systems": "scoring.systems.diff",
    "find_system": "scoring.systems.loader",
    "load_all": "scoring.systems.loader",
    "load_fields": "scoring.systems.fields",
    "load_system": "scoring.systems.loader",
    "parse_rule": "scoring.systems.rules",
    "parse_system": "scoring.systems.loader",
    "system_files": "scoring.systems.loader",
}

__all__ = [
    "RULES",
    "STAGES",
    "FieldDef",
    "Indicator",
    "IndicatorSystem",
    "SystemDiff",
    "default_fields",
    "diff_systems",
    "find_system",
    "load_all",
    "load_fields",
    "load_system",
    "parse_rule",
    "parse_system",
    "system_files",
]


__getattr__ = lazy_getattr(__name__, _WHERE)
