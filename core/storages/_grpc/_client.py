"""GrpcStorageProxy: a storage whose calls go to a proxy server, with a cache of finished trials."""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref
from collections.abc import Container, Sequence
from typing import Any

from albacore._imports import require
from albacore._study_types import FrozenStudy, StudyDirection
from albacore._validation import check_int_in, check_seconds
from albacore.distributions import BaseDistribution
from albacore.exceptions import StorageInternalError
from albacore.storages._base import BaseStorage
from albacore.storages._client_cache import ClientTrialCache
from albacore.storages._grpc import _codec
from albacore.storages._grpc._codec import ERROR, dumps, loads, trial_from_list
from albacore.storages._grpc._server import SERVICE
from albacore.storages.journal._state import dist_to_json
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

CONNECT_TIMEOUT_S = 10.0
"""How long a call waits for an unreachable proxy when the proxy's ``timeout`` is None."""

# Proxies with an open channel, closed at interpreter exit: a grpc channel still open when the
# interpreter tears itself down can block the process's exit for good.
_OPEN: weakref.WeakSet[GrpcStorageProxy] = weakref.WeakSet()


@atexit.register
def _close_open_channels() -> None:
    for proxy in list(_OPEN):
        proxy.close()


_FINISHED = frozenset((TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL))
# Calls that may run twice without harm: a call lost with the connection is sent again.
_NOT_IDEMPOTENT = frozenset(("create_new_study", "create_new_trial", "set_study_system_attr_if"))


