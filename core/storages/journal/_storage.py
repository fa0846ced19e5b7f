"""JournalStorage: a storage kept as an append-only log of operations.

Each write appends one JSON record to the backend's log; every process replays the log, in
order, into an in-memory state (:class:`~albacore.storages.journal._state.ReplayState`).
Since the outcome of a record depends only on the records before it, all processes agree
on study and trial ids, on gapless trial numbers (a trial's number is decided when its
record is replayed), and on which worker won a compare-and-set on a WAITING trial. A
writer learns the outcome of its own record by replaying the log up to it.

A read replays the records appended since the last read (one cheap check when nothing
changed), then answers from memory. At fixed positions of the log (every
``snapshot_interval`` records, spaced wider as the log grows), the process that wrote the
record at that position saves a snapshot of the state, so opening a long log loads the
snapshot and replays only what follows it.
"""

from __future__ import annotations

import datetime
import os
import threading
import time
import uuid
from collections.abc import Container, Sequence
from typing import Any

from albacore._study_types import FrozenStudy, StudyDirection
from albacore._validation import check_count, check_json
from albacore.distributions import BaseDistribution
from albacore.exceptions import DuplicatedStudyError
from albacore.logging import get_logger
from albacore.storages._base import BaseStorage
from albacore.storages._heartbeat import BaseHeartbeat, StaleTrialCallback, validate_heartbeat_args
from albacore.storages._in_memory import check_study_name, generate_study_name
from albacore.storages._resolve import register_url_scheme
from albacore.storages.journal._base import BaseJournalBackend
from albacore.storages.journal._state import ReplayState, dist_to_json, trial_to_json
from albacore.trial._frozen import FrozenTrial, new_trial
from albacore.trial._state import TrialState

_logger = get_logger(__name__)

_NOT_FOUND = object()


