"""Rule kinds: pure, vectorized functions from an indicator's values to normalized scores.

Every rule turns the formula values of all enterprises into `normalized` (0–1; −1–0 for
deductions) and, where it has bands, the band each enterprise fell into. Cohort rules
(percentile, min–max) look only at the enterprise's own stage cohort. The registry `RULES` maps a
kind to its parameter model; an unknown kind is refused with the list of valid ones. Each kind
says itself in words for officials (`describe`), without `inf` or parameter names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from scoring.errors import ExpressionError, InputProblem, InvalidInput, UnknownRule
from scoring.systems.words import default_formula_words, number, range_words

# rows → (numerators, denominators, missing): exact values of a formula (see scoring.formula.exact)
ExactRows = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


# ----------------------------------------------------------------------------- intervals
_RANGE = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^\]\s)]+)\s*([\])])\s*$")


@dataclass(frozen=True)
class Interval:
    """A value range with each edge stated inclusive or exclusive; None = unbounded."""

    lo: Fraction | None
    hi: Fraction | None
    lo_closed: bool
    hi_closed: bool
    text: str

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Parse "[0.05, 0.1)", "(-inf, 0]", "[30, inf)"."""
        m = _RANGE.match(str(text))
        if not m:
            raise ValueError(f"区间“{text}”格式不对，应写成 [下限, 上限) 这样，端点用 [ ] 表示含、( ) 表示不含")
        lo_b, lo_s, hi_s, hi_b = m.groups()
        lo, hi = _bound(lo_s, text), _bound(hi_s, text)
        if lo_s.strip() in ("inf", "+inf") or hi_s.strip() == "-inf":
            raise ValueError(f"区间“{text}”的上下限写反了")
        if lo is None and lo_b == "[" or hi is None and hi_b == "]":
            raise ValueError(f"区间“{text}”：无穷端点只能是开区间")
        if lo is not None and hi is not None and (lo > hi or lo == hi and not (lo_b == "[" and hi_b == "]")):
            raise ValueError(f"区间“{text}”是空的")
        return cls(lo, hi, lo_b == "[", hi_b == "]", str(text).strip())

    def contains(self, x: Fraction) -> bool:
        """Exact membership test."""
        if self.lo is not None and (x < self.lo or x == self.lo and not self.lo_closed):
            return False
        if self.hi is not None and (x > self.hi or x == self.hi and not self.hi_closed):
            return False
        return True

    def contains_exact(self, num: np.ndarray, den: np.ndarray) -> np.ndarray:
        """Membership of exact fractions num/den (object arrays of ints, den > 0)."""
        ok = np.ones(num.shape[0], dtype=bool)
        if self.lo is not None:
            s = np.sign((num * self.lo.denominator - self.lo.numerator * den).astype(float))
            ok &= (s >= 0) if self.lo_closed else (s > 0)
        if self.hi is not None:
            s = np.sign((num * self.hi.denominator - self.hi.numerator * den).astype(float))
            ok &= (s <= 0) if self.hi_closed else (s < 0)
        return ok

    def words(self, unit: str = "") -> str:
        """The range for people: `≥ 5 %`, `≥ 1 且 < 3`, `1–2人` (see `scoring.systems.words`)."""
        return range_words(self.lo, self.hi, lo_closed=self.lo_closed, hi_closed=self.hi_closed, unit=unit)

    def mask(self, v: np.ndarray) -> np.ndarray:
        """Float membership test (exact for values not near an edge)."""
        ok = ~np.isnan(v)
        with np.errstate(invalid="ignore"):
            if self.lo is not None:
                ok &= (v >= float(self.lo)) if self.lo_closed else (v > float(self.lo))
            if self.hi is not None:
                ok &= (v <= float(self.hi)) if self.hi_closed else (v < float(self.hi))
        return ok


def _bound(s: str, text: str) -> Fraction | None:
    s = s.strip()
    if s in ("inf", "+inf", "-inf"):
        return None
    try:
        return Fraction(s)
    except ValueError:
        raise ValueError(f"区间“{text}”的端点“{s}”不是数") from None


