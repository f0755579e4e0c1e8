"""A body's pages, reached by its private link /b/<token>: the template to fill, the upload, the
findings at once, the marked copy, and the history. A body sees only its own uploads."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from .. import __version__, api
from .db import Body, Round, Upload
from .intake import NOT_A_REPORT, Refused, display_name, kind_of, spool
from .records import STATUS_ZH, doubts, history, one_state, wrong_year
from .submissions import accept, marked_copy
from .web import XLSX, PageError, client_ip, download, form_with_csrf, render

router = APIRouter(include_in_schema=False)
NO_LINK = "这个报送链接无效或已被收回。请向汇总单位索取新的链接。"
NOT_WORKBOOK = {"zh": "这个文件不是 .xlsx 工作簿：请上传用本模板填写的 .xlsx 文件（在 Excel 或 WPS 中用“另存为”保存为 Excel 工作簿 .xlsx）。",
                "en": "not an .xlsx workbook"}


def _body(request: Request, token: str) -> tuple[Body, Round]:
    """The body of a genuine, unrevoked link; guessing is rate-limited per address."""
    app = request.app
    selector = app.state.links.verify(token)
    body = None
    if selector is not None:
        with app.state.db.read() as s:
            body = s.query(Body).filter(Body.link_selector == selector).one_or_none()
            round_ = s.get(Round, body.round_id) if body else None
    if body is None:
        if not app.state.limits["link_miss"].allow(client_ip(request)):
            raise PageError(429, "尝试次数过多，请稍后再试。")
        raise PageError(404, NO_LINK)
    return body, round_


def _page(request: Request, token: str, body: Body, round_: Round, upload_id: int | None = None, refused: str = "",
          status: int = 200):
    db = request.app.state.db
    with db.read() as s:
        state = one_state(s, body)
        uploads = history(s, body)
    shown = next((u for u in uploads if u.id == upload_id), None) if upload_id else state.upload
    return render(request, "body.html", status=status, body=body, round=round_, state=state, uploads=uploads, shown=shown,
                  shown_number=len(uploads) - uploads.index(shown) if shown else 0,
                  view=json.loads(shown.view) if shown else {}, status_zh=STATUS_ZH, base=f"/b/{token}",
                  doubts=doubts(body, round_.year, shown), wrong_year=wrong_year(shown, round_.year) is not None,
                  refused=refused, max_mb=request.app.state.settings.max_upload_bytes // (1024 * 1024))


@router.get("/b/{token}")
def body_page(request: Request, token: str, upload: int | None = None):
    body, round_ = _body(request, token)
    return _page(request, token, body, round_, upload)


@router.post("/b/{token}/upload")
async def body_upload(request: Request, token: str):
    body, round_ = await run_in_threadpool(_body, request, token)
    if not request.app.state.limits["upload"].allow(f"body:{body.id}"):
        raise PageError(429, "上传太频繁，请一分钟后再试。")
    form = await form_with_csrf(request)
    file = form.get("file")
    try:
        if file is None or isinstance(file, str):
            raise Refused({"zh": "没有选择文件。", "en": "no file"}, 400)
        head = await file.read(8)
        await file.seek(0)
        if kind_of(head) != "workbook":  # a report JSON is for the API, not for a clerk's page
            raise Refused(NOT_WORKBOOK)
    except Refused as refused:
        if refused.reason is NOT_A_REPORT:  # says "report JSON", which a clerk has never heard of
            refused = Refused(NOT_WORKBOOK, refused.status)
        return await run_in_threadpool(_page, request, token, body, round_, None, refused.reason["zh"], refused.status)
    path, _ = await run_in_threadpool(spool, request.app.state.settings.data_dir, iter(lambda: file.file.read(1 << 20), b""))
    upload_id = await accept(request.app, body.id, path, display_name(file.filename), client_ip(request))
    return RedirectResponse(f"/b/{token}?upload={upload_id}", status_code=303)


def _own_upload(request: Request, token: str, upload_id: int) -> tuple[Body, Upload]:
    body, _ = _body(request, token)
    with request.app.state.db.read() as s:
        upload = s.get(Upload, upload_id)
    if upload is None or upload.body_id != body.id:  # another body's upload does not exist, for this link
        raise PageError(404, "没有这次上传。")
    return body, upload


@router.get("/b/{token}/uploads/{upload_id}/marked.xlsx")
async def body_marked(request: Request, token: str, upload_id: int):
    body, upload = await run_in_threadpool(_own_upload, request, token, upload_id)
    path = await marked_copy(request.app, upload)
    if path is None:
        raise PageError(404, "这次上传没有发现问题，没有标记副本。")
    return download(path.read_bytes(), f"{body.name}_校验结果_{upload.id}.xlsx", XLSX)


@router.get("/b/{token}/uploads/{upload_id}/file.xlsx")
def body_file(request: Request, token: str, upload_id: int):
    body, upload = _own_upload(request, token, upload_id)
    return download(request.app.state.store.path(upload.blob_sha256).read_bytes(), f"{body.name}_上传_{upload.id}.xlsx", XLSX)


@router.get("/b/{token}/template.xlsx")
def body_template(request: Request, token: str):
    """The blank template (written once per version into the data folder, then served from there)."""
    body, round_ = _body(request, token)
    return download(blank_template(request.app.state.settings.data_dir), f"{body.name}_{round_.year}年度报告.xlsx", XLSX)


_template_lock = threading.Lock()


def blank_template(data_dir: Path) -> bytes:
    path = data_dir / "cache" / f"template-{__version__}.xlsx"
    with _template_lock:
        if not path.exists():
            api.template(path)  # atomic: a reader never sees half of it
    return path.read_bytes()
