"""Score runs: systems kept with their content, atomic publication, and the reads of published runs.

"The zone's points" of a year are its newest published run of kind `zone`; every read here that
answers for the zone (latest run, runs by year, trend) looks at those only. Evaluation runs (an
official evaluation scored by the same engine) are read by id. Withdrawing a zone run puts the
year's previous run back in front; no result row is ever changed.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scoring.engine.advice import AdviceTable
from scoring.engine.engine import ScoreResult
from scoring.errors import NotFound, StoreError
from scoring.store.advice import write_advice
from scoring.store.db import _bulk, _fast_insert
from scoring.store.models import (
    CohortStat,
    Enterprise,
    EnterpriseScore,
    IndicatorScore,
    RunMatrix,
    ScoreRun,
    SystemVersion,
    _now,
)
from scoring.systems.schema import IndicatorSystem


# ----------------------------------------------------------------------------- systems
def save_system(*, session: Session, system: IndicatorSystem, content: str) -> SystemVersion:
    """Record a system version with its file content; a changed file under an old version is refused."""
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    row = session.get(SystemVersion, system.version)
    if row is not None:
        if row.sha256 != digest:
            raise StoreError(f"指标体系版本 {system.version} 已存在且内容不同；修改指标请发布新版本")
        return row
    row = SystemVersion(version=system.version, name=system.name, year=system.year, content=content, sha256=digest)
    session.add(row)
    session.flush()
    return row


# ----------------------------------------------------------------------------- runs
def publish_run(
    *,
    engine: Engine,
    system: IndicatorSystem,
    content: str,
    result: ScoreResult,
    advice: AdviceTable,
    input_batches: Iterable[int] = (),
    started_at: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a whole score run with every enterprise's `advice` (`scoring.engine.advice`) in one
    transaction and return its id; on error nothing is kept."""
    with Session(engine) as session:
        try:
            save_system(session=session, system=system, content=content)
            run = ScoreRun(
                system_version=system.version, year=result.year, kind=system.kind, status="published",
                started_at=started_at or _now(), input_batches=sorted(input_batches),
                n_enterprises=result.size,
            )
            session.add(run)
            session.flush()
            assert run.id is not None
            _bulk(session, EnterpriseScore, _enterprise_rows(run.id, result))
            for i, chunk in enumerate(_indicator_chunks(run.id, result)):
                _fast_insert(session, IndicatorScore, INDICATOR_COLUMNS, chunk)
                if progress:
                    progress(i)
            session.add(RunMatrix(
                run_id=run.id, usccs=result.usccs.tolist(), codes=result.codes,
                values=_npy(result.values), points=_npy(result.points), stage=_npy(result.stage),
            ))
            stats = result.cohort_stats.replace({np.nan: None}).to_dict("records")
            _bulk(session, CohortStat, ({"run_id": run.id, **r} for r in stats))
            write_advice(session, run_id=run.id, usccs=result.usccs, codes=result.codes, table=advice)
            run.published_at = _now()
            session.commit()
            return run.id
        except BaseException:
            session.rollback()
            raise


def _enterprise_rows(run_id: int, r: ScoreResult) -> Iterable[dict[str, Any]]:
    cats = r.category_codes
    for i in range(r.size):
        verdicts = {
            code: {"passed": bool(r.verdicts[code][i] == 1), "route": r.route_text(code, i)}
            for code in r.verdicts
        }
        yield {
            "run_id": run_id, "uscc": r.usccs[i], "stage": r.stage_code(i),
            "stage_reason": r.stage_reason(i), "total": float(r.total[i]), "rank": int(r.rank[i]),
            "percentile": float(r.percentile[i]),
            "category_points": {c: float(r.category_points[j, i]) for j, c in enumerate(cats)},
            "verdicts": verdicts,
        }


INDICATOR_COLUMNS = ["run_id", "uscc", "indicator", "value", "normalized", "points", "weight", "missing", "band"]


