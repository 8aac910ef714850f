"""The store's tables (SQLModel family pattern): enterprises, batches, raw values, conflicts, systems,
runs and what a run keeps (scores, matrices, cohort figures, advice)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, func
from sqlmodel import Field, SQLModel

CHUNK = 20_000


def _now() -> datetime:
    return datetime.now(UTC)


# ----------------------------------------------------------------------------- tables
class EnterpriseBase(SQLModel):
    uscc: str = Field(primary_key=True, max_length=18)
    name: str = Field(index=True)
    short_name: str | None = None
    former_names: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    english_name: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    industry: str | None = Field(default=None, index=True)
    industry_code: str | None = None
    products: str | None = None
    business_scope: str | None = None
    founding_date: date | None = None
    # Other names (brands, common abbreviations, English acronyms) and stock listings: the codes
    # as `scoring.stock_codes` writes them (300750.SZ), the short names the exchanges list.
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    stock_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    stock_names: list[str] = Field(default_factory=list, sa_column=Column(JSON))


class Enterprise(EnterpriseBase, table=True):
    """Master data of an enterprise, matched by USCC."""


class Batch(SQLModel, table=True):
    """One imported input (a file, a demo source): every raw value points at its batch."""

    id: int | None = Field(default=None, primary_key=True)
    source: str
    file: str = ""  # the file name as the official knows it
    description: str = ""
    rows: int = 0  # raw values written
    status: str = "active"  # active | reverted
    created_at: datetime = Field(default_factory=_now)
    # Provenance of imported files (scoring.ingest.importer); empty for direct writes.
    sha256: str | None = Field(default=None, index=True)
    sheets: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    year: int | None = None
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    reverted_at: datetime | None = None


class RawValue(SQLModel, table=True):
    """One raw value of one enterprise, year and field, from one source."""

    # One value per (uscc, year, field) and batch; a newer batch of a source supersedes an older
    # one (history kept, raw_frames picks the newest active). That uniqueness is checked before a
    # batch is written (scoring.ingest.importer refuses a file that gives a value twice), not by a unique
    # index: on a 100,000-row import such an index costs a third of the CPU. The only index is by
    # batch, which an import appends to at its right edge; readers scan by year anyway.
    __table_args__ = (Index("ix_rawvalue_batch_id", "batch_id"),)
    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(foreign_key="enterprise.uscc")
    year: int
    field: str
    value: float | None = None
    text: str | None = None
    unit: str = ""
    source: str
    batch_id: int = Field(foreign_key="batch.id")
    row: int | None = None  # 1-based row number as an official sees it in Excel
    file: str | None = None
    sheet: str | None = None
    created_at: datetime | None = Field(default=None, sa_column_kwargs={"server_default": func.now()})


class Conflict(SQLModel, table=True):
    """Two sources disagree on one value; kept for an official to look at, never overwritten."""

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(index=True)
    year: int = Field(index=True)
    field: str
    value_a: str  # the value already in the store
    source_a: str
    batch_a: int = Field(foreign_key="batch.id")
    value_b: str  # the value the newer batch brings
    source_b: str
    batch_b: int = Field(foreign_key="batch.id")
    status: str = Field(default="open", index=True)  # open | resolved
    note: str = ""
    created_at: datetime = Field(default_factory=_now)
    resolved_at: datetime | None = None


class SystemVersion(SQLModel, table=True):
    """An indicator-system version as loaded: its file content and hash."""

    version: str = Field(primary_key=True)
    name: str
    year: int
    content: str
    sha256: str
    loaded_at: datetime = Field(default_factory=_now)


class ScoreRun(SQLModel, table=True):
    """A score run: one system version applied to one year of inputs.

    `kind` is the system's: a `zone` run is the zone's points for its year (the newest published
    one is what every reader sees), an `evaluation` run (an official evaluation) is only read by
    id. Results never change; withdrawing a zone run (`status` published → withdrawn) only makes
    the year's previous run the published one again.
    """

    id: int | None = Field(default=None, primary_key=True)
    system_version: str = Field(foreign_key="systemversion.version")
    year: int = Field(index=True)
    kind: str = "zone"  # zone | evaluation
    status: str = "published"  # published | withdrawn
    started_at: datetime
    published_at: datetime = Field(default_factory=_now)
    withdrawn_at: datetime | None = None
    input_batches: list[int] = Field(default_factory=list, sa_column=Column(JSON))
    n_enterprises: int = 0


class EnterpriseScore(SQLModel, table=True):
    """An enterprise's result in a run."""

    run_id: int = Field(foreign_key="scorerun.id", primary_key=True)
    uscc: str = Field(primary_key=True, index=True)
    stage: str
    stage_reason: str
    total: float
    rank: int
    percentile: float
    category_points: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON))
    verdicts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class IndicatorScore(SQLModel, table=True):
    """One indicator of one enterprise in a run, with what its explanation needs."""

    run_id: int = Field(foreign_key="scorerun.id", primary_key=True)
    uscc: str = Field(primary_key=True)
    indicator: str = Field(primary_key=True)
    value: float | None = None
    normalized: float
    points: float
    weight: float
    missing: bool = False
    band: int | None = None


class RunMatrix(SQLModel, table=True):
    """A run's formula values and points as .npy blobs: what-if advice re-scores whole cohorts,
    and reading 337k indicator rows back for every portrait would be far too slow."""

    run_id: int = Field(foreign_key="scorerun.id", primary_key=True)
    usccs: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    codes: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    values: bytes = Field(sa_column=Column(LargeBinary))
    points: bytes = Field(sa_column=Column(LargeBinary))
    stage: bytes = Field(sa_column=Column(LargeBinary))


class CohortStat(SQLModel, table=True):
    """Figures of a stage cohort for one indicator in a run (used by explanations)."""

    run_id: int = Field(foreign_key="scorerun.id", primary_key=True)
    indicator: str = Field(primary_key=True)
    stage: str = Field(primary_key=True)
    n: int
    n_missing: int
    min: float | None = None
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None
    max: float | None = None
    mean: float | None = None


class EnterpriseAdvice(SQLModel, table=True):
    """One of an enterprise's improvements in a run (`position` 0: the largest gain), computed for
    every enterprise when the run is published (`scoring.engine.advice`); a portrait reads them."""

    run_id: int = Field(foreign_key="scorerun.id", primary_key=True)
    uscc: str = Field(primary_key=True, max_length=18)
    position: int = Field(primary_key=True)
    indicator: str
    kind: str  # next_band | next_quartile | yes | fill_missing
    current: float | None = None  # None: missing
    target: float
    points_now: float
    points_then: float
    gain: float
