"""JournalFileBackend: the journal in one file, locked with a lock file (NFS-safe).

**Format.** One JSON record per line. A line is a record only if it is complete (ends with a
newline) and parses as a JSON object; anything else is a record torn by a writer that was
killed mid-write, and every reader skips it the same way.

**Locking.** Appends are serialized with a lock file next to the log (``<path>.lock``),
created with ``O_CREAT | O_EXCL``, which is atomic on local filesystems and on NFS (v3 and
later), unlike ``flock``. The lock file holds its owner's host, pid and a random token. A
lock whose owner is a dead process on this host, or older than ``lock_timeout`` seconds
(an owner on another machine that died), is broken: it is renamed away (only one breaker
can win the rename), checked to still be the lock judged stale, and deleted.

**Torn records.** The writer holding the lock first checks that the file ends with a
newline; if a killed writer left a partial line, it ends it, so the partial line stays one
invalid line and never merges with the next record.

**Snapshots.** Saved to ``<path>.snapshot`` by writing a temporary file and renaming it
over the old one; the snapshot remembers the byte offset of the log position it describes,
so opening the journal seeks straight there.
"""

from __future__ import annotations

import json
import os
import random
import socket
import threading
import time
import uuid
from typing import Any

from albacore.logging import get_logger
from albacore.storages.journal._base import BaseJournalBackend

_logger = get_logger(__name__)


class JournalFileBackend(BaseJournalBackend):
    """Keep a journal in a file, shared by processes on one machine or over NFS.

    Args:
        path: The log file; created if missing (its directory must exist).
        lock_timeout: Seconds after which a lock held by a process on another machine is
            considered abandoned and broken. Appends hold the lock for milliseconds.

    Raises:
        ValueError: If ``path`` is empty, a directory, or its directory does not exist, or
            ``lock_timeout`` is not positive.

    Example:
        .. code-block:: python

            from albacore.storages.journal import JournalFileBackend, JournalStorage

            storage = JournalStorage(JournalFileBackend("/shared/nfs/albacore.log"))
    """

    def __init__(self, path: str | os.PathLike[str], lock_timeout: float = 30.0) -> None:
        path = os.fspath(path)
        if not isinstance(path, str) or not path:
            raise ValueError(f"JournalFileBackend: path must be a non-empty file path, got path={path!r}")
        if os.path.isdir(path):
            raise ValueError(f"JournalFileBackend: path must be a file, not a directory, got path={path!r}")
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise ValueError(f"JournalFileBackend: directory {directory!r} of path={path!r} does not exist")
        if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, (int, float)) or not lock_timeout > 0:
            raise ValueError(f"JournalFileBackend: lock_timeout must be > 0 seconds, got lock_timeout={lock_timeout!r}")
        self._path = os.path.abspath(path)
        self._lock_timeout = float(lock_timeout)
        self._lock_path = self._path + ".lock"
        self._snapshot_path = self._path + ".snapshot"
        with open(self._path, "ab"):
            pass
        self._known = (0, 0)  # (log number, byte offset) of the end of the last read
        self._read_lock = threading.Lock()

    @property
    def path(self) -> str:
        """The absolute path of the log file."""
        return self._path

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self._path, "lock_timeout": self._lock_timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], state["lock_timeout"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"JournalFileBackend({self._path!r})"

    # --- reading -------------------------------------------------------------------------------
    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        with self._read_lock:
            return self._read_from(log_number_from)

    def _read_from(self, log_number_from: int) -> list[dict[str, Any]]:
        number, offset = self._known if log_number_from >= self._known[0] else (0, 0)
        if number == log_number_from and os.stat(self._path).st_size == offset:
            return []  # nothing new: the common case costs one stat
        with open(self._path, "rb") as f:
            f.seek(offset)
            data = f.read()
        records: list[dict[str, Any]] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break  # an incomplete last line: being written, or torn; not read yet
            record = _parse(data[start:end])
            start = end + 1
            if record is None:
                continue
            if number >= log_number_from:
                records.append(record)
            number += 1
        self._known = (number, offset + start)
        return records

    # --- appending -----------------------------------------------------------------------------
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        payload = b"".join(json.dumps(log, separators=(",", ":")).encode() + b"\n" for log in logs)
        token = self._acquire()
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    payload = b"\n" + payload  # end a line torn by a killed writer
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        finally:
            self._release(token)

    # --- the lock file -------------------------------------------------------------------------
    def _acquire(self) -> bytes:
        token = f"{socket.gethostname()} {os.getpid()} {uuid.uuid4().hex}".encode()
        delay = 0.0005
        while True:
            try:
                fd = os.open(self._lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if not self._break_if_stale():
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 2, 0.02)
                continue
            try:
                os.write(fd, token)
            finally:
                os.close(fd)
            return token

    def _release(self, token: bytes) -> None:
        if _read_bytes(self._lock_path) != token:
            _logger.warning("The journal lock %s was broken while held; another writer judged it stale.", self._lock_path)
            return
        try:
            os.unlink(self._lock_path)
        except FileNotFoundError:
            pass

    def _break_if_stale(self) -> bool:
        """Remove the lock file if its owner is gone; True if it was removed."""
        try:
            mtime = os.stat(self._lock_path).st_mtime
        except FileNotFoundError:
            return True
        content = _read_bytes(self._lock_path)
        if content is None or not self._is_stale(content, mtime):
            return False
        aside = f"{self._lock_path}.stale.{uuid.uuid4().hex}"
        try:
            os.rename(self._lock_path, aside)
        except FileNotFoundError:
            return True  # another process broke or released it
        if _read_bytes(aside) != content:
            # We moved a fresh lock taken after our check: put it back if nobody took its place.
            try:
                os.link(aside, self._lock_path)
            except FileExistsError:
                pass
        else:
            _logger.warning("Broke a stale journal lock %s (%s).", self._lock_path, content.decode(errors="replace"))
        os.unlink(aside)
        return True

    def _is_stale(self, content: bytes, mtime: float) -> bool:
        if time.time() - mtime > self._lock_timeout:
            return True
        parts = content.decode(errors="replace").split()
        return len(parts) == 3 and parts[0] == socket.gethostname() and parts[1].isdigit() and not _pid_alive(int(parts[1]))

    # --- snapshots -----------------------------------------------------------------------------
    def save_snapshot(self, log_number: int, snapshot: bytes) -> None:
        offset = self._known[1] if self._known[0] == log_number else None
        header = json.dumps({"log_number": log_number, "offset": offset, "size": len(snapshot)}).encode()
        tmp = f"{self._snapshot_path}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as f:
            f.write(header + b"\n" + snapshot)
        os.replace(tmp, self._snapshot_path)

    def load_snapshot(self) -> tuple[int, bytes] | None:
        data = _read_bytes(self._snapshot_path)
        if not data:
            return None
        head, _, snapshot = data.partition(b"\n")
        try:
            header = json.loads(head)
            log_number, offset, size = int(header["log_number"]), header["offset"], int(header["size"])
        except (ValueError, KeyError, TypeError):
            _logger.warning("Ignoring an unreadable journal snapshot %s.", self._snapshot_path)
            return None
        if len(snapshot) != size or (offset is not None and os.stat(self._path).st_size < offset):
            _logger.warning("Ignoring a journal snapshot %s that does not match the log.", self._snapshot_path)
            return None
        if offset is not None:
            self._known = (log_number, int(offset))
        return log_number, snapshot


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or "op" not in record or "writer" not in record or "seq" not in record:
        return None
    return record


def _read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
