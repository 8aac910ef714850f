"""Demo values for a declared raw field that has no specific model, from its type and unit alone.

So a field added to ``data/fields/*.yaml`` appears in the demo without code changes. The field's
own parameters (how common, how large) are drawn from ``child_rng(seed, "field:" + name)``, so
they are stable and independent of every other field. Values lean on the firm's stage, size and
innovativeness (``Firms.inno``) so that portraits stay coherent:

- count: people (unit 人) are a binomial share of the staff; levels (unit 级) are 0 for most
  firms, else 1–5; adverse events (source ``credit`` or a name like 违法/失信/事故) are rare;
  anything else is a geometric (negative binomial, shape 1) count around a persistent firm
  mean, 0 for most small firms.
- flag: the top share of each stage by a persistent score; adverse flags about 1 % a year.
- counts and flags whose name says 国家/国际/境外 are about 7 times rarer, 省 2.5 times.
- amount: 万元 as a persistent share of the business (元 and 亿元 rescaled), zero for some firms,
  negative for some if the field is ``signed``; other units (平方米 …) scale with the staff.
- ratio: Beta around a field-specific mean. years: a persistent count that grows by one a year,
  never above the firm's age. points, and text from the review source (an expert's grade):
  missing (expert-assigned, not part of the demo).
- text: one of the categories listed in the name, e.g. ``（国家级/省级/市级）``, for a stage-
  dependent share of firms; ``None`` for the others (a self-reported text, a declaration every
  firm makes such as ``（销售收入/成本费用）``: for every firm).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from scoring.demo.fields import Array, latent_flag, per_stage, thin
from scoring.demo.model import Firms, Floats
from scoring.systems.schema import FieldDef

Generator = Callable[[FieldDef, Firms, np.random.Generator], Array]

# National and international honours are rarer than provincial ones, which are rarer than others.
_PRESTIGE = ((re.compile(r"国家|国际|境外|院士|独角兽"), 0.15), (re.compile(r"省"), 0.4))
_ADVERSE = re.compile(r"违法|违规|失信|事故|异常|处罚|黑名单|禁止|限制|淘汰|侵犯|欠税|撤销")
_CATEGORIES = re.compile(r"[（(]([^（）()]*/[^（）()]*)[）)]")
_AMOUNT_SCALE = {"万元": 1.0, "元": 1e4, "千元": 10.0, "亿元": 1e-4}


def _adverse(spec: FieldDef) -> bool:
    return spec.source == "credit" or bool(_ADVERSE.search(spec.name))


def _rarity(spec: FieldDef) -> float:
    return next((factor for pattern, factor in _PRESTIGE if pattern.search(spec.name)), 1.0)


def _persistent_score(firms: Firms, rng: np.random.Generator, weight: float) -> Floats:
    """A standard-normal score per firm-year: ``weight`` on innovativeness, the rest own noise."""
    n_years, n = firms.stage.shape
    firm = weight * firms.inno + np.sqrt(1 - weight**2) * rng.standard_normal(n)
    return firm[None, :] + 0.15 * rng.standard_normal((n_years, n), dtype=np.float32)


def _count(spec: FieldDef, f: Firms, rng: np.random.Generator) -> Floats:
    shape = f.stage.shape
    if _adverse(spec):
        return rng.poisson(0.01, shape).astype(float)
    if spec.unit == "人":
        share = np.clip(
            np.exp(
                rng.uniform(np.log(0.002), np.log(0.04)) + 0.3 * f.inno + rng.normal(0.0, 0.3, f.n)
            ),
            0.0,
            0.5,
        )
        return thin(rng, f.staff, share[None, :] * _rarity(spec))
    if spec.unit == "级":
        shares = np.array([0.02, 0.08, 0.15, 0.3]) * _rarity(spec)
        has = latent_flag(f, _persistent_score(f, rng, 0.7), shares.tolist())
        return has * (1 + rng.binomial(4, 0.5, f.n))[None, :]
    scale = np.exp(rng.uniform(np.log(0.2), np.log(2.0))) * _rarity(spec)
    firm = np.exp(0.4 * f.inno + rng.normal(0.0, 0.6, f.n) - 0.18)  # mean 1 around inno
    mean = per_stage(f, [0.05, 0.2, 0.5, 1.5]) * (scale * firm)[None, :]
    # Geometric (negative binomial with shape 1) by inversion: over-dispersed and cheap.
    u = rng.random(f.stage.shape)
    return np.floor(np.log1p(-u) / np.log(mean / (1 + mean)))


def _flag(spec: FieldDef, f: Firms, rng: np.random.Generator) -> Floats:
    if _adverse(spec):
        return (rng.random(f.stage.shape) < 0.01).astype(float)
    factor = np.exp(rng.uniform(np.log(0.3), np.log(1.5)))
    shares = np.minimum(np.array([0.05, 0.12, 0.22, 0.35]) * factor * _rarity(spec), 0.9)
    return latent_flag(f, _persistent_score(f, rng, 0.6), shares.tolist())


def _amount(spec: FieldDef, f: Firms, rng: np.random.Generator) -> Floats:
    n_years, n = f.stage.shape
    yearly = np.exp(rng.normal(0.0, 0.1, (n_years, n)))
    if spec.unit not in _AMOUNT_SCALE:  # 平方米, 吨 …: follows the headcount
        per_head = np.exp(rng.uniform(np.log(2.0), np.log(30.0)) + rng.normal(0.0, 0.5, n))
        return np.round(f.staff * per_head[None, :] * yearly, 2)
    share = np.exp(rng.uniform(np.log(0.003), np.log(0.08)) + rng.normal(0.0, 0.6, n))
    present = latent_flag(f, _persistent_score(f, rng, 0.5), [0.3, 0.4, 0.5, 0.6])
    value = f.scale * share[None, :] * yearly * present * _AMOUNT_SCALE[spec.unit]
    if spec.signed:
        value *= np.where(rng.random(n) < 0.15, -1.0, 1.0)[None, :]
    return np.round(value, 2)


def _ratio(spec: FieldDef, f: Firms, rng: np.random.Generator) -> Floats:
    mean, concentration = rng.uniform(0.1, 0.6), 6.0
    return np.round(rng.beta(mean * concentration, (1 - mean) * concentration, f.stage.shape), 4)


def _years(spec: FieldDef, f: Firms, rng: np.random.Generator) -> Floats:
    start = rng.poisson(rng.uniform(1.0, 5.0), f.n)
    elapsed = (np.asarray(f.years) - f.years[0])[:, None]
    return np.minimum(start[None, :] + elapsed, f.age).astype(float)


def _points(spec: FieldDef, f: Firms, rng: np.random.Generator) -> Floats:
    return np.full(f.stage.shape, np.nan)


def _text(spec: FieldDef, f: Firms, rng: np.random.Generator) -> npt.NDArray[np.object_]:
    if spec.source == "review":  # an expert's grade goes with the expert's points: not in the demo
        return np.full(f.stage.shape, None, dtype=object)
    found = _CATEGORIES.search(spec.name)
    labels = found.group(1).split("/") if found else ["一类", "二类", "三类"]
    choice = np.array(labels, dtype=object)[rng.integers(0, len(labels), f.n)]
    if spec.source == "self_report":  # a declaration every firm makes (blank only as self-reports are)
        return np.repeat(choice[None, :], f.stage.shape[0], axis=0)
    present = latent_flag(f, _persistent_score(f, rng, 0.5), [0.3, 0.4, 0.5, 0.6]) == 1
    # numpy's stubs do not take None as a branch of where() (an object array's missing value).
    return np.where(present, choice[None, :], None)  # type: ignore[call-overload]


GENERATORS: dict[str, Generator] = {
    "count": _count,
    "flag": _flag,
    "amount": _amount,
    "ratio": _ratio,
    "years": _years,
    "points": _points,
    "text": _text,
}


def generic_column(name: str, spec: FieldDef, firms: Firms, rng: np.random.Generator) -> Array:
    """``(years, firms)`` values of field ``name`` by its declared type and unit."""
    try:
        generate = GENERATORS[spec.type]
    except KeyError:
        raise ValueError(
            f"字段 {name} 的类型 {spec.type!r} 无法生成示范数据；可用类型：{', '.join(GENERATORS)}"
        ) from None
    return generate(spec, firms, rng)
