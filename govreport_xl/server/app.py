"""The office server's application: `create_app(settings)` builds it, `serve` runs it.

Other modules add routes in one place, `_routers()`: each module holds an `APIRouter` named
`router` (the Office.js add-in's is `officejs.py`). Shared objects live on `app.state`:
`settings` (a `Settings`) and `checker` (the worker pool that reads uploads).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from .checking import Checker
from .settings import Settings

MULTIPART_OVERHEAD = 64 * 1024  # the form's boundaries and other fields around the file


def _routers() -> list:
    from . import api_routes, officejs

    return [api_routes.router, officejs.router]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        app.state.checker = Checker(settings.check_workers, settings.check_seconds)
        try:
            yield
        finally:
            app.state.checker.close()

    app = FastAPI(
        title="govreport-xl 政务公开年报服务", version=__version__, lifespan=lifespan,
        description="The office server of govreport-xl: uploads, the office's dashboard, and `POST /api/validate`.",
        max_body_size=settings.max_upload_bytes + MULTIPART_OVERHEAD,
    )
    app.state.settings = settings
    for router in _routers():
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True, "version": __version__}

    return app