class JournalStorage(BaseStorage, BaseHeartbeat):
    """A storage on an append-only operation log, shared by processes and machines.

    Args:
        log_storage: Where the log lives (the backend; Optuna's parameter name): a
            :class:`JournalFileBackend` (a file, also on NFS) or a :class:`JournalRedisBackend`.
        heartbeat_interval: Seconds between two heartbeats of a running trial; None
            disables heartbeats.
        grace_period: Seconds without a heartbeat after which another worker marks a
            RUNNING trial FAIL; defaults to twice ``heartbeat_interval``.
        heartbeat_stale_trial_callback: ``callback(study, trial)`` run on each such trial,
            e.g. :class:`~albacore.storages.RetryHeartbeatStaleTrialCallback`.
        snapshot_interval: Log records between two snapshots of the state, at first; the
            spacing doubles as the log grows, keeping snapshot cost proportional to the log.

    Raises:
        TypeError: If ``log_storage`` is not a BaseJournalBackend.
        ValueError: On invalid heartbeat arguments or snapshot interval.

    Example:
        .. code-block:: python

            from albacore.storages.journal import JournalFileBackend, JournalStorage

            storage = JournalStorage(JournalFileBackend("./albacore-journal.log"))
            study = albacore.create_study(study_name="s", storage=storage, load_if_exists=True)
    """

    def __init__(
        self,
        log_storage: BaseJournalBackend,
        *,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        heartbeat_stale_trial_callback: StaleTrialCallback | None = None,
        snapshot_interval: int = 10_000,
    ) -> None:
        if not isinstance(log_storage, BaseJournalBackend):
            raise TypeError(
                f"JournalStorage: log_storage must be a BaseJournalBackend (e.g. JournalFileBackend(path)), "
                f"got log_storage={log_storage!r}"
            )
        backend = log_storage
        check_count("JournalStorage", "snapshot_interval", snapshot_interval, positive=True)
        self._heartbeat_interval, self._grace_period = validate_heartbeat_args(
            "JournalStorage", heartbeat_interval, grace_period, heartbeat_stale_trial_callback
        )
        self._backend = backend
        self._stale_callback = heartbeat_stale_trial_callback
        self._snapshot_interval = snapshot_interval
        self._lock = threading.RLock()
        self._start_fresh()

    def _start_fresh(self) -> None:
        self._pid = os.getpid()
        self._writer = uuid.uuid4().hex
        self._seq = 0
        self._results: dict[int, Any] = {}
        self._snapshot_due = False
        self._state = ReplayState()
        self._n_replayed = 0
        loaded = self._backend.load_snapshot()
        if loaded is not None:
            log_number, data = loaded
            try:
                self._state = ReplayState.from_snapshot(data)
                self._n_replayed = log_number
            except (ValueError, KeyError, TypeError) as exc:
                _logger.warning("Ignoring an unreadable journal snapshot (%s); replaying the whole log.", exc)
        self._sync()

    def __getstate__(self) -> dict[str, Any]:
        return {
            "backend": self._backend,
            "heartbeat_interval": self._heartbeat_interval,
            "grace_period": self._grace_period,
            "callback": self._stale_callback,
            "snapshot_interval": self._snapshot_interval,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._backend = state["backend"]
        self._heartbeat_interval = state["heartbeat_interval"]
        self._grace_period = state["grace_period"]
        self._stale_callback = state["callback"]
        self._snapshot_interval = state["snapshot_interval"]
        self._lock = threading.RLock()
        self._start_fresh()

    # --- the log -------------------------------------------------------------------------------
    def _sync(self, records: list[dict[str, Any]] | None = None) -> None:
        """Replay the records appended since the last call (caller holds ``_lock``).

        Args:
            records: The new records if the caller has just read them; read otherwise.
        """
        if records is None:
            records = self._backend.read_logs(self._n_replayed)
        for record in records:
            self._n_replayed += 1
            if self._state.is_duplicate(record):
                continue
            own = record["writer"] == self._writer
            try:
                outcome = self._state.apply(record)
            except Exception as exc:  # noqa: BLE001 - the record's writer gets it; others ignore it
                outcome = exc
            if own:
                if record["op"] != "heartbeat":  # nobody waits for a heartbeat's outcome
                    self._results[record["seq"]] = outcome
                if self._is_snapshot_point(self._n_replayed):
                    self._snapshot_due = True
        if self._snapshot_due:
            self._snapshot_due = False
            self._backend.save_snapshot(self._n_replayed, self._state.to_snapshot())

    def _is_snapshot_point(self, n_records: int) -> bool:
        """Whether the writer of record number ``n_records - 1`` saves a snapshot.

        Every ``snapshot_interval`` records at first; the spacing doubles each time the log
        doubles past eight intervals, so the bytes spent on snapshots stay proportional to
        the log while a reader replays at most about an eighth of it.
        """
        step = self._snapshot_interval
        while n_records >= 8 * step:
            step *= 2
        return n_records % step == 0

    def _write(self, op: str, **fields: Any) -> Any:
        """Append one record, replay up to it and return (or raise) its outcome."""
        with self._lock:
            record = self._record(op, fields)
            self._sync(self._backend.append_and_read_logs([record], self._n_replayed))
            outcome = self._results.pop(record["seq"], _NOT_FOUND)
        if outcome is _NOT_FOUND:
            raise RuntimeError(f"JournalStorage: record {op!r} was appended but is missing from the log")
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _record(self, op: str, fields: dict[str, Any]) -> dict[str, Any]:
        """A new record of this writer (caller holds ``_lock``)."""
        if os.getpid() != self._pid:  # a forked child is another writer
            self._pid, self._writer, self._results = os.getpid(), uuid.uuid4().hex, {}
        self._seq += 1
        return {"op": op, "writer": self._writer, "seq": self._seq, **fields}

    def _read(self) -> ReplayState:
        with self._lock:
            self._sync()
            return self._state

    # --- studies -------------------------------------------------------------------------------
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        check_study_name(study_name)  # before the record is written: a replay must not fail
        name = study_name if study_name is not None else generate_study_name()
        with self._lock:
            self._sync()
            if name in self._state._name_to_id:
                raise DuplicatedStudyError(f"a study named {name!r} already exists")
            study_id: int = self._write("create_study", directions=[int(d) for d in directions], name=name)
            return study_id

    def delete_study(self, study_id: int) -> None:
        self._read().get_study_name_from_id(study_id)  # KeyError naming it
        self._write("delete_study", study_id=study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json("set_study_user_attr", f"user attribute {key!r}", value)
        self._write("study_user_attr", study_id=study_id, key=key, value=value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json("set_study_system_attr", f"system attribute {key!r}", value)
        self._write("study_system_attr", study_id=study_id, key=key, value=value)

    def set_study_system_attr_if(self, study_id: int, key: str, expected: Any, value: Any) -> bool:
        # One record: every process replays it after the same records, so all agree on who won.
        check_json("set_study_system_attr_if", f"system attribute {key!r}", value)
        check_json("set_study_system_attr_if", f"expected value of {key!r}", expected)
        self._read().get_study_name_from_id(study_id)  # KeyError naming it, without a record
        done: bool = self._write("study_system_attr_if", study_id=study_id, key=key, expected=expected, value=value)
        return done

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._read().get_study_id_from_name(study_name)

    def get_study_name_from_id(self, study_id: int) -> str:
        return self._read().get_study_name_from_id(study_id)

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        return self._read().get_study_directions(study_id)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._read().get_study_user_attrs(study_id)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._read().get_study_system_attrs(study_id)

    def get_all_studies(self) -> list[FrozenStudy]:
        return self._read().get_all_studies()

    # --- trials: writes ------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        if template_trial is None:
            template_trial = new_trial(-1, -1, datetime_start=datetime.datetime.now())
        data = trial_to_json(template_trial)
        check_json("create_new_trial", "the template trial's attrs", [data["user_attrs"], data["system_attrs"]])
        trial_id: int = self._write("create_trial", study_id=study_id, trial=data)
        return trial_id

    def _check_updatable(self, trial_id: int) -> None:
        """Fail early, without a record, on an unknown trial or one known to be finished.

        Checks the state as last replayed, re-reading the log only for a trial not seen yet:
        a trial finished by a record this process has not replayed yet is caught when the
        write's own record is replayed after it.
        """
        with self._lock:
            try:
                trial_state = self._state._trial_state(trial_id)
            except KeyError:
                self._sync()
                trial_state = self._state._trial_state(trial_id)  # KeyError naming it
        self.check_trial_is_updatable(trial_id, trial_state)

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        self._check_updatable(trial_id)
        self._write(
            "param",
            trial_id=trial_id,
            name=param_name,
            value=float(param_value_internal),
            distribution=dist_to_json(distribution),
        )

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        self._check_updatable(trial_id)
        updated: bool = self._write(
            "state",
            trial_id=trial_id,
            state=int(state),
            values=None if values is None else [float(v) for v in values],
            time=datetime.datetime.now().isoformat(),
        )
        return updated

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        self._check_updatable(trial_id)
        self._write("intermediate", trial_id=trial_id, step=int(step), value=float(intermediate_value))

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json("set_trial_user_attr", f"user attribute {key!r}", value)
        self._check_updatable(trial_id)
        self._write("trial_user_attr", trial_id=trial_id, key=key, value=value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json("set_trial_system_attr", f"system attribute {key!r}", value)
        self._check_updatable(trial_id)
        self._write("trial_system_attr", trial_id=trial_id, key=key, value=value)

    # --- trials: reads -------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        return self._read().get_trial(trial_id)

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        return self._read().get_all_trials(study_id, deepcopy=deepcopy, states=states)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        return self._read().get_trial_id_from_study_id_trial_number(study_id, trial_number)

    def get_trial_number_from_id(self, trial_id: int) -> int:
        return self._read().get_trial_number_from_id(trial_id)

    def get_n_trials(self, study_id: int, state: TrialState | tuple[TrialState, ...] | None = None) -> int:
        return self._read().get_n_trials(study_id, state)

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        return self._read().get_best_trial(study_id)

    # --- heartbeats ----------------------------------------------------------------------------
    def record_heartbeat(self, trial_id: int) -> None:
        if self._heartbeat_interval is None:
            return
        with self._lock:
            self._backend.append_logs([self._record("heartbeat", {"trial_id": trial_id, "time": time.time()})])

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        if self._grace_period is None:
            return []
        state = self._read()
        deadline = time.time() - self._grace_period
        stale = []
        for trial in state.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,)):
            last = state.heartbeats.get(trial._trial_id)
            if last is None:
                start = trial.datetime_start
                last = start.timestamp() if start is not None else time.time()
            if last < deadline:
                stale.append(trial._trial_id)
        return stale

    def get_heartbeat_interval(self) -> float | None:
        return self._heartbeat_interval

    def get_failed_trial_callback(self) -> StaleTrialCallback | None:
        return self._stale_callback


JOURNAL_FILE_URL_PREFIX = "journal://"


def storage_from_url(url: str) -> JournalStorage:
    """Build a JournalStorage from ``journal://<path>`` (a file) or ``redis://...`` (Redis).

    ``journal:///abs/path.log`` names an absolute path, ``journal://run.log`` a path
    relative to the working directory.
    """
    from albacore.storages.journal._file import JournalFileBackend
    from albacore.storages.journal._redis import JournalRedisBackend

    if url.startswith(JOURNAL_FILE_URL_PREFIX):
        path = url[len(JOURNAL_FILE_URL_PREFIX):]
        if not path:
            raise ValueError(f"journal storage URL {url!r} has no file path; use 'journal:///path/to/file.log'")
        return JournalStorage(JournalFileBackend(path))
    return JournalStorage(JournalRedisBackend(url))


register_url_scheme(JOURNAL_FILE_URL_PREFIX, storage_from_url)
register_url_scheme("redis://", storage_from_url)
register_url_scheme("rediss://", storage_from_url)
