"""An upload is acknowledged only once its file and record are durable: a burst of uploads, the
server killed with SIGKILL in the middle, restarted, and every acknowledged upload is there, its
file intact (the same SHA-256 as sent), its record complete. A server stopped, politely or not,
leaves no worker process behind."""

from __future__ import annotations

import hashlib
import signal
import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the [server] extra is not installed")

from govreport_xl.server.db import Database, Upload  # noqa: E402
from govreport_xl.server.settings import Settings  # noqa: E402
from govreport_xl.server.store import FileStore, sha256_of  # noqa: E402
from helpers import EXAMPLE_XLSX, session_processes  # noqa: E402
from server_process import Browser, Server  # noqa: E402

CLIENTS, BODIES = 6, 12

pytestmark = pytest.mark.slow  # a server killed and restarted


def test_every_acknowledged_upload_survives_kill_9(tmp_path):
    server = Server(tmp_path / "data").start()
    acked: list[tuple[int, str]] = []  # (upload id, sha256 sent)
    lock, stop = threading.Lock(), threading.Event()
    try:
        office = Browser(server)
        office.setup()
        _, links = office.round_with_bodies(2022, "640200", [f"第{i}机关" for i in range(BODIES)])
        workbook = EXAMPLE_XLSX.read_bytes()

        def client(n: int) -> None:
            body = Browser(server)
            link = links[f"第{n % BODIES}机关"]
            for i in range(200):
                if stop.is_set():
                    return
                # every other upload a damaged file of its own content: unique hashes, quick to check
                data = workbook if i % 2 == 0 else b"PK\x03\x04" + hashlib.sha256(f"{n}-{i}".encode()).digest() * 40
                try:
                    r = body.post(f"{link}/upload", files={"file": (f"{n}-{i}.xlsx", data, "application/octet-stream")})
                except Exception:  # the server went away mid-request: not acknowledged
                    return
                if r.status_code == 303:
                    with lock:
                        acked.append((int(r.headers["location"].rsplit("=", 1)[1]), hashlib.sha256(data).hexdigest()))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120
        while len(acked) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # in the middle of the burst
        stop.set()
        for t in threads:
            t.join(60)
        assert len(acked) >= 30, "the burst did not get going"
    finally:
        stop.set()
        server.kill()

    server.start()  # the same data folder: migrations and the leftovers of the killed one are dealt with
    try:
        db, store = Database(Settings(data_dir=tmp_path / "data").database), FileStore(tmp_path / "data")
        with db.read() as s:
            stored = {u.id: u for u in s.query(Upload)}
        db.close()
        for upload_id, sha in acked:
            upload = stored.get(upload_id)
            assert upload is not None, f"acknowledged upload {upload_id} is missing"
            assert upload.blob_sha256 == sha and sha256_of(store.path(sha)) == sha
            assert upload.status in ("valid", "unreadable") and upload.record.startswith("{")
        assert not list((tmp_path / "data" / "tmp").glob("upload-*"))  # half-received files cleared
        page = Browser(server).http.get(f"{links['第0机关']}")
        assert page.status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_server_leaves_no_worker_behind(tmp_path, sig):
    """Stopped while it checks an upload (one worker busy) and after others (idle ones waiting):
    none of its processes is left, whether it could stop them (SIGTERM) or not (SIGKILL)."""
    server = Server(tmp_path / "data").start()
    try:
        office = Browser(server)
        office.setup()
        _, links = office.round_with_bodies(2022, "640200", ["第一机关", "第二机关"])
        assert office.post(f"{links['第一机关']}/upload", files={"file": ("a.xlsx", EXAMPLE_XLSX.read_bytes())}).status_code == 303
        busy = threading.Thread(target=lambda: _quietly(office.post, f"{links['第二机关']}/upload",
                                                        files={"file": ("b.xlsx", EXAMPLE_XLSX.read_bytes())}))
        busy.start()
        time.sleep(0.5)  # the second upload on its way (whether it is acknowledged does not matter here)
        workers = [pid for pid in session_processes(server.process.pid) if pid != server.process.pid]
        assert workers, "the server runs its checks in worker processes"
        server.process.send_signal(sig)
        server.process.wait(60)
        busy.join(60)
        deadline = time.monotonic() + 30
        while session_processes(server.process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session_processes(server.process.pid) == []
    finally:
        server.kill()


def _quietly(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except Exception:  # noqa: BLE001 - the server went away mid-request
        pass
