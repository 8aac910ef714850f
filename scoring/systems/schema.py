"""Indicator systems as data: the pydantic models a system file is validated into.

The file format is described in `data/indicator_systems/FORMAT.md`. Models forbid unknown keys,
so a misspelt key is an error, not a silently ignored setting. Cross-checks that need the whole
file (formulas against the field registry, weight sums, cycles) live in `scoring.systems.loader`.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from scoring.systems.choice import Choice
from scoring.systems.labels import SOURCES, STAGES  # noqa: F401  (SOURCES: importers read it here)
from scoring.systems.rules import RuleParams, parse_rule

Stage = Literal["startup", "growth", "development", "mature"]
# A `{field}` placeholder in a stage rule's Chinese reason, filled with the field's value.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MissingPolicy = Literal["zero", "cohort_min", "cohort_median"]
# What a system's runs are: the zone's yearly points, or an official evaluation (科技型中小企业评价,
# 高新技术企业认定) whose runs are kept beside the zone's points and never replace them.
SystemKind = Literal["zone", "evaluation"]
FieldType = Literal["amount", "count", "ratio", "flag", "points", "years", "text"]
Source = Literal[
    "register", "tax", "ip", "hr", "cert", "stats", "credit", "finance", "self_report", "review"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Plausibility bounds of a field that states none (`min`/`max` in its unit): values no enterprise
# of a zone can reach, so that only typos and unit slips are refused. The largest Chinese companies
# book about 3 × 10¹² 元 a year and employ about 1.5 million people.
MAX_AMOUNT_YUAN = 1e13  # 10 万亿元
YUAN_PER_UNIT = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
DEFAULT_MAX: dict[str, float] = {"amount": MAX_AMOUNT_YUAN, "count": 1e7, "years": 200, "points": 1000, "flag": 1}


class FieldDef(_Model):
    """A raw field: what it is, its unit and type, the source that owns it, and the range of
    plausible values (`min`/`max` in its unit; defaults by type, see `bounds`)."""

    name: str
    unit: str = ""
    type: FieldType
    source: Source
    signed: bool = False
    description: str = ""
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _finite_bounds(self) -> FieldDef:
        for bound in (self.min, self.max):
            if bound is not None and not math.isfinite(bound):
                raise ValueError(f"min/max 必须是有限的数：{bound}")
        low, high = self.bounds
        if low > high:
            raise ValueError(f"min（{low}）大于 max（{high}）")
        return self

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def bounds(self) -> tuple[float, float]:
        """The plausible range of a value in the field's unit; ±inf for text."""
        if self.type == "text":
            return -math.inf, math.inf
        if self.max is not None:
            high = self.max
        elif self.type == "ratio" or self.unit == "%":
            high = 100.0 if self.unit == "%" else 1.0
        elif self.type == "amount":
            high = MAX_AMOUNT_YUAN / YUAN_PER_UNIT.get(self.unit, 1.0)
        else:
            high = DEFAULT_MAX[self.type]
        if self.min is not None:
            return self.min, high
        return (-high if self.signed or self.type == "points" else 0.0), high


class StageRule(_Model):
    """One row of the stage table: a stage, its condition and the reason shown for it."""

    stage: Stage
    when: str
    reason: str = ""


class Category(_Model):
    """A first-level category (一级类别) with its maximum points."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    max_points: Annotated[float, Field(gt=0)]
    aggregate: Literal["sum", "max"] = "sum"
    choice: Choice | None = None  # with `max`: the alternative the enterprise declares counts
    description: str = ""


def _weights(v: Any) -> Any:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return dict.fromkeys(STAGES, v)
    return v


class Indicator(_Model):
    """An indicator: its definition, formula, rule and per-stage weights."""

    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")]
    name: str
    aliases: list[str] = []
    category: str
    unit: str = ""
    source: Source
    description: str = ""
    formula: str
    direction: Literal["higher", "lower"] = "higher"
    rule: Annotated[RuleParams, BeforeValidator(parse_rule)]
    weights: Annotated[dict[Stage, Annotated[float, Field(ge=0)]], BeforeValidator(_weights)]
    bonus: bool = False
    missing: MissingPolicy | None = None

    @property
    def is_deduction(self) -> bool:
        return self.rule.kind == "deduction"

    def weight(self, stage: str) -> float:
        """Points at stake for an enterprise of this stage (0 if the stage is not weighted)."""
        # typeshed's dict.get wants the key type (a Stage literal); any str looks up safely.
        return self.weights.get(stage, 0.0)  # type: ignore[call-overload]

    def exact_weight(self, stage: str) -> Fraction:
        return Fraction(repr(float(self.weight(stage))))


class Condition(_Model):
    """A named condition of a verdict."""

    name: str
    when: str


class Verdict(_Model):
    """A system-level verdict: all requirements, then the first route that holds."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    requires: list[Condition] = []
    routes: Annotated[list[Condition], Field(min_length=1)]


class IndicatorSystem(_Model):
    """One version of an indicator system, as validated from its file."""

    version: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
    name: str
    year: Annotated[int, Field(ge=1990, le=2100)]
    kind: SystemKind = "zone"
    description: str = ""
    missing: MissingPolicy = "zero"
    stages: Annotated[list[StageRule], Field(min_length=1)]
    categories: Annotated[list[Category], Field(min_length=1)]
    indicators: Annotated[list[Indicator], Field(min_length=1)]
    verdicts: list[Verdict] = []

    @cached_property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def category_by_code(self) -> dict[str, Category]:
        return {c.code: c for c in self.categories}

    @cached_property
    def category_members(self) -> list[tuple[Category, list[int], list[int], list[int]]]:
        """Per category: positions of its regular, bonus and deduction indicators."""
        out = []
        for cat in self.categories:
            members = [(k, i) for k, i in enumerate(self.indicators) if i.category == cat.code]
            out.append((
                cat,
                [k for k, i in members if not i.is_deduction and not i.bonus],
                [k for k, i in members if i.bonus],
                [k for k, i in members if i.is_deduction],
            ))
        return out

    @property
    def max_total(self) -> float:
        """The points scale: the sum of the category maxima."""
        return sum(c.max_points for c in self.categories)

    def as_json(self) -> dict[str, Any]:
        """The whole definition as JSON data, each rule with its own parameters.

        `model_dump` alone would keep only `kind` of each rule: the field is typed as the base rule.
        """
        data = self.model_dump(mode="json")
        for item, ind in zip(data["indicators"], self.indicators, strict=True):
            item["rule"] = ind.rule.model_dump(mode="json", exclude_none=True)
        return data

    def indicators_of(self, category: str) -> list[Indicator]:
        """The indicators of one category, in file order."""
        return [i for i in self.indicators if i.category == category]

    def find_indicator(self, text: str) -> Indicator | None:
        """An indicator by code, name or alias (exact match)."""
        key = text.strip()
        for ind in self.indicators:
            if key in (ind.code, ind.name) or key in ind.aliases:
                return ind
        return None
