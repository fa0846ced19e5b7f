"""The proxy server: one storage served to many :class:`GrpcStorageProxy` clients over gRPC.

Every storage call is one unary RPC of the service ``albacore.storages.StorageProxy``,
registered through grpc's generic handlers (no protoc step; see :mod:`._codec` for the
messages). The server runs at most :data:`MAX_STORAGE_CALLS` storage calls at a time,
whatever the number of clients and of gRPC threads, so an RDBStorage behind it holds at
most ``2 * MAX_STORAGE_CALLS`` database connections (its write and its read pool).

Finished trials never change: the server keeps their encoded form, so answering the many
clients that read the same history encodes each trial once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from albacore._imports import require
from albacore._study_types import StudyDirection
from albacore._validation import check_int_in, check_type
from albacore.logging import get_logger
from albacore.storages._base import BaseStorage
from albacore.storages._grpc import _codec
from albacore.storages._grpc._codec import OK, dumps, trial_to_wire
from albacore.storages.journal._state import dist_from_json
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

_logger = get_logger(__name__)

SERVICE = "albacore.storages.StorageProxy"
"""The gRPC service name; each method is a storage call."""

MAX_STORAGE_CALLS = 2
"""Storage calls the server runs at once (the others wait their turn)."""

_THREADS = 8  # gRPC handler threads of the default pool: decoding and replies overlap the storage calls
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


class _Service:
    """The storage calls a client can make, each taking decoded arguments and returning JSON text."""

    def __init__(self, storage: BaseStorage) -> None:
        self.storage = storage
        self._calls = threading.BoundedSemaphore(MAX_STORAGE_CALLS)
        self._texts: dict[int, str] = {}  # trial id -> encoded finished trial
        self._texts_lock = threading.Lock()

    def handlers(self) -> dict[str, Callable[[bytes, Any], bytes]]:
        """One gRPC handler function per method."""
        names = [name for name in dir(self) if name.startswith("rpc_")]
        return {name[len("rpc_") :]: self._handler(getattr(self, name)) for name in names}

    def _handler(self, method: Callable[..., str]) -> Callable[[bytes, Any], bytes]:
        def handle(request: bytes, context: Any) -> bytes:
            try:
                args = _codec.loads(request)
                return OK + method(*args).encode()
            except Exception as exc:  # noqa: BLE001 - the client re-raises it
                return _codec.error_reply(exc)

        return handle

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._calls:
            return fn(*args)

    def _trial_text(self, trial: FrozenTrial) -> str:
        if not trial.state.is_finished():
            return trial_to_wire(trial)
        text = self._texts.get(trial._trial_id)
        if text is None:
            text = trial_to_wire(trial)
            with self._texts_lock:
                self._texts[trial._trial_id] = text
        return text

    def _trials_text(self, trials: Sequence[FrozenTrial]) -> str:
        return "[" + ",".join(self._trial_text(t) for t in trials) + "]"

    # --- studies ---------------------------------------------------------------------------------
    def rpc_create_new_study(self, directions: list[int], study_name: str | None) -> str:
        return dumps(self._run(self.storage.create_new_study, [StudyDirection(d) for d in directions], study_name))

    def rpc_delete_study(self, study_id: int) -> str:
        self._run(self.storage.delete_study, study_id)
        with self._texts_lock:
            self._texts.clear()  # ids are not reused, but the study's trials need not be kept
        return "null"

    def rpc_set_study_user_attr(self, study_id: int, key: str, value: Any) -> str:
        self._run(self.storage.set_study_user_attr, study_id, key, value)
        return "null"

    def rpc_set_study_system_attr(self, study_id: int, key: str, value: Any) -> str:
        self._run(self.storage.set_study_system_attr, study_id, key, value)
        return "null"

    def rpc_set_study_system_attr_if(self, study_id: int, key: str, expected: Any, value: Any) -> str:
        return dumps(self._run(self.storage.set_study_system_attr_if, study_id, key, expected, value))

    def rpc_get_study_id_from_name(self, study_name: str) -> str:
        return dumps(self._run(self.storage.get_study_id_from_name, study_name))

    def rpc_get_study_name_from_id(self, study_id: int) -> str:
        return dumps(self._run(self.storage.get_study_name_from_id, study_id))

    def rpc_get_study_directions(self, study_id: int) -> str:
        return dumps([int(d) for d in self._run(self.storage.get_study_directions, study_id)])

    def rpc_get_study_user_attrs(self, study_id: int) -> str:
        return dumps(self._run(self.storage.get_study_user_attrs, study_id))

    def rpc_get_study_system_attrs(self, study_id: int) -> str:
        return dumps(self._run(self.storage.get_study_system_attrs, study_id))

    def rpc_get_all_studies(self) -> str:
        return dumps([_codec.study_to_list(s) for s in self._run(self.storage.get_all_studies)])

    # --- trials: writes --------------------------------------------------------------------------
    def rpc_create_new_trial(self, study_id: int, template: list[Any] | None) -> str:
        """Creates the trial and returns ``[trial id, the new trial]`` (no second round trip to read it)."""
        template_trial = None if template is None else _codec.trial_from_list(template)

        def work() -> tuple[int, FrozenTrial]:
            trial_id = self.storage.create_new_trial(study_id, template_trial)
            return trial_id, self.storage.get_trial(trial_id)

        trial_id, trial = self._run(work)
        return f"[{trial_id},{self._trial_text(trial)}]"

    def rpc_set_trial_param(self, trial_id: int, name: str, internal: float, dist_json: str) -> str:
        dist = dist_from_json(dist_json)
        self._run(self.storage.set_trial_param, trial_id, name, internal, dist)
        return "null"

    def rpc_set_trial_state_values(self, trial_id: int, state: int, values: list[float] | None) -> str:
        """Returns ``[changed, the finished trial or null]``: the client caches a trial it finished."""
        target = TrialState(state)

        def work() -> tuple[bool, FrozenTrial | None]:
            changed = self.storage.set_trial_state_values(trial_id, target, values)
            return changed, self.storage.get_trial(trial_id) if target.is_finished() else None

        changed, trial = self._run(work)
        return f"[{dumps(changed)},{'null' if trial is None else self._trial_text(trial)}]"

    def rpc_set_trial_intermediate_value(self, trial_id: int, step: int, value: float) -> str:
        self._run(self.storage.set_trial_intermediate_value, trial_id, step, value)
        return "null"

    def rpc_set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> str:
        self._run(self.storage.set_trial_user_attr, trial_id, key, value)
        return "null"

    def rpc_set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> str:
        self._run(self.storage.set_trial_system_attr, trial_id, key, value)
        return "null"

    # --- trials: reads ---------------------------------------------------------------------------
    def rpc_get_trial(self, trial_id: int) -> str:
        text = self._texts.get(trial_id)
        if text is not None:
            return text
        return self._trial_text(self._run(self.storage.get_trial, trial_id))

    def rpc_trials_since(self, study_id: int, start: int, known: list[int]) -> str:
        """The study's trials numbered ``start`` or more, but the finished ones the client ``known``s."""
        trials = self._run(self.storage.get_all_trials, study_id, False, None)
        if start and len(trials) > start and trials[start].number == start:
            trials = trials[start:]
        else:  # a short or out-of-order list: filter by number
            trials = [t for t in trials if t.number >= start]
        if known:
            skip = set(known)
            trials = [t for t in trials if t.number not in skip]
        return self._trials_text(trials)

    def rpc_trials_in_states(self, study_id: int, states: list[int]) -> str:
        """The study's trials in ``states`` (the client asks so only for unfinished states)."""
        wanted = tuple(TrialState(s) for s in states)
        return self._trials_text(self._run(self.storage.get_all_trials, study_id, False, wanted))

    def rpc_get_trial_id_from_study_id_trial_number(self, study_id: int, number: int) -> str:
        return dumps(self._run(self.storage.get_trial_id_from_study_id_trial_number, study_id, number))


