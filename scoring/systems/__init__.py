"""Indicator systems as data: schema, loader, the raw-field registry, diff and the rule kinds."""

from scoring.systems.diff import SystemDiff, diff_systems
from scoring.systems.fields import default_fields, load_fields
from scoring.systems.loader import find_system, load_all, load_system, parse_system, system_files
from scoring.systems.rules import RULES, parse_rule
from scoring.systems.schema import STAGES, FieldDef, Indicator, IndicatorSystem

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
