"""A province's January against `govreport-xl serve` on 127.0.0.1, measured in one run:

    python benchmarks/server.py [--bodies 5000] [--clients 50] [--alone 20] [--max-seconds 900] [--database URL]

Starts the server on a fresh data folder (SQLite unless --database), sets up a round of N bodies
from a list; the first --alone bodies upload one after another (what a clerk waits for when no
one else is uploading), then C concurrent clients each take the other bodies in turn and upload the body's workbook
(every file different: 20 filled workbooks, a quarter of them broken, each copy given its own zip
comment) and open the page of findings the upload redirects to. Prints uploads per second, the
latency of the acknowledgement (the 303 after the record is committed) at p50/p95/max (in a
burst of C clients it is mostly waiting for a worker: about C / uploads per second), the peak
memory of the server and its workers, and checks that the database holds exactly the uploads
that were acknowledged, each file with the SHA-256 that was sent. The baseline, measured in the
same run, is `api.validate` of the same files in one process: the ratio says what the server adds
to the checks themselves. Bounded: stops after --max-seconds whatever is left.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

import httpx2  # noqa: E402

from bulk import generate  # noqa: E402
from govreport_xl import api  # noqa: E402
from govreport_xl.server.db import Database, Upload  # noqa: E402
from govreport_xl.server.settings import Settings  # noqa: E402
from govreport_xl.server.store import FileStore, sha256_of  # noqa: E402
from server_process import Browser, Server  # noqa: E402

VARIANTS = 20


def with_comment(data: bytes, text: str) -> bytes:
    """The same workbook, made a different file by its zip comment (Excel ignores it)."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as z:
        z.comment = text.encode()
    return buffer.getvalue()


def rss_of_tree(pid: int) -> int:
    """Resident memory of a process and its children, in bytes (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):  # a thread's children are listed under it, not the process
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration):
            continue
    return total


class Peak(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self):
        while not self.done.wait(0.25):
            self.peak = max(self.peak, rss_of_tree(self.pid))


async def upload_all(url: str, csrf: str, jobs: list[tuple[str, bytes]], clients: int, max_seconds: float):
    acked: list[tuple[int, str]] = []
    latencies: list[float] = []
    page_latencies: list[float] = []
    failures: list[str] = []
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    stop_at = time.monotonic() + max_seconds

    async def client(http: httpx2.AsyncClient):
        while time.monotonic() < stop_at:
            try:
                link, data = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                r = await http.post(f"{link}/upload", data={"csrf": csrf},
                                    files={"file": ("报告.xlsx", data, "application/octet-stream")})
            except httpx2.HTTPError as exc:
                failures.append(repr(exc))
                continue
            if r.status_code != 303:
                failures.append(f"{r.status_code} {r.text[:200]}")
                continue
            latencies.append(time.perf_counter() - start)
            acked.append((int(r.headers["location"].rsplit("=", 1)[1]), hashlib.sha256(data).hexdigest()))
            page = await http.get(r.headers["location"])
            page_latencies.append(time.perf_counter() - start)
            if page.status_code != 200:
                failures.append(f"page {page.status_code}")

    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(base_url=url, timeout=120, limits=limits, cookies={"gx_csrf": csrf}) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return acked, latencies, page_latencies, failures, elapsed


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else float("nan"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--alone", type=int, default=20, help="uploads one at a time before the burst")
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--database", help="postgresql://… (default: SQLite in the data folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as tmp:
        tmp = Path(tmp)
        print(f"generating {VARIANTS} workbooks …", flush=True)
        variants = [p.read_bytes() for p in generate(tmp / "books", VARIANTS)]
        files = [with_comment(variants[i % VARIANTS], f"body {i}") for i in range(args.bodies)]

        sample = [tmp / f"sample{i}.xlsx" for i in range(VARIANTS)]
        for path, data in zip(sample, files):
            path.write_bytes(data)
        t = time.perf_counter()
        for path in sample * 3:
            api.validate(path)
        baseline = (time.perf_counter() - t) / (3 * len(sample))

        server = Server(tmp / "data", database=args.database).start()
        try:
            office = Browser(server)
            office.setup()
            names = [f"第{i:05d}号机关" for i in range(args.bodies)]
            t = time.perf_counter()
            _, links = office.round_with_bodies(2025, "640000", names)
            setup_seconds = time.perf_counter() - t
            jobs = [(links[n], data) for n, data in zip(names, files)]
            peak = Peak(server.process.pid)
            peak.start()
            print(f"{args.bodies} bodies set up in {setup_seconds:.1f} s; {args.clients} clients uploading …", flush=True)
            alone = asyncio.run(upload_all(server.url, office.csrf(), jobs[:args.alone], 1, args.max_seconds))
            acked, latencies, pages, failures, elapsed = asyncio.run(
                upload_all(server.url, office.csrf(), jobs[args.alone:], args.clients, args.max_seconds))
            acked, failures = alone[0] + acked, alone[3] + failures
            peak.done.set()
            peak.join()
        finally:
            server.stop()

        settings = Settings(data_dir=tmp / "data", database_url=args.database)
        db, store = Database(settings.database), FileStore(settings.data_dir)
        with db.read() as s:
            stored = {u.id: u.blob_sha256 for u in s.query(Upload)}
        db.close()
        exact = stored == dict(acked) and all(sha256_of(store.path(sha)) == sha for sha in set(stored.values()))

    burst = len(acked) - len(alone[0])
    rate = burst / elapsed
    print(f"\nuploads acknowledged: {len(acked)} of {args.bodies}; the burst's {burst} in {elapsed:.1f} s — {rate:.1f} uploads/s"
          f" ({args.bodies / rate / 60:.1f} min for {args.bodies})")
    if alone[1]:
        print(f"one upload at a time ({len(alone[1])}): acknowledgement p50 {pct(alone[1], 50):.2f} s, p95 {pct(alone[1], 95):.2f} s")
    print(f"in the burst of {args.clients} clients, acknowledgement latency: p50 {pct(latencies, 50):.2f} s, p95 {pct(latencies, 95):.2f} s, max {max(latencies):.2f} s")
    print(f"upload + page of findings: p50 {pct(pages, 50):.2f} s, p95 {pct(pages, 95):.2f} s")
    print(f"peak memory of the server and its workers: {peak.peak / 2**20:.0f} MB")
    print(f"failures: {len(failures)}" + (f" (first: {failures[0]})" if failures else ""))
    print(f"database holds exactly what was acknowledged, files intact: {'yes' if exact else 'NO'}")
    print(f"baseline api.validate in one process: {baseline * 1000:.0f} ms a file; "
          f"server: {elapsed / max(1, burst) * 1000:.0f} ms of wall time an upload "
          f"(ratio {elapsed / max(1, burst) / baseline:.2f}, with {os.cpu_count()} cores shared by server and clients)")
    if not exact or failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
