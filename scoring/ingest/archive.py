"""An XLSX package checked before openpyxl parses it: member count and sizes from the zip's
directory, then one streamed pass over the sheets and the shared strings.

The directory's sizes can be trusted: `zipfile` never returns more bytes than a member declares
(and fails on the CRC if they differ). The streamed pass counts rows, cells and shared strings and
measures the longest run of bytes without a '<' — any cell's text lies in such a run, so a run
under `MAX_CELL_CHARS` bytes proves every cell short enough without parsing one. It also collects
merged ranges and whether formulas occur, which openpyxl's read-only mode does not report.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

import numpy as np

from scoring.ingest import limits

CHUNK = 1 << 20
TAIL = 64  # bytes kept from the previous chunk: a tag may straddle two chunks
# The most bytes one cell's text can take in XML: 10 per character ("&#x10FFFF;").
MAX_TEXT_BYTES = 10 * limits.MAX_CELL_CHARS
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|row|si)[\s>/]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_SHEET = re.compile(r"(^|/)worksheets/[^/]+\.xml$", re.IGNORECASE)
_STRINGS = re.compile(r"(^|/)sharedStrings\.xml$", re.IGNORECASE)
_PARSED_WHOLE = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)


@dataclass
class PartScan:
    """What one streamed XML part holds."""

    longest_run: int = 0  # bytes: an upper bound on the length of any text in the part
    rows: int = 0
    cells: int = 0
    strings: int = 0
    formulas: bool = False
    merges: list[str] = field(default_factory=list)


@dataclass
class PackageScan:
    """The scans of the sheets and shared strings, or why the package is refused."""

    parts: dict[str, PartScan] = field(default_factory=dict)
    refused: str = ""

    @property
    def long_text(self) -> bool:
        """Whether some text may exceed the cell limit (then each cell is measured while read)."""
        return any(p.longest_run > limits.MAX_CELL_CHARS for p in self.parts.values())


def check_package(archive: zipfile.ZipFile) -> PackageScan:
    """Check sizes and counts of the whole package before anything is parsed."""
    infos = archive.infolist()
    if len(infos) > limits.MAX_XLSX_MEMBERS:
        return PackageScan(refused=limits.too_many_members(len(infos)))
    total = sum(i.file_size for i in infos)
    if total > limits.MAX_XLSX_UNPACKED:
        return PackageScan(refused=limits.too_big_unpacked(total))
    out = PackageScan()
    for info in infos:
        name = info.filename
        if not (_SHEET.search(name) or _STRINGS.search(name)):
            if _PARSED_WHOLE.search(name) and info.file_size > limits.MAX_XLSX_PART:
                return PackageScan(refused=limits.too_big_part(name, info.file_size))
            continue
        part = out.parts[name] = scan_part(archive, name)
        if part.longest_run > MAX_TEXT_BYTES:
            out.refused = limits.too_long_text(name, part.longest_run)
        elif part.rows > limits.MAX_ROWS:
            out.refused = limits.too_many_rows(f"Excel 文件的 {name} ")
        elif part.strings > limits.MAX_CELLS or sum(p.cells for p in out.parts.values()) > limits.MAX_CELLS:
            out.refused = limits.too_many_cells()
        if out.refused:
            return out
    return out


def scan_part(archive: zipfile.ZipFile, member: str) -> PartScan:
    """Stream one part: counts, the longest run without '<', merged ranges, formulas. Stops as
    soon as a limit is passed (a bomb is refused after its first megabytes, not its last)."""
    scan = PartScan()
    merges: dict[str, None] = {}  # ordered, without the repeats the chunk overlap produces
    tail = b""
    run = 0  # bytes since the last '<', carried across chunks
    with archive.open(member) as src:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            buf = tail + chunk
            # Matches wholly inside the tail were counted with the previous chunk.
            tags = _TAG.findall(buf)
            if tail:
                for seen in _TAG.findall(tail):
                    tags.remove(seen)
            scan.cells += tags.count(b"c")
            scan.rows += tags.count(b"row")
            scan.strings += tags.count(b"si")
            scan.formulas = scan.formulas or _FORMULA.search(buf) is not None
            merges.update((m.decode(), None) for m in _MERGE.findall(buf))
            run = _longest_run(chunk, run, scan)
            tail = buf[-TAIL:]
            if max(run, scan.longest_run) > MAX_TEXT_BYTES or scan.rows > limits.MAX_ROWS or \
                    max(scan.cells, scan.strings) > limits.MAX_CELLS:
                break
    scan.longest_run = max(scan.longest_run, run)
    scan.merges = list(merges)
    return scan


def _longest_run(chunk: bytes, run: int, scan: PartScan) -> int:
    """Update `scan.longest_run` with the runs this chunk closes; return the open run at its end."""
    lt = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == ord("<"))
    if not len(lt):
        return run + len(chunk)
    longest = run + int(lt[0])
    if len(lt) > 1:
        longest = max(longest, int(np.diff(lt).max()) - 1)
    scan.longest_run = max(scan.longest_run, longest)
    return len(chunk) - int(lt[-1]) - 1
