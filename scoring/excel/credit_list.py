"""The credit list (积分贷白名单) as a workbook for banks: one title line, then one row per enterprise.

Points are stored as the run computed them and shown with 2 decimals; the generation time is
Beijing time, labelled.

    >>> import io, openpyxl
    >>> from scoring.systems.schema import Category
    >>> data = credit_list_xlsx(year=2024, rule="总分≥60", system_version="1.1",
    ...     categories=[Category(code="input", name="创新投入", max_points=30)],
    ...     items=[{"uscc": "91320411MA1MXXXX0X", "name": "=HYPERLINK(\\"x\\")", "industry": "软件",
    ...             "stage_name": "成长期", "total": 61.5, "rank": 1, "categories": {"input": 20.25}}])
    >>> ws = openpyxl.load_workbook(io.BytesIO(data))["白名单"]
    >>> [c.value for c in ws[2]], ws["B3"].data_type, ws["E3"].number_format
    (['统一社会信用代码', '企业名称', '行业', '成长阶段', '总分', '阶段内排名', '创新投入'], 's', '0.00')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from scoring.excel.writer import BEIJING, POINTS, Column, Sheet, write_tables
from scoring.systems.schema import Category

__all__ = ["credit_list_xlsx"]


def credit_list_xlsx(
    *,
    year: int,
    rule: str,
    system_version: str,
    categories: Sequence[Category],
    items: Iterable[Mapping[str, Any]],
    generated_at: datetime | None = None,
) -> bytes:
    """The list's workbook as bytes (an HTTP response); `items` as `assistant.queries.lists` gives them."""
    when = (generated_at or datetime.now(BEIJING)).astimezone(BEIJING)
    title = f"{year} 年积分贷白名单（{rule}；指标体系 {system_version}；生成于 {when:%Y-%m-%d %H:%M} 北京时间）"
    columns = [Column("统一社会信用代码", 22), Column("企业名称", 36), Column("行业", 14), Column("成长阶段", 10),
               Column("总分", 8, POINTS), Column("阶段内排名", 10),
               *(Column(c.name, max(10, 2 * len(c.name) + 2), POINTS) for c in categories)]
    rows = ([i["uscc"], i["name"], i["industry"], i["stage_name"], i["total"], i["rank"],
             *(i["categories"][c.code] for c in categories)] for i in items)
    return write_tables(None, [Sheet("白名单", columns, rows, title=[title])])
