"""Ray: run a study's trials as Ray tasks, with per-trial CPUs, GPUs and custom resources.

:class:`RayExecutor` is a ``concurrent.futures.Executor`` for ``study.optimize(...,
executor=RayExecutor(num_gpus=1))``: the optimize loop in the driver asks every trial and
each trial runs as one Ray task. The storage must be one every Ray worker reaches: a
database URL, a Redis journal, or a :class:`RayStorage`, which keeps the study in a Ray
actor so that workers need no database.

Example:
    .. code-block:: python

        ray.init(num_cpus=2)
        study = albacore.create_study(storage=RayStorage())
        study.optimize(objective, n_trials=100, n_jobs=2, executor=RayExecutor(num_cpus=1))
"""

from __future__ import annotations

import pickle
import threading
import uuid
from concurrent.futures import Executor, Future
from numbers import Real
from typing import Any, Callable

from albacore._imports import require
from albacore.integrations._hosted_storage import HostedStorage, StaleCallback, StorageHost, build_storage
from albacore.storages import BaseHeartbeat, BaseStorage
from albacore.storages._heartbeat import validate_heartbeat_args

__all__ = ["RayExecutor", "RayStorage"]


def _ray() -> Any:
    return require("ray", extra="ray", feature="albacore.integrations.ray")


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return fn(*args, **kwargs)


_remote_call: Any = None
_remote_lock = threading.Lock()


def _remote() -> Any:
    global _remote_call
    with _remote_lock:
        if _remote_call is None:
            _remote_call = _ray().remote(_call)
    return _remote_call


class _RayFuture(Future):  # type: ignore[type-arg]
    """A future whose ``cancel`` also cancels its Ray task."""

    def __init__(self, ref: Any) -> None:
        super().__init__()
        self.ref = ref

    def cancel(self) -> bool:
        if self.done():
            return False
        _ray().cancel(self.ref)
        return super().cancel()


class RayExecutor(Executor):
    """Runs each submitted call as a Ray task with the given resources.

    Ray must be initialized (``ray.init(...)``) before the first ``submit``. Ray reruns a
    task whose worker died (``max_retries``); ``optimize`` then fails that trial once its
    heartbeat is stale instead of running it twice (see ``Study.optimize``). An error
    raised by the call reaches ``result()`` as the original exception.

    Args:
        num_cpus: CPUs each call reserves (a positive number; fractions share a CPU).
        num_gpus: GPUs each call reserves (0 for none; fractions share a GPU).
        resources: Custom Ray resources each call reserves, e.g. ``{"TPU": 1}``.
        max_retries: How many times Ray reruns a call whose worker process died.
        **options: Further options of Ray's ``.options(...)``, e.g. ``runtime_env``.

    Raises:
        ValueError: On a negative or non-numeric resource amount or ``max_retries``.
        TypeError: If ``resources`` is not a dict of names to amounts.

    Example:
        .. code-block:: python

            study.optimize(objective, n_trials=64, n_jobs=8, executor=RayExecutor(num_gpus=1))
    """

    def __init__(
        self,
        num_cpus: float = 1,
        num_gpus: float = 0,
        resources: dict[str, float] | None = None,
        max_retries: int = 3,
        **options: Any,
    ) -> None:
        for arg, value, positive in (("num_cpus", num_cpus, False), ("num_gpus", num_gpus, False)):
            if isinstance(value, bool) or not isinstance(value, Real) or value < 0 or (positive and value == 0):
                raise ValueError(f"RayExecutor: {arg} must be a non-negative number, got {arg}={value!r}")
        if resources is not None and (
            not isinstance(resources, dict) or not all(isinstance(key, str) for key in resources)
        ):
            raise TypeError(f"RayExecutor: resources must be a dict of resource names to amounts, got {resources!r}")
        for key, value in (resources or {}).items():
            if isinstance(value, bool) or not isinstance(value, Real) or value < 0:
                raise ValueError(f"RayExecutor: resources[{key!r}] must be a non-negative number, got {value!r}")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"RayExecutor: max_retries must be a non-negative int, got max_retries={max_retries!r}")
        self._options = {
            "num_cpus": num_cpus,
            "num_gpus": num_gpus,
            "max_retries": max_retries,
            **({"resources": dict(resources)} if resources else {}),
            **options,
        }
        self._pending: set[_RayFuture] = set()
        self._lock = threading.Lock()
        self._shut = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn(*args, **kwargs)`` as a Ray task; return its future."""
        with self._lock:
            if self._shut:
                raise RuntimeError("RayExecutor: cannot submit after shutdown")
        ref = _remote().options(**self._options).remote(fn, args, kwargs)
        future = _RayFuture(ref)
        with self._lock:
            self._pending.add(future)
        ref.future().add_done_callback(lambda done: self._relay(future, done))
        return future

    def _relay(self, future: _RayFuture, done: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)
        if future.cancelled() or not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(done.result())
        except BaseException as exc:  # noqa: BLE001 - relayed to the caller
            cause = getattr(exc, "cause", None)  # a RayTaskError wraps the call's own error
            future.set_exception(cause if isinstance(cause, BaseException) else exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Accept no more calls; optionally cancel pending ones and wait for the rest (Ray stays up)."""
        with self._lock:
            self._shut = True
            pending = list(self._pending)
        if cancel_futures:
            for future in pending:
                future.cancel()
        if wait:
            for future in pending:
                if not future.cancelled():
                    future.exception()

    def __repr__(self) -> str:
        return f"RayExecutor({', '.join(f'{k}={v!r}' for k, v in self._options.items())})"


