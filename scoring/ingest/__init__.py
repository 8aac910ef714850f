"""Government files in: read (CSV/XLSX, encodings), parse (units, dates, flags), sources
(column mappings), plan, report and the importer that writes through the store."""

from scoring.ingest.importer import import_file
from scoring.ingest.report import CellError, ImportReport
from scoring.ingest.sources import default_sources, resolve_source

__all__ = ["CellError", "ImportReport", "default_sources", "import_file", "resolve_source"]
