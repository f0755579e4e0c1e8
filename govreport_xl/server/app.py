"""The office server's application: `create_app(settings)` builds it, `serve` runs it.

Other modules add routes in one place, `_routers()`: each module holds an `APIRouter` named
`router` (the Office.js add-in's is `officejs.py`). Shared objects live on `app.state`:
`settings` (a `Settings`), `db` (a `db.Database`), `store` (files by hash), `checker` (the worker
pool that reads uploads), `links` (signs bodies' links) and `limits` (rate limiters).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy import func, select
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from .checking import Checker
from .db import Database, Staff
from .security import LinkSigner, RateLimiter, server_key
from .settings import Settings
from .store import FileStore
from .web import HERE, LoginNeeded, PageError, render

MULTIPART_OVERHEAD = 64 * 1024  # the form's boundaries and other fields around the file
log = logging.getLogger("govreport_xl.server")

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; frame-ancestors 'none'",
}
# The API's docs page (Swagger UI) is served from the package (fastapi-offline ships its files:
# nothing from a CDN, so it works in an intranet) and starts with an inline script of FastAPI's.
# (fastapi-offline's ReDoc page is left off: it still fetches its logo from Redocly's CDN.)
DOCS_PAGE = "/docs"
DOCS_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
               "frame-ancestors 'none'")
DOCS_STATIC = "/docs-static"


def _routers() -> list:
    """Every group of routes, included in this order (add yours here)."""
    from . import api_routes, officejs, pages_body, pages_office

    return [api_routes.router, pages_body.router, pages_office.router, officejs.router]


def _limits() -> dict[str, RateLimiter]:
    return {
        "login": RateLimiter(10, 300),  # per address and per user name: 10 tries in 5 minutes
        "link_miss": RateLimiter(30, 60),  # wrong links or tokens, per address
        "upload": RateLimiter(30, 60),  # per body
        "validate": RateLimiter(120, 60),  # POST /api/validate, per address
    }


def setup_token(key: bytes) -> str:
    return hmac.new(key, b"setup-first-admin", hashlib.sha256).hexdigest()[:32]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        app.state.store.clean_tmp()
        app.state.db.upgrade()
        app.state.checker.start()
        _announce_setup(app)
        try:
            yield
        finally:
            app.state.checker.close()
            app.state.db.close()

    app = FastAPIOffline(
        docs_url=DOCS_PAGE, redoc_url=None, static_url=DOCS_STATIC, favicon_url="/static/favicon.svg",
        title="govreport-xl 政务公开年报服务", version=__version__, lifespan=lifespan,
        description="The office server of govreport-xl: uploads, the office's dashboard, and the API. "
                    "`POST /api/validate` needs no account; the `/api/rounds` routes need a staff token "
                    "(`Authorization: Bearer …`, made on the 人员与令牌 page).",
    )
    key = server_key(settings.data_dir)
    app.state.settings = settings
    app.state.db = Database(settings.database)
    app.state.store = FileStore(settings.data_dir)
    app.state.checker = Checker(settings.check_workers, settings.check_seconds)
    app.state.links = LinkSigner(key)
    app.state.limits = _limits()
    app.state.setup_token = setup_token(key)
    app.state.setup_token_matches = lambda token: hmac.compare_digest(str(token), app.state.setup_token)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in _routers():
        app.include_router(router)
    _handlers(app)

    app.add_middleware(RefuseLarge, max_bytes=settings.max_upload_bytes + MULTIPART_OVERHEAD, idle_seconds=settings.idle_seconds)
    app.add_middleware(SecurityHeaders)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True, "version": __version__}

    return app


class SecurityHeaders:
    """SECURITY_HEADERS on every response that has not set its own. A plain ASGI middleware: the
    decorator kind (BaseHTTPMiddleware) streamed every response through a task group of its own,
    a tenth of the server's interpreter in a burst of uploads."""

    def __init__(self, app):
        self.app = app

    @staticmethod
    def headers_for(path: str) -> dict[str, str]:
        headers = dict(SECURITY_HEADERS)
        if path.startswith("/addin/"):  # Excel on the web frames the add-in's pages
            headers.pop("X-Frame-Options", None)
        if path == DOCS_PAGE:
            headers["Content-Security-Policy"] = DOCS_POLICY
        return headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers_for(scope["path"]).items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


class TooLarge(Exception):
    pass


class TooSlow(Exception):
    pass


class RefuseLarge:
    """Request bodies bounded before they are read: one that declares more than the limit is
    refused at once, one that sends more is cut off; either way the user reads why (413). A body
    that stops arriving for `idle_seconds` is dropped (408): a client dribbling uploads cannot hold
    the server's memory and temporary files for ever (a proxy in front bounds the headers too)."""

    def __init__(self, app, max_bytes: int, idle_seconds: float = 60.0):
        self.app, self.max_bytes, self.idle_seconds = app, max_bytes, idle_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(scope, receive, send)
        received, started, body_done = 0, False, False

        async def counted():
            nonlocal received, body_done
            if body_done:  # what comes after the body is a disconnect, awaited as long as a response streams
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.idle_seconds)
            except asyncio.TimeoutError:
                raise TooSlow from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise TooLarge
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await self._refuse(scope, receive, send)
        except TooSlow:
            if not started:
                await self._refuse(scope, receive, send, 408, "上传中断：很长时间没有收到数据，请检查网络后重新上传。")

    async def _refuse(self, scope, receive, send, status: int = 413, message: str = ""):
        request = Request(scope, receive)
        message = message or f"文件太大，超过了上传大小的上限（{self.max_bytes // (1024 * 1024)} MB）。"
        back = request.url.path.rsplit("/", 1)[0] if request.url.path.startswith("/b/") else None  # the body's page
        response = (JSONResponse({"error": message}, status_code=status) if _wants_json(request)
                    else render(request, "error.html", status=status, message=message, back=back))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginNeeded)
    async def login_needed(request: Request, exc: LoginNeeded):
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.message if isinstance(exc, PageError) else MESSAGES.get(exc.status_code, str(exc.detail))
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return render(request, "error.html", status=exc.status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        if _wants_json(request):
            return JSONResponse({"error": "请求参数有误", "detail": exc.errors()}, status_code=422)
        return render(request, "error.html", status=422, message="地址或表单的参数有误。")


MESSAGES = {404: "没有这个页面。", 405: "不支持这种请求。", 413: "文件太大，超过了上传大小的上限。", 429: "请求太频繁，请稍后再试。"}


def _announce_setup(app: FastAPI) -> None:
    with app.state.db.read() as s:
        if s.scalar(select(func.count()).select_from(Staff)):
            return
    url = app.state.settings.url(f"/setup?token={app.state.setup_token}")
    message = f"还没有管理员：请在浏览器中打开下面的链接，设置第一个管理员 (no staff yet: open this link to create the first admin)\n  {url}"
    print(message, flush=True)
