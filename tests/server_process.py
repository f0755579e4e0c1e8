"""`govreport-xl serve` as a separate process on a free port of 127.0.0.1, for the tests that need a
real server: the browser test, the kill -9 test and the load benchmark."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data: Path, port: int | None = None, database: str | None = None, extra: tuple = ()):
        self.data, self.port = Path(data), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database, self.extra = database, extra
        self.process: subprocess.Popen | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 120) -> "Server":
        args = [sys.executable, "-m", "govreport_xl", "serve", "--data", str(self.data), "--port", str(self.port), *self.extra]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        if self.database:
            env["GOVREPORT_DATABASE_URL"] = self.database
        log = open(self.data.parent / f"server-{self.port}.log", "a", encoding="utf-8")
        self.log_path = Path(log.name)
        # a session of its own: its worker processes can be found (and found gone) by it
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log_path.read_text(encoding='utf-8')[-2000:]}")
            try:
                if httpx2.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx2.TransportError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start in time")

    @property
    def setup_url(self) -> str | None:
        found = re.findall(r"(http://\S+/setup\?token=\w+)", self.log_path.read_text(encoding="utf-8"))
        return found[-1] if found else None

    def kill(self) -> None:
        """kill -9: no chance to flush or clean up anything."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class Browser:
    """A staff member or a body over HTTP (httpx2): forms with their CSRF field, redirects seen."""

    def __init__(self, server: Server):
        self.server = server
        self.http = httpx2.Client(base_url=server.url, timeout=120, follow_redirects=False)

    def csrf(self) -> str:
        if not self.http.cookies.get("gx_csrf"):
            self.http.get("/login")
        return self.http.cookies.get("gx_csrf")

    def post(self, path: str, data: dict | None = None, **kw):
        return self.http.post(path, data={"csrf": self.csrf(), **(data or {})}, **kw)

    def setup(self, username: str = "admin", password: str = "correct horse battery") -> None:
        token = self.server.setup_url.rsplit("=", 1)[1]
        assert self.post("/setup", {"token": token, "username": username, "password": password}).status_code == 303

    def round_with_bodies(self, year: int, region: str, bodies: list) -> tuple[str, dict[str, str]]:
        """A new round and its list (names, or rows of 机关名称, 统一社会信用代码, 行政区划代码, 机关层级, 联系人);
        the links by name."""
        r = self.post("/office/rounds", {"year": str(year), "title": "测试市", "region_code": region, "deadline": "2099-01-31"})
        assert r.status_code == 303, r.text
        url = r.headers["location"]
        rows = [b if isinstance(b, tuple) else (b,) for b in bodies]
        table = "机关名称,统一社会信用代码,行政区划代码,机关层级,联系人\n" + "".join(",".join(r) + "\n" for r in rows)
        assert self.post(f"{url}/bodies", files={"file": ("名单.csv", table.encode(), "text/csv")}).status_code == 303
        text = self.http.get(f"{url}/links.csv").content.decode("utf-8-sig")
        links = {}
        for line in text.splitlines()[1:]:
            cells = line.split(",")
            links[cells[0]] = "/b/" + cells[-1].split("/b/", 1)[1]
        return url, links