def check_contiguous(intervals: Sequence[Interval]) -> None:
    """Refuse bands that overlap or leave a gap between them."""
    order = sorted(intervals, key=lambda iv: (-math.inf if iv.lo is None else iv.lo))
    for a, b in pairwise(order):
        if a.hi is None or b.lo is None or a.hi > b.lo:
            raise ValueError(f"分档 {a.text} 与 {b.text} 重叠")
        if a.hi < b.lo:
            raise ValueError(f"分档 {a.text} 与 {b.text} 之间有空隙")
        if a.hi_closed and b.lo_closed:
            raise ValueError(f"分档 {a.text} 与 {b.text} 在 {a.hi} 处重叠（两边都含端点）")
        if not a.hi_closed and not b.lo_closed:
            raise ValueError(f"分档 {a.text} 与 {b.text} 之间漏掉了 {a.hi} 这个点")


def _interval(v: Any) -> Interval:
    return v if isinstance(v, Interval) else Interval.parse(v)


# In JSON a range is written as in the file ("[0.05, inf)"): `--json` and the API can be read
# back as a system file.
IntervalField = Annotated[Interval, BeforeValidator(_interval), PlainSerializer(lambda iv: iv.text, return_type=str, when_used="json")]


# ----------------------------------------------------------------------------- context
@dataclass
class RuleInput:
    """Everything a rule sees: values of every enterprise and the stage cohorts."""

    values: np.ndarray  # float64, NaN = missing
    cohorts: list[np.ndarray]  # row indices of each stage cohort
    higher_is_better: bool = True
    exact: ExactRows | None = None  # exact values of some rows; None: the float is exact
    zero_exact: bool = False  # a float 0 is a true 0 (see scoring.formula.expr.zero_faithful)
    basis: np.ndarray | None = None  # the basis expression of an `input` rule
    basis_exact: ExactRows | None = None
    row_names: Sequence[str] | np.ndarray = ()
    indicator: str = ""


@dataclass
class RuleOutput:
    normalized: np.ndarray
    band: np.ndarray | None = None  # index of the band each row fell into, −1 for none


class RuleParams(BaseModel):
    """Parameters common to every rule kind."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    kind: str
    uses_cohort: ClassVar[bool] = False

    def apply(self, inp: RuleInput) -> RuleOutput:
        raise NotImplementedError

    def max_points(self) -> float:
        """The rule's own scale (what `normalized = 1` means in points of the rule)."""
        return 1.0

    def prepare(
        self, values: np.ndarray, *, row_names: Sequence[str] | np.ndarray = (), indicator: str = ""
    ) -> np.ndarray:
        """The formula's values as this rule scores them: numbers, unchanged (`levels` reads text)."""
        return values

    def describe(self, *, unit: str = "") -> str:
        """The rule in one line, in words, in the rule's own points (`unit`: the formula's)."""
        params = self.model_dump(exclude={"kind"}, exclude_none=True)
        inner = "，".join(f"{k} {_short(v)}" for k, v in params.items())
        return f"{RULE_NAMES.get(self.kind, self.kind)}" + (f"（{inner}）" if inner else "")


def _short(v: Any) -> str:
    if isinstance(v, Interval):
        return v.words()
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_short(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_short(x) for x in v) + "]"
    if isinstance(v, float):
        return number(v)
    return str(v)


RULE_NAMES = {
    "percentile": "阶段内百分位",
    "minmax": "阶段内最小–最大归一",
    "bands": "分档",
    "yesno": "是/否",
    "linear": "线性封顶",
    "input": "评审给分",
    "deduction": "扣分",
    "levels": "按等级",
}


def snap(v: np.ndarray) -> np.ndarray:
    """Round to 12 significant digits so that equal decimals tie despite float noise."""
    out = v.copy()
    ok = np.isfinite(out) & (out != 0)
    mag = np.floor(np.log10(np.abs(out[ok])))
    scale = 10.0 ** (11 - mag)
    out[ok] = np.round(out[ok] * scale) / scale
    return out


