"""A storage hosted in one process of a cluster and reached by every worker through its engine.

:class:`StorageHost` runs where the study lives (the Dask scheduler, a Ray actor): it holds
an albacore storage and answers calls from clients. :class:`HostedStorage` is the client
side, a :class:`~albacore.storages.BaseStorage` whose ``_call`` sends one call to the host
(each engine's module supplies the transport). Clients cache finished trials, which never
change, so a sampler reading the whole history each trial moves only the trials that are
still running over the network.

Heartbeats are kept by the host with its own clock (or by the hosted storage when it has
heartbeats of its own), so workers' clocks need not agree.
"""

from __future__ import annotations

import abc
import pickle
import threading
import time
from collections.abc import Container, Sequence
from typing import Any, Callable

from albacore.storages import BaseHeartbeat, BaseStorage, InMemoryStorage, get_storage
from albacore.storages._client_cache import ClientTrialCache
from albacore.trial import FrozenTrial, TrialState

StaleCallback = Callable[[Any, FrozenTrial], None]

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
_UNFINISHED = (TrialState.RUNNING, TrialState.WAITING)

# The storage methods a client may call on the host, besides the host's own ones below.
_FORWARDED = frozenset(
    {
        "create_new_study", "delete_study", "set_study_user_attr", "set_study_system_attr",
        "set_study_system_attr_if", "get_study_id_from_name", "get_study_name_from_id",
        "get_study_directions", "get_study_user_attrs", "get_study_system_attrs", "get_all_studies",
        "create_new_trial", "set_trial_param", "set_trial_state_values", "set_trial_intermediate_value",
        "set_trial_user_attr", "set_trial_system_attr", "get_trial", "get_trial_id_from_study_id_trial_number",
        "get_n_trials", "get_best_trial",
    }
)


def build_storage(storage: Any) -> BaseStorage:
    """The storage a host holds: None gives an InMemoryStorage, a URL its storage."""
    if storage is None:
        return InMemoryStorage()
    return get_storage(storage)


class StorageHost:
    """The host side: runs clients' calls on one storage (thread-safe, as the storage is).

    Args:
        storage: The hosted storage.
        heartbeat_interval: Seconds between beats, when the host keeps the heartbeats.
        grace_period: Seconds without a beat after which a RUNNING trial is stale.
    """

    def __init__(self, storage: BaseStorage, heartbeat_interval: float | None, grace_period: float | None) -> None:
        self.storage = storage
        self.in_memory = isinstance(storage, InMemoryStorage)  # calls take microseconds
        self._delegate_beats = isinstance(storage, BaseHeartbeat) and storage.get_heartbeat_interval() is not None
        self._interval = heartbeat_interval
        self._grace = grace_period
        self._beats: dict[int, float] = {}
        self._lock = threading.Lock()

    def handle(self, payload: bytes) -> bytes:
        """Run one pickled ``(method, args)`` call; return the pickled ``(ok, result or error)``."""
        method, args = pickle.loads(payload)
        try:
            if method in _FORWARDED:
                result = getattr(self.storage, method)(*args)
            else:
                result = getattr(self, f"_remote_{method}")(*args)
        except Exception as exc:  # noqa: BLE001 - the client re-raises it
            return pickle.dumps((False, exc))
        if self._interval is not None and not self._delegate_beats:
            if method == "create_trial":
                with self._lock:
                    self._beats[result[0]] = time.time()
            elif method == "set_state" and args[1].is_finished():
                with self._lock:
                    self._beats.pop(args[0], None)
        return pickle.dumps((True, result))

    def _remote_trials_since(self, study_id: int, start: int, known: Sequence[int]) -> list[FrozenTrial]:
        """The study's trials numbered ``start`` or more, but for the finished ones the client ``known``s."""
        skip = set(known)
        return [t for t in self.storage.get_all_trials(study_id, deepcopy=False)[start:] if t.number not in skip]

    def _remote_trials_in_states(self, study_id: int, states: Sequence[TrialState]) -> list[FrozenTrial]:
        """The study's trials in ``states`` (clients ask so only for unfinished states)."""
        return self.storage.get_all_trials(study_id, deepcopy=False, states=tuple(states))

    def _remote_create_trial(self, study_id: int, template_trial: FrozenTrial | None) -> tuple[int, FrozenTrial]:
        """``create_new_trial``, with the new trial (the ``get_trial`` that follows it needs no round trip)."""
        trial_id = self.storage.create_new_trial(study_id, template_trial)
        return trial_id, self.storage.get_trial(trial_id)

    def _remote_set_state(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None
    ) -> tuple[bool, FrozenTrial | None]:
        """``set_trial_state_values``, with the finished trial (which the client caches) when it finishes."""
        result = self.storage.set_trial_state_values(trial_id, state, values)
        return result, self.storage.get_trial(trial_id) if state.is_finished() else None

    def _remote_record_heartbeat(self, trial_id: int) -> None:
        if self._delegate_beats:
            self.storage.record_heartbeat(trial_id)  # type: ignore[attr-defined]
            return
        with self._lock:
            self._beats[trial_id] = time.time()

    def _remote_stale_trial_ids(self, study_id: int) -> list[int]:
        if self._delegate_beats:
            return list(self.storage._get_stale_trial_ids(study_id))  # type: ignore[attr-defined]
        if self._grace is None:
            return []
        now = time.time()
        stale = []
        for t in self.storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,)):
            with self._lock:
                last = self._beats.get(t._trial_id)
            if last is None:
                last = t.datetime_start.timestamp() if t.datetime_start is not None else now
            if now - last > self._grace:
                stale.append(t._trial_id)
        return stale


