"""数据缺口 (officials): the raw values a year's indicator system needs that no source has brought,
per field and per enterprise, and one enterprise's self-report form (Excel) asking for them.

Which values a firm lacks is its own (non-public) data, so only officials read these; each read is
audited like the other reads of many firms' data.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlmodel import Session

from assistant.access.privacy import Principal, require_official
from assistant.errors import Unprocessable
from assistant.queries.audit import Audit, record
from scoring.errors import NotFound
from scoring.excel.gap_forms import write_form
from scoring.store.gaps import GapReport, find_gaps
from scoring.store.pipeline import system_for_year, zone_systems
from scoring.systems.fields import default_fields
from scoring.uscc import validate_uscc


def _report(*, session: Session, systems_dir: Path, year: int, usccs: list[str] | None) -> GapReport:
    system, _ = system_for_year(year, zone_systems(systems_dir))
    return find_gaps(session=session, year=year, usccs=usccs, system=system)


def gap_report(
    *, principal: Principal, session: Session, systems_dir: Path, year: int, audit: Audit | None,
    page: int = 1, size: int = 20,
) -> dict[str, Any]:
    """`year`'s gaps: the fields most missed first (`summary`), and one page of the enterprises lacking data."""
    require_official(principal)
    report = _report(session=session, systems_dir=systems_dir, year=year, usccs=None)
    body = report.as_dict()
    firms = body.pop("enterprises")
    start = (page - 1) * size
    record(audit, action="read_gaps", target=f"{year} 年：{len(firms)} 家缺少数据")
    return {**body, "page": page, "size": size, "enterprises": [
        {"uscc": e["uscc"], "name": e["name"], "gaps": len(e["gaps"]),
         "form_years": sorted({g["year"] for g in e["gaps"] if g["source"] != "review"}, reverse=True)}
        for e in firms[start:start + size]
    ]}


def gap_form(
    *, principal: Principal, session: Session, systems_dir: Path, year: int, uscc: str, data_year: int | None,
    audit: Audit | None,
) -> tuple[str, bytes]:
    """One enterprise's self-report form for one data year (default: the scored year): file name and bytes."""
    require_official(principal)
    try:
        code = validate_uscc(uscc)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    report = _report(session=session, systems_dir=systems_dir, year=year, usccs=[code])
    firm = next((e for e in report.enterprises if e.uscc == code), None)
    wanted = data_year or year
    if firm is None or not any(g.asked for g in firm.of_year(wanted)):
        raise NotFound(f"{code} 在 {wanted} 年没有需要企业填报的数据缺口（或没有这家企业）")
    with tempfile.TemporaryDirectory(prefix="innopoints-form-") as folder:
        path = write_form(Path(folder) / "form.xlsx", enterprise=firm, year=wanted, registry=default_fields())
        data = path.read_bytes()
    record(audit, action="gap_form", target=f"{code} {wanted}")
    return f"企业填报表_{firm.name}_{wanted}.xlsx", data


__all__ = ["gap_form", "gap_report"]
