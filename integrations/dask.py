"""Dask: run a study's trials on a Dask cluster, the study living in the Dask scheduler.

Pass a ``dask.distributed.Client`` (or ``client.get_executor(resources={"GPU": 1})`` for
per-trial resources) as ``study.optimize(..., executor=...)``: the optimize loop in the
calling process asks every trial and the Dask workers run the objectives. The storage must
be one every worker reaches: a database URL, a Redis journal, or a :class:`DaskStorage`,
which keeps the study in the scheduler so that workers need no database at all.

Example:
    .. code-block:: python

        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=2) as cluster, Client(cluster) as client:
            study = albacore.create_study(storage=DaskStorage())
            study.optimize(objective, n_trials=100, n_jobs=2, executor=client)
"""

from __future__ import annotations

import asyncio
import pickle
import uuid
from typing import Any

from albacore._imports import require
from albacore.integrations._hosted_storage import HostedStorage, StaleCallback, StorageHost, build_storage
from albacore.storages import BaseHeartbeat, BaseStorage
from albacore.storages._heartbeat import validate_heartbeat_args

__all__ = ["DaskStorage"]

_HANDLER = "albacore_storage"
# The hosts of this scheduler process, by DaskStorage name (see _install).
_hosts: dict[str, StorageHost] = {}


def _distributed() -> Any:
    return require("distributed", extra="dask", feature="albacore.integrations.dask")


class DaskStorage(HostedStorage):
    """A storage that lives in the Dask scheduler and is reached by every worker of its cluster.

    Each storage call of a worker (or of the process that created it) is one message to the
    scheduler; finished trials are cached by each process, so a sampler's read of the whole
    history moves only the running trials. The scheduler holds the study in ``storage``: by
    default in memory (gone with the scheduler), or in any albacore storage that the
    scheduler's machine reaches, for durability. Heartbeats (needed to notice a worker
    killed in the middle of a trial) are kept by the scheduler with its own clock, or by
    ``storage`` when it has heartbeats of its own.

    Args:
        storage: What the scheduler stores the study in: None (memory), a storage URL
            (``"sqlite:///albacore.db"`` is a file on the scheduler's machine) or an
            albacore storage, which is pickled to the scheduler.
        name: The storage's name on the scheduler; a new unique one when None. A DaskStorage
            created with the name of an existing one attaches to it (``storage`` is then
            ignored).
        client: The Dask client; the current default client when None.
        register: Host the storage on the scheduler. False attaches to the storage ``name``
            that another DaskStorage registered (``name`` is then required).
        heartbeat_interval: Seconds between two heartbeats of a running trial, or None for
            no heartbeats (unless ``storage`` has its own).
        grace_period: Seconds without a heartbeat after which a running trial is failed
            as stale; twice ``heartbeat_interval`` when None.
        heartbeat_stale_trial_callback: ``callback(study, frozen_trial)`` run on each trial
            failed as stale, e.g. ``RetryHeartbeatStaleTrialCallback()``.

    Raises:
        ValueError: With no client and no default client, or heartbeats set both here and
            on ``storage``, or bad heartbeat arguments.
        TypeError: If ``storage`` is neither None, a string nor a BaseStorage.

    Example:
        .. code-block:: python

            storage = DaskStorage(
                heartbeat_interval=5, heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback()
            )
            study = albacore.create_study(storage=storage)
            study.optimize(objective, n_trials=100, n_jobs=8, executor=client)
    """

    _pickled_fields = ("name", "_address")

    def __init__(
        self,
        storage: None | str | BaseStorage = None,
        name: str | None = None,
        client: Any = None,
        register: bool = True,
        *,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        heartbeat_stale_trial_callback: StaleCallback | None = None,
    ) -> None:
        distributed = _distributed()
        if storage is not None and not isinstance(storage, (str, BaseStorage)):
            raise TypeError(
                f"DaskStorage: storage must be None, a storage URL or an albacore storage, got storage={storage!r}"
            )
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"DaskStorage: name must be a non-empty string or None, got name={name!r}")
        if not isinstance(register, bool) or (not register and name is None):
            raise ValueError(
                f"DaskStorage: register must be a bool, and register=False needs the name of a registered "
                f"storage; got register={register!r}, name={name!r}"
            )
        interval, grace = validate_heartbeat_args(
            "DaskStorage", heartbeat_interval, grace_period, heartbeat_stale_trial_callback
        )
        if isinstance(storage, BaseHeartbeat) and storage.get_heartbeat_interval() is not None:
            if interval is not None:
                raise ValueError(
                    "DaskStorage: heartbeats are set both on DaskStorage "
                    f"(heartbeat_interval={heartbeat_interval!r}) and on storage={storage!r}; set them on one"
                )
            interval = storage.get_heartbeat_interval()
            heartbeat_stale_trial_callback = storage.get_failed_trial_callback()
        if client is None:
            try:
                client = distributed.default_client()
            except ValueError:
                raise ValueError(
                    "DaskStorage: no Dask client; pass client= or create a dask.distributed.Client first"
                ) from None
        super().__init__(interval, heartbeat_stale_trial_callback)
        self.name = name if name is not None else f"albacore-{uuid.uuid4().hex}"
        self._client = client
        self._address = client.scheduler.address
        spec = pickle.dumps(storage)
        if register:
            client.run_on_scheduler(_install, name=self.name, spec=spec, interval=interval, grace=grace)
        elif not client.run_on_scheduler(_is_hosted, name=self.name):
            raise ValueError(f"DaskStorage: register=False, but no storage named {self.name!r} is on the scheduler")

    def get_base_storage(self) -> BaseStorage:
        """A copy of the storage the scheduler holds (an InMemoryStorage copy is a snapshot)."""
        return pickle.loads(self.client.run_on_scheduler(_pickled_base, name=self.name))  # type: ignore[no-any-return]

    @property
    def client(self) -> Any:
        """The Dask client this process talks to the scheduler through."""
        client = self.__dict__.get("_client")
        if client is None:
            distributed = _distributed()
            try:
                client = distributed.get_client()  # in a worker: the worker's client
            except ValueError:
                client = distributed.Client(self._address)
            self._client = client
        return client

    def _send(self, payload: bytes) -> bytes:
        client = self.client
        return client.sync(client.scheduler.albacore_storage, name=self.name, payload=payload)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"DaskStorage(name={self.name!r}, scheduler={self._address!r})"


def _install(dask_scheduler: Any, name: str, spec: bytes, interval: float | None, grace: float | None) -> None:
    """Run on the scheduler: host the storage ``name`` (once) and register the handler."""
    if name not in _hosts:
        _hosts[name] = StorageHost(build_storage(pickle.loads(spec)), interval, grace)
    dask_scheduler.handlers[_HANDLER] = _handle


def _is_hosted(dask_scheduler: Any, name: str) -> bool:
    return name in _hosts


def _pickled_base(dask_scheduler: Any, name: str) -> bytes:
    return pickle.dumps(_hosts[name].storage)


async def _handle(name: str, payload: bytes) -> bytes:
    host = _hosts.get(name)
    if host is None:
        return pickle.dumps((False, KeyError(f"DaskStorage: no storage named {name!r} on this scheduler")))
    if host.in_memory:
        return host.handle(payload)  # microseconds: no thread hop
    return await asyncio.get_running_loop().run_in_executor(None, host.handle, payload)