def _none_where(a: np.ndarray, missing: np.ndarray) -> list[Any]:
    """The values as Python scalars, None (SQL NULL) where `missing`."""
    out = a.astype(object)
    out[missing] = None
    return out.tolist()


def _indicator_chunks(run_id: int, r: ScoreResult) -> Iterable[list[tuple[Any, ...]]]:
    """The run's indicator rows, firm by firm (each firm's indicators in the system's order), in as
    many chunks as the system has indicators (`progress` counts them).

    Firm-major: rows arrive in the order of the table's key (run, firm, indicator), so its index
    grows at one edge instead of taking every firm's rows in at a thousand places per indicator.
    """
    n_codes = len(r.codes)
    codes = np.array(r.codes, dtype=object)
    weights = r.weights
    for firms in np.array_split(np.arange(r.size), max(n_codes, 1)):
        if not firms.size:
            yield []
            continue
        part = slice(int(firms[0]), int(firms[-1]) + 1)

        def flat(a: np.ndarray, part: slice = part) -> np.ndarray:
            return np.ascontiguousarray(a[:, part].T).ravel()

        values, band = flat(r.values), flat(r.band)
        rows = len(values)
        yield list(zip(
            [run_id] * rows, np.repeat(r.usccs[part], n_codes).tolist(), np.tile(codes, firms.size).tolist(),
            _none_where(values, np.isnan(values)), np.round(flat(r.normalized).astype(float), 6).tolist(),
            flat(r.points).tolist(), flat(weights).tolist(), flat(r.missing).tolist(), _none_where(band, band < 0),
            strict=True,
        ))


def _zone_published() -> Any:
    return (ScoreRun.kind == "zone") & (ScoreRun.status == "published")


def latest_run(*, session: Session, year: int | None = None) -> ScoreRun:
    """The zone's newest published run (of a year, if given): never an evaluation run."""
    stmt = select(ScoreRun).where(_zone_published())
    if year is not None:
        stmt = stmt.where(ScoreRun.year == year)
    run = session.exec(stmt.order_by(col(ScoreRun.year).desc(), col(ScoreRun.id).desc())).first()
    if run is None:
        raise NotFound(f"{year} 年还没有发布的评分结果" if year else "还没有发布的评分结果")
    return run


def newest_run_id(*, session: Session) -> int:
    """The id of the zone's newest published run (0 if none)."""
    return int(session.exec(select(func.max(ScoreRun.id)).where(_zone_published())).one() or 0)


def publication_signature(*, session: Session) -> int:
    """A number that grows whenever the zone's published runs change (a run published or withdrawn).

    The newest zone run id grows with every publication and the count of withdrawn runs with every
    withdrawal; neither ever shrinks, so their sum never repeats an earlier set of published runs
    (the newest published id alone would miss the withdrawal of an older year's run).
    """
    newest, withdrawn = session.exec(
        select(func.max(ScoreRun.id), func.count(col(ScoreRun.id)).filter(col(ScoreRun.status) == "withdrawn"))
        .where(ScoreRun.kind == "zone")
    ).one()
    return int(newest or 0) + int(withdrawn or 0)


def latest_runs_by_year(*, session: Session) -> dict[int, ScoreRun]:
    """The zone's newest published run of every scored year."""
    out: dict[int, ScoreRun] = {}
    for run in session.exec(select(ScoreRun).where(_zone_published()).order_by(col(ScoreRun.id))).all():
        out[run.year] = run
    return dict(sorted(out.items()))


def enterprise_trend(*, session: Session, uscc: str) -> list[dict[str, Any]]:
    """An enterprise's total, stage, rank and percentile in every scored year (newest run each)."""
    runs = latest_runs_by_year(session=session)
    if not runs:
        return []
    by_run = {r.id: r for r in runs.values()}
    rows = session.exec(
        select(EnterpriseScore).where(EnterpriseScore.uscc == uscc, col(EnterpriseScore.run_id).in_(list(by_run)))
    ).all()
    out = [
        {"year": by_run[r.run_id].year, "system": by_run[r.run_id].system_version, "total": r.total,
         "stage": r.stage, "rank": r.rank, "percentile": r.percentile}
        for r in rows
    ]
    return sorted(out, key=lambda t: t["year"])


