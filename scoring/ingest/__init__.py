"""Government files in: read (CSV/XLSX, encodings), parse (units, dates, flags), sources
(column mappings), plan, report and the importer that writes through the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

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


__getattr__ = lazy_getattr(__name__, _WHERE)
