"""Every library our packages import is declared in pyproject.toml, under its distribution's name.

A library that arrives only through another one (SQLAlchemy through sqlmodel, starlette through
fastapi) works until that one changes its own requirements; a wheel installed elsewhere then breaks.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
OURS = {"assistant", "scoring", "search", "innopoints_data"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules() -> dict[str, str]:
    """Top-level third-party modules imported anywhere in our packages → one file importing each."""
    found: dict[str, str] = {}
    for package in ("assistant", "scoring", "search", "data"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OURS:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def declared() -> set[str]:
    """Distribution names in the dependencies and the optional extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    return {_norm(Requirement(r).name) for r in reqs}


def test_every_imported_library_is_declared() -> None:
    dists = packages_distributions()
    missing = {}
    for module, where in imported_modules().items():
        names = {_norm(d) for d in dists.get(module, [module])}
        if not names & declared():
            missing[module] = (sorted(names), where)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


# Packages read as package data, never imported (so the scan above cannot see them): where each is used.
DATA_PACKAGES = {"fastapi_offline": "assistant/api/docs.py"}


def test_data_packages_are_declared() -> None:
    dists = packages_distributions()
    for module, where in DATA_PACKAGES.items():
        assert f'"{module}"' in (ROOT / where).read_text(encoding="utf-8"), f"{where} no longer uses {module}"
        assert {_norm(d) for d in dists.get(module, [module])} & declared(), module


def test_sql_and_asgi_libraries_are_declared() -> None:
    # Imported directly (not only through sqlmodel and fastapi): named on their own.
    assert {"sqlalchemy", "starlette", "numpy", "pyyaml"} <= declared()