def start_server(
    storage: BaseStorage, host: str, port: int, thread_pool: ThreadPoolExecutor | None
) -> tuple[Any, int]:
    """Start a proxy server for ``storage`` in the background; return ``(grpc server, bound port)``.

    ``port=0`` binds a free port. Stop it with ``server.stop(grace)``.
    """
    grpc = require("grpc", extra="grpc", feature="run_grpc_proxy_server")
    check_type("run_grpc_proxy_server", "storage", storage, BaseStorage, "an albacore storage")
    check_type("run_grpc_proxy_server", "host", host, str, "a str")
    check_int_in("run_grpc_proxy_server", "port", port, 0, 65535)
    check_type("run_grpc_proxy_server", "thread_pool", thread_pool, ThreadPoolExecutor, "a ThreadPoolExecutor",
               allow_none=True)
    service = _Service(storage)
    handlers = {
        name: grpc.unary_unary_rpc_method_handler(fn) for name, fn in service.handlers().items()
    }
    pool = thread_pool if thread_pool is not None else ThreadPoolExecutor(_THREADS, "albacore-grpc-proxy")
    server = grpc.server(pool, options=[("grpc.so_reuseport", 0)])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError as exc:
        raise OSError(f"run_grpc_proxy_server: cannot listen on {address}: {exc}") from None
    if bound == 0:
        raise OSError(f"run_grpc_proxy_server: cannot listen on {address} (in use, or not an address of this host)")
    server.start()
    return server, bound


def run_grpc_proxy_server(
    storage: BaseStorage,
    *,
    host: str = "localhost",
    port: int = 13000,
    thread_pool: ThreadPoolExecutor | None = None,
) -> None:
    """Serve ``storage`` to :class:`~albacore.storages.GrpcStorageProxy` clients until interrupted.

    Any number of workers connect to one proxy; the proxy alone talks to the storage and
    runs at most two storage calls at a time, so an RDBStorage behind it holds at most four
    database connections. Workers cache finished trials, so reading a study's history moves
    only the trials that changed. ``albacore storage proxy --storage URL`` runs the same
    server from the shell.

    Args:
        storage: The storage to serve (an RDBStorage, a JournalStorage, an InMemoryStorage...).
        host: Address to listen on (``"0.0.0.0"`` for every interface). The proxy has no
            authentication: expose it only to your workers' network.
        port: Port to listen on (0: a free port, logged at INFO).
        thread_pool: Executor of the gRPC handlers; by default 8 threads.

    Raises:
        OSError: If the address cannot be bound.
        TypeError: If ``storage`` is not an albacore storage.
        ImportError: If ``grpcio`` is not installed (``pip install 'albacore[grpc]'``).

    Example:
        .. code-block:: python

            storage = albacore.storages.RDBStorage("postgresql://user:password@db/albacore")
            albacore.storages.run_grpc_proxy_server(storage, host="0.0.0.0", port=13000)
    """
    server, bound = start_server(storage, host, port, thread_pool)
    _logger.info("gRPC storage proxy listening on %s:%d.", host, bound)
    try:
        server.wait_for_termination()
    finally:
        server.stop(grace=None)
