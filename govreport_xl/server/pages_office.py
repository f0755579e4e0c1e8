"""The office's pages: login, rounds, the dashboard of a round, a body's detail with return and
confirm, the body list and links, the round's downloads, staff and API tokens, the audit log."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from ..bulk.history import History
from ..bulk.pool import Overrun
from ..core.safe_text import csv_text
from .bodylist import ListError, read_list
from .db import ApiToken, AuditEntry, Body, Round, Staff, StaffSession, Upload, now
from .downloads import KINDS, Item, make, safe_name
from .records import STATES, STATUS_ZH, audit, body_states, doubts, history, one_state, previous_round, report_of, wrong_year
from .submissions import marked_copy
from .security import LinkSigner, check_password, hash_password, new_token, selector_of
from .web import (SESSION_COOKIE, SESSION_HOURS, XLSX, PageError, client_ip, current_staff, download, form_with_csrf,
                  render, require_staff, round_of)

router = APIRouter(include_in_schema=False)
MIN_PASSWORD = 10
# What an action says on the page it leads to, by key: the address carries the key, never the
# words (a link with ?message=… could make our page say anything an attacker wants).
DONE = {"imported": "已导入 {added} 个机关{skipped_note}。请下载各机关的报送链接并分别发送。",
        "returned": "已退回", "confirmed": "已确认", "reissued": "已生成新链接，旧链接已失效", "revoked": "已收回链接",
        "staff_added": "已添加", "staff_disabled": "已停用", "token_revoked": "已收回令牌"}


def done_note(done: str, added: int = 0, skipped: int = 0) -> str:
    if done not in DONE:
        return ""
    skipped_note = f"（{skipped} 个已在名单中，未重复导入）" if skipped else ""
    return DONE[done].format(added=added, skipped_note=skipped_note)


def collecting_year(today: _dt.date) -> int:
    """The report year an office collects around this date: reports for a year are published by
    31 January of the next, so from July on the round being prepared is this year's."""
    return today.year if today.month >= 7 else today.year - 1


def loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


# --- login --------------------------------------------------------------------------------------

def _login_response(request: Request, staff: Staff, next_path: str) -> RedirectResponse:
    token, selector, secret = new_token()
    with request.app.state.db.write() as s, s.begin():
        s.add(StaffSession(selector=selector, secret_hash=secret, staff_id=staff.id,
                           expires_at=now() + _dt.timedelta(hours=SESSION_HOURS)))
        audit(s, staff.username, "login", ip=client_ip(request))
    target = next_path if next_path.startswith("/office") else "/office"  # never an address elsewhere
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=request.app.state.settings.https, path="/")
    return response


@router.get("/")
def home(request: Request):
    return RedirectResponse("/office", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/office"):
    if _no_staff(request):
        return render(request, "error.html", status=403, title="还没有管理员",
                      message="请使用服务启动时显示的设置链接创建第一个管理员。")
    return render(request, "login.html", action="/login", next_path=next)


@router.post("/login")
async def login(request: Request):
    form = await form_with_csrf(request)
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))
    next_path = str(form.get("next", "/office"))
    limits = request.app.state.limits
    ip = client_ip(request)
    if not (limits["login"].allow(f"ip:{ip}") and limits["login"].allow(f"user:{username}")):
        raise PageError(429, "登录尝试次数过多，请稍后再试。")

    def check():
        with request.app.state.db.read() as s:
            staff = s.scalar(select(Staff).where(Staff.username == username))
        ok = check_password(staff.password_hash if staff else None, password) and staff.disabled_at is None
        if not ok:
            with request.app.state.db.write() as s, s.begin():
                audit(s, username or "?", "login_failed", ip=ip)
        return staff if ok else None

    staff = await run_in_threadpool(check)
    if staff is None:
        return render(request, "login.html", status=401, action="/login", next_path=next_path, username=username,
                      error="用户名或密码不对。")
    return _login_response(request, staff, next_path)


