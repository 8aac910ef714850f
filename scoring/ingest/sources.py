"""Source column mappings: which Chinese column headers of a source's export mean which raw field.

One YAML file per source kind in `data/sources/*.yaml` (format below). The loader refuses, naming
file and key: an unknown source, an unknown raw field, a header claimed by two fields.

    source: tax            # key of scoring.systems.schema.SOURCES
    title: 税务
    aliases: [税务局]     # optional: other names `innopoints import` accepts
    keys:
      uscc: [统一社会信用代码, 社会信用代码, 纳税人识别号, 信用代码]
      name: [企业名称, 纳税人名称, 单位名称]
    year: [年度, 所属年度]  # optional year column; when a file lacks it, the import year is required
    columns_from_registry: false   # self_report: accept every registry field's `name` / `name（unit）`
    columns:
      revenue:
        headers: [营业收入, 营业总收入, 主营业务收入]
        unit: 元           # unit when the header states none; "营业收入（万元）" states its own and wins

Headers are matched after normalization (full-width → half-width, blanks and a leading "*"
removed, brackets unified), so "营业收入 (元)" and "营业收入（元）" are the same header.
The register mapping may also map Enterprise master-data columns (`MASTER_COLUMNS`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scoring.errors import InvalidIndicatorSystem, ScoringError
from scoring.ingest.parse import COUNT_UNITS, MONEY, normalize_unit
from scoring.systems.fields import DATA_DIR, default_fields
from scoring.systems.schema import SOURCES, FieldDef
from scoring.systems.yaml_text import load_yaml

SOURCES_DIR = DATA_DIR / "sources"
# Enterprise columns the register may fill, with how their cells are parsed.
# 'names' and 'stock_codes' cells hold several items (`scoring.ingest.parse.split_items`).
MASTER_COLUMNS: dict[str, str] = {
    "name": "text", "short_name": "text", "former_names": "names", "english_name": "text",
    "legal_representative": "text", "address": "text", "founding_date": "date", "industry": "text",
    "industry_code": "text", "business_scope": "text", "products": "text",
    "aliases": "names", "stock_codes": "stock_codes", "stock_names": "names",
}
LIST_KINDS = frozenset({"names", "stock_codes"})
KNOWN_UNITS = frozenset({*MONEY, *COUNT_UNITS, "%", "年", "分", "平方米", "㎡"})


class InvalidSourceMapping(InvalidIndicatorSystem):
    """A source mapping file is broken (names file, key and problem)."""


class UnknownSource(ScoringError):
    """A source name that is neither a key nor a title of a mapping."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Keys(_Model):
    """Headers of the key columns: the USCC (required in a file) and the enterprise name."""

    uscc: list[str] = Field(min_length=1)
    name: list[str] = Field(default_factory=list)


class ColumnSpec(_Model):
    """One target (raw field or master-data column) and the headers that mean it."""

    headers: list[str] = Field(min_length=1)
    unit: str | None = None


class SourceMapping(_Model):
    """A validated source mapping file."""

    source: str
    title: str
    aliases: list[str] = Field(default_factory=list)
    keys: Keys
    year: list[str] = Field(default_factory=list)
    columns_from_registry: bool = False
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """What a header means: a raw field (or master column), its parse kind and the column unit."""

    name: str
    kind: str  # a FieldDef.type, or 'date'/'names'/'stock_codes'/'text' for master data
    unit: str  # unit of the cells when the header states none
    field_unit: str  # unit values are stored in
    signed: bool = False
    master: bool = False  # an Enterprise column (register only)
    raw: bool = True  # also a raw field (register's `industry` is both)
    bounds: tuple[float, float] = (-math.inf, math.inf)  # plausible values, in `field_unit`


@dataclass(frozen=True)
class Source:
    """A loaded mapping: key headers and a header → target lookup (normalized headers)."""

    key: str
    title: str
    file: str
    aliases: frozenset[str]
    uscc_headers: frozenset[str]
    name_headers: frozenset[str]
    year_headers: frozenset[str]
    targets: Mapping[str, Target]  # normalized header → target

    def match(self, header: str) -> tuple[Target, str] | None:
        """The target of a header and the unit it states ('' if none), or None if unknown."""
        norm = normalize_header(header)
        if norm in self.targets:
            return self.targets[norm], ""
        base, unit = split_unit(norm)
        if base != norm and base in self.targets:
            return self.targets[base], unit
        base, unit = split_unit(norm, known_only=False)  # "营业收入（美元）": a known column, a unit to refuse
        if base != norm and base in self.targets:
            return self.targets[base], unit
        return None


_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "：": ":"})
_UNIT_SUFFIX = re.compile(r"^(.+?)(?:\((?:单位:)?([^()]+)\)|单位:(.+))$")


_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
# Hints some forms put after a header: "高新技术企业（是/否）" means the same column.
_HINTS = frozenset({"是/否", "有/无", "y/n", "Y/N", "1/0", "0/1", "√/×", "填是或否", "必填", "选填"})


def normalize_header(header: object) -> str:
    """Full-width → half-width, no blanks or quotes, unified brackets, no leading '*' (required marks)."""
    text = unicodedata.normalize("NFKC", str(header or "")).translate(_BRACKETS)
    return _QUOTES.sub("", re.sub(r"\s+", "", text)).lstrip("*").rstrip(":")


