"""Taking an upload in: stored by its hash, checked in a worker with last year's report, then one
transaction records it (and the audit line). The answer goes out only after that commit: an
acknowledged upload is on disk and in the database, whatever happens next. Marked copies are
drawn when first asked for.
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


def _record(app, body_id: int, sha: str, size: int, filename: str, checked, ip: str) -> int:
    with app.state.db.write() as s, s.begin():
        # the body's row first, locked (SQLite's writer lock does the same): uploads of one body
        # commit in the order their ids were handed out, so the latest is the newest
        body = s.get(Body, body_id, with_for_update=True)
        add_blob(s, sha, size)
        upload = Upload(body_id=body_id, blob_sha256=sha, filename=filename[:255], status=checked.status,
                        errors=checked.errors, warnings=checked.warnings,
                        record=json.dumps(checked.record, ensure_ascii=False), view=json.dumps(checked.view, ensure_ascii=False))
        s.add(upload)
        s.flush()
        body.latest_upload_id = max(upload.id, body.latest_upload_id or 0)
        audit(s, f"body:{body_id}", "upload", round_id=body.round_id, body_id=body_id,
              detail=f"{filename[:120]} → {checked.status}（{checked.errors} 个错误，{checked.warnings} 个警告）sha256={sha[:12]}", ip=ip)
        upload_id = upload.id
    return upload_id


async def accept(app, body_id: int, spooled: Path, filename: str, ip: str = "") -> int:
    """Store, check and record one workbook for a body; the new upload's id (durably committed)."""
    sha, size, previous = await run_in_threadpool(_prepare, app, body_id, spooled)
    checked = await app.state.checker.check(check_path, str(app.state.store.path(sha)), filename, with_report=True,
                                            previous=previous, name=filename)
    return await run_in_threadpool(_record, app, body_id, sha, size, filename, checked, ip)


def _previous_of(app, upload: Upload):
    with app.state.db.read() as s:
        return previous_reports(s, s.get(Body, upload.body_id))


def _keep_marked(app, upload_id: int, marked: Path) -> Path:
    sha, size = app.state.store.put(marked)
    with app.state.db.write() as s, s.begin():
        add_blob(s, sha, size)
        s.get(Upload, upload_id).marked_sha256 = sha
    return app.state.store.path(sha)


async def marked_copy(app, upload: Upload) -> Path | None:
    """The upload's marked copy, drawn the first time it is asked for (drawing it costs a second
    or so of openpyxl, which an upload is not kept waiting for), then kept. None: nothing to mark."""
    if upload.marked_sha256:
        return app.state.store.path(upload.marked_sha256)
    if not (upload.errors or upload.warnings):
        return None
    previous = await run_in_threadpool(_previous_of, app, upload)
    folder = Path(tempfile.mkdtemp(prefix="marked-", dir=app.state.store.tmp))
    try:
        checked = await app.state.checker.check(check_path, str(app.state.store.path(upload.blob_sha256)), upload.filename,
                                                previous=previous, marked_dir=str(folder), name=upload.filename)
        return await run_in_threadpool(_keep_marked, app, upload.id, Path(checked.marked)) if checked.marked else None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
