"""Models of the zone's own raw fields (``data/fields/zone.yaml``) that need more than their type.

Text categories as the indicator files read them (纳税信用等级 A/B/M/C/D; the listing board and the
incubator level, where no value means no record on the list), and amounts that must stay inside
others: basic research within R&D, new-product and export revenue within revenue, R&D equipment
following R&D spending, training spending following the headcount. A field not modelled here or
in ``scoring.demo_fields`` is generated from its type by ``scoring.demo_generic``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scoring.demo_fields import Columns, Done, Model, per_stage
from scoring.demo_model import Firms, Floats


def _zone_text(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    u = rng.random(n)[None, :]  # a firm keeps its grade unless its stage changes
    grade_cum = np.array(
        [
            [0.35, 0.80, 0.95, 0.99],
            [0.55, 0.90, 0.96, 0.99],
            [0.65, 0.93, 0.97, 0.99],
            [0.80, 0.97, 0.99, 1.0],
        ]
    )[f.stage]
    grades = np.array(["A", "B", "M", "C", "D"], dtype=object)
    grade = grades[(u[..., None] >= grade_cum).sum(axis=-1)]
    grade[(f.age <= 1) & (u < 0.7)] = "M"  # newly set-up taxpayers are graded M
    grade[done["credit_blacklist"] == 1] = "D"
    boards = np.array(
        [None, "主板", "科创板", "创业板", "北交所", "境外", "新三板", "区域性股权市场"],
        dtype=object,
    )
    board_p = np.array(
        [
            [0, 0, 0, 0, 0, 0, 0.02],
            [0, 0, 0, 0, 0, 0.02, 0.06],
            [0, 0.015, 0.01, 0.015, 0, 0.05, 0.05],
            [0.12, 0.08, 0.08, 0.02, 0.03, 0.04, 0],
        ]
    )
    cum = np.cumsum(board_p, axis=1)[f.stage[0]]
    board = boards[_first_below(rng.random(n), cum)]
    levels = np.array(["国家级", "省级", "市级"], dtype=object)
    in_incubator = (f.age <= 6) & (rng.random(n)[None, :] < per_stage(f, [0.45, 0.08, 0.0, 0.0]))
    incubator = np.where(in_incubator, levels[rng.choice(3, n, p=[0.35, 0.35, 0.3])][None, :], None)
    return {
        "tax_credit_grade": grade,
        "listing_board": np.broadcast_to(board, (n_years, n)),
        "incubator_level": incubator,
    }


def _zone_amounts(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    rd = done["rd_expense"]
    yearly = np.exp(rng.normal(0.0, 0.1, (n_years, n)))
    equipment = np.round(rd * rng.uniform(0.5, 2.0, n) * yearly, 2)  # a stock, about a year of R&D
    basic = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 0.05, n), 0.0)  # rare in firms
    new_product = np.clip(rng.beta(2, 3, n) + 0.2 * done["hte_certified"], 0.0, 1.0)
    export = np.where(rng.random(n) < 0.45, rng.beta(1.5, 4, n), 0.0)
    return {
        "rd_equipment_value": equipment,
        "rd_equipment_new": np.round(equipment * rng.uniform(0.05, 0.3, (n_years, n)), 2),
        "basic_research_expense": np.round(rd * basic, 2),
        "training_expense": np.round(f.staff * rng.uniform(0.05, 0.2, n) * yearly, 2),
        "new_product_revenue": np.round(f.revenue * new_product, 2),
        "export_revenue": np.round(f.revenue * export, 2),
        "intangible_assets": np.round(done["total_assets"] * rng.uniform(0.0, 0.1, n), 2),
    }


def _first_below(u: Floats, cum: Floats) -> npt.NDArray[np.int64]:
    """1 + index of the first cumulative share above ``u``, or 0 where there is none."""
    hit = u[:, None] < cum
    return np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, 0)


ZONE_MODELS: tuple[tuple[str, Model], ...] = (
    ("zone_text", _zone_text),
    ("zone_amounts", _zone_amounts),
)
"""The zone fields' models, run after ``CORE_MODELS``."""