def split_unit(norm: str, *, known_only: bool = True) -> tuple[str, str]:
    """'营业收入(万元)' → ('营业收入', '万元'); a suffix that is not a known unit is no unit
    (unless `known_only` is false: then any bracketed suffix is returned as the unit)."""
    m = _UNIT_SUFFIX.match(norm)
    if not m:
        return norm, ""
    unit = normalize_unit(m.group(2) or m.group(3) or "")
    if unit in _HINTS:
        return split_unit(m.group(1), known_only=known_only)
    return (m.group(1), unit) if unit in KNOWN_UNITS or not known_only else (norm, "")


def _problem(path: Path, where: str, problem: str) -> InvalidSourceMapping:
    return InvalidSourceMapping(problem, file=str(path), where=where)


def _target(name: str, spec: ColumnSpec, mapping: SourceMapping, registry: Mapping[str, FieldDef], path: Path) -> Target:
    field = registry.get(name)
    master = mapping.source == "register" and name in MASTER_COLUMNS
    if field is None and not master:
        hint = "（工商登记还可映射企业信息列：" + "、".join(MASTER_COLUMNS) + "）" if mapping.source == "register" else ""
        raise _problem(path, f"columns.{name}", f"未知的原始字段 {name}：不在 data/fields 的字段登记表中{hint}")
    if field is None:
        return Target(name, MASTER_COLUMNS[name], "", "", master=True, raw=False)
    unit = normalize_unit(spec.unit if spec.unit is not None else field.unit)
    if unit and field.unit in MONEY and unit not in MONEY:
        raise _problem(path, f"columns.{name}.unit", f"金额字段的单位只能是 元/千元/万元/亿元，实际为 {unit}")
    return Target(name, field.type, unit, field.unit, field.signed, master=master, raw=True, bounds=field.bounds)


def build_source(mapping: SourceMapping, *, path: Path, registry: Mapping[str, FieldDef]) -> Source:
    """Check a parsed mapping against the registry and build its header lookup."""
    if mapping.source not in SOURCES:
        raise _problem(path, "source", f"未知的数据来源 {mapping.source}；可用的来源：{', '.join(SOURCES)}")
    targets: dict[str, Target] = {}
    claimed: dict[str, str] = {}

    def claim(header: str, target: Target, where: str, *, generated: bool = False) -> None:
        norm = normalize_header(header)
        if norm in claimed and claimed[norm] != target.name:
            if generated:  # a hand-written header wins over one generated from the registry
                return
            raise _problem(path, where, f"表头“{header}”同时映射到 {claimed[norm]} 和 {target.name}")
        claimed[norm] = target.name
        targets[norm] = target

    keys = {normalize_header(h) for h in [*mapping.keys.uscc, *mapping.keys.name, *mapping.year]}
    for name, spec in mapping.columns.items():
        target = _target(name, spec, mapping, registry, path)
        for header in spec.headers:
            if normalize_header(header) in keys:
                raise _problem(path, f"columns.{name}", f"表头“{header}”已用作关键列（信用代码/名称/年度）")
            claim(header, target, f"columns.{name}")
    if mapping.columns_from_registry:
        for name, field in registry.items():
            target = _target(name, ColumnSpec(headers=[field.name]), mapping, registry, path)
            claim(field.name, target, f"字段 {name}", generated=True)
            if field.unit:
                claim(f"{field.name}（{field.unit}）", target, f"字段 {name}", generated=True)
    return Source(
        key=mapping.source, title=mapping.title, file=path.name,
        aliases=frozenset(normalize_header(a).lower() for a in [mapping.source, mapping.title, *mapping.aliases]),
        uscc_headers=frozenset(normalize_header(h) for h in mapping.keys.uscc),
        name_headers=frozenset(normalize_header(h) for h in mapping.keys.name),
        year_headers=frozenset(normalize_header(h) for h in mapping.year),
        targets=targets,
    )


def load_source(path: Path, *, registry: Mapping[str, FieldDef] | None = None) -> Source:
    """Read and validate one mapping file."""
    try:
        doc = load_yaml(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _problem(path, "", f"YAML 格式错误：{exc}") from None
    try:
        mapping = SourceMapping.model_validate(doc)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise _problem(path, "", problems) from None
    return build_source(mapping, path=path, registry=default_fields() if registry is None else registry)


def load_sources(folder: Path = SOURCES_DIR, *, registry: Mapping[str, FieldDef] | None = None) -> dict[str, Source]:
    """Every mapping in `folder`, by source key; two files for one source are refused."""
    out: dict[str, Source] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        src = load_source(path, registry=registry)
        if src.key in out:
            raise _problem(path, "source", f"数据来源 {src.key} 已在 {out[src.key].file} 中定义")
        out[src.key] = src
    return out


@cache
def default_sources() -> dict[str, Source]:
    """The mappings of this checkout's `data/sources`, read once per process."""
    return load_sources(SOURCES_DIR)


def resolve_source(name: str, sources: Mapping[str, Source] | None = None) -> Source:
    """A source by key ('tax') or Chinese title ('税务', '市场监管（工商登记）', '工商')."""
    table = default_sources() if sources is None else sources
    wanted = normalize_header(name).lower()
    for src in table.values():
        if wanted in src.aliases or wanted == normalize_header(SOURCES.get(src.key, "")):
            return src
    valid = "、".join(f"{s.key}（{s.title}）" for s in table.values())
    raise UnknownSource(f"未知的数据来源“{name}”；可用的来源：{valid}")
