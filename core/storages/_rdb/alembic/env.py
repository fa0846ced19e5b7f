"""Alembic environment: migrations run on the connection that ``RDBStorage.upgrade`` passes."""

from __future__ import annotations

from alembic import context

from albacore.storages._rdb._models import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
context.run_migrations()
