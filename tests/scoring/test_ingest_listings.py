"""Aliases and stock listings through the importer, on a real SQLite store: the register's columns
(several per cell, several columns of one kind), stock codes checked per exchange and owned by one
firm, every refusal naming row and column, nothing written when a file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.ingest.importer import import_file
from tests.scoring.test_ingest import NAMES, USCCS, counts, write_csv, write_xlsx

HEADER = ["统一社会信用代码", "企业名称", "其他名称", "英文缩写", "证券代码", "证券简称"]


@pytest.fixture
def engine(store_url: str) -> Engine:
    return store.make_engine(store_url)


def register(engine: Engine, path: Path) -> tuple[str, list[str]]:
    report = import_file(engine=engine, source="register", path=path, year=2023)
    return report.status, [f"{e.where()}：{e.reason}" for e in report.errors]


def stored(engine: Engine, uscc: str) -> tuple[list[str], list[str], list[str]]:
    with Session(engine) as s:
        e = store.enterprise(session=s, uscc=uscc)
    return e.aliases, e.stock_codes, e.stock_names


def test_register_columns_several_per_cell(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [
        [USCCS[0], NAMES[0], "宁德时代；宁德 , 时代新能", "CATL／catl", "300750.SZ、0700.HK", "宁德时代"],
        [USCCS[1], NAMES[1], "", "", "sh688981", "中芯国际，中芯"],
        [USCCS[2], NAMES[2], "  ", "", "", ""],
    ], encoding="utf-8-sig")
    assert register(engine, path) == ("imported", [])
    # Two alias columns (其他名称 and 英文缩写) are one list; repeats up to case are kept once.
    assert stored(engine, USCCS[0]) == (["宁德时代", "宁德", "时代新能", "CATL"], ["300750.SZ", "00700.HK"], ["宁德时代"])
    assert stored(engine, USCCS[1]) == ([], ["688981.SH"], ["中芯国际", "中芯"])
    assert stored(engine, USCCS[2]) == ([], [], [])


def test_a_later_register_replaces_the_lists(engine: Engine, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", ["统一社会信用代码", "企业名称", "品牌", "股票代码"],
                      [[USCCS[0], NAMES[0], "旧品牌", "830799"]])
    assert register(engine, first) == ("imported", [])
    later = write_csv(tmp_path / "b.csv", ["统一社会信用代码", "企业名称", "品牌", "股票代码"],
                      [[USCCS[0], NAMES[0], "新品牌/另一品牌", "920799"]])
    assert register(engine, later) == ("imported", [])
    assert stored(engine, USCCS[0]) == (["新品牌", "另一品牌"], ["920799.BJ"], [])


def test_bad_stock_codes_name_row_and_column_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    path = write_xlsx(tmp_path / "r.xlsx", {"登记": (["常州高新区企业登记信息"], HEADER, [
        [USCCS[0], NAMES[0], "甲品牌", "", "300750.SZ", "甲股份"],
        [USCCS[1], NAMES[1], "", "", "600519.SZ", ""],
        [USCCS[2], NAMES[2], "", "", "300750、12345", ""],
        [USCCS[3], NAMES[3], "", "", 300750, ""],  # a number cell, as Excel keeps it
    ])})
    status, errors = register(engine, path)
    assert status == "rejected" and counts(engine) == before
    assert errors == [
        "工作表“登记” 第 4 行 E 列「证券代码」：股票代码“600519.SZ”与交易所不符：600519 是上交所的代码，应写作 600519.SH",
        "工作表“登记” 第 5 行 E 列「证券代码」：股票代码应为 6 位数字，实际为 5 位：“12345”"
        "（A 股、北交所、新三板为 6 位数字，如 300750 或 300750.SZ；港股为 5 位数字，如 00700 或 0700.HK）",
        "工作表“登记” 第 6 行 E 列「证券代码」：股票代码 300750.SZ 已是工作表“登记”第 3 行企业 "
        f"{USCCS[0]} 的代码：一个股票代码只属于一家企业",
    ]


def test_a_code_another_stored_firm_holds_is_refused_unless_it_moves(engine: Engine, tmp_path: Path) -> None:
    header = ["统一社会信用代码", "企业名称", "股票代码"]
    assert register(engine, write_csv(tmp_path / "a.csv", header, [[USCCS[0], NAMES[0], "300750"]])) == ("imported", [])
    before = counts(engine)
    status, errors = register(engine, write_csv(tmp_path / "b.csv", header, [[USCCS[1], NAMES[1], "300750.SZ"]]))
    assert status == "rejected" and counts(engine) == before
    assert errors == [f"第 2 行 C 列「股票代码」：股票代码 300750.SZ 已是库中企业 {USCCS[0]} 的代码：一个股票代码只属于一家企业"]
    # The same file that gives the first firm another code moves it.
    moved = write_csv(tmp_path / "c.csv", header, [[USCCS[0], NAMES[0], "301750"], [USCCS[1], NAMES[1], "300750.SZ"]])
    assert register(engine, moved) == ("imported", [])
    assert stored(engine, USCCS[0])[1] == ["301750.SZ"] and stored(engine, USCCS[1])[1] == ["300750.SZ"]


def test_absurd_alias_cells_are_refused(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    path = write_csv(tmp_path / "r.csv", ["统一社会信用代码", "企业名称", "其他名称", "股票简称"], [
        [USCCS[0], NAMES[0], "、".join(f"品牌{i}" for i in range(30)), ""],
        [USCCS[1], NAMES[1], "甲" * 500, ""],
        [USCCS[2], NAMES[2], "", "？？？"],
    ])
    status, errors = register(engine, path)
    assert status == "rejected" and counts(engine) == before
    assert [e.split("：", 1)[0] for e in errors] == ["第 2 行 C 列「其他名称」", "第 3 行 C 列「其他名称」", "第 4 行 D 列「股票简称」"]
    assert "超过每格 20 项的上限" in errors[0] and "超过每项 100 个字符的上限" in errors[1] and "不是名称" in errors[2]


def test_the_latest_year_of_a_firm_gives_its_lists(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["统一社会信用代码", "企业名称", "年度", "品牌", "英文缩写"], [
        [USCCS[0], NAMES[0], "2023", "旧品牌", "OLD"],
        [USCCS[0], NAMES[0], "2024", "新品牌", "NEW"],
        [USCCS[1], NAMES[1], "2023", "", "OLD1"],  # the first column blank in the older row
        [USCCS[1], NAMES[1], "2024", "新品牌1", ""],
    ])
    assert import_file(engine=engine, source="register", path=path).status == "imported"
    assert stored(engine, USCCS[0])[0] == ["新品牌", "NEW"]  # one row's two columns merged, the older row's dropped
    assert stored(engine, USCCS[1])[0] == ["新品牌1"]
