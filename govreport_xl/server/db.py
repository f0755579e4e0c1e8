"""The records: SQLAlchemy models, and the engine opened with the settings that make a commit
durable (SQLite: WAL with synchronous=FULL; PostgreSQL commits are durable as they are).

The schema is created and changed only by the Alembic migrations beside this file
(`migrations/`), from the first version on; `upgrade(engine)` brings a database to the head.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from sqlalchemy import (BigInteger, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine,
                        event)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


class Base(DeclarativeBase):
    pass


class Staff(Base):
    """Someone of the office: an admin manages rounds, bodies and staff; a viewer only looks."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))  # admin | viewer
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    disabled_at: Mapped[_dt.datetime | None] = mapped_column(DateTime(timezone=True))


class StaffSession(Base):
    """A login: the cookie holds selector + secret, the row only the secret's hash."""

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """Read access to the rounds' records for another system, on behalf of a staff member."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    revoked_at: Mapped[_dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Round(Base):
    """One year's collection for one region: the bodies that report, and a deadline."""

    __tablename__ = "rounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))  # the region's name, e.g. 石嘴山市
    deadline: Mapped[_dt.date] = mapped_column(Date)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    __table_args__ = (UniqueConstraint("year", "region_code", name="uq_round_year_region"),)


class Body(Base):
    """A reporting body of a round, with its private upload link and the office's review."""

    __tablename__ = "bodies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order of the imported list
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), default="")
    region_code: Mapped[str] = mapped_column(String(12), default="")
    level: Mapped[str] = mapped_column(String(40), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    link_selector: Mapped[str | None] = mapped_column(String(32), unique=True)  # None: revoked
    link_issued_at: Mapped[_dt.datetime | None] = mapped_column(DateTime(timezone=True))
    latest_upload_id: Mapped[int | None] = mapped_column(Integer)  # the upload that counts
    review: Mapped[str | None] = mapped_column(String(10))  # returned | confirmed, of review_upload_id
    review_upload_id: Mapped[int | None] = mapped_column(Integer)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[_dt.datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("round_id", "name", name="uq_body_round_name"),)


class Blob(Base):
    """A stored file, once per content: files/<first two hex digits>/<sha256>."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Upload(Base):
    """One submission, kept for good: the file, what the checks found, the marked copy."""

    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))  # as the sender named it: shown, never a path
    received_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    status: Mapped[str] = mapped_column(String(12))  # valid | invalid | incomplete | unreadable
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    record: Mapped[str] = mapped_column(Text)  # the validate --json record (zh), with the report
    view: Mapped[str] = mapped_column(Text)  # the add-in's conclusion and results rows, as the pages show them
    marked_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))


class AuditEntry(Base):
    """Who did what and when (staff, a body through its link, or the system)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    round_id: Mapped[int | None] = mapped_column(Integer, index=True)
    body_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=60000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(conn):
        # a writer takes the lock up front, so two writers queue instead of failing midway
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writes") else "BEGIN")


def open_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60}, pool_size=20, max_overflow=40)
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Database:
    """The engine and two session factories: `read()` and `write()` (a writer's transaction is
    taken with the lock on SQLite)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = open_engine(url)
        self.read = sessionmaker(self.engine, expire_on_commit=False)
        self.write = sessionmaker(self.engine.execution_options(writes=True), expire_on_commit=False)

    def upgrade(self) -> None:
        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (several workers starting at once wait in turn)."""
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7221041)")  # held until this transaction ends
        config = alembic_config(engine)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
