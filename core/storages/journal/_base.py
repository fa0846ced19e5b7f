"""The journal backend contract: an append-only log of JSON records."""

from __future__ import annotations

import abc
from typing import Any


class BaseJournalBackend(abc.ABC):
    """Where a :class:`~albacore.storages.journal.JournalStorage` keeps its operation log.

    A backend stores a sequence of JSON-serializable dict records shared by every process
    that opens it.

    **Append.** ``append_logs(logs)`` adds the records at the end of the log, contiguously
    and atomically with respect to other appends from any thread, process or machine: two
    concurrent appends never interleave their records.

    **Read.** ``read_logs(log_number_from)`` returns the records numbered
    ``log_number_from``, ``log_number_from + 1``, ... up to the current end, in log order.
    Every reader sees the same records in the same order. A record torn by a writer that
    died mid-write is never returned (nor numbered): that write never returned either. A
    record damaged after it was written is never skipped silently: reading up to it raises
    :class:`~albacore.exceptions.StorageInternalError` naming where it is, until it is
    restored or set aside by the backend's repair.

    **Snapshots (optional).** ``save_snapshot(log_number, snapshot)`` stores an opaque
    snapshot of the state after the first ``log_number`` records, replacing any earlier
    one atomically; ``load_snapshot()`` returns ``(log_number, snapshot)`` or None. The
    defaults keep no snapshot, which is correct but makes opening a long log slower.
    """

    @abc.abstractmethod
    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        """Return the records from number ``log_number_from`` to the end, in order."""

    @abc.abstractmethod
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        """Append ``logs`` at the end of the log, atomically."""

    def append_and_read_logs(self, logs: list[dict[str, Any]], log_number_from: int) -> list[dict[str, Any]]:
        """Append ``logs``, then return the records from ``log_number_from`` on (ours included).

        The default calls :meth:`append_logs` then :meth:`read_logs`; a networked backend
        overrides it to do both in one round trip.
        """
        self.append_logs(logs)
        return self.read_logs(log_number_from)

    def save_snapshot(self, log_number: int, snapshot: bytes) -> None:
        """Store ``snapshot``, the state after the first ``log_number`` records."""

    def load_snapshot(self) -> tuple[int, bytes] | None:
        """Return the latest ``(log_number, snapshot)``, or None."""
        return None
