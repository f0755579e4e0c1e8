"""The office server as the tests drive it: an app on a real database (SQLite in a temporary
folder, or a fresh PostgreSQL database where one is reachable), and a staff member's browser."""

from __future__ import annotations

import os
import re
import secrets
from contextlib import contextmanager
from pathlib import Path

import pytest

from govreport_xl.server.app import create_app
from govreport_xl.server.settings import Settings

POSTGRES_ENV = "GOVREPORT_TEST_POSTGRES"  # an admin URL, e.g. postgresql://govreport@/postgres?host=/tmp/pg
REQUIRE_POSTGRES_ENV = "GOVREPORT_REQUIRE_POSTGRES"  # .ci/run: PostgreSQL must be there
PASSWORD = "correct horse battery"
LIST_HEADER = "机关名称,统一社会信用代码,行政区划代码,机关层级,联系人\n"


def _postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_ENV, "postgresql:///postgres")


@contextmanager
def postgres_database():
    """A fresh database on the PostgreSQL server of GOVREPORT_TEST_POSTGRES, dropped afterwards;
    the test is skipped, with the reason, where no server answers (failed under .ci/run)."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - the [server] extra brings it
        pytest.skip(f"psycopg is not installed: {exc}")
    admin = _postgres_admin_url()
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(f"PostgreSQL must be reachable under .ci/run ({admin}): {exc}")
        pytest.skip(f"no PostgreSQL server reachable at {admin} (set {POSTGRES_ENV}): {str(exc).strip()[:200]}")
    name = "gx_test_" + secrets.token_hex(6)
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = re.sub(r"/postgres(\?|$)", f"/{name}\\1", admin, count=1)
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(kind: str, folder: Path):
    if kind == "sqlite":
        yield None
    else:
        with postgres_database() as url:
            yield url


class Office:
    """A logged-in admin's browser session against the app (TestClient: real HTTP handling)."""

    def __init__(self, client, app):
        self.client, self.app = client, app

    @property
    def csrf(self) -> str:
        if not self.client.cookies.get("gx_csrf"):
            self.client.get("/login")
        return self.client.cookies.get("gx_csrf")

    def post(self, url: str, data: dict | None = None, **kw):
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, follow_redirects=False, **kw)

    def setup_admin(self, username: str = "admin") -> None:
        token = self.app.state.setup_token
        self.client.get(f"/setup?token={token}")
        r = self.post("/setup", {"token": token, "username": username, "password": PASSWORD})
        assert r.status_code == 303, r.text

    def login(self, username: str, password: str = PASSWORD):
        return self.post("/login", {"username": username, "password": password, "next": "/office"})

    def new_round(self, year: int, region: str, title: str = "石嘴山市", deadline: str = "2099-01-31") -> str:
        r = self.post("/office/rounds", {"year": str(year), "title": title, "region_code": region, "deadline": deadline})
        assert r.status_code == 303, r.text
        return r.headers["location"]

    def import_list(self, round_url: str, rows: list[tuple], filename: str = "名单.csv", data: bytes | None = None):
        if data is None:
            data = (LIST_HEADER + "".join(",".join(map(str, row)) + "\n" for row in rows)).encode("utf-8")
        return self.post(f"{round_url}/bodies", files={"file": (filename, data, "application/octet-stream")})

    def links(self, round_url: str) -> dict[str, str]:
        """机关名称 -> the path of its private link."""
        text = self.client.get(f"{round_url}/links.csv").content.decode("utf-8-sig")
        out = {}
        for line in text.splitlines()[1:]:
            name, *_, link = line.split(",")
            out[name] = link.split("127.0.0.1:8000", 1)[-1] if "/b/" in link else link
        return out

    def upload(self, link: str, path: Path | None = None, data: bytes | None = None, filename: str | None = None):
        data = path.read_bytes() if data is None else data
        return self.post(f"{link}/upload", files={"file": (filename or (path.name if path else "报告.xlsx"), data,
                                                          "application/octet-stream")})


def make_app(folder: Path, database_url: str | None, **settings):
    return create_app(Settings(data_dir=folder, database_url=database_url, check_workers=1, **settings))
