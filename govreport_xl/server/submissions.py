"""Taking an upload in: stored by its hash, checked in a worker with last year's report, then one
transaction records it (and the audit line). The answer goes out only after that commit: an
acknowledged upload is on disk and in the database, whatever happens next.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from .checking import check_path
from .db import Body, Upload
from .records import add_blob, audit, previous_reports


def _prepare(app, body_id: int, spooled: Path):
    store, db = app.state.store, app.state.db
    sha, size = store.put(spooled)
    with db.read() as s:
        body = s.get(Body, body_id)
        previous = previous_reports(s, body)
    return sha, size, previous


def _record(app, body_id: int, sha: str, size: int, filename: str, checked, marked: Path | None, ip: str) -> int:
    store, db = app.state.store, app.state.db
    marked_sha = marked_size = None
    if marked is not None:
        marked_sha, marked_size = store.put(marked)
    with db.write() as s, s.begin():
        add_blob(s, sha, size)
        if marked_sha:
            add_blob(s, marked_sha, marked_size)
        body = s.get(Body, body_id)
        upload = Upload(body_id=body_id, blob_sha256=sha, filename=filename[:255], status=checked.status,
                        errors=checked.errors, warnings=checked.warnings,
                        record=json.dumps(checked.record, ensure_ascii=False), view=json.dumps(checked.view, ensure_ascii=False),
                        marked_sha256=marked_sha)
        s.add(upload)
        s.flush()
        body.latest_upload_id = upload.id
        audit(s, f"body:{body_id}", "upload", round_id=body.round_id, body_id=body_id,
              detail=f"{filename[:120]} → {checked.status}（{checked.errors} 个错误，{checked.warnings} 个警告）sha256={sha[:12]}", ip=ip)
        upload_id = upload.id
    return upload_id


async def accept(app, body_id: int, spooled: Path, filename: str, ip: str = "") -> int:
    """Store, check and record one workbook for a body; the new upload's id (durably committed)."""
    sha, size, previous = await run_in_threadpool(_prepare, app, body_id, spooled)
    marked_dir = Path(tempfile.mkdtemp(prefix="marked-", dir=app.state.store.tmp))
    try:
        stored = app.state.store.path(sha)
        checked = await app.state.checker.check(check_path, str(stored), filename, with_report=True, previous=previous,
                                                marked_dir=str(marked_dir), name=filename)
        marked = Path(checked.marked) if checked.marked else None
        return await run_in_threadpool(_record, app, body_id, sha, size, filename, checked, marked, ip)
    finally:
        shutil.rmtree(marked_dir, ignore_errors=True)
