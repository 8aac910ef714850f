"""Government files in: read (CSV/XLSX, encodings), parse (units, dates, flags), sources
(column mappings), plan, report and the importer that writes through the store."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.ingest.importer import import_file
    from scoring.ingest.report import CellError, ImportReport
    from scoring.ingest.sources import default_sources, resolve_source

_WHERE = {
    "CellError": "scoring.ingest.report",
    "ImportReport": "scoring.ingest.report",
    "default_sources": "scoring.ingest.sources",
    "import_file": "scoring.ingest.importer",
    "resolve_source": "scoring.ingest.sources",
}

__all__ = [
    "CellError",
    "ImportReport",
    "default_sources",
    "import_file",
    "resolve_source",
]


def __getattr__(name: str) -> Any:
    # PEP 562: a name is imported on first use, so importing the package stays cheap.
    if name not in _WHERE:
        raise AttributeError(f"module 'scoring.ingest' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