# ----------------------------------------------------------------------------- kinds
class Percentile(RuleParams):
    """Share of the stage cohort whose value is strictly worse (top → 1)."""

    kind: Literal["percentile"]
    uses_cohort: ClassVar[bool] = True

    def describe(self, *, unit: str = "") -> str:
        return "同阶段百分位：得分率为同阶段企业中数值比它差的企业所占比例（最好者得满分）"

    def apply(self, inp: RuleInput) -> RuleOutput:
        v = inp.values if inp.higher_is_better else -inp.values
        if inp.exact is not None:  # a computed value: equal decimals must tie
            v = snap(v)
        out = np.full(v.shape, np.nan)
        for rows in inp.cohorts:
            present = rows[~np.isnan(v[rows])]
            if present.size == 0:
                continue
            if present.size == 1:
                out[present] = 1.0
                continue
            out[present] = strictly_below(v[present]) / (present.size - 1)
        return RuleOutput(out)


def strictly_below(vals: np.ndarray) -> np.ndarray:
    """For each value, how many values are strictly smaller (ties share the count)."""
    order = np.argsort(vals)  # ties get the same count whatever their order: no stable sort needed
    s = vals[order]
    new_run = np.empty(s.size, dtype=bool)
    new_run[0] = True
    np.not_equal(s[1:], s[:-1], out=new_run[1:])
    starts = np.flatnonzero(new_run)
    counts = starts[np.cumsum(new_run) - 1]
    out = np.empty(s.size, dtype=np.int64)
    out[order] = counts
    return out


class MinMax(RuleParams):
    """(x − min) / (max − min) over the stage cohort; all equal → 0."""

    kind: Literal["minmax"]
    uses_cohort: ClassVar[bool] = True

    def describe(self, *, unit: str = "") -> str:
        return "同阶段最小–最大值：得分率 = (数值 − 同阶段最差值) ÷ (同阶段最好值 − 同阶段最差值)"

    def apply(self, inp: RuleInput) -> RuleOutput:
        v = snap(inp.values) if inp.exact is not None else inp.values
        out = np.full(v.shape, np.nan)
        for rows in inp.cohorts:
            sub = v[rows]
            ok = ~np.isnan(sub)
            if not ok.any():
                continue
            lo, hi = sub[ok].min(), sub[ok].max()
            if hi == lo:
                out[rows[ok]] = 0.0
                continue
            frac = (sub[ok] - lo) / (hi - lo)
            out[rows[ok]] = frac if inp.higher_is_better else 1.0 - frac
        return RuleOutput(out)


