"""What changed between two versions of an indicator system (`innopoints systems diff`).

Changes are found on the definitions themselves and said in words for officials: formulas with
the fields' Chinese names, rules without `inf`, weights per stage, categories by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scoring.systems.schema import SOURCES, STAGES, Category, Indicator, IndicatorSystem, StageRule
from scoring.systems.words import default_formula_words, number

_LABELS = {
    "name": "名称", "category": "类别", "unit": "单位", "source": "数据来源", "formula": "公式",
    "direction": "方向", "rule": "计分规则", "weights": "权重", "bonus": "加分项", "missing": "缺失处理",
}
_DIRECTIONS = {"higher": "越大越好", "lower": "越小越好"}
MISSING_WORDS = {"zero": "按 0 分计", "cohort_min": "按同阶段最低水平计", "cohort_median": "按同阶段中位水平计"}


@dataclass
class SystemDiff:
    """Added, removed and changed indicators, categories and stage rules."""

    old: str
    new: str
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    category_names: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": self.old, "new": self.new, "added": self.added, "removed": self.removed,
            "changed": self.changed, "categories": self.categories, "stages": self.stages,
        }

    def lines(self) -> list[str]:
        """A Chinese, line-by-line rendering."""
        def cat(code: str) -> str:
            return self.category_names.get(code, code)

        out = [f"指标体系 {self.old} → {self.new}"]
        out += [f"+ 新增 {a['code']} {a['name']}（{cat(a['category'])}）" for a in self.added]
        out += [f"- 删除 {r['code']} {r['name']}（{cat(r['category'])}）" for r in self.removed]
        for c in self.changed:
            for key, (before, after) in c["fields"].items():
                out.append(f"~ {c['code']} {c['name']} 的{_LABELS[key]}：{before} → {after}")
        out += [f"~ 类别：{line}" for line in self.categories]
        out += [f"~ 阶段规则：{line}" for line in self.stages]
        if len(out) == 1:
            out.append("（没有差异）")
        return out


def weights_words(ind: Indicator) -> str:
    """`初创期 1.5，成长期 1.3，发展期 1.2，成熟期 1`, or `各阶段 0.8` when they are equal."""
    values = [ind.weight(s) for s in STAGES]
    if len(set(values)) == 1:
        return f"各阶段 {number(values[0])}"
    return "，".join(f"{label} {number(w)}" for label, w in zip(STAGES.values(), values, strict=True))


def stage_rule_words(rule: StageRule) -> str:
    """`成熟期：成立年限 ≥ 10年 且 营业收入 ≥ 20000万元`; the catch-all reads `其余企业`."""
    when = "其余企业" if rule.when.strip().lower() == "true" else default_formula_words(rule.when)
    return f"{STAGES[rule.stage]}：{when}"


def _indicator_words(ind: Indicator, key: str, category: Callable[[str], str]) -> str:
    value = getattr(ind, key)
    if key == "formula":
        return default_formula_words(value)
    if key == "rule":
        return str(ind.rule.describe(unit=ind.unit))
    if key == "weights":
        return weights_words(ind)
    if key == "category":
        return category(value)
    if key == "source":
        return SOURCES.get(value, value)
    if key == "direction":
        return _DIRECTIONS.get(value, value)
    if key == "missing":
        return MISSING_WORDS[value] if value else "按体系默认"
    if key == "bonus":
        return "是" if value else "否"
    if key == "unit":
        return value or "无"
    return str(value)


def _category_words(cat: Category) -> str:
    how = "求和" if cat.aggregate == "sum" else "取最高的一项"
    return f"{cat.name}（满分 {number(cat.max_points)} 分，{how}）"


def diff_systems(old: IndicatorSystem, new: IndicatorSystem) -> SystemDiff:
    """Compare two versions indicator by indicator (matched by code)."""
    names = {c.code: c.name for c in old.categories} | {c.code: c.name for c in new.categories}
    d = SystemDiff(old=old.version, new=new.version, category_names=names)

    def category(code: str) -> str:
        return names.get(code, code)

    a, b = old.by_code, new.by_code
    for code in sorted(b.keys() - a.keys()):
        d.added.append({"code": code, "name": b[code].name, "category": b[code].category})
    for code in sorted(a.keys() - b.keys()):
        d.removed.append({"code": code, "name": a[code].name, "category": a[code].category})
    for code in sorted(a.keys() & b.keys()):
        fields = {}
        for key in _LABELS:
            if _same(getattr(a[code], key), getattr(b[code], key)):
                continue
            fields[key] = (_indicator_words(a[code], key, category), _indicator_words(b[code], key, category))
        if fields:
            d.changed.append({"code": code, "name": b[code].name, "fields": fields})
    ca, cb = old.category_by_code, new.category_by_code
    for code in sorted(ca.keys() | cb.keys()):
        if code in ca and code in cb and _same(ca[code], cb[code]):
            continue
        before = _category_words(ca[code]) if code in ca else "（无）"
        after = _category_words(cb[code]) if code in cb else "（无）"
        d.categories.append(f"{before} → {after}")
    if not _same(old.stages, new.stages):
        d.stages.append(f"{'；'.join(map(stage_rule_words, old.stages))} → {'；'.join(map(stage_rule_words, new.stages))}")
    return d


def _same(x: Any, y: Any) -> bool:
    """Equal definitions: compared as data, not as wording."""
    return bool(_plain(x) == _plain(y))


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
