"""The schema comes from the migrations alone, and they build exactly what the models describe,
on SQLite and on PostgreSQL; a database at the head is left as it is on the next start."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy", reason="the [server] extra is not installed")
from alembic.migration import MigrationContext  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from sqlalchemy import inspect  # noqa: E402

from govreport_xl.server.db import Base, Database  # noqa: E402
from govreport_xl.server.settings import Settings  # noqa: E402
from server_support import database  # noqa: E402

pytestmark = pytest.mark.slow  # database migrations


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_build_what_the_models_describe(kind, tmp_path):
    with database(kind, tmp_path) as url:
        db = Database(Settings(data_dir=tmp_path, database_url=url).database)
        try:
            assert not inspect(db.engine).get_table_names()
            db.upgrade()
            db.upgrade()  # the next start: nothing to do, nothing broken
            with db.engine.connect() as conn:
                assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
                assert MigrationContext.configure(conn).get_current_revision() == "0001"
        finally:
            db.close()


def test_sqlite_commits_are_durable(tmp_path):
    db = Database(Settings(data_dir=tmp_path).database)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: synced at every commit
    finally:
        db.close()
