"""Write helpers shared by the storage's transactions."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from albacore.exceptions import UpdateFinishedTrialError
from albacore.storages._rdb._models import trials
from albacore.trial._state import TrialState


def upsert(conn: Connection, table: sa.Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """Insert a row, or update ``values`` of the row with primary key ``keys``."""
    dialect = conn.dialect.name
    row = {**keys, **values}
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table).values(row)
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=values))
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(row)
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=values))
    else:
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        stmt = mysql_insert(table).values(row)
        conn.execute(stmt.on_duplicate_key_update(**values))


def lock_updatable_trial(conn: Connection, trial_id: int) -> tuple[int, TrialState]:
    """Lock trial ``trial_id``'s row for this transaction and return (number, state).

    Raises:
        KeyError: If there is no such trial.
        UpdateFinishedTrialError: If the trial has finished.
    """
    number, state = lock_trial(conn, trial_id)
    if state.is_finished():
        raise UpdateFinishedTrialError(
            f"trial {number} has already finished ({state.name}) and cannot be changed"
        )
    return number, state


def lock_trial(conn: Connection, trial_id: int) -> tuple[int, TrialState]:
    """Lock trial ``trial_id``'s row (SELECT ... FOR UPDATE) and return (number, state)."""
    row = conn.execute(
        sa.select(trials.c.number, trials.c.state).where(trials.c.trial_id == trial_id).with_for_update()
    ).first()
    if row is None:
        raise KeyError(f"no trial with id {trial_id}")
    return row[0], TrialState(row[1])


def dump_json(value: Any, what: str) -> str:
    """JSON text of an attribute value (TypeError naming it if not serializable)."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be JSON-serializable, got {value!r}: {exc}") from None


def server_epoch(conn: Connection) -> sa.ColumnElement[float]:
    """SQL for the database server's current time in seconds since the epoch."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return sa.cast(sa.extract("epoch", sa.func.clock_timestamp()), sa.Double)
    if dialect == "sqlite":
        return (sa.func.julianday("now") - 2440587.5) * 86400.0
    return sa.cast(sa.func.unix_timestamp(sa.func.now(6)), sa.Double)