def list_runs(*, session: Session) -> list[ScoreRun]:
    """Every run, zone and evaluation, published or withdrawn, by year then id."""
    return list(session.exec(select(ScoreRun).order_by(col(ScoreRun.year), col(ScoreRun.id))).all())


def withdraw_run(*, session: Session, run_id: int) -> tuple[ScoreRun, ScoreRun | None]:
    """Withdraw a published zone run; return it and the year's run now published (None if none)."""
    run = session.get(ScoreRun, run_id)
    if run is None:
        raise NotFound(f"没有评分批次 #{run_id}（innopoints runs list 列出全部批次）")
    if run.kind != "zone":
        raise StoreError(f"评分批次 #{run_id} 是官方评价（指标体系 {run.system_version}），不是园区公布的积分，无需撤回")
    if run.status == "withdrawn":
        raise StoreError(f"评分批次 #{run_id} 已经撤回，不能再次撤回")
    run.status, run.withdrawn_at = "withdrawn", _now()
    session.add(run)
    session.commit()
    session.refresh(run)
    try:
        now = latest_run(session=session, year=run.year)
    except NotFound:
        now = None
    return run, now


def run_scores(*, session: Session, run_id: int) -> pd.DataFrame:
    """Every enterprise's result in a run, joined with its name and industry."""
    stmt = (
        select(EnterpriseScore, Enterprise.name, Enterprise.industry)
        .join(Enterprise, col(Enterprise.uscc) == EnterpriseScore.uscc)
        .where(EnterpriseScore.run_id == run_id)
    )
    rows = [{**s.model_dump(), "name": name, "industry": ind} for s, name, ind in session.exec(stmt).all()]
    return pd.DataFrame(rows)


def enterprise_score(*, session: Session, run_id: int, uscc: str) -> EnterpriseScore:
    row = session.get(EnterpriseScore, (run_id, uscc))
    if row is None:
        raise NotFound(f"企业 {uscc} 不在第 {run_id} 次评分中")
    return row


def indicator_scores(*, session: Session, run_id: int, uscc: str) -> list[IndicatorScore]:
    stmt = select(IndicatorScore).where(IndicatorScore.run_id == run_id, IndicatorScore.uscc == uscc)
    return list(session.exec(stmt).all())


def cohort_stats(*, session: Session, run_id: int) -> pd.DataFrame:
    rows = session.exec(select(CohortStat).where(CohortStat.run_id == run_id)).all()
    return pd.DataFrame([r.model_dump() for r in rows])


def system_content(*, session: Session, version: str) -> str:
    row = session.get(SystemVersion, version)
    if row is None:
        raise NotFound(f"数据库中没有指标体系版本 {version}")
    return row.content


@dataclass
class RunArrays:
    """A run's formula values and points as matrices (indicators × enterprises), for advice."""

    usccs: np.ndarray
    codes: list[str]
    values: np.ndarray
    points: np.ndarray
    stage: np.ndarray


def _npy(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def _from_npy(b: bytes) -> np.ndarray:
    return np.load(io.BytesIO(b), allow_pickle=False)


def run_arrays(*, session: Session, run_id: int) -> RunArrays:
    """A run's matrices (indicators × enterprises), as the engine produced them."""
    row = session.get(RunMatrix, run_id)
    if row is None:
        raise NotFound(f"评分批次 {run_id} 没有保存矩阵")
    return RunArrays(
        np.array(row.usccs, dtype=object), list(row.codes),
        _from_npy(row.values), _from_npy(row.points), _from_npy(row.stage),
    )