class GrpcStorageProxy(BaseStorage):
    """A storage reached through a proxy server started by :func:`run_grpc_proxy_server`.

    Any number of workers connect to one proxy, which alone holds the database
    connections (at most four for an RDBStorage). Every call is one round trip to the
    proxy, except reads of finished trials: they never change, so each client keeps those it
    has seen and reading a study's history moves only the trials that changed since this
    client last looked. A trial the client creates or finishes comes back in the same round
    trip.

    The proxy is reached on first use. A proxy that cannot be reached fails the call with
    :class:`~albacore.exceptions.StorageInternalError` naming host and port after
    ``timeout`` seconds (10 s when ``timeout`` is None). A call that the storage rejects on
    the server raises the storage's exception on the client, as the same type (KeyError,
    ValueError, DuplicatedStudyError, UpdateFinishedTrialError...). The proxy pickles (host,
    port and timeout only) and can be passed to worker processes; each process opens its own
    connection.

    Args:
        host: Host name or address of the proxy server.
        port: Its port.
        timeout: Seconds a call may take, waiting for an unreachable proxy included; None:
            no limit on a call, but 10 s to reach the proxy.

    Raises:
        TypeError: If ``host`` is not a str.
        ValueError: If ``port`` or ``timeout`` is out of range.
        ImportError: If ``grpcio`` is not installed (``pip install 'albacore[grpc]'``).

    Example:
        .. code-block:: python

            # on the proxy's machine: albacore storage proxy --storage postgresql://... --port 13000
            storage = albacore.storages.GrpcStorageProxy(host="proxy.local", port=13000)
            study = albacore.create_study(storage=storage, study_name="s", load_if_exists=True)
            study.optimize(objective, n_trials=100)
    """

    def __init__(self, *, host: str = "localhost", port: int = 13000, timeout: float | None = None) -> None:
        require("grpc", extra="grpc", feature="GrpcStorageProxy")
        if not isinstance(host, str) or not host:
            raise TypeError(f"GrpcStorageProxy: host must be a non-empty str, got host={host!r}")
        self.host = host
        self.port = check_int_in("GrpcStorageProxy", "port", port, 1, 65535)
        self.timeout = check_seconds("GrpcStorageProxy", "timeout", timeout, allow_none=True, finite=False)
        self._setup()

    def _setup(self) -> None:
        self._channel: Any = None
        self._pid = -1
        self._stubs: dict[str, Any] = {}
        self._ready = threading.Event()
        self._connect_lock = threading.Lock()
        self._cache = ClientTrialCache()

    def __getstate__(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "timeout": self.timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def __repr__(self) -> str:
        return f"GrpcStorageProxy(host={self.host!r}, port={self.port!r})"

    # --- the connection ----------------------------------------------------------------------------
    def _where(self) -> str:
        return f"GrpcStorageProxy at {self.host}:{self.port}"

    def _connect(self) -> None:
        grpc = require("grpc", extra="grpc", feature="GrpcStorageProxy")
        with self._connect_lock:
            if self._channel is not None and self._pid == os.getpid():
                return
            target = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
            options = [("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1),
                       ("grpc.initial_reconnect_backoff_ms", 100), ("grpc.max_reconnect_backoff_ms", 1000)]
            channel = grpc.insecure_channel(target, options=options)
            ready = threading.Event()
            connectivity = grpc.ChannelConnectivity

            def watch(state: Any) -> None:
                if state == connectivity.READY:
                    ready.set()
                else:
                    ready.clear()

            channel.subscribe(watch, try_to_connect=True)
            self._stubs = {}
            self._ready = ready
            self._channel, self._pid = channel, os.getpid()
            _OPEN.add(self)

    def _stub(self, method: str) -> Any:
        if self._channel is None or self._pid != os.getpid():
            self._connect()
        stub = self._stubs.get(method)
        if stub is None:
            stub = self._stubs[method] = self._channel.unary_unary(f"/{SERVICE}/{method}")
        return stub

    def wait_server_ready(self, timeout: float | None = None) -> None:
        """Wait until the proxy server accepts calls.

        Args:
            timeout: Seconds to wait; None waits as long as a call would (``timeout`` of the
                proxy, else 10 s).

        Raises:
            StorageInternalError: If the proxy cannot be reached in time (naming host and port).
        """
        self._stub("get_all_studies")
        wait = timeout if timeout is not None else (self.timeout or CONNECT_TIMEOUT_S)
        self._await_ready(wait, wait)

    def _await_ready(self, remaining: float, total: float) -> None:
        if not self._ready.wait(max(remaining, 0.0)):
            raise StorageInternalError(
                f"{self._where()}: cannot reach the proxy server within {total:g} s "
                f"(is `albacore storage proxy` running there?)"
            )

    def close(self) -> None:
        """Close the connection to the proxy (a later call opens a new one)."""
        with self._connect_lock:
            if self._channel is not None and self._pid == os.getpid():
                self._channel.close()
            self._channel, self._stubs = None, {}
            _OPEN.discard(self)

    def _call(self, method: str, payload: str) -> Any:
        """Send one call and return its decoded result (or raise the storage's exception)."""
        grpc = require("grpc", extra="grpc", feature="GrpcStorageProxy")
        stub = self._stub(method)
        start = time.monotonic()
        limit = self.timeout if self.timeout is not None else CONNECT_TIMEOUT_S
        while True:
            if not self._ready.is_set():
                self._await_ready(limit - (time.monotonic() - start), limit)
            try:
                reply = stub(payload.encode(), timeout=self.timeout)
                break
            except grpc.RpcError as exc:
                code = exc.code()
                if code == grpc.StatusCode.UNAVAILABLE and method not in _NOT_IDEMPOTENT:
                    if time.monotonic() - start < limit:
                        time.sleep(0.05)
                        continue
                raise self._transport_error(method, exc) from None
        if reply[:1] == ERROR:
            _codec.raise_error(reply[1:], self._where())
        return loads(reply[1:])

    def _transport_error(self, method: str, exc: Any) -> StorageInternalError:
        grpc = require("grpc", extra="grpc", feature="GrpcStorageProxy")
        code = exc.code()
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            reason = f"no answer within timeout={self.timeout:g} s"
        elif code == grpc.StatusCode.UNAVAILABLE:
            reason = "the connection to the proxy server was lost"
            if method in _NOT_IDEMPOTENT:
                reason += " (the call may or may not have taken effect)"
        else:
            reason = f"{code.name}: {exc.details()}"
        return StorageInternalError(f"{self._where()}: {method} failed: {reason}")

    @staticmethod
    def _payload(call: str, args: list[Any], what: str = "", value: Any = None) -> str:
        try:
            return dumps(args)
        except (TypeError, ValueError) as exc:
            message = f"GrpcStorageProxy.{call}: {what} must be JSON-serializable, got {value!r}: {exc}"
            raise TypeError(message) from None

    # --- studies -----------------------------------------------------------------------------------
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        payload = dumps([[int(d) for d in directions], study_name]) if _plain(study_name) else None
        if payload is None:
            raise TypeError(f"study_name must be a str, got study_name={study_name!r}")
        return self._call("create_new_study", payload)  # type: ignore[no-any-return]

    def delete_study(self, study_id: int) -> None:
        self._call("delete_study", dumps([study_id]))
        self._cache.forget_study(study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        payload = self._payload("set_study_user_attr", [study_id, key, value], f"value of {key!r}", value)
        self._call("set_study_user_attr", payload)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        payload = self._payload("set_study_system_attr", [study_id, key, value], f"value of {key!r}", value)
        self._call("set_study_system_attr", payload)

    def set_study_system_attr_if(self, study_id: int, key: str, expected: Any, value: Any) -> bool:
        self._payload("set_study_system_attr_if", [expected], f"expected of {key!r}", expected)
        args = [study_id, key, expected, value]
        payload = self._payload("set_study_system_attr_if", args, f"value of {key!r}", value)
        return self._call("set_study_system_attr_if", payload)  # type: ignore[no-any-return]

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._call("get_study_id_from_name", dumps([study_name]))  # type: ignore[no-any-return]

    def get_study_name_from_id(self, study_id: int) -> str:
        return self._call("get_study_name_from_id", dumps([study_id]))  # type: ignore[no-any-return]

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        return [StudyDirection(d) for d in self._call("get_study_directions", dumps([study_id]))]

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._call("get_study_user_attrs", dumps([study_id]))  # type: ignore[no-any-return]

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._call("get_study_system_attrs", dumps([study_id]))  # type: ignore[no-any-return]

    def get_all_studies(self) -> list[FrozenStudy]:
        return [_codec.study_from_list(s) for s in self._call("get_all_studies", "[]")]

    # --- trials: writes ------------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        template = None if template_trial is None else _codec.trial_to_list(template_trial)
        attrs = None if template_trial is None else {"user_attrs": template_trial.user_attrs,
                                                     "system_attrs": template_trial.system_attrs}
        payload = self._payload("create_new_trial", [study_id, template], "the template trial's attrs", attrs)
        trial_id, data = self._call("create_new_trial", payload)
        self._cache.created(trial_id, trial_from_list(data))
        return trial_id  # type: ignore[no-any-return]

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        self._cache.touched(trial_id)
        dist_json = dist_to_json(distribution)
        self._call("set_trial_param", dumps([trial_id, param_name, float(param_value_internal), dist_json]))

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        self._cache.touched(trial_id)
        floats = None if values is None else [float(v) for v in values]
        changed, data = self._call("set_trial_state_values", dumps([trial_id, int(state), floats]))
        if data is not None:
            self._cache.finished(trial_id, trial_from_list(data))
        return changed  # type: ignore[no-any-return]

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        self._cache.touched(trial_id)
        self._call("set_trial_intermediate_value", dumps([trial_id, int(step), float(intermediate_value)]))

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._cache.touched(trial_id)
        payload = self._payload("set_trial_user_attr", [trial_id, key, value], f"value of {key!r}", value)
        self._call("set_trial_user_attr", payload)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._cache.touched(trial_id)
        payload = self._payload("set_trial_system_attr", [trial_id, key, value], f"value of {key!r}", value)
        self._call("set_trial_system_attr", payload)

    # --- trials: reads -------------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        known = self._cache.lookup(trial_id)
        if known is not None:
            return known
        return self._cache.read(trial_from_list(self._call("get_trial", dumps([trial_id]))))

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        if states is not None and not any(s in states for s in _FINISHED):
            wanted = [int(s) for s in (TrialState.RUNNING, TrialState.WAITING) if s in states]
            if not wanted:
                self.get_study_directions(study_id)  # KeyError for an unknown study, as the storages
                return []
            data = self._call("trials_in_states", dumps([study_id, wanted]))
            return [trial_from_list(t) for t in data]  # fresh objects: no copy needed
        start, known = self._cache.read_position(study_id)
        fresh = [trial_from_list(t) for t in self._call("trials_since", dumps([study_id, start, known]))]
        return self._cache.trials(study_id, fresh, deepcopy=deepcopy, states=states)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        payload = dumps([study_id, trial_number])
        return self._call("get_trial_id_from_study_id_trial_number", payload)  # type: ignore[no-any-return]

    def get_trial_number_from_id(self, trial_id: int) -> int:
        cached = self._cache.finished_trial(trial_id)
        if cached is not None:
            return cached.number
        return self.get_trial(trial_id).number


def _plain(study_name: Any) -> bool:
    return study_name is None or isinstance(study_name, str)
