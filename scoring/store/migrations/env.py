"""Alembic's environment: runs the migrations on the connection `scoring.store.migrate` hands over.

`target_metadata` is SQLModel's registry, used only when a developer autogenerates a new revision;
the tables of `assistant` join it when their modules are imported, which scoring may not do
(design.md), so `tests/scoring/test_migrations.py` imports them all and checks that the migrated
schema equals the models (alembic's `compare_metadata`).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import scoring.store.models  # noqa: F401  # registers the store's tables on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; Alembic's batch mode copies the table.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the plain `alembic` command with sqlalchemy.url set
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
