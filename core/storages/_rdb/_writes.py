"""Write helpers shared by the storage's transactions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from albacore._validation import check_json
from albacore.distributions import distribution_to_json
from albacore.exceptions import UpdateFinishedTrialError
from albacore.storages._rdb._models import (
    DATETIME,
    encode_float,
    studies,
    trial_attrs,
    trial_intermediate_values,
    trial_params,
    trial_values,
    trials,
)
from albacore.trial._frozen import FrozenTrial
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


def _insert_construct(dialect: str) -> Callable[[sa.Table], Any]:
    """The dialect's INSERT construct (each has its own upsert methods)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    from sqlalchemy.dialects.mysql import insert as mysql_insert

    return mysql_insert


def _on_conflict_update(dialect: str, stmt: Any, keys: list[str], values: list[str]) -> Any:
    if dialect in ("postgresql", "sqlite"):
        return stmt.on_conflict_do_update(index_elements=keys, set_={n: stmt.excluded[n] for n in values})
    return stmt.on_duplicate_key_update({n: stmt.inserted[n] for n in values})


def _upsert_statement(dialect: str, table: sa.Table, keys: list[str], values: list[str]) -> Any:
    row: dict[str, sa.BindParameter[Any]] = {name: sa.bindparam(name) for name in keys + values}
    return _on_conflict_update(dialect, _insert_construct(dialect)(table).values(row), keys, values)


def conditional_insert(conn: Connection, table: sa.Table) -> Any:
    """``INSERT`` of one row that does nothing when its primary key exists (rowcount 0 then)."""
    dialect = conn.dialect.name
    insert = _insert_construct(dialect)(table)
    stmt = insert.on_conflict_do_nothing() if dialect in ("postgresql", "sqlite") else insert.prefix_with("IGNORE")
    return stmt.execution_options(preserve_rowcount=True)


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
        trial_id: int | None = conn.execute(_PG_INSERT[running], params).scalar()
        if trial_id is None:
            raise KeyError(f"no study with id {study_id}")
        return trial_id
    next_number: int | None
    if dialect == "sqlite":
        next_number = conn.execute(_BUMP_RETURNING, {"sid": study_id}).scalar()
    else:
        bumped = conn.execute(_BUMP_MYSQL, {"sid": study_id})
        next_number = bumped.lastrowid if bumped.rowcount else None
    if next_number is None:
        raise KeyError(f"no study with id {study_id}")
    row = {"study_id": study_id, "number": next_number - 1, "state": int(state),
           "datetime_start": start, "datetime_complete": complete}
    key = conn.execute(_statement(conn, "insert", running), row).inserted_primary_key
    assert key is not None  # an INSERT of one row into a table with a primary key
    new_id: int = key[0]
    return new_id


_STATEMENTS: dict[tuple[str, str, bool], Any] = {}


def _statement(conn: Connection, kind: str, running: bool) -> Any:
    """Statements built once per dialect (they embed the dialect's clock expression)."""
    key = (conn.dialect.name, kind, running)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if kind == "insert":
            columns: dict[str, sa.ColumnElement[Any]] = {n: sa.bindparam(n, type_=trials.c[n].type) for n in
                       ("study_id", "number", "state", "datetime_start", "datetime_complete")}
            columns["heartbeat"] = server_epoch(conn) if running else sa.null()
            stmt = sa.insert(trials).values(columns)
        else:
            allowed = [int(TrialState.WAITING)] if running else [int(TrialState.WAITING), int(TrialState.RUNNING)]
            stmt = sa.update(trials).where(trials.c.trial_id == sa.bindparam("tid"), trials.c.state.in_(allowed))
            if running:
                stmt = stmt.values(state=sa.bindparam("new_state"), datetime_start=sa.bindparam("at"),
                                   heartbeat=server_epoch(conn))
            else:
                stmt = stmt.values(state=sa.bindparam("new_state"), datetime_complete=sa.bindparam("at"))
        stmt = _STATEMENTS[key] = stmt
    return stmt


def update_state(conn: Connection, trial_id: int, state: TrialState, now: Any) -> bool:
    """Compare-and-set the state of an unfinished trial; False if the row did not match.

    Moving to RUNNING requires WAITING and sets the start (and a first heartbeat); moving to
    a finished state sets the completion time.
    """
    running = state == TrialState.RUNNING
    at = now if running or state.is_finished() else None
    params = {"tid": trial_id, "new_state": int(state), "at": at}
    return conn.execute(_statement(conn, "update", running), params).rowcount == 1


def value_rows(trial_id: int, values: Sequence[float]) -> list[dict[str, Any]]:
    """Rows of the values table for ``values``."""
    rows = []
    for objective, raw in enumerate(values):
        value, kind = encode_float(float(raw))
        rows.append({"trial_id": trial_id, "objective": objective, "value": value, "kind": kind})
    return rows


def insert_template_children(conn: Connection, trial_id: int, template: FrozenTrial) -> None:
    """Copy a template trial's params, values, intermediate values and attributes."""
    if template.params:
        conn.execute(
            sa.insert(trial_params),
            [
                {
                    "trial_id": trial_id,
                    "param_name": name,
                    "param_value": float(template.distributions[name].to_internal_repr(value)),
                    "distribution_json": distribution_to_json(template.distributions[name]),
                }
                for name, value in template.params.items()
            ],
        )
    if template.values is not None:
        conn.execute(sa.insert(trial_values), value_rows(trial_id, template.values))
    if template.intermediate_values:
        conn.execute(
            sa.insert(trial_intermediate_values),
            [
                {"trial_id": trial_id, "step": int(step), **dict(zip(("value", "kind"), encode_float(float(v))))}
                for step, v in template.intermediate_values.items()
            ],
        )
    attrs = [("u", k, v) for k, v in template.user_attrs.items()] + [
        ("s", k, v) for k, v in template.system_attrs.items()
    ]
    if attrs:
        conn.execute(
            sa.insert(trial_attrs),
            [
                {
                    "trial_id": trial_id,
                    "kind": kind,
                    "attr_key": key,
                    "value_json": check_json("create_new_trial", f"the template trial's attribute {key!r}", value),
                }
                for kind, key, value in attrs
            ],
        )
