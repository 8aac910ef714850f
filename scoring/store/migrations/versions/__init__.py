"""One migration per file, named by revision id (`0001_baseline.py` first)."""
