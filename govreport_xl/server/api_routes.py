"""The API for other systems (OA systems, a WPS script, the Excel add-ins): `POST /api/validate`
takes a workbook or a report JSON and answers with the record `validate --json` prints. Nothing
is kept: the file is read from a temporary copy that is removed before the answer goes out.
"""

from __future__ import annotations

import json
from typing import Literal
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from .checking import check_path, check_report
from .intake import Refused, display_name, kind_of, report_json, spool
from .db import ApiToken, Round, Staff, Upload
from .records import body_states
from .security import selector_of, token_matches
from .web import PageError, client_ip, round_of

router = APIRouter(prefix="/api", tags=["api"])
TOO_MANY = {"zh": "请求太频繁，请稍后再试", "en": "too many requests: try again later"}

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
    if not request.app.state.limits["validate"].allow(client_ip(request)):
        return JSONResponse({"error": TOO_MANY[lang]}, status_code=429)
    try:
        head, source, name = await _upload(request)
        kind = kind_of(head or b"")
        if kind == "json":
            data = source if isinstance(source, bytes) else b"".join(_chunks(source))
            report = await run_in_threadpool(report_json, data)
            checked = await checker.check(check_report, report, name, lang=lang, name=name)
        else:
            path, _ = await run_in_threadpool(spool, settings.data_dir, _chunks(source))
            try:
                checked = await checker.check(check_path, str(path), name, lang=lang, name=name)
            finally:
                path.unlink(missing_ok=True)
    except Refused as refused:
        return JSONResponse({"error": refused.reason[lang]}, status_code=refused.status)
    return checked.record


# --- read access for staff tokens ---------------------------------------------------------------

def staff_token(request: Request) -> Staff:
    """The staff member an `Authorization: Bearer` token was made by (401 otherwise)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    selector = selector_of(token)
    found = None
    if selector is not None:
        with request.app.state.db.read() as s:
            found = s.execute(select(ApiToken, Staff).join(Staff, Staff.id == ApiToken.staff_id)
                              .where(ApiToken.selector == selector)).first()
    if found is None or not token_matches(found[0].secret_hash, token) or found[0].revoked_at or found[1].disabled_at:
        if not request.app.state.limits["link_miss"].allow(client_ip(request)):
            raise PageError(429, TOO_MANY["zh"])
        raise PageError(401, "需要有效的令牌（Authorization: Bearer …）")
    return found[1]


Token = Depends(staff_token)


def _round_json(r: Round) -> dict:
    return {"id": r.id, "year": r.year, "region_code": r.region_code, "title": r.title, "deadline": r.deadline.isoformat()}


@router.get("/rounds", summary="The rounds (staff token)")
def rounds(request: Request, staff: Staff = Token) -> list[dict]:
    with request.app.state.db.read() as s:
        return [_round_json(r) for r in s.scalars(select(Round).order_by(Round.year, Round.region_code))]


def _body_json(row) -> dict:
    b, u = row.body, row.upload
    return {"id": b.id, "name": b.name, "uscc": b.uscc, "region_code": b.region_code, "level": b.level, "contact": b.contact,
            "state": row.state, "state_zh": row.label, "overdue": row.overdue, "uploads": row.uploads,
            "review_note": b.review_note if row.state == "returned" else "",
            "latest": None if u is None else {"id": u.id, "received_at": u.received_at.isoformat(), "filename": u.filename,
                                              "status": u.status, "errors": u.errors, "warnings": u.warnings}}


@router.get("/rounds/{round_id}/bodies", summary="A round's bodies and their states (staff token)")
def round_bodies(request: Request, round_id: int, staff: Staff = Token) -> dict:
    round_ = round_of(request, round_id)
    with request.app.state.db.read() as s:
        rows = body_states(s, round_)
    return {"round": _round_json(round_), "bodies": [_body_json(r) for r in rows]}


@router.get("/rounds/{round_id}/records", summary="The latest record of every body that uploaded, as JSON Lines (staff token)",
            description="One `validate --json` record a line (Chinese messages, with the report), as checked when it was uploaded.")
def round_records(request: Request, round_id: int, staff: Staff = Token):
    round_ = round_of(request, round_id)
    with request.app.state.db.read() as s:
        rows = [r for r in body_states(s, round_) if r.upload is not None]
    lines = (json.dumps({"body_id": r.body.id, "upload_id": r.upload.id, "state": r.state, "record": json.loads(r.upload.record)},
                        ensure_ascii=False) + "\n" for r in rows)
    return StreamingResponse(lines, media_type="application/jsonl; charset=utf-8")


@router.get("/uploads/{upload_id}", summary="One upload's record (staff token)")
def upload_record(request: Request, upload_id: int, staff: Staff = Token) -> dict:
    with request.app.state.db.read() as s:
        upload = s.get(Upload, upload_id)
    if upload is None:
        raise PageError(404, "没有这次上传")
    return {"id": upload.id, "body_id": upload.body_id, "received_at": upload.received_at.isoformat(), "filename": upload.filename,
            "sha256": upload.blob_sha256, "record": json.loads(upload.record)}
