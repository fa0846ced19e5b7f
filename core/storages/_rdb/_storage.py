"""RDBStorage: studies in SQLite, PostgreSQL or MySQL/MariaDB, shared by many workers.

Database work of one trial of ``study.optimize`` (RandomSampler, ``k`` parameters, no
waiting trials); every statement is indexed and touches only this trial's rows, so the cost
does not grow with the study:

==========================  =====================================================================
step                        statements (round trips on PostgreSQL)
==========================  =====================================================================
look for enqueued trials    1 SELECT trials WHERE study_id AND state = WAITING (autocommit)
``create_new_trial``        1 transaction: bump the study's counter and INSERT the trial (one
                            CTE statement on PostgreSQL; UPDATE ... RETURNING + INSERT on
                            SQLite; UPDATE with LAST_INSERT_ID(expr) + INSERT on MySQL)
``Trial(...)`` snapshot     1 SELECT: the trial row and all its children in one UNION ALL
``suggest_*`` (each of k)   1 statement: INSERT ... SELECT from the trial row if unfinished
                            (FOR SHARE) ... ON CONFLICT DO UPDATE (autocommit; SQLite: in a
                            BEGIN IMMEDIATE transaction)
``tell``: read the trial    1 SELECT (UNION ALL)
``tell``: finish            1 durable transaction: UPDATE trial WHERE state is unfinished
                            (compare-and-set), upsert the values, read the trial back (1 SELECT)
``tell``: return it         0: served from this process's cache of finished trials
==========================  =====================================================================

That is 4 + k statements and 2 + k commits per trial, of which one waits for the disk
(PostgreSQL write connections run with ``synchronous_commit`` off, and the transaction that
finishes a trial turns it on, flushing everything the trial wrote before).

A sampler or pruner reading the history (``study.get_trials``) costs two more queries whose
size is the number of trials that changed since this process last looked (see
:mod:`albacore.storages._rdb._cache`); finished trials come from the cache.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import threading
import weakref
from collections.abc import Container, Sequence
from typing import Any, Callable, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from albacore._study_types import FrozenStudy, StudyDirection
from albacore._validation import check_json, check_type
from albacore.distributions import BaseDistribution, distribution_to_json
from albacore.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from albacore.storages._base import BaseStorage
from albacore.storages._heartbeat import BaseHeartbeat, StaleTrialCallback, validate_heartbeat_args
from albacore.storages._in_memory import check_study_name, generate_study_name
from albacore.storages._optuna._detect import refuse_optuna_database
from albacore.storages._rdb import _engine, _schema
from albacore.storages._rdb._cache import StudyTrials
from albacore.storages._rdb._load import TRIAL_COLUMNS, load_trial, load_trials
from albacore.storages._rdb._models import (
    TRIAL_CHILD_TABLES,
    encode_float,
    studies,
    study_attrs,
    study_directions,
    trial_attrs,
    trial_intermediate_values,
    trial_params,
    trial_values,
    trials,
)
from albacore.storages._rdb._writes import (
    conditional_insert,
    insert_template_children,
    insert_trial,
    lock_trial,
    server_epoch,
    update_state,
    upsert,
    upsert_into_unfinished_trial,
    value_rows,
)
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

# Every storage of this process, to renew their locks in a forked child (a lock held by
# another thread at fork time would stay held forever there).
_STORAGES: weakref.WeakSet[RDBStorage] = weakref.WeakSet()


_T = TypeVar("_T")


def _renew_locks_after_fork() -> None:
    for storage in list(_STORAGES):
        storage._lock = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_renew_locks_after_fork)

_UNFINISHED = frozenset((TrialState.RUNNING, TrialState.WAITING))
_BY_STATE = (
    sa.select(*TRIAL_COLUMNS)
    .where(trials.c.study_id == sa.bindparam("study_id"), trials.c.state.in_(sa.bindparam("states", expanding=True)))
    .order_by(trials.c.number)
)


# One conditional UPDATE: the row changes only if it holds the expected JSON text.
_ATTR_SWAP = (
    sa.update(study_attrs)
    .where(
        study_attrs.c.study_id == sa.bindparam("b_study_id"),
        study_attrs.c.kind == "s",
        study_attrs.c.attr_key == sa.bindparam("b_key"),
        study_attrs.c.value_json == sa.bindparam("b_old"),
    )
    .values(value_json=sa.bindparam("b_new"))
    .execution_options(preserve_rowcount=True)
)


class RDBStorage(BaseStorage, BaseHeartbeat):
    """Studies in a relational database: SQLite, PostgreSQL or MySQL/MariaDB.

    Many processes and machines may share one database; trial numbers stay unique and
    gapless. Each process caches finished trials (they never change), so reading a study's
    history costs work proportional to what changed since the last read. The schema is
    created on first use and versioned with bundled Alembic migrations.

    Args:
        url: SQLAlchemy database URL, e.g. ``"sqlite:///albacore.db"``, ``"sqlite://"``
            (in memory), ``"postgresql://user:password@host:5432/db"`` (psycopg 3, or
            psycopg2 when installed), ``"mysql+pymysql://user:password@host/db"``.
        engine_kwargs: Extra keyword arguments of ``sqlalchemy.create_engine``.
        skip_compatibility_check: Do not compare the database's schema revision with this
            albacore's.
        heartbeat_interval: Seconds between heartbeats of a running trial; None disables
            heartbeats.
        grace_period: Seconds without a heartbeat after which a RUNNING trial is stale
            (default: twice ``heartbeat_interval``).
        heartbeat_stale_trial_callback: Called as ``callback(study, frozen_trial)`` after a
            stale trial is marked FAIL (e.g. ``RetryHeartbeatStaleTrialCallback()``).
        skip_table_creation: Do not create the tables if they are missing.

    Raises:
        ValueError: If ``url`` is malformed or names an unsupported database or driver, or a
            heartbeat argument is invalid.
        ImportError: If the database driver is not installed.
        StorageInternalError: If the server cannot be reached (naming host and port; within
            a 10 s connect timeout) or the schema revision does not match.

    Example:
        .. code-block:: python

            storage = albacore.storages.RDBStorage("sqlite:///albacore.db")
            study = albacore.create_study(storage=storage, study_name="s", load_if_exists=True)
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: dict[str, Any] | None = None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: int | float | None = None,
        grace_period: int | float | None = None,
        heartbeat_stale_trial_callback: Callable[..., None] | None = None,
        skip_table_creation: bool = False,
    ) -> None:
        interval, grace = validate_heartbeat_args(
            "RDBStorage", heartbeat_interval, grace_period, heartbeat_stale_trial_callback
        )
        check_type("RDBStorage", "engine_kwargs", engine_kwargs, dict, "a dict", allow_none=True)
        self.url = url
        self.engine_kwargs = engine_kwargs
        self.skip_compatibility_check = skip_compatibility_check
        self.heartbeat_interval = interval
        self.grace_period = grace
        self.failed_trial_callback = heartbeat_stale_trial_callback
        self.skip_table_creation = skip_table_creation
        self._setup(check=True)

    def _setup(self, check: bool) -> None:
        self._url = _engine.parse_url(self.url)
        engine, read_engine = _engine.create_engines(self._url, self.engine_kwargs)
        self._runner = _engine.TransactionRunner(engine, read_engine, serialize=_engine.is_memory_sqlite(self._url))
        self._lock = threading.RLock()
        _STORAGES.add(self)
        self._studies: dict[int, StudyTrials] = {}
        self._finished: dict[int, FrozenTrial] = {}
        self._known_study_ids: set[int] = set()
        if not check:
            return
        try:
            refuse_optuna_database(engine, _engine.describe_url(self._url))
            if not self.skip_table_creation:
                _schema.create_if_missing(engine)
            if not self.skip_compatibility_check:
                _schema.check_version(engine, _engine.describe_url(self._url))
        except DatabaseError as exc:
            # An unreachable server, or (SQLite) a file that is not a database: name the place.
            if isinstance(exc, OperationalError) or self._url.get_backend_name() == "sqlite":
                raise _engine.connection_error(self._url, exc) from None
            raise

    def __getstate__(self) -> dict[str, Any]:
        keep = ("url", "engine_kwargs", "skip_compatibility_check", "heartbeat_interval", "grace_period",
                "failed_trial_callback", "skip_table_creation")
        return {name: self.__dict__[name] for name in keep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup(check=False)

    def _run(
        self,
        operation: str,
        fn: Callable[[Connection], _T],
        *,
        write: bool,
        idempotent: bool = True,
        durable: bool = True,
        single: bool = False,
    ) -> _T:
        result: _T = self._runner.run(
            operation, fn, write=write, idempotent=idempotent, durable=durable, single=single
        )
        return result

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine of the storage's write transactions.

        Use it for your own queries or to ``dispose()`` the pool (e.g. after ``os.fork``).
        After unpickling, the storage opens a new engine. On PostgreSQL its connections run
        with ``synchronous_commit=off`` (albacore asks for a durable commit where one is
        needed); on PostgreSQL and MySQL the storage reads through a second, autocommit
        engine that stays private. Finished trials are cached by every storage object, so
        do not change them through this engine.

        Example:
            .. code-block:: python

                with storage.engine.connect() as conn:
                    conn.execute(sqlalchemy.text("SELECT 1"))
        """
        return self._runner.engine

    # --- schema --------------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Migrate the database to this albacore's schema revision (back it up first).

        Example:
            .. code-block:: python

                RDBStorage(url, skip_compatibility_check=True).upgrade()
        """
        _schema.upgrade(self._runner.engine)

    def get_current_version(self) -> str | None:
        """The database's schema revision (None if albacore's tables do not exist)."""
        return _schema.current_version_of(self._runner.engine)

    def get_head_version(self) -> str:
        """The newest schema revision this albacore knows."""
        return _schema.head_version()

    def get_all_versions(self) -> list[str]:
        """Every schema revision this albacore knows, oldest first."""
        return _schema.all_versions()

    # --- studies -------------------------------------------------------------------------------
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        check_study_name(study_name)
        name = study_name if study_name is not None else generate_study_name()

        def work(conn: Connection) -> int:
            try:
                key = conn.execute(sa.insert(studies).values(study_name=name, next_trial_number=0)).inserted_primary_key
            except IntegrityError:
                raise DuplicatedStudyError(f"a study named {name!r} already exists") from None
            assert key is not None  # an INSERT of one row into a table with a primary key
            study_id: int = key[0]
            conn.execute(
                sa.insert(study_directions),
                [{"study_id": study_id, "objective": i, "direction": int(d)} for i, d in enumerate(directions)],
            )
            return study_id

        return self._run("create_new_study", work, write=True, idempotent=False)

    def delete_study(self, study_id: int) -> None:
        def work(conn: Connection) -> None:
            self._require_study(conn, study_id)
            trial_ids = sa.select(trials.c.trial_id).where(trials.c.study_id == study_id).scalar_subquery()
            for table in TRIAL_CHILD_TABLES:
                conn.execute(sa.delete(table).where(table.c.trial_id.in_(trial_ids)))
            conn.execute(sa.delete(trials).where(trials.c.study_id == study_id))
            conn.execute(sa.delete(study_attrs).where(study_attrs.c.study_id == study_id))
            conn.execute(sa.delete(study_directions).where(study_directions.c.study_id == study_id))
            conn.execute(sa.delete(studies).where(studies.c.study_id == study_id))

        self._run("delete_study", work, write=True)
        with self._lock:
            self._known_study_ids.discard(study_id)
            cached = self._studies.pop(study_id, None)
            if cached is not None:
                for trial in cached.trials:
                    self._finished.pop(trial._trial_id, None)

    def _require_study(self, conn: Connection, study_id: int) -> None:
        found = conn.execute(sa.select(studies.c.study_id).where(studies.c.study_id == study_id)).first()
        if found is None:
            raise KeyError(f"no study with id {study_id}")

    def _set_study_attr(self, operation: str, study_id: int, kind: str, key: str, value: Any) -> None:
        text = check_json(operation, f"value of {key!r}", value)

        def work(conn: Connection) -> None:
            self._require_study(conn, study_id)
            upsert(conn, study_attrs, {"study_id": study_id, "kind": kind, "attr_key": key}, {"value_json": text})

        self._run(operation, work, write=True)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr("set_study_user_attr", study_id, "u", key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr("set_study_system_attr", study_id, "s", key, value)

    def set_study_system_attr_if(self, study_id: int, key: str, expected: Any, value: Any) -> bool:
        text = check_json("set_study_system_attr_if", f"value of {key!r}", value)
        old = None if expected is None else check_json("set_study_system_attr_if", f"expected of {key!r}", expected)

        def work(conn: Connection) -> bool:
            self._require_study(conn, study_id)
            row = {"study_id": study_id, "kind": "s", "attr_key": key, "value_json": text}
            if old is None:
                return conn.execute(conditional_insert(conn, study_attrs), row).rowcount == 1
            swap = {"b_study_id": study_id, "b_key": key, "b_old": old, "b_new": text}
            return conn.execute(_ATTR_SWAP, swap).rowcount == 1

        # Not retried after a commit whose outcome is unknown: a second try would see its own write.
        return self._run("set_study_system_attr_if", work, write=True, idempotent=False)

    def get_study_id_from_name(self, study_name: str) -> int:
        def work(conn: Connection) -> int | None:
            return conn.execute(sa.select(studies.c.study_id).where(studies.c.study_name == study_name)).scalar()

        study_id = self._run("get_study_id_from_name", work, write=False)
        if study_id is None:
            raise KeyError(f"no study named {study_name!r}")
        return study_id

    def get_study_name_from_id(self, study_id: int) -> str:
        def work(conn: Connection) -> str | None:
            return conn.execute(sa.select(studies.c.study_name).where(studies.c.study_id == study_id)).scalar()

        name = self._run("get_study_name_from_id", work, write=False)
        if name is None:
            raise KeyError(f"no study with id {study_id}")
        return name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            cached = self._studies.get(study_id)
        if cached is not None:
            return list(cached.directions)
        return self._run("get_study_directions", lambda conn: self._directions(conn, study_id), write=False)

    def _directions(self, conn: Connection, study_id: int) -> list[StudyDirection]:
        rows = conn.execute(
            sa.select(study_directions.c.direction)
            .where(study_directions.c.study_id == study_id)
            .order_by(study_directions.c.objective)
        ).all()
        if not rows:
            raise KeyError(f"no study with id {study_id}")
        return [StudyDirection(row[0]) for row in rows]

    def _study_attrs(self, operation: str, study_id: int, kind: str) -> dict[str, Any]:
        def work(conn: Connection) -> dict[str, Any]:
            self._require_study(conn, study_id)
            rows = conn.execute(
                sa.select(study_attrs.c.attr_key, study_attrs.c.value_json).where(
                    study_attrs.c.study_id == study_id, study_attrs.c.kind == kind
                )
            )
            return {key: json.loads(text) for key, text in rows}

        return self._run(operation, work, write=False)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._study_attrs("get_study_user_attrs", study_id, "u")

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._study_attrs("get_study_system_attrs", study_id, "s")

    def get_all_studies(self) -> list[FrozenStudy]:
        def work(conn: Connection) -> list[FrozenStudy]:
            names = dict(conn.execute(sa.select(studies.c.study_id, studies.c.study_name)).all())
            directions: dict[int, list[StudyDirection]] = {}
            for study_id, direction in conn.execute(
                sa.select(study_directions.c.study_id, study_directions.c.direction).order_by(
                    study_directions.c.study_id, study_directions.c.objective
                )
            ):
                directions.setdefault(study_id, []).append(StudyDirection(direction))
            attrs: dict[tuple[int, str], dict[str, Any]] = {}
            for study_id, kind, key, text in conn.execute(
                sa.select(study_attrs.c.study_id, study_attrs.c.kind, study_attrs.c.attr_key, study_attrs.c.value_json)
            ):
                attrs.setdefault((study_id, kind), {})[key] = json.loads(text)
            return [
                FrozenStudy(
                    study_name=name,
                    direction=None,
                    directions=directions.get(study_id, []),
                    user_attrs=attrs.get((study_id, "u"), {}),
                    system_attrs=attrs.get((study_id, "s"), {}),
                    study_id=study_id,
                )
                for study_id, name in sorted(names.items())
                if study_id in directions
            ]

        return self._run("get_all_studies", work, write=False)

    # --- trials: writes --------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        now = datetime.datetime.now()

        def work(conn: Connection) -> int:
            if template_trial is None:
                return insert_trial(conn, study_id, TrialState.RUNNING, now, None)
            trial_id = insert_trial(
                conn, study_id, template_trial.state, template_trial.datetime_start, template_trial.datetime_complete
            )
            insert_template_children(conn, trial_id, template_trial)
            return trial_id

        # A new RUNNING trial need not be durable on its own (see TransactionRunner.run): the
        # commit that finishes it flushes it. Finished template trials are durable at once.
        durable = template_trial is not None and template_trial.state.is_finished()
        return self._run("create_new_trial", work, write=True, idempotent=False, durable=durable)

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        dist_json = distribution_to_json(distribution)

        def work(conn: Connection) -> None:
            upsert_into_unfinished_trial(
                conn,
                trial_params,
                {"trial_id": trial_id, "param_name": param_name},
                {"param_value": float(param_value_internal), "distribution_json": dist_json},
            )

        self._run("set_trial_param", work, write=True, durable=False, single=True)

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        attempts = 0
        finished: FrozenTrial | None = None
        now = datetime.datetime.now()

        def work(conn: Connection) -> bool:
            nonlocal attempts
            attempts += 1
            if not update_state(conn, trial_id, state, now):
                number, current = lock_trial(conn, trial_id)  # KeyError if there is no trial
                if current.is_finished():
                    if attempts > 1 and current == state:
                        return True  # our previous attempt committed before the connection dropped
                    raise UpdateFinishedTrialError(
                        f"trial {number} has already finished ({current.name}) and cannot be changed"
                    )
                return False  # RUNNING requested but the trial was not WAITING
            for row in value_rows(trial_id, values or ()):
                upsert(conn, trial_values, {"trial_id": trial_id, "objective": row["objective"]},
                       {"value": row["value"], "kind": row["kind"]})
            if state.is_finished():  # read it back once: it never changes again
                nonlocal finished
                finished = load_trial(conn, trial_id)
            return True

        changed = self._run("set_trial_state_values", work, write=True, durable=state.is_finished())
        if finished is not None:  # committed: cache it
            with self._lock:
                self._finished[trial_id] = finished
        return changed

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        value, kind = encode_float(float(intermediate_value))

        def work(conn: Connection) -> None:
            upsert_into_unfinished_trial(conn, trial_intermediate_values, {"trial_id": trial_id, "step": int(step)},
                   {"value": value, "kind": kind})

        self._run("set_trial_intermediate_value", work, write=True, durable=False, single=True)

    def _set_trial_attr(self, operation: str, trial_id: int, kind: str, key: str, value: Any) -> None:
        text = check_json(operation, f"value of {key!r}", value)

        def work(conn: Connection) -> None:
            key_columns = {"trial_id": trial_id, "kind": kind, "attr_key": key}
            upsert_into_unfinished_trial(conn, trial_attrs, key_columns, {"value_json": text})

        self._run(operation, work, write=True, durable=False, single=True)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr("set_trial_user_attr", trial_id, "u", key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr("set_trial_system_attr", trial_id, "s", key, value)

    # --- trials: reads ---------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            cached = self._finished.get(trial_id)
        if cached is None:
            cached = self._run("get_trial", lambda conn: load_trial(conn, trial_id), write=False)
            if cached is None:
                raise KeyError(f"no trial with id {trial_id}")
            if cached.state.is_finished():
                with self._lock:
                    cached = self._finished.setdefault(trial_id, cached)
            else:
                return cached
        return copy.deepcopy(cached)

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        if states is not None and all(
            s not in states for s in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
        ):
            wanted = [int(s) for s in _UNFINISHED if s in states]
            selected = self._unfinished_trials(study_id, wanted) if wanted else []
        else:
            cached = self._refreshed(study_id)
            with self._lock:
                trials_ = list(cached.trials)
            selected = trials_ if states is None else [t for t in trials_ if t.state in states]
        return copy.deepcopy(selected) if deepcopy else selected

    def _unfinished_trials(self, study_id: int, states: list[int]) -> list[FrozenTrial]:
        def work(conn: Connection) -> list[FrozenTrial]:
            rows = conn.execute(_BY_STATE, {"study_id": study_id, "states": states}).all()
            if not rows and study_id not in self._known_study_ids:
                self._require_study(conn, study_id)
                self._known_study_ids.add(study_id)
            return load_trials(conn, rows)

        return self._run("get_all_trials", work, write=False)

    def _refreshed(self, study_id: int) -> StudyTrials:
        with self._lock:
            cached = self._studies.get(study_id)
            if cached is None:
                directions = self._run("get_all_trials", lambda conn: self._directions(conn, study_id), write=False)
                cached = self._studies[study_id] = StudyTrials(directions)
            self._run("get_all_trials", lambda conn: cached.refresh(conn, study_id, self._finished), write=False)
            return cached

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        def work(conn: Connection) -> int | None:
            return conn.execute(
                sa.select(trials.c.trial_id).where(trials.c.study_id == study_id, trials.c.number == trial_number)
            ).scalar()

        trial_id = self._run("get_trial_id_from_study_id_trial_number", work, write=False)
        if trial_id is None:
            raise KeyError(f"study {study_id} has no trial number {trial_number}")
        return trial_id

    def get_trial_number_from_id(self, trial_id: int) -> int:
        with self._lock:
            cached = self._finished.get(trial_id)
        if cached is not None:
            return cached.number

        def work(conn: Connection) -> int | None:
            return conn.execute(sa.select(trials.c.number).where(trials.c.trial_id == trial_id)).scalar()

        number = self._run("get_trial_number_from_id", work, write=False)
        if number is None:
            raise KeyError(f"no trial with id {trial_id}")
        return number

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        cached = self._refreshed(study_id)
        if len(cached.directions) > 1:
            raise RuntimeError("best trial is not defined for a multi-objective study; use best_trials")
        if cached.best is None:
            raise ValueError("no feasible trial has completed yet")
        return cached.best

    # --- heartbeats ------------------------------------------------------------------------------
    # Beats are stamped with the database server's clock (seconds since the epoch), so workers
    # on machines whose clocks disagree still judge staleness consistently. A trial starts
    # with a beat when it becomes RUNNING.
    def record_heartbeat(self, trial_id: int) -> None:
        def work(conn: Connection) -> None:
            conn.execute(
                sa.update(trials)
                .where(trials.c.trial_id == trial_id, trials.c.state == int(TrialState.RUNNING))
                .values(heartbeat=server_epoch(conn))
            )

        self._run("record_heartbeat", work, write=True, durable=False, single=True)

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        if self.heartbeat_interval is None:
            return []
        grace = self.grace_period

        def work(conn: Connection) -> list[int]:
            return list(
                conn.execute(
                    sa.select(trials.c.trial_id)
                    .where(
                        trials.c.study_id == study_id,
                        trials.c.state == int(TrialState.RUNNING),
                        trials.c.heartbeat < server_epoch(conn) - grace,
                    )
                    .order_by(trials.c.number)
                ).scalars()
            )

        return self._run("get_stale_trial_ids", work, write=False)

    def get_heartbeat_interval(self) -> float | None:
        return self.heartbeat_interval

    def get_failed_trial_callback(self) -> StaleTrialCallback | None:
        return self.failed_trial_callback

    def remove_session(self) -> None:
        """Return this process's pooled connections (they are reopened on demand)."""
        self._runner.dispose()