class HostedStorage(BaseStorage, BaseHeartbeat):
    """The client side of a :class:`StorageHost`; subclasses implement ``_send``.

    Finished trials are cached for good; running and waiting ones are read from the host.
    """

    def __init__(
        self,
        heartbeat_interval: float | None,
        heartbeat_stale_trial_callback: StaleCallback | None,
    ) -> None:
        self._interval = heartbeat_interval
        self._callback = heartbeat_stale_trial_callback
        self._init_cache()

    def _init_cache(self) -> None:
        self._cache = ClientTrialCache()

    def __getstate__(self) -> dict[str, Any]:
        keep = ("_interval", "_callback")
        return {key: value for key, value in self.__dict__.items() if key in keep or key in self._pickled_fields}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_cache()

    #: Attributes of a subclass that travel when the storage is pickled to a worker.
    _pickled_fields: tuple[str, ...] = ()

    @abc.abstractmethod
    def _send(self, payload: bytes) -> bytes:
        """Deliver one pickled call to the host and return its pickled answer."""

    def _call(self, method: str, *args: Any) -> Any:
        ok, result = pickle.loads(self._send(pickle.dumps((method, args))))
        if not ok:
            raise result
        return result

    # --- studies -------------------------------------------------------------------------------
    def create_new_study(self, directions: Sequence[Any], study_name: str | None = None) -> int:
        return self._call("create_new_study", list(directions), study_name)  # type: ignore[no-any-return]

    def delete_study(self, study_id: int) -> None:
        self._call("delete_study", study_id)
        self._cache.forget_study(study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_user_attr", study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_system_attr", study_id, key, value)

    def set_study_system_attr_if(self, study_id: int, key: str, expected: Any, value: Any) -> bool:
        return self._call("set_study_system_attr_if", study_id, key, expected, value)  # type: ignore[no-any-return]

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._call("get_study_id_from_name", study_name)  # type: ignore[no-any-return]

    def get_study_name_from_id(self, study_id: int) -> str:
        return self._call("get_study_name_from_id", study_id)  # type: ignore[no-any-return]

    def get_study_directions(self, study_id: int) -> list[Any]:
        return self._call("get_study_directions", study_id)  # type: ignore[no-any-return]

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._call("get_study_user_attrs", study_id)  # type: ignore[no-any-return]

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._call("get_study_system_attrs", study_id)  # type: ignore[no-any-return]

    def get_all_studies(self) -> list[Any]:
        return self._call("get_all_studies")  # type: ignore[no-any-return]

    # --- trials: writes -------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        trial_id, frozen = self._call("create_trial", study_id, template_trial)
        self._cache.created(trial_id, frozen)
        return trial_id  # type: ignore[no-any-return]

    def set_trial_param(self, trial_id: int, param_name: str, param_value_internal: float, distribution: Any) -> None:
        self._cache.touched(trial_id)
        self._call("set_trial_param", trial_id, param_name, param_value_internal, distribution)

    def set_trial_state_values(self, trial_id: int, state: TrialState, values: Sequence[float] | None = None) -> bool:
        self._cache.touched(trial_id)
        result, frozen = self._call("set_state", trial_id, state, None if values is None else list(values))
        if frozen is not None:
            self._cache.finished(trial_id, frozen)
        return result  # type: ignore[no-any-return]

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        self._cache.touched(trial_id)
        self._call("set_trial_intermediate_value", trial_id, step, intermediate_value)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._cache.touched(trial_id)
        self._call("set_trial_user_attr", trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._cache.touched(trial_id)
        self._call("set_trial_system_attr", trial_id, key, value)

    # --- trials: reads ---------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        known = self._cache.lookup(trial_id)
        if known is not None:
            return known
        return self._cache.read(self._call("get_trial", trial_id))

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        if states is not None and not any(state in states for state in _FINISHED):
            # Only running or waiting trials (each ask looks for WAITING ones): the host sends just
            # those, not every trial still running past the cached prefix. They arrive unpickled,
            # so they are the caller's already.
            wanted = [state for state in _UNFINISHED if state in states]
            if not wanted:
                self.get_study_directions(study_id)  # KeyError for an unknown study, as the storages
                return []
            return self._call("trials_in_states", study_id, wanted)  # type: ignore[no-any-return]
        start, known = self._cache.read_position(study_id)
        fresh: list[FrozenTrial] = self._call("trials_since", study_id, start, known)
        return self._cache.trials(study_id, fresh, deepcopy=deepcopy, states=states)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        return self._call("get_trial_id_from_study_id_trial_number", study_id, trial_number)  # type: ignore[no-any-return]

    # --- heartbeats ----------------------------------------------------------------------------
    def record_heartbeat(self, trial_id: int) -> None:
        self._call("record_heartbeat", trial_id)

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        return self._call("stale_trial_ids", study_id)  # type: ignore[no-any-return]

    def get_heartbeat_interval(self) -> float | None:
        return self._interval

    def get_failed_trial_callback(self) -> StaleCallback | None:
        return self._callback
