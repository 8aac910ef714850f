"""The built wheel works on its own: installed into a fresh virtual environment that cannot see
this checkout, it lists the indicator systems, scores a file and searches a store.

The wheel is built from a copy of the sources (nothing is written into the checkout) and installed
with `--no-deps`; the dependencies come from this project's environment through a `.pth` file, so
the test needs no network and downloads nothing. Every command runs from an empty folder.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from scoring.demo.build import build_demo
from search.vector import PassageCache

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "assistant", "scoring", "search", "data")


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding only the wheel, and an empty folder to run it from."""

    python: Path
    site: Path
    cwd: Path
    data_dir: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `innopoints ARGS` from the installed wheel, with its own data folder."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INNOPOINTS_", "PYTHON"))}
        env |= {"INNOPOINTS_DATA_DIR": str(self.data_dir), "INNOPOINTS_ENVIRONMENT": "development"}
        result = subprocess.run([str(self.python.with_name("innopoints")), *args], cwd=self.cwd, env=env,
                                capture_output=True, text=True, check=False)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result


def _run(*cmd: str | Path, cwd: Path) -> str:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    src, dist, venv, cwd = base / "src", base / "dist", base / "venv", base / "cwd"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    cwd.mkdir()
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", dist, src, cwd=cwd)
    (wheel,) = dist.glob("innopoints-*.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=cwd)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel, cwd=cwd)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=cwd).strip())
    # The dependencies, already installed here; a path in a .pth file does not run that folder's own
    # .pth files, so this project's editable-install hook stays inactive in the new environment.
    (site / "innopoints-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return Installed(python=python, site=site, cwd=cwd, data_dir=base / "var")


def test_code_and_data_come_from_the_wheel(installed: Installed) -> None:
    code = ("import json, assistant.cli.main, scoring, search, innopoints_data\n"
            "print(json.dumps({'files': [m.__file__ for m in (assistant.cli.main, scoring, search, innopoints_data)],"
            " 'data_dir': str(innopoints_data.DATA_DIR)}))")
    out = json.loads(_run(installed.python, "-c", code, cwd=installed.cwd))
    for path in [*out["files"], out["data_dir"]]:
        assert Path(path).is_relative_to(installed.site), path
        assert not Path(path).is_relative_to(ROOT), path
    data = Path(out["data_dir"])
    for folder in ("indicator_systems", "fields", "sources", "dicts", "demo_vectors"):
        assert {p.name for p in (ROOT / "data" / folder).iterdir() if p.is_file()} <= \
            {p.name for p in (data / folder).iterdir()}, folder


def test_the_portals_templates_and_static_files_come_from_the_wheel(installed: Installed) -> None:
    """No CDN: every file the portal serves (ECharts and its licence included) is in the wheel."""
    code = "from assistant.web import STATIC_DIR, TEMPLATES_DIR\nprint(STATIC_DIR)\nprint(TEMPLATES_DIR)"
    static, templates = (Path(line) for line in _run(installed.python, "-c", code, cwd=installed.cwd).split())
    for ours, theirs in ((ROOT / "assistant" / "web" / "static", static), (ROOT / "assistant" / "web" / "templates", templates)):
        assert theirs.is_relative_to(installed.site), theirs
        assert {p.relative_to(ours) for p in ours.rglob("*") if p.is_file()} <= \
            {p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file()}


def test_the_demo_vectors_come_from_the_wheel(installed: Installed) -> None:
    code = ("import json\nfrom assistant.queries.demo_vectors import DEMO_VECTORS_DIR\nfrom search.vector import PassageCache\n"
            "c = PassageCache.read(DEMO_VECTORS_DIR)\nprint(json.dumps([str(DEMO_VECTORS_DIR), c.embedder, len(c.vectors)]))")
    folder, embedder, count = json.loads(_run(installed.python, "-c", code, cwd=installed.cwd))
    assert Path(folder).is_relative_to(installed.site)
    shipped = PassageCache.read(ROOT / "data" / "demo_vectors")
    assert (embedder, count) == (shipped.embedder, len(shipped.vectors))


def test_systems_list(installed: Installed) -> None:
    systems = json.loads(installed.run("systems", "list", "--json").stdout)
    assert len(systems) == len(list((ROOT / "data" / "indicator_systems").glob("*.yaml"))) == 4
    assert "1.0" in {s["version"] for s in systems}


def test_score_file(installed: Installed) -> None:
    demo = build_demo(n=5)
    table = demo.raw[2024].copy()
    for col in ("revenue", "net_assets"):
        table[f"{col}[-1]"] = demo.raw[2023][col]
    table.index.name = "统一社会信用代码"
    src, out = installed.cwd / "raw.csv", installed.cwd / "scored.csv"
    table.reset_index().to_csv(src, index=False)
    installed.run("score-file", "--system", "1.0", "--input", str(src), "--output", str(out), "--year", "2024")
    scored = pd.read_csv(out, dtype=str)
    # The result's layout is the score-file tests' business; here: one scored row per input row.
    assert set(scored.iloc[:, 0]) == set(table.index) and len(scored) == 5
    assert len(scored.columns) > len(table.columns) + 1


def test_search_a_store_built_by_the_wheel(installed: Installed) -> None:
    installed.run("demo", "--size", "60", "--no-index")
    with sqlite3.connect(installed.data_dir / "innopoints.sqlite") as db:
        uscc, name = db.execute("SELECT uscc, name FROM enterprise ORDER BY uscc LIMIT 1").fetchone()
    found = json.loads(installed.run("search", name, "--json").stdout)
    assert found["items"] and found["items"][0]["uscc"] == uscc