class Band(BaseModel):
    """One band: a range of values and the points it gives."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    range: IntervalField
    points: float


def _classify(
    intervals: Sequence[Interval],
    v: np.ndarray,
    exact: ExactRows | None,
    zero_exact: bool = False,
) -> np.ndarray:
    """Index of the interval each value falls in (−1: missing or outside), exact at edges."""
    band = np.full(v.shape, -1, dtype=np.int16)
    for i, iv in enumerate(intervals):
        band[iv.mask(v)] = i
    if exact is None:
        return band
    edges = sorted({float(e) for iv in intervals for e in (iv.lo, iv.hi) if e is not None})
    if not edges:
        return band
    e = np.asarray(edges)
    pos = np.clip(np.searchsorted(e, v), 0, len(e) - 1)
    nearest = np.minimum(np.abs(v - e[pos]), np.abs(v - e[np.maximum(pos - 1, 0)]))
    with np.errstate(invalid="ignore"):
        near = nearest <= 1e-9 * np.maximum(np.abs(v), 1e-300)
    if zero_exact:
        near &= v != 0
    rows = np.flatnonzero(near)
    if rows.size:
        num, den, missing = exact(rows)
        fixed = np.full(rows.size, -1, dtype=np.int16)
        for i, iv in enumerate(intervals):
            fixed[iv.contains_exact(num, den) & ~missing & (fixed < 0)] = i
        band[rows] = fixed
    return band


class Bands(RuleParams):
    """Value ranges → points; normalized = points / the largest band points."""

    kind: Literal["bands"]
    bands: list[Band]

    @field_validator("bands")
    @classmethod
    def _contiguous(cls, bands: list[Band]) -> list[Band]:
        if len(bands) < 2:
            raise ValueError("分档规则至少要有两档")
        check_contiguous([b.range for b in bands])
        if max(b.points for b in bands) <= 0:
            raise ValueError("分档规则中至少一档的分值要大于 0")
        return bands

    def max_points(self) -> float:
        return max(b.points for b in self.bands)

    def describe(self, *, unit: str = "") -> str:
        steps = "；".join(f"{b.range.words(unit)} 得 {number(b.points)} 分" for b in self.bands)
        return f"分档：{steps}（满档 {number(self.max_points())} 分）"

    def apply(self, inp: RuleInput) -> RuleOutput:
        band = _classify([b.range for b in self.bands], inp.values, inp.exact, inp.zero_exact)
        pts = np.array([b.points for b in self.bands] + [np.nan])
        normalized = pts[np.where(band < 0, len(self.bands), band)] / self.max_points()
        # A value outside every band (e.g. a negative count) scores 0 but is not missing.
        normalized[(band < 0) & ~np.isnan(inp.values)] = 0.0
        return RuleOutput(normalized, band)


class YesNo(RuleParams):
    """A condition: yes → 1, no → 0."""

    kind: Literal["yesno"]

    def describe(self, *, unit: str = "") -> str:
        return "是/否：满足得满分，不满足得 0 分"

    def apply(self, inp: RuleInput) -> RuleOutput:
        v = inp.values
        return RuleOutput(np.where(np.isnan(v), np.nan, (v != 0).astype(float)))


class _PerUnitCapped(RuleParams):
    """Shared by linear and deduction rules: x × per_unit points, at most `cap`."""

    per_unit: float
    cap: float
    sign: ClassVar[float] = 1.0

    @model_validator(mode="after")
    def _positive(self) -> _PerUnitCapped:
        if self.per_unit <= 0 or self.cap <= 0:
            raise ValueError(f"{RULE_NAMES[self.kind]}规则的 per_unit 与 cap 都必须大于 0")
        return self

    def max_points(self) -> float:
        return self.cap

    def apply(self, inp: RuleInput) -> RuleOutput:
        v = inp.values
        with np.errstate(invalid="ignore"):
            raw = self.sign * np.clip(v * self.per_unit, 0.0, self.cap) / self.cap
        return RuleOutput(np.where(np.isnan(v), np.nan, raw))


class Linear(_PerUnitCapped):
    """min(x × per_unit, cap) / cap: e.g. 1 point per patent, at most 5."""

    kind: Literal["linear"]

    def describe(self, *, unit: str = "") -> str:
        each = f"每{unit}" if unit and unit != "%" else "数值每 1"
        return f"线性：{each}得 {number(self.per_unit)} 分，最多 {number(self.cap)} 分"


class Deduction(_PerUnitCapped):
    """Negative points: −min(events × per_unit, cap) / cap."""

    kind: Literal["deduction"]
    sign: ClassVar[float] = -1.0

    def describe(self, *, unit: str = "") -> str:
        if self.per_unit >= self.cap:
            return "扣分：发生即扣满（扣分额见权重）"
        each = f"每{unit}" if unit and unit != "%" else "每次"
        return f"扣分：{each}扣 {number(self.per_unit)} 分，最多扣 {number(self.cap)} 分（按权重折算）"


class AllowedBand(BaseModel):
    """A basis range and the points an assessor may give within it."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    range: IntervalField
    allowed: tuple[float, float]


class Grade(BaseModel):
    """One expert grade: the texts that name it (A, 高) and the points an assessor may give in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    values: Annotated[list[str], Field(min_length=1)]
    allowed: tuple[float, float]

    @property
    def label(self) -> str:
        return "/".join(self.values)


def grade_key(text: object) -> str:
    """A grade as written compared loosely: blanks around it and the letter's case do not matter."""
    return str(text).strip().upper()


