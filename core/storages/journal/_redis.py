"""JournalRedisBackend: the journal as a Redis list.

Records are JSON strings in the list ``<prefix>albacore:journal:logs``; ``RPUSH`` appends
atomically and ``LRANGE`` reads from a position, so Redis itself orders concurrent writers.
The snapshot lives in ``<prefix>albacore:journal:snapshot``. Connection errors are retried
with backoff: reads are idempotent, and a record appended twice is applied once (records
carry their writer's sequence number).
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, TypeVar

from albacore._imports import require
from albacore.exceptions import StorageInternalError
from albacore.logging import get_logger
from albacore.storages.journal._base import BaseJournalBackend

_logger = get_logger(__name__)

_T = TypeVar("_T")
_RETRIES = 4


class JournalRedisBackend(BaseJournalBackend):
    """Keep a journal in Redis, shared by processes on any number of machines.

    Args:
        url: A Redis URL, e.g. ``"redis://localhost:6379/0"``.
        prefix: A prefix of the keys, to keep several journals in one database.
        connect_timeout: Seconds to wait for the server.

    Raises:
        ValueError: If ``url`` is not a redis URL.
        StorageInternalError: If the server cannot be reached (naming host and port).

    Example:
        .. code-block:: python

            from albacore.storages.journal import JournalRedisBackend, JournalStorage

            storage = JournalStorage(JournalRedisBackend("redis://localhost:6379/0"))
    """

    def __init__(self, url: str, prefix: str = "", connect_timeout: float = 5.0) -> None:
        if not isinstance(url, str) or not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"JournalRedisBackend: url must be a redis:// URL, got url={url!r}")
        if not isinstance(prefix, str):
            raise TypeError(f"JournalRedisBackend: prefix must be a str, got prefix={prefix!r}")
        redis = require("redis", extra="redis", feature="JournalRedisBackend")
        self._url = url
        self._prefix = prefix
        self._connect_timeout = connect_timeout
        self._logs_key = f"{prefix}albacore:journal:logs"
        self._snapshot_key = f"{prefix}albacore:journal:snapshot"
        self._errors: tuple[type[BaseException], ...] = (redis.ConnectionError, redis.TimeoutError)
        try:
            self._redis = redis.Redis.from_url(url, socket_connect_timeout=connect_timeout)
        except ValueError as exc:
            raise ValueError(f"JournalRedisBackend: malformed url={url!r}: {exc}") from None
        self._call(self._redis.ping)

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self._url, "prefix": self._prefix, "connect_timeout": self._connect_timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["url"], state["prefix"], state["connect_timeout"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"JournalRedisBackend({self._url!r}, prefix={self._prefix!r})"

    def _call(self, func: Callable[..., _T], *args: Any) -> _T:
        delay = 0.05
        for attempt in range(_RETRIES):
            try:
                return func(*args)
            except self._errors as exc:
                if attempt == _RETRIES - 1:
                    kwargs = self._redis.connection_pool.connection_kwargs
                    where = f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"
                    raise StorageInternalError(
                        f"JournalRedisBackend: cannot reach Redis at {where} ({self._url}): {exc}"
                    ) from None
                _logger.warning("Redis at %s failed (%s); retrying in %.2fs.", self._url, exc, delay)
                time.sleep(delay)
                delay *= 4
        raise AssertionError("unreachable")

    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        raw = self._call(self._redis.lrange, self._logs_key, log_number_from, -1)
        return [json.loads(item) for item in raw]

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        items = [json.dumps(log, separators=(",", ":")) for log in logs]
        self._call(self._redis.rpush, self._logs_key, *items)

    def append_and_read_logs(self, logs: list[dict[str, Any]], log_number_from: int) -> list[dict[str, Any]]:
        items = [json.dumps(log, separators=(",", ":")) for log in logs]

        def both() -> list[Any]:
            pipe = self._redis.pipeline(transaction=False)
            pipe.rpush(self._logs_key, *items)
            pipe.lrange(self._logs_key, log_number_from, -1)
            return pipe.execute()

        _, raw = self._call(both)
        return [json.loads(item) for item in raw]

    def save_snapshot(self, log_number: int, snapshot: bytes) -> None:
        self._call(self._redis.set, self._snapshot_key, str(log_number).encode() + b"\n" + snapshot)

    def load_snapshot(self) -> tuple[int, bytes] | None:
        data = self._call(self._redis.get, self._snapshot_key)
        if not data:
            return None
        head, _, snapshot = data.partition(b"\n")
        try:
            return int(head), snapshot
        except ValueError:
            _logger.warning("Ignoring an unreadable journal snapshot in %s.", self._snapshot_key)
            return None
