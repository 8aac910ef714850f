"""`scoring.store.raw_frames` as it was before it was vectorised (2026-12-03), kept to prove the
fast one returns the very same frames (tests/scoring/test_raw_frames.py)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlmodel import Session, col, select

from scoring.store.models import Batch, RawValue
from scoring.store.raw import value_precedence


def raw_frames_reference(
    *, session: Session, years: Iterable[int], fields: Iterable[str] | None = None,
    usccs: Iterable[str] | None = None,
) -> dict[int, pd.DataFrame]:
    """Year → wide frame of the active raw values; an owner source wins over self-report."""
    years = sorted(set(years))
    stmt = (
        select(  # type: ignore[call-overload]
            col(RawValue.uscc), col(RawValue.year), col(RawValue.field), col(RawValue.value), col(RawValue.text),
            col(RawValue.source), col(RawValue.batch_id),
        )
        .join(Batch, col(Batch.id) == RawValue.batch_id)
        .where(col(RawValue.year).in_(years), Batch.status == "active")
    )
    if fields is not None:
        stmt = stmt.where(col(RawValue.field).in_(sorted(fields)))
    if usccs is not None:
        stmt = stmt.where(col(RawValue.uscc).in_(sorted(set(usccs))))
    rows = [tuple(r) for r in session.connection().execute(stmt).all()]
    df = pd.DataFrame.from_records(rows, columns=["uscc", "year", "field", "value", "text", "source", "batch_id"])
    out: dict[int, pd.DataFrame] = {}
    if df.empty:
        return {y: pd.DataFrame(index=pd.Index([], name="uscc")) for y in years}
    df["prec"] = value_precedence(df["field"], df["source"])
    df = df.sort_values(["prec", "batch_id"], ascending=[True, False], kind="stable")
    df = df.drop_duplicates(["uscc", "year", "field"], keep="first")
    df["cell"] = df["value"].astype(object).where(df["text"].isna(), df["text"])
    for year, part in df.groupby("year"):
        wide = part.pivot(index="uscc", columns="field", values="cell")
        wide.columns.name = None
        out[int(year)] = wide.infer_objects()
    for y in years:
        out.setdefault(y, pd.DataFrame(index=pd.Index([], name="uscc")))
    return out
