"""`assistant.heap`: a serving worker's long-lived objects leave the cyclic GC's full passes, and
nothing is frozen in a process that did not enable it (a test process building many apps).
Each case runs in a fresh interpreter: freezing is process-wide and cannot be undone for a test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import gc
from assistant import heap
kept = [[i] for i in range(10_000)]
assert heap.freeze_long_lived(collect=True) is False and gc.get_freeze_count() == 0, "frozen before enable"
heap.enable()
assert heap.freeze_long_lived(collect=True) is True
assert gc.get_freeze_count() >= 10_000, gc.get_freeze_count()
before = gc.get_freeze_count()
more = [[i] for i in range(5_000)]
heap.freeze_long_lived()
assert gc.get_freeze_count() >= before + 5_000
del kept, more  # frozen objects are still freed by reference counting
print("ok")
"""


def test_freezes_only_once_enabled() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