@router.post("/logout")
async def logout(request: Request):
    await form_with_csrf(request)
    staff = current_staff(request)
    if staff is not None:
        token = request.cookies.get(SESSION_COOKIE, "")
        with request.app.state.db.write() as s, s.begin():
            s.query(StaffSession).filter(StaffSession.selector == selector_of(token)).delete()
            audit(s, staff.username, "logout", ip=client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _no_staff(request: Request) -> bool:
    with request.app.state.db.read() as s:
        return not s.scalar(select(func.count()).select_from(Staff))


def _setup_allowed(request: Request, token: str) -> None:
    if not _no_staff(request):
        raise PageError(404, "已经设置过管理员。请登录。")
    if not request.app.state.setup_token_matches(token):
        if not request.app.state.limits["link_miss"].allow(client_ip(request)):
            raise PageError(429, "尝试次数过多，请稍后再试。")
        raise PageError(404, "设置链接不对：请使用服务启动时显示的链接。")


@router.get("/setup")
def setup_page(request: Request, token: str = ""):
    _setup_allowed(request, token)
    return render(request, "login.html", action="/setup", setup=True, setup_token=token, next_path="/office")


@router.post("/setup")
async def setup(request: Request):
    form = await form_with_csrf(request)
    _setup_allowed(request, str(form.get("token", "")))
    username, password = str(form.get("username", "")).strip()[:64], str(form.get("password", ""))
    if not username or len(password) < MIN_PASSWORD:
        return render(request, "login.html", status=400, action="/setup", setup=True, setup_token=form.get("token"),
                      next_path="/office", username=username, error=f"请填写用户名，密码至少 {MIN_PASSWORD} 个字符。")
    staff = Staff(username=username, password_hash=await run_in_threadpool(hash_password, password), role="admin")
    with request.app.state.db.write() as s, s.begin():
        if s.scalar(select(func.count()).select_from(Staff)):
            raise PageError(409, "已经设置过管理员。")
        s.add(staff)
        s.flush()
        audit(s, username, "setup_admin", ip=client_ip(request))
    return _login_response(request, staff, "/office")


# --- rounds -------------------------------------------------------------------------------------

@router.get("/office")
def rounds_page(request: Request, error: str = ""):
    require_staff(request)
    with request.app.state.db.read() as s:
        rounds = list(s.scalars(select(Round).order_by(Round.year.desc(), Round.region_code)))
        counts = dict(s.execute(select(Body.round_id, func.count()).group_by(Body.round_id)).all())
    return render(request, "office_rounds.html", rounds=rounds, counts=counts, error=error,
                  this_year=collecting_year(_dt.date.today()))


@router.post("/office/rounds")
async def create_round(request: Request):
    staff = require_staff(request, admin=True)
    form = await form_with_csrf(request)
    try:
        year = int(str(form.get("year", "")))
        deadline = _dt.date.fromisoformat(str(form.get("deadline", "")))
    except ValueError:
        raise PageError(400, "年度应为数字，截止日期应为日期（如 2026-01-31）。") from None
    region, title = str(form.get("region_code", "")).strip(), str(form.get("title", "")).strip()
    if not (2021 <= year <= 2100) or not (region.isdigit() and len(region) in (6, 9, 12)) or not title or len(title) > 200:
        raise PageError(400, "请填写 2021 年以后的年度、6/9/12 位数字的行政区划代码和地区名称。")
    with request.app.state.db.write() as s, s.begin():
        if s.scalar(select(Round).where(Round.year == year, Round.region_code == region)):
            raise PageError(409, f"{title} {year} 年度的报送轮次已经有了。")
        round_ = Round(year=year, region_code=region, title=title, deadline=deadline)
        s.add(round_)
        s.flush()
        audit(s, staff.username, "round_create", round_id=round_.id, detail=f"{title} {year} 年度，截止 {deadline}", ip=client_ip(request))
    return RedirectResponse(f"/office/rounds/{round_.id}", status_code=303)


@router.get("/office/rounds/{round_id}")
def dashboard(request: Request, round_id: int, state: str = "", region: str = "", overdue: str = "", done: str = "",
              added: int = 0, skipped: int = 0):
    staff = require_staff(request)
    round_ = round_of(request, round_id)
    with request.app.state.db.read() as s:
        rows = body_states(s, round_)
        last = previous_round(s, round_)
    counts = {key: sum(r.state == key for r in rows) for key in STATES}
    regions = sorted({r.body.region_code for r in rows if r.body.region_code})
    shown = [r for r in rows if (not state or r.state == state) and (not region or r.body.region_code == region)
             and (not overdue or r.overdue)]
    return render(request, "office_round.html", round=round_, rows=shown, total=len(rows), counts=counts, states=STATES,
                  regions=regions, state=state, region=region, overdue=overdue, kinds=KINDS, previous=last,
                  overdue_count=sum(r.overdue for r in rows), message=done_note(done, added, skipped), status_zh=STATUS_ZH,
                  local_links=staff.role == "admin" and loopback(request.app.state.settings.public_url),
                  public_url=request.app.state.settings.public_url)


@router.post("/office/rounds/{round_id}/bodies")
async def import_bodies(request: Request, round_id: int):
    staff = require_staff(request, admin=True)
    round_ = round_of(request, round_id)
    form = await form_with_csrf(request)
    file = form.get("file")
    if file is None or isinstance(file, str):
        raise PageError(400, "请选择名单文件（.xlsx 或 .csv）。")
    data = await file.read()
    try:  # in a worker, with its time and memory budget: a list is a file from outside too
        rows = await request.app.state.checker.run(read_list, data)
    except Overrun as overrun:
        raise PageError(400, f"名单文件无法读取：{request.app.state.checker.reason(overrun)['zh']}") from None
    except ListError as exc:
        return render(request, "office_import_error.html", status=400, round=round_, problems=exc.problems[:200],
                      more=max(0, len(exc.problems) - 200))
    signer: LinkSigner = request.app.state.links
    added = skipped = 0
    with request.app.state.db.write() as s, s.begin():
        existing = {b.name for b in s.scalars(select(Body).where(Body.round_id == round_.id))}
        position = s.scalar(select(func.max(Body.position)).where(Body.round_id == round_.id)) or 0
        for row in rows:
            if row.name in existing:
                skipped += 1
                continue
            position += 1
            s.add(Body(round_id=round_.id, position=position, name=row.name, uscc=row.uscc, region_code=row.region_code,
                       level=row.level, contact=row.contact, link_selector=signer.new_selector(), link_issued_at=now()))
            added += 1
        audit(s, staff.username, "bodies_import", round_id=round_.id, detail=f"新增 {added} 个机关，已有 {skipped} 个",
              ip=client_ip(request))
    return RedirectResponse(f"/office/rounds/{round_.id}?done=imported&added={added}&skipped={skipped}", status_code=303)


@router.get("/office/rounds/{round_id}/links.csv")
def links(request: Request, round_id: int):
    staff = require_staff(request, admin=True)
    round_ = round_of(request, round_id)
    signer, settings = request.app.state.links, request.app.state.settings
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\r\n")
    table.writerow(["机关名称", "统一社会信用代码", "行政区划代码", "联系人", "报送链接"])
    with request.app.state.db.read() as s:
        bodies = list(s.scalars(select(Body).where(Body.round_id == round_.id).order_by(Body.position)))
    for b in bodies:
        link = settings.url(f"/b/{signer.token(b.link_selector)}") if b.link_selector else "（已收回）"
        table.writerow([csv_text(b.name), csv_text(b.uscc), csv_text(b.region_code), csv_text(b.contact), link])
    with request.app.state.db.write() as s, s.begin():
        audit(s, staff.username, "links_download", round_id=round_.id, ip=client_ip(request))
    return download(out.getvalue().encode("utf-8-sig"), f"{round_.title}{round_.year}年度_报送链接.csv", "text/csv; charset=utf-8")


# --- a body -------------------------------------------------------------------------------------

def _body(request: Request, round_id: int, body_id: int) -> tuple[Round, Body]:
    round_ = round_of(request, round_id)
    with request.app.state.db.read() as s:
        body = s.get(Body, body_id)
    if body is None or body.round_id != round_.id:
        raise PageError(404, "没有这个机关。")
    return round_, body


@router.get("/office/rounds/{round_id}/bodies/{body_id}")
def body_detail(request: Request, round_id: int, body_id: int, upload: int | None = None, done: str = ""):
    staff = require_staff(request)
    round_, body = _body(request, round_id, body_id)
    with request.app.state.db.read() as s:
        state = one_state(s, body)
        uploads = history(s, body)
    shown = next((u for u in uploads if u.id == upload), None) if upload else state.upload
    link = request.app.state.settings.url(f"/b/{request.app.state.links.token(body.link_selector)}") \
        if body.link_selector and staff.role == "admin" else None
    return render(request, "office_body.html", round=round_, body=body, state=state, uploads=uploads, shown=shown,
                  view=json.loads(shown.view) if shown else {}, status_zh=STATUS_ZH, link=link, message=done_note(done),
                  doubts=doubts(body, round_.year, shown), wrong_year=wrong_year(shown, round_.year) is not None)


@router.post("/office/rounds/{round_id}/bodies/{body_id}/review")
async def review(request: Request, round_id: int, body_id: int):
    staff = require_staff(request, admin=True)
    round_, body = _body(request, round_id, body_id)
    form = await form_with_csrf(request)
    action, note = str(form.get("action", "")), str(form.get("note", "")).strip()[:2000]
    upload_id = int(str(form.get("upload_id", "0")) or 0)
    with request.app.state.db.write() as s, s.begin():
        body = s.get(Body, body_id)
        latest = s.get(Upload, body.latest_upload_id) if body.latest_upload_id else None
        if latest is None or latest.id != upload_id:
            raise PageError(409, "这个机关在您打开页面后又上传了新的文件，请刷新后再处理。")
        if action == "return":
            if not note:
                raise PageError(400, "退回时请写明原因，机关会在报送页面上看到。")
        elif action == "confirm":
            if latest.status != "valid":
                raise PageError(400, "只能确认通过校验的报告；未通过的请退回。")
            if (stated := wrong_year(latest, round_.year)) is not None:
                raise PageError(400, f"这是 {stated} 年度的报告，不是 {round_.year} 年度的：不能确认，请退回。")
        else:
            raise PageError(400, "未知的操作。")
        body.review, body.review_upload_id = ("returned" if action == "return" else "confirmed"), latest.id
        body.review_note, body.reviewed_by, body.reviewed_at = note, staff.username, now()
        audit(s, staff.username, action, round_id=round_.id, body_id=body.id, detail=note, ip=client_ip(request))
    said = "returned" if action == "return" else "confirmed"
    return RedirectResponse(f"/office/rounds/{round_.id}/bodies/{body_id}?done={said}", status_code=303)


@router.post("/office/rounds/{round_id}/bodies/{body_id}/link")
async def link_action(request: Request, round_id: int, body_id: int):
    staff = require_staff(request, admin=True)
    round_, body = _body(request, round_id, body_id)
    form = await form_with_csrf(request)
    action = str(form.get("action", ""))
    if action not in ("reissue", "revoke"):
        raise PageError(400, "未知的操作。")
    with request.app.state.db.write() as s, s.begin():
        body = s.get(Body, body_id)
        body.link_selector = request.app.state.links.new_selector() if action == "reissue" else None
        body.link_issued_at = now() if action == "reissue" else body.link_issued_at
        audit(s, staff.username, f"link_{action}", round_id=round_.id, body_id=body.id, ip=client_ip(request))
    said = "reissued" if action == "reissue" else "revoked"
    return RedirectResponse(f"/office/rounds/{round_.id}/bodies/{body_id}?done={said}", status_code=303)


def _upload(request: Request, upload_id: int) -> tuple[Upload, Body]:
    with request.app.state.db.read() as s:
        upload = s.get(Upload, upload_id)
        body = s.get(Body, upload.body_id) if upload else None
    if upload is None:
        raise PageError(404, "没有这次上传。")
    return upload, body


@router.get("/office/uploads/{upload_id}/file.xlsx")
def upload_file(request: Request, upload_id: int):
    require_staff(request)
    upload, body = _upload(request, upload_id)
    return download(request.app.state.store.path(upload.blob_sha256).read_bytes(), f"{body.name}_上传_{upload.id}.xlsx", XLSX)


@router.get("/office/uploads/{upload_id}/marked.xlsx")
async def upload_marked(request: Request, upload_id: int):
    await run_in_threadpool(require_staff, request)
    upload, body = await run_in_threadpool(_upload, request, upload_id)
    path = await marked_copy(request.app, upload)
    if path is None:
        raise PageError(404, "这次上传没有发现问题，没有标记副本。")
    return download(path.read_bytes(), f"{body.name}_校验结果_{upload.id}.xlsx", XLSX)


# --- downloads ----------------------------------------------------------------------------------

def _round_items(request: Request, round_: Round):
    store = request.app.state.store
    with request.app.state.db.read() as s:
        rows = body_states(s, round_)
        last = previous_round(s, round_)
        previous = None
        if last is not None:
            previous = History()
            for row in body_states(s, last):
                if row.upload is not None and (report := report_of(row.upload)) is not None:
                    previous.add(report)
    items = [Item(str(store.path(r.upload.blob_sha256)), f"{r.body.name}/{r.upload.filename}",
                  r.body.review_note if r.state == "returned" else None, r.state,
                  f"{n:04d}_{safe_name(r.body.name)}_校验结果.xlsx") for n, r in enumerate(rows, start=1) if r.upload is not None]
    missing = [r.body.name for r in rows if r.upload is None]
    return rows, items, missing, previous


@router.get("/office/rounds/{round_id}/download/{kind}")
async def round_download(request: Request, round_id: int, kind: str):
    staff = await run_in_threadpool(require_staff, request)
    if kind not in KINDS:
        raise PageError(404, "没有这种下载。")
    round_ = await run_in_threadpool(round_of, request, round_id)
    _, items, missing, previous = await run_in_threadpool(_round_items, request, round_)
    suffix, media, _ = KINDS[kind]
    filename = f"{round_.title}{round_.year}年度_{suffix}"
    folder = Path(tempfile.mkdtemp(prefix="download-", dir=request.app.state.store.tmp))
    try:
        out = folder / ("out" + Path(kind).suffix)
        await request.app.state.checker.run(
            make, kind, items, str(out), previous=previous, missing=missing, title=round_.title, year=round_.year,
            region=round_.region_code, seconds=max(120.0, 2.0 * len(items)))
        data = out.read_bytes()
    except Overrun:
        raise PageError(503, "生成下载文件超时或超出内存限制，请稍后再试。") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with request.app.state.db.write() as s, s.begin():
        audit(s, staff.username, "download", round_id=round_.id, detail=kind, ip=client_ip(request))
    return download(data, filename, media)


# --- staff and tokens ---------------------------------------------------------------------------

@router.get("/office/staff")
def staff_page(request: Request, done: str = ""):
    require_staff(request, admin=True)
    with request.app.state.db.read() as s:
        people = list(s.scalars(select(Staff).order_by(Staff.id)))
        tokens = s.execute(select(ApiToken, Staff.username).join(Staff, Staff.id == ApiToken.staff_id)
                           .order_by(ApiToken.id.desc())).all()
    return render(request, "office_staff.html", people=people, tokens=tokens, message=done_note(done))


@router.post("/office/staff")
async def add_staff(request: Request):
    admin = require_staff(request, admin=True)
    form = await form_with_csrf(request)
    username, password, role = str(form.get("username", "")).strip()[:64], str(form.get("password", "")), str(form.get("role", ""))
    if not username or len(password) < MIN_PASSWORD or role not in ("admin", "viewer"):
        raise PageError(400, f"请填写用户名、至少 {MIN_PASSWORD} 个字符的密码，并选择角色。")
    password_hash = await run_in_threadpool(hash_password, password)
    with request.app.state.db.write() as s, s.begin():
        if s.scalar(select(Staff).where(Staff.username == username)):
            raise PageError(409, "这个用户名已经有了。")
        s.add(Staff(username=username, password_hash=password_hash, role=role))
        audit(s, admin.username, "staff_add", detail=f"{username}（{role}）", ip=client_ip(request))
    return RedirectResponse("/office/staff?done=staff_added", status_code=303)


@router.post("/office/staff/{staff_id}/disable")
async def disable_staff(request: Request, staff_id: int):
    admin = require_staff(request, admin=True)
    await form_with_csrf(request)
    if staff_id == admin.id:
        raise PageError(400, "不能停用自己。")
    with request.app.state.db.write() as s, s.begin():
        person = s.get(Staff, staff_id)
        if person is None:
            raise PageError(404, "没有这个人。")
        person.disabled_at = now()
        s.query(StaffSession).filter(StaffSession.staff_id == staff_id).delete()
        audit(s, admin.username, "staff_disable", detail=person.username, ip=client_ip(request))
    return RedirectResponse("/office/staff?done=staff_disabled", status_code=303)


@router.post("/office/tokens")
async def add_token(request: Request):
    admin = require_staff(request, admin=True)
    form = await form_with_csrf(request)
    label = str(form.get("label", "")).strip()[:200] or "API"
    token, selector, secret = new_token()
    with request.app.state.db.write() as s, s.begin():
        s.add(ApiToken(selector=selector, secret_hash=secret, staff_id=admin.id, label=label))
        audit(s, admin.username, "token_add", detail=label, ip=client_ip(request))
    return render(request, "office_token.html", token=token, label=label)


@router.post("/office/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int):
    admin = require_staff(request, admin=True)
    await form_with_csrf(request)
    with request.app.state.db.write() as s, s.begin():
        token = s.get(ApiToken, token_id)
        if token is None:
            raise PageError(404, "没有这个令牌。")
        token.revoked_at = now()
        audit(s, admin.username, "token_revoke", detail=token.label, ip=client_ip(request))
    return RedirectResponse("/office/staff?done=token_revoked", status_code=303)


@router.get("/office/audit")
def audit_page(request: Request, before: int | None = None):
    require_staff(request, admin=True)
    with request.app.state.db.read() as s:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200)
        if before:
            query = query.where(AuditEntry.id < before)
        entries = list(s.scalars(query))
    return render(request, "office_audit.html", entries=entries)
