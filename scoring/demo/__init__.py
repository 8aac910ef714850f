"""The deterministic demo zone: names, the firm model, source files. Not imported by the rest."""

from scoring.demo.build import Demo, build_demo
from scoring.demo.files import import_demo_files, write_demo_files

__all__ = ["Demo", "build_demo", "import_demo_files", "write_demo_files"]
