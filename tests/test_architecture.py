"""The dependency rules of design.md hold: `lint-imports` keeps every contract in pyproject.toml.

The contracts ([tool.importlinter]): the scoring floors (formula < systems < engine < store <
ingest < excel < demo), search imports neither scoring nor assistant, scoring never imports
assistant, the pure scoring floors import no SQL library, and assistant.access / assistant.queries /
assistant.chat / assistant.wechat import no web framework.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the venv's `lint-imports` on the project (no cache written into the checkout)."""
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(exe), "--no-logo", "--no-cache", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def test_import_contracts_are_kept() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_design_rule_is_a_contract() -> None:
    # A contract dropped from pyproject.toml would pass silently; name the ones design.md asks for.
    result = lint_imports()
    for name in ("scoring: each floor imports only the floors below it",
                 "search imports neither scoring nor assistant",
                 "scoring never imports assistant",
                 "scoring.formula, scoring.systems and scoring.engine import no SQL library",
                 "assistant.access, queries, chat and wechat import no web framework"):
        assert f"{name} KEPT" in result.stdout, result.stdout
