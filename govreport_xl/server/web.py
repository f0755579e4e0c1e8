"""What every page shares: the Jinja2 templates (autoescaped: text from an upload is data), the
CSRF cookie and its form field, the logged-in staff member, and the errors users read."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from .. import __version__
from .db import Round, Staff, StaffSession, now
from .security import csrf_matches, csrf_token, selector_of, token_matches

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html
CSRF_COOKIE, SESSION_COOKIE = "gx_csrf", "gx_session"
SESSION_HOURS = 12
ROLES = {"admin": "管理员", "viewer": "只读"}


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


templates.env.filters["when"] = _date
templates.env.globals["version"] = __version__


class PageError(HTTPException):
    """An error shown as a page in Chinese (HTML routes) or as {"error": …} (API routes)."""

    def __init__(self, status: int, message: str):
        super().__init__(status, message)
        self.message = message


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    """A page, with a CSRF token for its forms (set as a cookie the first time)."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf", None) or csrf_token()
    request.state.csrf = token
    context.setdefault("staff", getattr(request.state, "staff", None))
    response = templates.TemplateResponse(request, name, {"csrf": token, "roles": ROLES, "status": status, **context},
                                          status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        settings = request.app.state.settings
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=settings.https, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


async def form_with_csrf(request: Request, **limits):
    """The posted form, refused unless its csrf field matches the cookie (forms of other sites
    cannot read our cookie, so cannot forge the field)."""
    form = await request.form(**({"max_files": 1, "max_fields": 20} | limits))
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), form.get("csrf")):
        raise PageError(403, "页面已过期或来源不明，请返回上一页刷新后再提交。")
    return form


def current_staff(request: Request) -> Staff | None:
    """The staff member of the session cookie, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    selector = selector_of(token) if token else None
    if selector is None:
        return None
    db = request.app.state.db
    with db.read() as s:
        row = s.execute(select(StaffSession, Staff).join(Staff, Staff.id == StaffSession.staff_id)
                        .where(StaffSession.selector == selector)).first()
    if row is None:
        return None
    session, staff = row
    expires = session.expires_at if session.expires_at.tzinfo else session.expires_at.replace(tzinfo=_dt.timezone.utc)
    if not token_matches(session.secret_hash, token) or expires < now() or staff.disabled_at is not None:
        return None
    return staff


def require_staff(request: Request, admin: bool = False) -> Staff:
    staff = current_staff(request)
    if staff is None:
        raise LoginNeeded(request.url.path)
    if admin and staff.role != "admin":
        raise PageError(403, "只有管理员可以这样做。")
    request.state.staff = staff
    return staff


def round_of(request: Request, round_id: int) -> Round:
    """The round of a URL, or a 404 in words."""
    with request.app.state.db.read() as s:
        round_ = s.get(Round, round_id)
    if round_ is None:
        raise PageError(404, "没有这个报送轮次。")
    return round_


class LoginNeeded(Exception):
    def __init__(self, next_path: str):
        self.next_path = next_path


def download(data: bytes, filename: str, media_type: str) -> Response:
    """A file to save: its name in RFC 5987 form (Chinese names survive every browser)."""
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_" for ch in filename)
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}",
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
