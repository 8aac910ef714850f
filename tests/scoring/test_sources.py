"""Source mappings: coverage of the field registry, header matching, and refusal of broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scoring.engine.inputs import needed_fields
from scoring.ingest.sources import (
    SOURCES_DIR,
    InvalidSourceMapping,
    UnknownSource,
    default_sources,
    load_source,
    normalize_header,
    resolve_source,
    split_unit,
)
from scoring.systems.fields import SYSTEMS_DIR, default_fields
from scoring.systems.loader import load_system
from scoring.systems.schema import SOURCES

REGISTRY = default_fields()
OWNERS = {spec.source for spec in REGISTRY.values()}


def test_one_mapping_per_owner_source() -> None:
    sources = default_sources()
    assert OWNERS <= set(sources) <= set(SOURCES)
    for key, src in sources.items():
        assert (SOURCES_DIR / f"{key}.yaml").exists() and src.file == f"{key}.yaml"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_field_is_mapped_by_its_owner_source(name: str) -> None:
    spec = REGISTRY[name]
    src = default_sources()[spec.source]
    assert any(t.name == name for t in src.targets.values()), f"{spec.source}.yaml 没有映射 {name}"
    assert src.match(spec.name) is not None  # its registry name is always a header


@pytest.mark.parametrize("version", ["v1.0", "v1.1"])
def test_zone_systems_are_covered(version: str) -> None:
    system = load_system(SYSTEMS_DIR / f"{version}.yaml")
    sources = default_sources()
    for name in needed_fields(system):
        owner = REGISTRY[name].source
        assert any(t.name == name for t in sources[owner].targets.values()), (version, name)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_self_report_accepts_every_registry_name_and_unit(name: str) -> None:
    spec = REGISTRY[name]
    src = default_sources()["self_report"]
    header = f"{spec.name}（{spec.unit}）" if spec.unit else spec.name
    for h in {spec.name, header}:
        hit = src.match(h)
        assert hit is not None and hit[0].name == name, h


@pytest.mark.parametrize(("source", "header", "field", "unit"), [
    ("tax", "营业收入", "revenue", ""),
    ("tax", "营业总收入", "revenue", ""),
    ("tax", "主营业务收入（万元）", "revenue", "万元"),
    ("tax", "营业收入(元)", "revenue", "元"),
    ("tax", "营业收入 单位：亿元", "revenue", "亿元"),
    ("tax", "*营业收入", "revenue", ""),
    ("tax", "纳税信用等级（A/B/M/C/D）", "tax_credit_grade", ""),
    ("hr", "参保人数（人）", "staff_total", "人"),
    ("cert", "专精特新“小巨人”企业", "little_giant", ""),
    ("cert", "高新技术企业（是/否）", "hte_certified", ""),
    ("ip", "有效发明专利数（件）", "invention_patents_valid", "件"),
    ("register", "成立日期", "founding_date", ""),
    ("register", "曾用名", "former_names", ""),
    ("register", "其他名称", "aliases", ""),
    ("register", "品牌", "aliases", ""),
    ("register", "英文缩写", "aliases", ""),
    ("register", "股票代码", "stock_codes", ""),
    ("register", "证券代码", "stock_codes", ""),
    ("register", "股票简称", "stock_names", ""),
    ("register", "证券简称", "stock_names", ""),
    ("stats", "新产品销售收入（千元）", "new_product_revenue", "千元"),
])
def test_header_variants(source: str, header: str, field: str, unit: str) -> None:
    hit = default_sources()[source].match(header)
    assert hit is not None and (hit[0].name, hit[1]) == (field, unit)


def test_tax_exports_are_in_yuan_by_default() -> None:
    target, _ = default_sources()["tax"].match("营业收入")  # type: ignore[misc]
    assert (target.unit, target.field_unit) == ("元", "万元")


def test_key_headers() -> None:
    tax = default_sources()["tax"]
    for h in ["统一社会信用代码", "社会信用代码", "纳税人识别号", "信用代码"]:
        assert normalize_header(h) in tax.uscc_headers
    for h in ["企业名称", "纳税人名称", "单位名称"]:
        assert normalize_header(h) in tax.name_headers


def test_split_unit_only_takes_units() -> None:
    assert split_unit(normalize_header("营业收入（万元）")) == ("营业收入", "万元")
    assert split_unit(normalize_header("院士（专家）工作站")) == ("院士(专家)工作站", "")


@pytest.mark.parametrize(("name", "key"), [
    ("tax", "tax"), ("税务", "tax"), ("工商", "register"), ("市场监管（工商登记）", "register"),
    ("企业填报", "self_report"), ("知识产权", "ip"), ("社保/人社", "hr"), ("火炬统计", "stats"), ("TAX", "tax"),
])
def test_resolve_source(name: str, key: str) -> None:
    assert resolve_source(name).key == key


def test_unknown_source_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownSource, match="可用的来源：.*tax（税务）"):
        resolve_source("海关")


def _write(tmp_path: Path, doc: dict[str, object]) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


BASE = {"source": "tax", "title": "税务", "keys": {"uscc": ["统一社会信用代码"]}}


@pytest.mark.parametrize(("change", "message"), [
    ({"columns": {"no_such_field": {"headers": ["某列"]}}}, "未知的原始字段 no_such_field"),
    ({"columns": {"revenue": {"headers": ["收入"]}, "rd_expense": {"headers": ["收入"]}}}, "表头“收入”同时映射到 (revenue 和 rd_expense|rd_expense 和 revenue)"),
    ({"columns": {"revenue": {"headers": ["统一社会信用代码"]}}}, "已用作关键列"),
    ({"columns": {"revenue": {"headers": ["营业收入"], "unit": "人"}}}, "金额字段的单位只能是"),
    ({"source": "customs"}, "未知的数据来源 customs"),
    ({"colums": {}}, "colums"),
    ({"columns": {"founding_date": {"headers": ["成立日期"]}}}, "未知的原始字段 founding_date"),
])
def test_broken_mappings_are_refused(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = _write(tmp_path, {**BASE, **change})
    with pytest.raises(InvalidSourceMapping, match=message) as exc:
        load_source(path)
    assert str(path) in str(exc.value)


def test_register_may_map_master_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, {**BASE, "source": "register", "columns": {"founding_date": {"headers": ["成立日期"]}}})
    target, _ = load_source(path).match("成立日期")  # type: ignore[misc]
    assert target.master and target.kind == "date"
