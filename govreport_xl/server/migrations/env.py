"""Alembic's environment: run on the connection the server hands over (see db.upgrade)."""

from alembic import context

from govreport_xl.server.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # alembic's own command line: a URL is needed
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
