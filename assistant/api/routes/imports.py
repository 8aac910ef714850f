"""Source-file imports for officials: upload, list, show, revert; conflicts between sources.

Only officials and admins may use these routes. Reverting a batch is open to both as well: the
officials who import data are the ones who notice a wrong file, a revert keeps every value for
history and is recorded in the audit log, and re-importing the file undoes it.
Uploads may be up to `MAX_UPLOAD_BYTES` (the rest of the API keeps the small global limit).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from assistant.access.privacy import require_official
from assistant.api.audit import audit_read
from assistant.api.deps import PrincipalDep, SessionDep
from assistant.api.responses import errors
from assistant.errors import BadRequest, ServiceError
from scoring import store
from scoring.ingest.importer import ImportReport, import_file
from scoring.ingest.sources import resolve_source
from scoring.systems.schema import SOURCES

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_PATH = "/api/imports"
# What an upload may be, told by the file name's ending (browsers send CSV under several media
# types, so the name decides); the media types are stated in the schema for clients that ask.
FILE_TYPES = {
    ".csv": "text/csv", ".txt": "text/plain",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
}
FILE_ENDINGS = "、".join(FILE_TYPES)
UPLOAD_ENCODING = {"requestBody": {"content": {"multipart/form-data": {
    "encoding": {"file": {"contentType": ", ".join(FILE_TYPES.values())}},
}}}}
router = APIRouter(tags=["数据导入"])
BatchPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="导入批次号（正整数，1–2147483647）")]
OFFICIALS_ONLY = (403, "仅向园区工作人员开放")
NO_BATCH = (404, "没有这个导入批次")


class ImportRejected(ServiceError):
    """A file refused as a whole; `details` is the full report with every bad cell."""

    status, code = 422, "import_rejected"


class BatchInfo(BaseModel):
    """An import batch (one file of one source)."""

    id: int
    source: str
    source_name: str
    file: str
    year: int | None
    status: str
    sha256: str | None
    sheets: list[str]
    values: int
    rows_read: int
    rows_imported: int
    created_at: datetime
    reverted_at: datetime | None


class BatchDetail(BatchInfo):
    report: dict[str, Any]


class ConflictInfo(BaseModel):
    """Two sources that disagree on one value (value_a was in the store, value_b came later)."""

    id: int
    uscc: str
    year: int
    field: str
    value_a: str
    source_a: str
    batch_a: int
    value_b: str
    source_b: str
    batch_b: int
    status: str
    note: str
    created_at: datetime
    resolved_at: datetime | None


def _info(b: store.Batch) -> dict[str, Any]:
    return {**b.model_dump(exclude={"rows", "report", "description", "rows_rejected"}),
            "source_name": SOURCES.get(b.source, b.source), "values": b.rows}


@router.post(UPLOAD_PATH, response_model=ImportReport, status_code=201, summary="上传并导入数据文件",
             responses={200: {"model": ImportReport, "description": "未变化（同一文件已导入）或试导入"},
                        **errors((400, f"文件名不以 {FILE_ENDINGS} 结尾"), 401, OFFICIALS_ONLY, (413, "文件超过 50 MB"),
                                 (422, "文件有错误而整体未导入（details 为完整报告）、未知的数据来源，或参数有误"))},
             openapi_extra=UPLOAD_ENCODING)
def upload(
    request: Request,
    principal: PrincipalDep,
    source: Annotated[str, Form(min_length=1, max_length=40, description="数据来源：代码（tax）或名称（税务）")],
    file: Annotated[UploadFile, File(description=f"CSV（UTF-8/GBK）或 XLSX 文件，最大 50 MB；文件名须以 {FILE_ENDINGS} 结尾（不区分大小写），否则答 400")],
    year: Annotated[int | None, Form(ge=1990, le=2100, description="数据年度（文件没有“年度”列时必填）")] = None,
    dry_run: Annotated[bool, Form(description="只检查，不写入")] = False,
) -> Any:
    """上传并导入一个数据来源文件：整体校验，有错误则整个文件不导入（422，details 为完整报告）；同一文件重复上传不会重复写入。"""
    require_official(principal)
    name = FilePath(file.filename or "upload").name
    if not name.lower().endswith(tuple(FILE_TYPES)):
        raise BadRequest(f"只支持 CSV 或 XLSX 文件（文件名以 {FILE_ENDINGS} 结尾）：{name}")
    with tempfile.TemporaryDirectory(prefix="innopoints-import-") as folder:
        path = FilePath(folder) / ("upload" + FilePath(name).suffix.lower())
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                out.write(chunk)
        report = import_file(engine=request.app.state.engine, source=source, path=path, year=year,
                             dry_run=dry_run, display_name=name)
    audit_read(request, principal, action="import", target=f"{report.source}:{name}:{report.status}:{report.batch_id or '-'}")
    if report.status == "rejected":
        raise ImportRejected(f"文件“{name}”未导入：共 {report.error_count} 处错误，请按报告修改后重新上传",
                             details=report.model_dump(mode="json"))
    status = 201 if report.status == "imported" else 200
    return JSONResponse(report.model_dump(mode="json"), status_code=status)


@router.get(UPLOAD_PATH, response_model=list[BatchInfo], summary="导入批次列表",
            responses=errors(401, OFFICIALS_ONLY, (422, "未知的数据来源，或参数有误")))
def list_imports(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    source: Annotated[str | None, Query(max_length=40, description="只看某个数据来源：代码（tax）或名称（税务）；不填为全部")] = None,
) -> list[dict[str, Any]]:
    """全部导入批次，最新的在前。"""
    require_official(principal)
    key = resolve_source(source).key if source else None
    batches = [_info(b) for b in store.list_batches(session=session, source=key)]
    audit_read(request, principal, action="list_imports", target=f"{key or '全部'}：{len(batches)} 批")
    return batches


@router.get(UPLOAD_PATH + "/{batch_id}", response_model=BatchDetail, summary="一个导入批次",
            responses=errors(401, OFFICIALS_ONLY, NO_BATCH, 422))
def one_import(batch_id: BatchPath, request: Request, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """一个导入批次及其导入报告（提示、行数、冲突数）。"""
    require_official(principal)
    b = store.get_batch(session=session, batch_id=batch_id)
    audit_read(request, principal, action="read_import", target=f"batch:{batch_id}")
    return {**_info(b), "report": b.report or {}}


@router.post(UPLOAD_PATH + "/{batch_id}/revert", response_model=BatchInfo, summary="撤销导入批次",
             responses=errors(401, OFFICIALS_ONLY, NO_BATCH, (409, "该批次已撤销，不能重复撤销"), 422))
def revert(batch_id: BatchPath, request: Request, principal: PrincipalDep) -> dict[str, Any]:
    """撤销一个导入批次：其数值不再参与评分（保留为历史）；重复撤销返回 409。"""
    require_official(principal)
    b = store.revert_batch(engine=request.app.state.engine, batch_id=batch_id)
    audit_read(request, principal, action="revert_import", target=f"batch:{batch_id}")
    return _info(b)


@router.get("/api/conflicts", response_model=list[ConflictInfo], summary="来源冲突列表",
            responses=errors(401, OFFICIALS_ONLY, 422))
def conflicts(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="只看该年度数据的冲突（1990–2100；不填为全部年度）")] = None,
    status: Annotated[str, Query(pattern="^(open|resolved|all)$", description="open 待核对、resolved 已处理、all 全部")] = "open",
) -> list[store.Conflict]:
    """不同来源对同一企业、年度、字段给出的不同取值（待园区工作人员核对）。"""
    require_official(principal)
    rows = store.list_conflicts(session=session, year=year, status=None if status == "all" else status)
    # Each conflict holds one firm's two values of a field (e.g. its revenue): non-public.
    audit_read(request, principal, action="read_conflicts", target=f"{year or '全部年度'} {status}：{len(rows)} 条")
    return rows
