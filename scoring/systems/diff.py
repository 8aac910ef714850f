"""What changed between two versions of an indicator system (`innopoints systems diff`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.systems.rules import RuleParams
from scoring.systems.schema import IndicatorSystem

_COMPARED = ("name", "category", "unit", "source", "formula", "direction", "rule", "weights", "bonus", "missing")
_LABELS = {
    "name": "名称", "category": "类别", "unit": "单位", "source": "数据来源", "formula": "公式",
    "direction": "方向", "rule": "计分规则", "weights": "权重", "bonus": "加分项", "missing": "缺失处理",
}


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": self.old, "new": self.new, "added": self.added, "removed": self.removed,
            "changed": self.changed, "categories": self.categories, "stages": self.stages,
        }

    def lines(self) -> list[str]:
        """A Chinese, line-by-line rendering."""
        out = [f"指标体系 {self.old} → {self.new}"]
        out += [f"+ 新增 {a['code']} {a['name']}（{a['category']}）" for a in self.added]
        out += [f"- 删除 {r['code']} {r['name']}（{r['category']}）" for r in self.removed]
        for c in self.changed:
            for key, (before, after) in c["fields"].items():
                out.append(f"~ {c['code']} {c['name']} 的{_LABELS[key]}：{before} → {after}")
        out += [f"~ 类别：{line}" for line in self.categories]
        out += [f"~ 阶段规则：{line}" for line in self.stages]
        if len(out) == 1:
            out.append("（没有差异）")
        return out


def _dump(value: Any) -> str:
    if isinstance(value, RuleParams):
        return value.describe()
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_dump(v)}" for k, v in value.items() if v is not None) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    return str(value)


def diff_systems(old: IndicatorSystem, new: IndicatorSystem) -> SystemDiff:
    """Compare two versions indicator by indicator (matched by code)."""
    d = SystemDiff(old=old.version, new=new.version)
    a, b = old.by_code, new.by_code
    for code in sorted(b.keys() - a.keys()):
        d.added.append({"code": code, "name": b[code].name, "category": b[code].category})
    for code in sorted(a.keys() - b.keys()):
        d.removed.append({"code": code, "name": a[code].name, "category": a[code].category})
    for code in sorted(a.keys() & b.keys()):
        fields = {}
        for key in _COMPARED:
            before, after = _dump(getattr(a[code], key)), _dump(getattr(b[code], key))
            if before != after:
                fields[key] = (before, after)
        if fields:
            d.changed.append({"code": code, "name": b[code].name, "fields": fields})
    ca, cb = old.category_by_code, new.category_by_code
    for code in sorted(ca.keys() | cb.keys()):
        before = _dump(ca[code]) if code in ca else "（无）"
        after = _dump(cb[code]) if code in cb else "（无）"
        if before != after:
            d.categories.append(f"{code}：{before} → {after}")
    sa = [_dump(s) for s in old.stages]
    sb = [_dump(s) for s in new.stages]
    if sa != sb:
        d.stages.append(f"{'；'.join(sa)} → {'；'.join(sb)}")
    return d
