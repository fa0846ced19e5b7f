"""JournalRedisBackend: the journal as a Redis list.

Records are checksummed JSON strings (see ``_format``; bare JSON from before the framing is
read too) in the list ``<prefix>albacore:journal:logs``; ``RPUSH`` appends atomically and
``LRANGE`` reads from a position, so Redis itself orders concurrent writers and no record is
ever torn. An item that is not a good record (damaged, or written by something else) stops
every read with an error naming the key and the item's index; ``repair`` copies such items
to ``<prefix>albacore:journal:quarantine`` and replaces them with a tombstone that readers
skip. The snapshot lives in ``<prefix>albacore:journal:snapshot``. Connection errors are
retried with backoff: reads are idempotent, and a record appended twice is applied once
(records carry their writer's sequence number).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, TypeVar

from albacore._imports import require
from albacore._validation import check_type
from albacore.exceptions import StorageInternalError
from albacore.logging import get_logger
from albacore.storages.journal._base import BaseJournalBackend
from albacore.storages.journal._format import decode, encode, tombstone

_logger = get_logger(__name__)

_T = TypeVar("_T")
_RETRIES = 4


class JournalRedisBackend(BaseJournalBackend):
    """Keep a journal in Redis, shared by processes on any number of machines.

    Args:
        url: A Redis URL, e.g. ``"redis://localhost:6379/0"``.
        prefix: A prefix of the keys, to keep several journals in one database.
        connect_timeout: Seconds to wait for the server.
        repair: Set aside damaged items of the log (see :meth:`repair`).

    Raises:
        ValueError: If ``url`` is not a redis URL.
        TypeError: If ``prefix`` is not a str or ``repair`` not a bool.
        StorageInternalError: If the server cannot be reached (naming host and port); on
            reads, if an item of the log is damaged (naming the key and the index).

    Example:
        .. code-block:: python

            from albacore.storages.journal import JournalRedisBackend, JournalStorage

            storage = JournalStorage(JournalRedisBackend("redis://localhost:6379/0"))
    """

    def __init__(self, url: str, prefix: str = "", connect_timeout: float = 5.0, *, repair: bool = False) -> None:
        if not isinstance(url, str) or not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"JournalRedisBackend: url must be a redis:// URL, got url={url!r}")
        check_type("JournalRedisBackend", "prefix", prefix, str, "a str")
        check_type("JournalRedisBackend", "repair", repair, bool, "a bool")
        redis = require("redis", extra="redis", feature="JournalRedisBackend")
        self._url = url
        self._prefix = prefix
        self._connect_timeout = connect_timeout
        self._logs_key = f"{prefix}albacore:journal:logs"
        self._snapshot_key = f"{prefix}albacore:journal:snapshot"
        self._quarantine_key = f"{prefix}albacore:journal:quarantine"
        # (log number, list index) of the end of the last read: they differ by the tombstones.
        self._known = (0, 0)
        self._read_lock = threading.Lock()
        self._quarantined: list[int] = []
        self._errors: tuple[type[BaseException], ...] = (redis.ConnectionError, redis.TimeoutError)
        try:
            self._redis = redis.Redis.from_url(url, socket_connect_timeout=connect_timeout)
        except ValueError as exc:
            raise ValueError(f"JournalRedisBackend: malformed url={url!r}: {exc}") from None
        self._call(self._redis.ping)
        if repair:
            self.repair()

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

    @property
    def quarantined(self) -> list[int]:
        """The list index of each item this backend's repairs set aside."""
        return list(self._quarantined)

    def _start(self, log_number_from: int) -> tuple[int, int]:
        """``(log number, list index)`` to read from on the way to ``log_number_from``."""
        return self._known if log_number_from >= self._known[0] else (0, 0)

    def _decode(self, raw: list[bytes], start: tuple[int, int], log_number_from: int) -> list[dict[str, Any]]:
        number, index = start
        records = []
        for i, item in enumerate(raw):
            try:
                record = decode(item)
            except ValueError as exc:
                raise StorageInternalError(
                    f"JournalRedisBackend: item {index + i} of the Redis list {self._logs_key!r} at "
                    f"{self._url} is damaged: {exc}. The state after it cannot be trusted, so the "
                    f"journal is not read past it. Set the damaged items aside (into "
                    f"{self._quarantine_key!r}) with `albacore storage repair --storage-class "
                    f"JournalRedisBackend --storage {self._url}` or JournalRedisBackend(url, repair=True)"
                ) from None
            if record is None:
                continue
            if number >= log_number_from:
                records.append(record)
            number += 1
        self._known = (number, index + len(raw))
        return records

    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        with self._read_lock:
            start = self._start(log_number_from)
            raw = self._call(self._redis.lrange, self._logs_key, start[1], -1)
            return self._decode(raw, start, log_number_from)

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        self._call(self._redis.rpush, self._logs_key, *[encode(log) for log in logs])

    def append_and_read_logs(self, logs: list[dict[str, Any]], log_number_from: int) -> list[dict[str, Any]]:
        items = [encode(log) for log in logs]
        with self._read_lock:
            start = self._start(log_number_from)

            def both() -> list[Any]:
                pipe = self._redis.pipeline(transaction=False)
                pipe.rpush(self._logs_key, *items)
                pipe.lrange(self._logs_key, start[1], -1)
                results: list[Any] = pipe.execute()
                return results

            _, raw = self._call(both)
            return self._decode(raw, start, log_number_from)

    def repair(self) -> list[int]:
        """Set aside the damaged items of the log.

        Each item that is not a good record is pushed to ``<prefix>albacore:journal:quarantine``
        and replaced in the log by a tombstone that readers skip (list indices stay the same).
        Run it while no worker writes.

        Returns:
            The list index of each quarantined item.

        Example:
            .. code-block:: python

                JournalRedisBackend("redis://localhost:6379/0").repair()
        """
        raw = self._call(self._redis.lrange, self._logs_key, 0, -1)
        damaged = []
        for index, item in enumerate(raw):
            try:
                decode(item)
            except ValueError:
                damaged.append(index)
        for index in damaged:
            self._call(self._redis.rpush, self._quarantine_key, raw[index])
            self._call(self._redis.lset, self._logs_key, index, tombstone(1))
            _logger.warning(
                "Moved the damaged item %d of the journal %r at %s to %r.",
                index, self._logs_key, self._url, self._quarantine_key,
            )
        with self._read_lock:
            self._known = (0, 0)
        self._quarantined.extend(damaged)
        return damaged

    def save_snapshot(self, log_number: int, snapshot: bytes) -> None:
        number, index = self._known
        if number != log_number:
            return  # where the log number lies in the list is not known here
        self._call(self._redis.set, self._snapshot_key, f"{log_number} {index}".encode() + b"\n" + snapshot)

    def load_snapshot(self) -> tuple[int, bytes] | None:
        data = self._call(self._redis.get, self._snapshot_key)
        if not data:
            return None
        head, _, snapshot = data.partition(b"\n")
        try:
            numbers = [int(part) for part in head.split()]
            log_number, index = (numbers[0], numbers[0]) if len(numbers) == 1 else numbers  # older: no index
        except (ValueError, IndexError):
            _logger.warning("Ignoring an unreadable journal snapshot in %s.", self._snapshot_key)
            return None
        with self._read_lock:
            self._known = (log_number, index)
        return log_number, snapshot
