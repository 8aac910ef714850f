"""jieba's start-up chatter ("Building prefix dict ...", "Loading model cost ...") reaches no console.

Checked in a fresh interpreter, where the segmenter's dictionary is loaded for the first time.
"""

from __future__ import annotations

import subprocess
import sys


def test_first_segmenter_prints_nothing() -> None:
    code = "from search.segment import Segmenter\nassert Segmenter(['天合光能']).cut('天合光能有限公司')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