class Input(RuleParams):
    """Points supplied as input (expert-assigned), checked against the allowed range.

    The range is fixed (`range`), set by the band of a number (`basis` + `bands`, e.g. a growth
    rate) or by the grade the expert gave (`basis` naming a text field + `grades`: A → 7–8 …);
    `ungraded` is the range when no grade was given (None: points without a grade are refused).
    """

    kind: Literal["input"]
    range: tuple[float, float] | None = None
    basis: str | None = None
    bands: list[AllowedBand] | None = None
    grades: list[Grade] | None = None
    ungraded: tuple[float, float] | None = None
    default: Literal["low", "high", "missing"] = "missing"

    @model_validator(mode="after")
    def _shape(self) -> Input:
        if sum(x is not None for x in (self.range, self.bands, self.grades)) != 1:
            raise ValueError(
                "输入分值规则须给出 range（固定范围）、basis + bands（按档位的范围）或 basis + grades（按评审档次的范围）之一"
            )
        if (self.bands is not None or self.grades is not None) and not self.basis:
            raise ValueError("按档位或评审档次给范围时必须写 basis（决定档位的表达式或档次字段）")
        if self.bands is not None:
            check_contiguous([b.range for b in self.bands])
        if self.ungraded is not None and self.grades is None:
            raise ValueError("ungraded 只用于按评审档次给范围（grades）的规则")
        if self.grades is not None:
            seen: set[str] = set()
            for grade in self.grades:
                for value in grade.values:
                    if grade_key(value) in seen:
                        raise ValueError(f"评审档次“{value}”出现了不止一次")
                    seen.add(grade_key(value))
        for lo, hi in self._ranges():
            if lo > hi or lo < 0:
                raise ValueError(f"允许范围 [{lo}, {hi}] 不成立")
        return self

    def _ranges(self) -> list[tuple[float, float]]:
        if self.range is not None:
            return [self.range]
        if self.grades is not None:
            return [g.allowed for g in self.grades] + ([self.ungraded] if self.ungraded is not None else [])
        return [b.allowed for b in self.bands or []]

    def max_points(self) -> float:
        return max(hi for _, hi in self._ranges())

    def describe(self, *, unit: str = "") -> str:
        unset = {"low": "未评审按最低分计", "high": "未评审按最高分计", "missing": "未评审按缺失处理"}[self.default]
        if self.range is not None:
            return f"专家评审给分：{_allowed(self.range)}；{unset}"
        if self.grades is not None:
            steps = "；".join(f"{g.label} {_allowed(g.allowed)}" for g in self.grades)
            none = "未给出档次时不能给分" if self.ungraded is None else f"未给出档次时 {_allowed(self.ungraded)}"
            return f"专家评审给分，允许的分值按评审档次：{steps}；{none}；{unset}"
        steps = "；".join(f"{b.range.words()} 时 {_allowed(b.allowed)}" for b in self.bands or [])
        return f"专家评审给分，允许的分值按“{default_formula_words(self.basis or '')}”分档：{steps}；{unset}"

    def apply(self, inp: RuleInput) -> RuleOutput:
        v = inp.values
        n = v.shape[0]
        unknown = np.zeros(n, dtype=bool)
        if self.grades is not None:
            band, unknown = self._grade_of(inp.basis, n)
            table = np.array([g.allowed for g in self.grades] + [self.ungraded or (np.nan, np.nan)])
            lo, hi = table[np.where(band < 0, len(self.grades), band)].T
        elif self.bands is not None:
            basis = inp.basis if inp.basis is not None else np.full(n, np.nan)
            band = _classify([b.range for b in self.bands], basis, inp.basis_exact)
            table = np.array([b.allowed for b in self.bands] + [(np.nan, np.nan)])
            lo, hi = table[np.where(band < 0, len(self.bands), band)].T
        else:
            band = None
            assert self.range is not None  # the validator asks for one of range, bands, grades
            lo, hi = np.full(n, self.range[0]), np.full(n, self.range[1])
        present = ~np.isnan(v)
        with np.errstate(invalid="ignore"):
            bad = (present & ~((v >= lo - 1e-9) & (v <= hi + 1e-9))) | unknown
        if bad.any():
            raise InvalidInput([self._problem(inp, i, band) for i in map(int, np.flatnonzero(bad))])
        pts = v.copy()
        if self.default != "missing":
            fill = lo if self.default == "low" else hi
            pts = np.where(present, v, fill)
        return RuleOutput(pts / self.max_points(), band)


    def _grade_of(self, basis: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The grade each row was given (index into `grades`, −1: none) and the rows whose grade
        is not in the table."""
        import pandas as pd  # a hash lookup in C, as for `levels`

        if basis is None or basis.dtype != object:  # a grade column absent from every source
            return np.full(n, -1, dtype=np.int16), np.zeros(n, dtype=bool)
        table = {grade_key(x): k for k, g in enumerate(self.grades or []) for x in g.values}
        text = pd.Series(basis, dtype=object)
        absent = (text.isna() | (text.astype(str).str.strip() == "")).to_numpy()
        index = text.map(lambda x: table.get(grade_key(x), -2)).to_numpy(dtype=float, na_value=-1)
        index[absent] = -1
        return np.where(index == -2, -1, index).astype(np.int16), index == -2

    def _problem(self, inp: RuleInput, i: int, band: np.ndarray | None) -> InputProblem:
        """One refused row: the points given, and the grade or band whose range they leave."""
        v = float(inp.values[i])
        row = f"企业 {inp.row_names[i]}" if len(inp.row_names) else f"第 {i + 1} 行"
        given = "未给出" if np.isnan(v) else f"{v:g}"
        if self.grades is not None and inp.basis is not None:
            grade = inp.basis[i]
            if band is not None and band[i] < 0 and not (grade is None or grade_key(grade) in ("", "NAN", "NONE")):
                listed = "、".join(g.label for g in self.grades)
                return InputProblem(row, inp.indicator, grade, f"评审档次“{grade}”不在评分表中（可用：{listed}）")
            if band is not None and band[i] >= 0:
                g = self.grades[int(band[i])]
                return InputProblem(
                    row, inp.indicator, v, f"评审分值 {given} 超出评审档次“{grade}”允许的范围 {_bracket(g.allowed)}"
                )
            if self.ungraded is None:
                return InputProblem(row, inp.indicator, v, "缺少评审档次，不能给出评审分值")
            return InputProblem(
                row, inp.indicator, v, f"评审分值 {given} 超出允许范围 {_bracket(self.ungraded)}（未给出评审档次）"
            )
        if band is not None and band[i] < 0 and self.bands is not None:
            return InputProblem(row, inp.indicator, v, "决定分值范围的依据数据缺失，不能给出评审分值")
        if self.range is not None:
            allowed = self.range
        else:  # no fixed range and no grade: the band of the basis sets it
            assert self.bands is not None and band is not None
            allowed = self.bands[int(band[i])].allowed
        return InputProblem(row, inp.indicator, v, f"评审分值 {given} 超出允许范围 {_bracket(allowed)}")


def _bracket(r: tuple[float, float]) -> str:
    return f"[{r[0]:g}, {r[1]:g}]"


def _allowed(r: tuple[float, float]) -> str:
    lo, hi = r
    return f"{number(lo)} 分" if lo == hi else f"{number(lo)}–{number(hi)} 分"


class Level(BaseModel):
    """One level: the text values that reach it and the points it gives."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    values: Annotated[list[str], Field(min_length=1)]
    points: Annotated[float, Field(ge=0)]


class Levels(RuleParams):
    """A text value → the points of its level (a tax-credit grade, a listing board).

    The indicator's value is the level's points, so that advice and cohort figures can compare
    it; `other` scores a text that is in no level (None: refused as bad input) and `absent` a
    missing value (None: missing, scored by the file's policy; a number: "no record on the list").
    """

    kind: Literal["levels"]
    levels: Annotated[list[Level], Field(min_length=1)]
    other: Annotated[float, Field(ge=0)] | None = None
    absent: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Levels:
        seen: set[str] = set()
        for level in self.levels:
            for value in level.values:
                if value in seen:
                    raise ValueError(f"等级取值“{value}”出现了不止一次")
                seen.add(value)
        if self.max_points() <= 0:
            raise ValueError("按等级计分时至少一个等级的分值要大于 0")
        return self

    @property
    def table(self) -> dict[str, float]:
        return {value: level.points for level in self.levels for value in level.values}

    def max_points(self) -> float:
        extra = [p for p in (self.other, self.absent) if p is not None]
        return max([level.points for level in self.levels] + extra)

    def prepare(
        self, values: np.ndarray, *, row_names: Sequence[str] | np.ndarray = (), indicator: str = ""
    ) -> np.ndarray:
        """Text → the points of its level; NaN where the value is missing and `absent` is None."""
        n = values.shape[0]
        if values.dtype != object:  # a text column absent from every source arrives as NaN
            if not np.isnan(values.astype(float)).all():
                raise ExpressionError(f"指标 {indicator} 按等级计分，其公式必须给出文本（如纳税信用等级）")
            values = np.full(n, None, dtype=object)
        import pandas as pd  # a hash lookup in C: a million enterprises in a fraction of a second

        table = self.table
        text = pd.Series(values, dtype=object)
        absent = text.isna().to_numpy()
        out = text.map(table).to_numpy(dtype=float, na_value=np.nan, copy=True)
        unknown = np.isnan(out) & ~absent
        out[absent] = np.nan if self.absent is None else self.absent
        if self.other is not None:
            out[unknown] = self.other
        elif unknown.any():
            listed = "、".join(table)
            raise InvalidInput([
                InputProblem(
                    row=f"企业 {row_names[i]}" if len(row_names) else f"第 {i + 1} 行",
                    column=indicator, value=values[i], reason=f"不是可计分的等级（可用：{listed}）",
                )
                for i in map(int, np.flatnonzero(unknown))
            ])
        return out

    def apply(self, inp: RuleInput) -> RuleOutput:
        v = inp.values
        # The band is the first level with the enterprise's points (−1: other/absent only).
        band = np.full(v.shape, -1, dtype=np.int16)
        for k in reversed(range(len(self.levels))):
            band[v == self.levels[k].points] = k
        return RuleOutput(v / self.max_points(), band)

    def label(self, value: float | None) -> str:
        """The levels that give `value` points, for people: `“C”、“D”或其他值`."""
        if value is None or np.isnan(value):
            return "无记录"
        names = [f"“{x}”" for level in self.levels if level.points == value for x in level.values]
        if self.other is not None and self.other == value:
            names.append("其他值")
        if self.absent is not None and self.absent == value:
            names.append("无记录")
        if not names:
            return number(value)
        return names[0] if len(names) == 1 else "、".join(names[:-1]) + "或" + names[-1]

    def describe(self, *, unit: str = "") -> str:
        steps = [f"{'、'.join(f'“{x}”' for x in level.values)} 得 {number(level.points)} 分" for level in self.levels]
        steps.append("其他值不能计分" if self.other is None else f"其他值得 {number(self.other)} 分")
        steps.append("无记录按缺失处理" if self.absent is None else f"无记录得 {number(self.absent)} 分")
        return f"按等级：{'；'.join(steps)}（满分 {number(self.max_points())} 分）"


RULES: dict[str, type[RuleParams]] = {
    "percentile": Percentile,
    "minmax": MinMax,
    "bands": Bands,
    "yesno": YesNo,
    "linear": Linear,
    "input": Input,
    "deduction": Deduction,
    "levels": Levels,
}


def parse_rule(data: Any) -> RuleParams:
    """Validate a rule mapping into its kind's parameter model."""
    if isinstance(data, RuleParams):
        return data
    if not isinstance(data, dict):
        raise ValueError("rule 必须是一个映射，例如 {kind: bands, bands: [...]}")
    kind = data.get("kind")
    if kind not in RULES:
        raise UnknownRule(f"未知的规则类型“{kind}”；可用的类型：{', '.join(RULES)}")
    return RULES[kind].model_validate(data)
