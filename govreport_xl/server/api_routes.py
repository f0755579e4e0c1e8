"""The API for other systems (OA systems, a WPS script, the Excel add-ins): `POST /api/validate`
takes a workbook or a report JSON and answers with the record `validate --json` prints. Nothing
is kept: the file is read from a temporary copy that is removed before the answer goes out.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import unquote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .checking import check_path, check_report
from .intake import Refused, display_name, kind_of, report_json, spool

router = APIRouter(prefix="/api", tags=["api"])

VALIDATE_BODY = {
    "requestBody": {
        "required": True,
        "description": "The workbook (.xlsx) or the report JSON, as the raw body or as the form field `file`.",
        "content": {
            "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}},
                                               "required": ["file"]}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"type": "object", "description": "a report as `govreport-xl schema` describes it"}},
        },
    },
}


async def _upload(request: Request) -> tuple[bytes | None, object, str]:
    """(first bytes, chunks or bytes, the sender's file name) of a raw or multipart body."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=4)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Refused({"zh": "表单中没有文件（字段名应为 file）", "en": "no file in the form (field 'file')"}, 400)
        head = await upload.read(8)
        await upload.seek(0)
        return head, upload.file, display_name(upload.filename)
    body = await request.body()
    return body[:8], body, display_name(unquote(request.headers.get("x-filename", "")), "report")


def _chunks(source):
    if isinstance(source, bytes):
        yield source
        return
    while chunk := source.read(1024 * 1024):
        yield chunk


@router.post("/validate", openapi_extra=VALIDATE_BODY, summary="Validate one report (nothing is kept)",
             description="The same result record as `govreport-xl validate --json`, for one workbook or report JSON.")
async def validate(request: Request, lang: Literal["zh", "en"] = Query("zh", description="message language")):
    settings, checker = request.app.state.settings, request.app.state.checker
    try:
        head, source, name = await _upload(request)
        kind = kind_of(head or b"")
        if kind == "json":
            data = source if isinstance(source, bytes) else b"".join(_chunks(source))
            checked = await checker.check(check_report, report_json(data), name, lang=lang, name=name)
        else:
            path, _ = await run_in_threadpool(spool, settings.data_dir, _chunks(source))
            try:
                checked = await checker.check(check_path, str(path), name, lang=lang, name=name)
            finally:
                path.unlink(missing_ok=True)
    except Refused as refused:
        return JSONResponse({"error": refused.reason[lang]}, status_code=refused.status)
    return checked.record