class _Host:
    """The Ray actor holding a :class:`RayStorage`'s study."""

    def __init__(self, spec: bytes, interval: float | None, grace: float | None) -> None:
        self._host = StorageHost(build_storage(pickle.loads(spec)), interval, grace)

    def handle(self, payload: bytes) -> bytes:
        return self._host.handle(payload)


class RayStorage(HostedStorage):
    """A storage that lives in a Ray actor and is reached by every worker of the Ray cluster.

    Each storage call is one call of the actor (which takes no CPU of the cluster); finished
    trials are cached by each process. The actor holds the study in ``storage``: in memory
    by default (gone with the actor, i.e. with the driver's job), or in any albacore storage
    the actor's machine reaches. Heartbeats are kept by the actor with its own clock, or by
    ``storage`` when it has heartbeats of its own.

    Ray must be initialized first.

    Args:
        storage: What the actor stores the study in: None (memory), a storage URL or an
            albacore storage (pickled to the actor).
        name: The actor's name; a new unique one when None. A RayStorage created with the
            name of a live one attaches to it (``storage`` is then ignored).
        heartbeat_interval: Seconds between two heartbeats of a running trial, or None.
        grace_period: Seconds without a heartbeat after which a running trial is stale;
            twice ``heartbeat_interval`` when None.
        heartbeat_stale_trial_callback: ``callback(study, frozen_trial)`` run on each trial
            failed as stale, e.g. ``RetryHeartbeatStaleTrialCallback()``.

    Raises:
        ValueError: If Ray is not initialized, heartbeats are set both here and on
            ``storage``, or on bad heartbeat arguments.
        TypeError: If ``storage`` is neither None, a string nor a BaseStorage.

    Example:
        .. code-block:: python

            ray.init(num_cpus=2)
            storage = RayStorage(
                heartbeat_interval=5, heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback()
            )
            study = albacore.create_study(storage=storage)
    """

    _pickled_fields = ("name", "_namespace", "_cluster_address")

    def __init__(
        self,
        storage: None | str | BaseStorage = None,
        name: str | None = None,
        *,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        heartbeat_stale_trial_callback: StaleCallback | None = None,
    ) -> None:
        ray = _ray()
        if storage is not None and not isinstance(storage, (str, BaseStorage)):
            raise TypeError(
                f"RayStorage: storage must be None, a storage URL or an albacore storage, got storage={storage!r}"
            )
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"RayStorage: name must be a non-empty string or None, got name={name!r}")
        interval, grace = validate_heartbeat_args(
            "RayStorage", heartbeat_interval, grace_period, heartbeat_stale_trial_callback
        )
        if isinstance(storage, BaseHeartbeat) and storage.get_heartbeat_interval() is not None:
            if interval is not None:
                raise ValueError(
                    "RayStorage: heartbeats are set both on RayStorage "
                    f"(heartbeat_interval={heartbeat_interval!r}) and on storage={storage!r}; set them on one"
                )
            interval = storage.get_heartbeat_interval()
            heartbeat_stale_trial_callback = storage.get_failed_trial_callback()
        if not ray.is_initialized():
            raise ValueError("RayStorage: Ray is not initialized; call ray.init(...) first")
        super().__init__(interval, heartbeat_stale_trial_callback)
        self.name = name if name is not None else f"albacore-{uuid.uuid4().hex}"
        self._namespace = ray.get_runtime_context().namespace
        # A process outside Ray (the child that runs a trial under trial_timeout) joins this cluster.
        self._cluster_address = ray.get_runtime_context().gcs_address
        actor_class = ray.remote(num_cpus=0, max_concurrency=64)(_Host)
        self._actor = actor_class.options(name=self.name, get_if_exists=True).remote(
            pickle.dumps(storage), interval, grace
        )

    @property
    def actor(self) -> Any:
        """The handle of the Ray actor holding the study."""
        actor = self.__dict__.get("_actor")
        if actor is None:
            ray = _ray()
            if not ray.is_initialized():
                ray.init(address=self._cluster_address, namespace=self._namespace, log_to_driver=False)
            actor = self._actor = ray.get_actor(self.name, namespace=self._namespace)
        return actor

    def _send(self, payload: bytes) -> bytes:
        return _ray().get(self.actor.handle.remote(payload))  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"RayStorage(name={self.name!r})"
