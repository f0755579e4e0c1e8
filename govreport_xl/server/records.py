"""The office's records as the pages and the API read them: rounds, bodies and their states, the
history of uploads, last year's reports, and the audit log. Pure bookkeeping over the database:
what a report says comes from the stored records of the checks.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .. import api
from ..bulk.history import History, body_keys
from ..core.model import Meta
from ..formats.export import STATUS_ZH  # noqa: F401  (the pages name a check's result as the exports do)
from .db import AuditEntry, Blob, Body, Round, Upload, now

STATES = {"missing": "未提交", "failing": "不通过", "passing": "通过", "returned": "已退回", "confirmed": "已确认"}
OPEN_STATES = ("missing", "failing", "returned")  # overdue once the deadline has passed


def audit(session: Session, actor: str, action: str, *, round_id: int | None = None, body_id: int | None = None,
          detail: str = "", ip: str = "") -> None:
    """One line of the audit log, in the same transaction as what it records."""
    session.add(AuditEntry(actor=actor[:120], action=action, round_id=round_id, body_id=body_id, detail=detail, ip=ip[:64]))


@dataclass(frozen=True)
class BodyState:
    body: Body
    upload: Upload | None  # the latest one
    uploads: int
    state: str
    overdue: bool
    doubts: tuple["Doubt", ...] = ()  # what the office and the body should look at beyond the checks

    @property
    def label(self) -> str:
        return STATES[self.state]


def meta_of(upload: Upload) -> dict:
    """The cover of the report an upload held, as the check read it ({} where unread)."""
    return (json.loads(upload.record).get("report") or {}).get("meta") or {}


def wrong_year(upload: Upload | None, year: int, meta: dict | None = None) -> int | None:
    """The year the report states where it is not the round's (last year's file sent again)."""
    stated = (meta if meta is not None else meta_of(upload)).get("year") if upload is not None else None
    return stated if isinstance(stated, int) and stated != year else None


@dataclass(frozen=True)
class Doubt:
    label: str  # a word or two for the dashboard
    text: str  # what to do, for the body's page and the office's


def doubts(body: Body, year: int, upload: Upload | None, meta: dict | None = None) -> tuple[Doubt, ...]:
    """Said beside the findings: a report of another year (it does not count for this round) or
    naming another body than the link's (its name or code compared as last year's are matched)."""
    if upload is None:
        return ()
    said = []
    meta = meta if meta is not None else meta_of(upload)
    if (stated := wrong_year(upload, year, meta)) is not None:
        said.append(Doubt("年度不符", f"这是 {stated} 年度的报告，本轮收集的是 {year} 年度的报告：请上传 {year} 年度的报告。"))
    if meta.get("name") or meta.get("uscc"):
        theirs = set(body_keys(Meta(name=meta.get("name"), uscc=meta.get("uscc"))))
        ours = set(body_keys(Meta(name=body.name, uscc=body.uscc or None)))
        if theirs and not theirs & ours:
            said.append(Doubt("机关不符", f"报告封面上的机关是「{meta.get('name') or meta.get('uscc')}」，不是「{body.name}」：请确认上传的是本机关的报告。"))
    return tuple(said)


def state_of(body: Body, latest: Upload | None, year: int | None = None, meta: dict | None = None) -> str:
    if latest is None:
        return "missing"
    if body.review and body.review_upload_id == latest.id:  # a review holds for the upload it was made on
        return body.review
    passes = latest.status == "valid" and (year is None or wrong_year(latest, year, meta) is None)
    return "passing" if passes else "failing"


def is_overdue(state: str, deadline: _dt.date, today: _dt.date | None = None) -> bool:
    return state in OPEN_STATES and (today or _dt.date.today()) > deadline


def body_states(session: Session, round_: Round, today: _dt.date | None = None) -> list[BodyState]:
    counts = dict(session.execute(select(Upload.body_id, func.count()).join(Body, Body.id == Upload.body_id)
                                  .where(Body.round_id == round_.id).group_by(Upload.body_id)).all())
    rows = session.execute(select(Body, Upload).outerjoin(Upload, Upload.id == Body.latest_upload_id)
                           .where(Body.round_id == round_.id).order_by(Body.position)).all()
    out = []
    for body, upload in rows:
        meta = meta_of(upload) if upload is not None else {}  # the record is parsed once a row
        state = state_of(body, upload, round_.year, meta)
        out.append(BodyState(body, upload, counts.get(body.id, 0), state, is_overdue(state, round_.deadline, today),
                             doubts(body, round_.year, upload, meta)))
    return out


def one_state(session: Session, body: Body, today: _dt.date | None = None) -> BodyState:
    upload = session.get(Upload, body.latest_upload_id) if body.latest_upload_id else None
    round_ = session.get(Round, body.round_id)
    count = session.scalar(select(func.count()).select_from(Upload).where(Upload.body_id == body.id))
    state = state_of(body, upload, round_.year)
    return BodyState(body, upload, count or 0, state, is_overdue(state, round_.deadline, today), doubts(body, round_.year, upload))


def history(session: Session, body: Body) -> list[Upload]:
    return list(session.scalars(select(Upload).where(Upload.body_id == body.id).order_by(Upload.id.desc())))


def previous_round(session: Session, round_: Round) -> Round | None:
    return session.scalar(select(Round).where(Round.year == round_.year - 1, Round.region_code == round_.region_code))


def report_of(upload: Upload):
    """The report an upload held (as the check read it), or None where it could not be read."""
    report = json.loads(upload.record).get("report")
    return api.read(report).report if report else None


@lru_cache(maxsize=1 << 16)
def _keys_of(name: str, uscc: str | None) -> frozenset[str]:
    """A body's keys as History matches them, kept: every upload compares its body with each of
    last year's (5,000 in a province), which took ~40 ms of the server's one interpreter an upload."""
    return frozenset(body_keys(Meta(name=name, uscc=uscc or None)))


def previous_reports(session: Session, body: Body) -> History | None:
    """Last year's report of this body, from last year's round of the region, as the History the
    API matches by body (None: there is no round last year, so X-01/X-02 say so)."""
    round_ = session.get(Round, body.round_id)
    last = previous_round(session, round_)
    if last is None:
        return None
    keys = _keys_of(body.name, body.uscc)
    matching = [upload_id for upload_id, name, uscc in session.execute(
        select(Body.latest_upload_id, Body.name, Body.uscc).where(Body.round_id == last.id, Body.latest_upload_id.is_not(None)))
        if keys & _keys_of(name, uscc)]  # names compared as History compares them
    found = History()
    for upload in session.scalars(select(Upload).where(Upload.id.in_(matching))) if matching else ():
        if (report := report_of(upload)) is not None:
            found.add(report)
    return found


def add_blob(session: Session, sha256: str, size: int) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(Blob).values(sha256=sha256, size=size, created_at=now()).on_conflict_do_nothing())
