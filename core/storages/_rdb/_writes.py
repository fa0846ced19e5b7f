"""Write helpers shared by the storage's transactions."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from albacore.exceptions import UpdateFinishedTrialError
from albacore.storages._rdb._models import DATETIME, studies, trials
from albacore.trial._state import TrialState


_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def upsert(conn: Connection, table: sa.Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """Insert a row, or update ``values`` of the row with primary key ``keys``."""
    dialect = conn.dialect.name
    memo = (dialect, table.name, tuple(keys), tuple(values))
    stmt = _UPSERTS.get(memo)
    if stmt is None:
        stmt = _UPSERTS[memo] = _upsert_statement(dialect, table, list(keys), list(values))
    conn.execute(stmt, {**keys, **values})


def _insert_construct(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.mysql import insert
    return insert


def _on_conflict_update(dialect: str, stmt: Any, keys: list[str], values: list[str]) -> Any:
    if dialect in ("postgresql", "sqlite"):
        return stmt.on_conflict_do_update(index_elements=keys, set_={n: stmt.excluded[n] for n in values})
    return stmt.on_duplicate_key_update({n: stmt.inserted[n] for n in values})


def _upsert_statement(dialect: str, table: sa.Table, keys: list[str], values: list[str]) -> Any:
    row = {name: sa.bindparam(name) for name in keys + values}
    return _on_conflict_update(dialect, _insert_construct(dialect)(table).values(row), keys, values)


_UNFINISHED_STATES = (int(TrialState.RUNNING), int(TrialState.WAITING))
_TRIAL_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def upsert_into_unfinished_trial(
    conn: Connection, table: sa.Table, keys: dict[str, Any], values: dict[str, Any]
) -> None:
    """Upsert a child row of trial ``keys["trial_id"]`` in one statement, if the trial is unfinished.

    ``INSERT ... SELECT ... FROM trials WHERE trial_id = :id AND state IN (RUNNING, WAITING)
    FOR SHARE ... ON CONFLICT DO UPDATE``: the share lock waits for a concurrent transaction
    finishing the trial, so a row is never added to a finished trial.

    Raises:
        KeyError: If there is no such trial.
        UpdateFinishedTrialError: If the trial has finished.
    """
    dialect = conn.dialect.name
    memo = (dialect, table.name, tuple(keys), tuple(values))
    stmt = _TRIAL_UPSERTS.get(memo)
    if stmt is None:
        names = list(keys) + list(values)
        source = sa.select(
            *[trials.c.trial_id if n == "trial_id" else sa.bindparam(n, type_=table.c[n].type) for n in names]
        ).where(trials.c.trial_id == sa.bindparam("trial_id"), trials.c.state.in_(_UNFINISHED_STATES))
        if dialect != "sqlite":
            source = source.with_for_update(read=True)
        insert = _insert_construct(dialect)(table).from_select(names, source)
        stmt = _TRIAL_UPSERTS[memo] = _on_conflict_update(dialect, insert, list(keys), list(values)).execution_options(
            preserve_rowcount=True
        )
    if conn.execute(stmt, {**keys, **values}).rowcount == 0:
        lock_updatable_trial(conn, keys["trial_id"])  # raises why (MySQL may report 0 for a no-op)


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


_LOCK_TRIAL = (
    sa.select(trials.c.number, trials.c.state).where(trials.c.trial_id == sa.bindparam("trial_id")).with_for_update()
)


def lock_trial(conn: Connection, trial_id: int) -> tuple[int, TrialState]:
    """Lock trial ``trial_id``'s row (SELECT ... FOR UPDATE) and return (number, state)."""
    row = conn.execute(_LOCK_TRIAL, {"trial_id": trial_id}).first()
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


_PG_INSERT_TRIAL = """
WITH counter AS (
    UPDATE albacore_studies SET next_trial_number = next_trial_number + 1
    WHERE study_id = :study_id RETURNING next_trial_number - 1 AS number
)
INSERT INTO albacore_trials (study_id, number, state, datetime_start, datetime_complete, heartbeat)
SELECT :study_id, number, :state, :start, :complete, {heartbeat} FROM counter
RETURNING trial_id
"""
_PG_INSERT = {
    running: sa.text(
        _PG_INSERT_TRIAL.format(heartbeat="extract(epoch FROM clock_timestamp())" if running else "NULL")
    ).bindparams(sa.bindparam("start", type_=DATETIME), sa.bindparam("complete", type_=DATETIME))
    for running in (True, False)
}
_NEXT_NUMBER = studies.c.next_trial_number + 1
_BUMP = sa.update(studies).where(studies.c.study_id == sa.bindparam("sid")).values(next_trial_number=_NEXT_NUMBER)
_BUMP_RETURNING = _BUMP.returning(studies.c.next_trial_number)
_BUMP_MYSQL = (
    sa.update(studies)
    .where(studies.c.study_id == sa.bindparam("sid"))
    .values(next_trial_number=sa.func.last_insert_id(_NEXT_NUMBER))
)


def insert_trial(conn: Connection, study_id: int, state: TrialState, start: Any, complete: Any) -> int:
    """Insert a trial with the study's next number; return its id.

    The number comes from the study row's counter, incremented in this transaction: the row
    lock serializes trial creation per study, so numbers are gapless and committed in order.
    One statement on PostgreSQL (a data-modifying CTE), two on SQLite (UPDATE ... RETURNING)
    and on MySQL/MariaDB (the counter comes back through ``LAST_INSERT_ID(expr)``).

    Raises:
        KeyError: If there is no study ``study_id``.
    """
    dialect = conn.dialect.name
    running = state == TrialState.RUNNING
    if dialect == "postgresql":
        params = {"study_id": study_id, "state": int(state), "start": start, "complete": complete}
        trial_id = conn.execute(_PG_INSERT[running], params).scalar()
        if trial_id is None:
            raise KeyError(f"no study with id {study_id}")
        return trial_id
    if dialect == "sqlite":
        next_number = conn.execute(_BUMP_RETURNING, {"sid": study_id}).scalar()
    else:
        bumped = conn.execute(_BUMP_MYSQL, {"sid": study_id})
        next_number = bumped.lastrowid if bumped.rowcount else None
    if next_number is None:
        raise KeyError(f"no study with id {study_id}")
    row = {"study_id": study_id, "number": next_number - 1, "state": int(state),
           "datetime_start": start, "datetime_complete": complete}
    if running:
        row["heartbeat"] = server_epoch(conn)
    return conn.execute(sa.insert(trials).values(row)).inserted_primary_key[0]


def _state_update(target_running: bool) -> Any:
    allowed = [int(TrialState.WAITING)] if target_running else [int(TrialState.WAITING), int(TrialState.RUNNING)]
    return sa.update(trials).where(trials.c.trial_id == sa.bindparam("tid"), trials.c.state.in_(allowed))


_TO_RUNNING = _state_update(True)
_TO_OTHER = _state_update(False)


def update_state(conn: Connection, trial_id: int, state: TrialState, now: Any) -> bool:
    """Compare-and-set the state of an unfinished trial; False if the row did not match."""
    values: dict[str, Any] = {"state": int(state)}
    if state == TrialState.RUNNING:
        values["datetime_start"] = now
        values["heartbeat"] = server_epoch(conn)
    elif state.is_finished():
        values["datetime_complete"] = now
    stmt = (_TO_RUNNING if state == TrialState.RUNNING else _TO_OTHER).values(values)
    return conn.execute(stmt, {"tid": trial_id}).rowcount == 1
