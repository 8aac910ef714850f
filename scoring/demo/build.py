"""The deterministic demo zone: 2,791 enterprises of a national high-tech zone over three years.

>>> demo = build_demo(n=50)
>>> demo.enterprises.shape[0], sorted(demo.raw)
(50, [2023, 2024, 2025])

Choices:

- Every field declared in ``data/fields/*.yaml`` (read at run time through ``scoring.systems.fields``) is
  generated: the known ones by the specific models of ``scoring.demo.fields`` (core) and
  ``scoring.demo.zone``, any other by its type and unit (``scoring.demo.generic``). A new field
  in the registry needs no code here.
- Stages: the first year has the seed zone's exact shares (55/16/22/7 %) under the v1.0 stage
  table, and later years stay within a few tenths of a point (see ``scoring.demo.model``).
- Determinism: each concern (the firms, each model, each generic field, the gaps, the names)
  draws from its own ``numpy.random.default_rng([seed, crc32(key)])``; ``hash()`` is never used.
  The same seed gives byte-identical frames, and a field added to the registry changes no other.
- Types: amounts are float64 万元 rounded to 0.01, ratios float64; counts, flags and years are
  pandas ``Int64`` (integers with ``<NA>``); text is pandas' default string dtype (``str`` in
  pandas 3) with missing as NaN, which for list-held text (listing board, incubator) means "no
  record"; points (expert-assigned) are all missing.
- Gaps: self-reported fields are missing for 10–15 % of enterprises per field-year, other
  non-register fields for about 2 %. Never missing: register fields, list look-ups (sources
  ``cert`` and ``credit``: absent from a list means 0, not unknown) and the fields the stage table
  reads (age_years, revenue, staff_total), which an enterprise without them could not be staged by.
- Calibration: scored with the zone's own systems (v1.0 for 2023–2024, v1.1 for 2025) the zone
  looks like a national high-tech zone that has run the points programme for years: a mean total
  of about 42–45 (start-ups about 36–39, mature firms about 56–61), about a sixth to a fifth of
  the firms at 60 or more, a few above 80 and few below 10. 2023 scores a few points lower than
  later years because it has no earlier year for the growth indicators.
- ``synthetic_raw`` is the same data without master data, for benchmarks: for a given seed and n
  it equals ``build_demo(...).raw``; 1,000,000 enterprises take well under a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.demo.fields import CORE_MODELS, Array, Columns
from scoring.demo.generic import generic_column
from scoring.demo.listings import with_listings
from scoring.demo.model import Firms, child_rng, simulate_firms
from scoring.demo.names import enterprise_profiles
from scoring.demo.zone import ZONE_MODELS
from scoring.systems.fields import default_fields
from scoring.systems.schema import FieldDef
from scoring.uscc import make_usccs

__all__ = ["DEFAULT_YEARS", "Demo", "build_demo", "synthetic_raw"]

DEFAULT_YEARS: tuple[int, ...] = (2023, 2024, 2025)
_STAGE_FIELDS = frozenset({"age_years", "revenue", "staff_total"})
_LIST_SOURCES = frozenset({"cert", "credit"})
_INTEGER_TYPES = frozenset({"count", "flag", "years"})


@dataclass(frozen=True)
class Demo:
    """The demo zone: master data (index ``uscc``) and one raw frame per year (index ``uscc``)."""

    enterprises: pd.DataFrame
    raw: dict[int, pd.DataFrame]


def build_demo(
    *,
    seed: int = 20231,
    n: int = 2791,
    years: tuple[int, ...] = DEFAULT_YEARS,
    fields: Mapping[str, FieldDef] | None = None,
) -> Demo:
    """Build the demo zone: ``n`` enterprises with master data and raw data for ``years``."""
    firms = simulate_firms(n, seed=seed, years=tuple(years))
    founded = _founding_dates(firms, seed=seed)
    usccs = _usccs(firms, founded, seed=seed)
    dates = [dt.date.fromisoformat(str(d)) for d in founded]
    raw = _raw_frames(firms, usccs, fields, seed=seed)
    boards = raw[years[-1]].get("listing_board")  # None where the registry lacks the field
    enterprises = with_listings(enterprise_profiles(firms, usccs, dates, seed=seed), boards, firms, seed=seed)
    return Demo(enterprises, raw)


def synthetic_raw(
    n: int,
    *,
    seed: int = 20231,
    years: tuple[int, ...] = DEFAULT_YEARS,
    fields: Mapping[str, FieldDef] | None = None,
) -> dict[int, pd.DataFrame]:
    """Raw frames only (no names): the benchmark generator, equal to ``build_demo(...).raw``."""
    firms = simulate_firms(n, seed=seed, years=tuple(years))
    usccs = _usccs(firms, _founding_dates(firms, seed=seed), seed=seed)
    return _raw_frames(firms, usccs, fields, seed=seed)


def _founding_dates(firms: Firms, *, seed: int) -> npt.NDArray[np.datetime64]:
    """Founding dates consistent with ``age_years = year − founding year``."""
    rng = child_rng(seed, "founding")
    year = (firms.years[0] - firms.age[0] - 1970).astype("datetime64[Y]")
    start = year.astype("datetime64[D]")
    days = ((year + 1).astype("datetime64[D]") - start).astype(np.int64)
    return start + (rng.random(firms.n) * days).astype(np.int64)


def _usccs(firms: Firms, founded: npt.NDArray[np.datetime64], *, seed: int) -> list[str]:
    """Codes in 新北区 (320411) mostly; ``MA`` organization codes since the 2015 reform."""
    rng = child_rng(seed, "uscc")
    region = np.array(["320411", "320400", "320000"])[
        rng.choice(3, size=firms.n, p=[0.85, 0.12, 0.03])
    ]
    modern = founded >= np.datetime64("2015-10-01")
    return make_usccs(rng, firms.n, region=region, ma=modern)


def _modelled_columns(firms: Firms, *, seed: int) -> Columns:
    """Every specifically modelled field (and ``_`` intermediates) as ``(years, firms)`` arrays."""
    done: Columns = {}
    for key, model in (*CORE_MODELS, *ZONE_MODELS):
        done.update(model(firms, child_rng(seed, f"model:{key}"), done))
    return done


def _raw_frames(
    firms: Firms, usccs: list[str], fields: Mapping[str, FieldDef] | None, *, seed: int
) -> dict[int, pd.DataFrame]:
    registry = default_fields() if fields is None else fields
    modelled = _modelled_columns(firms, seed=seed)
    index = pd.Index(usccs, name="uscc")
    columns: dict[int, dict[str, object]] = {year: {} for year in firms.years}
    for name, spec in registry.items():
        values = modelled.pop(name, None)  # pop: a million firms' arrays are freed as we go
        if values is None:
            values = generic_column(name, spec, firms, child_rng(seed, f"field:{name}"))
        missing = _gaps(name, spec, firms, seed=seed)
        for t, year in enumerate(firms.years):
            columns[year][name] = _typed(
                values[t], missing[t] if missing is not None else None, spec
            )
    del modelled
    return {year: pd.DataFrame(columns.pop(year), index=index) for year in firms.years}


def _gaps(name: str, spec: FieldDef, firms: Firms, *, seed: int) -> npt.NDArray[np.bool_] | None:
    """Which firm-years lack the field, or None where it is never missing."""
    if spec.source == "register" or spec.source in _LIST_SOURCES or name in _STAGE_FIELDS:
        return None
    rng = child_rng(seed, f"gaps:{name}")
    n_years = len(firms.years)
    if spec.source == "self_report":
        rate = rng.uniform(0.10, 0.15, (n_years, 1))
    else:
        rate = np.full((n_years, 1), 0.02)
    return rng.random((n_years, firms.n)) < rate


def _typed(values: Array, missing: npt.NDArray[np.bool_] | None, spec: FieldDef) -> object:
    """One year's column in the frame's dtype for the field's type (see the module docstring)."""
    if spec.type == "text":
        out = np.array(values, dtype=object)
        if missing is not None:
            out[missing] = None
        return out
    if spec.type in _INTEGER_TYPES:
        mask = np.zeros(values.shape, bool) if missing is None else missing.copy()
        whole = values if values.dtype.kind in "iub" else np.rint(values)  # compact models: ints
        return pd.arrays.IntegerArray(whole.astype(np.int64), mask)
    out = np.round(values.astype(np.float64), 2 if spec.type == "amount" else 6)
    if missing is not None:
        out[missing] = np.nan
    return out
