"""JournalFileBackend: the journal in one file, locked with a lock file (NFS-safe).

**Format.** The first line is a header naming the file an albacore journal; each following
line is one record, framed with a CRC32 of its JSON (see ``_format``). A record is written
with a single append of the whole line, so a writer killed mid-write leaves at most an
incomplete last line: a *torn tail*. Journals from before the framing (bare JSON lines, no
header) stay readable, and the records appended to them are framed.

**Crash safety.** A torn tail is a write that never returned, so no caller relied on it: the
next process that opens the journal or appends to it truncates it (holding the lock, so no
write is in flight) and logs a warning naming the file and the byte offset. A complete line
that is not a good record is damage that happened after the write (a flipped bit, an edit):
every read stops there with a :class:`~albacore.exceptions.StorageInternalError` naming the
file, the line and the byte offset, since the state after it cannot be trusted. With
``repair=True`` (or ``albacore storage repair``) the damaged lines are copied to
``<path>.quarantine`` and overwritten in place with a tombstone of the same length, which
readers skip. A file whose first line is neither the header nor a record is refused before
anything is written to it.

**Permissions.** The journal and its lock, snapshot and quarantine files are created with
mode ``file_mode`` (0o600 by default: only their owner can read them), narrowed further by
the process umask. Existing files keep their mode. The journal path must not be a symbolic
link: every open uses ``O_NOFOLLOW``.

**Locking.** Appends are serialized with a lock file next to the log (``<path>.lock``),
created with ``O_CREAT | O_EXCL``, which is atomic on local filesystems and on NFS (v3 and
later), unlike ``flock``. The lock file holds its owner's host, pid and a random token. A
lock whose owner is a dead process on this host, or older than ``lock_timeout`` seconds
(an owner on another machine that died), is broken: it is renamed away (only one breaker
can win the rename), checked to still be the lock judged stale, and deleted.

**Snapshots.** Saved to ``<path>.snapshot`` by writing a temporary file and renaming it
over the old one; the snapshot remembers the byte offset of the log position it describes,
so opening the journal seeks straight there.
"""

from __future__ import annotations

import datetime
import errno
import json
import os
import random
import socket
import stat
import threading
import time
import uuid
from typing import Any

from albacore._validation import check_seconds, check_type
from albacore.exceptions import StorageInternalError
from albacore.logging import get_logger
from albacore.storages._optuna._detect import is_optuna_journal_head, optuna_journal_error
from albacore.storages.journal._base import BaseJournalBackend
from albacore.storages.journal._format import HEADER, decode, encode, is_record, is_tombstone, tombstone

_logger = get_logger(__name__)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CHUNK = 1 << 16


class JournalFileBackend(BaseJournalBackend):
    """Keep a journal in a file, shared by processes on one machine or over NFS.

    Records are checksummed lines appended under a lock file. A record torn by a writer
    killed mid-write is truncated (with a warning naming the file and byte offset) by the
    next process that opens the file or writes to it; a record damaged later stops every
    read with an error naming the file and line, until it is restored or quarantined with
    ``repair=True``. Files this backend creates are private to their owner by default.

    Args:
        file_path: The log file; created if missing (its directory must exist). Not a
            symbolic link.
        lock_obj: Accepted for Optuna's signature and must be None: the backend always locks
            with its own lock file (Optuna's lock classes have no counterpart here).
        lock_timeout: Seconds after which a lock held by a process on another machine is
            considered abandoned and broken. Appends hold the lock for milliseconds.
        file_mode: Permission bits of the files this backend creates (the journal, its
            ``.lock``, ``.snapshot`` and ``.quarantine`` files), narrowed by the umask.
            Existing files keep theirs. ``0o600`` lets only their owner read them; pass
            e.g. ``0o660`` to share a journal with a group.
        repair: Set aside damaged records: each damaged line is copied to
            ``<path>.quarantine`` and replaced in the log by a tombstone that readers
            skip. The state loses what those records said; run it with no worker writing.

    Raises:
        TypeError: If ``lock_obj`` is not None.
        IsADirectoryError: If ``file_path`` is a directory (as Optuna's).
        FileNotFoundError: If the directory of ``file_path`` does not exist (as Optuna's).
        ValueError: If ``file_path`` is empty, a symbolic link or a file that is not an
            albacore journal; if ``lock_timeout`` is not positive or ``file_mode`` is not a
            mode.
        TypeError: If ``repair`` is not a bool.
        StorageInternalError: If the journal's first line is damaged (and ``repair`` is
            False); damage further on is reported by the first read that reaches it.

    Example:
        .. code-block:: python

            from albacore.storages.journal import JournalFileBackend, JournalStorage

            storage = JournalStorage(JournalFileBackend("/shared/nfs/albacore.log"))
    """

    def __init__(
        self,
        file_path: str | os.PathLike[str],
        lock_obj: None = None,
        *,
        lock_timeout: float = 30.0,
        file_mode: int = 0o600,
        repair: bool = False,
    ) -> None:
        if lock_obj is not None:
            raise TypeError(
                f"JournalFileBackend: lock_obj must be None (albacore locks the journal with its own "
                f"lock file next to it; tune it with lock_timeout), got lock_obj={lock_obj!r}"
            )
        path = os.fspath(file_path)
        if not isinstance(path, str) or not path:
            raise ValueError(f"JournalFileBackend: path must be a non-empty file path, got path={path!r}")
        if os.path.isdir(path):
            raise IsADirectoryError(f"JournalFileBackend: path must be a file, not a directory, got path={path!r}")
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"JournalFileBackend: directory {directory!r} of path={path!r} does not exist")
        check_seconds("JournalFileBackend", "lock_timeout", lock_timeout, finite=False)
        if isinstance(file_mode, bool) or not isinstance(file_mode, int) or not 0 <= file_mode <= 0o777:
            raise ValueError(
                f"JournalFileBackend: file_mode must be permission bits between 0o000 and 0o777, "
                f"got file_mode={file_mode!r}"
            )
        check_type("JournalFileBackend", "repair", repair, bool, "a bool")
        self._path = os.path.abspath(path)
        self._lock_timeout = float(lock_timeout)
        self._file_mode = file_mode
        self._lock_path = self._path + ".lock"
        self._snapshot_path = self._path + ".snapshot"
        self._quarantine_path = self._path + ".quarantine"
        self._known = (0, 0)  # (log number, byte offset) of the end of the last read
        self._read_lock = threading.Lock()
        self._quarantined: list[tuple[int, int]] = []
        self._open_journal(repair)
        if repair:
            self.repair()

    @property
    def path(self) -> str:
        """The absolute path of the log file."""
        return self._path

    @property
    def quarantined(self) -> list[tuple[int, int]]:
        """``(line, byte offset)`` of each record this backend's repairs set aside."""
        return list(self._quarantined)

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self._path, "lock_timeout": self._lock_timeout, "file_mode": self._file_mode}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["path"], lock_timeout=state["lock_timeout"], file_mode=state.get("file_mode", 0o600)
        )

    def __repr__(self) -> str:
        return f"JournalFileBackend({self._path!r})"

    # --- opening -------------------------------------------------------------------------------
    def _open(self, flags: int) -> int:
        """``os.open`` of the journal that refuses a symbolic link with a clear error."""
        try:
            return os.open(self._path, flags | _NOFOLLOW, self._file_mode)
        except OSError as exc:
            if exc.errno == errno.ELOOP or os.path.islink(self._path):
                raise ValueError(
                    f"JournalFileBackend: path={self._path!r} is a symbolic link; the journal does not "
                    f"follow links at its path (pass the file it points to, "
                    f"{os.path.realpath(self._path)!r}, if that is the journal you mean)"
                ) from None
            raise

    def _open_journal(self, repair: bool) -> None:
        """Create the journal if missing, check that it is one, and finish a torn header or tail."""
        fd = self._open(os.O_RDONLY | os.O_CREAT)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ValueError(f"JournalFileBackend: path={self._path!r} is not a regular file")
            self._check_head(os.pread(fd, _CHUNK, 0), repair)
            torn = info.st_size == 0 or os.pread(fd, 1, info.st_size - 1) != b"\n"
        finally:
            os.close(fd)
        if torn and os.access(self._path, os.W_OK):
            token = self._acquire()
            try:
                fd = self._open(os.O_RDWR)
                try:
                    self._finish_tail(fd)
                finally:
                    os.close(fd)
            finally:
                self._release(token)

    def _check_head(self, head: bytes, repair: bool) -> None:
        """Refuse a file that is not a journal; report a damaged first line.

        ``head`` is the start of the file. A journal starts with the header (or a prefix of
        it, when the writer of the header was killed), or, from before the header existed,
        with a record or a tombstone (or the start of a torn first record).
        """
        if not head or head.startswith(HEADER) or HEADER.startswith(head):
            return
        # A journal whose first line is damaged is told from another file by its later lines.
        first, newline, rest = head.partition(b"\n")
        if not newline:
            if first.startswith(b'{"op":'):
                return  # a first record torn by a killed writer of an older journal
        elif is_record(first) or is_tombstone(first):
            return
        elif any(is_record(line) for line in rest.split(b"\n")[:-1]):
            if repair:
                return  # repair() quarantines the first line
            try:
                decode(first)
            except ValueError as exc:
                raise self._damage(0, 1, exc) from None
        if is_optuna_journal_head(head):
            raise optuna_journal_error(self._path)
        raise ValueError(
            f"JournalFileBackend: {self._path!r} is not an albacore journal (its first line is neither "
            f"the journal header nor a journal record); refusing to write to it. Pass a new or an "
            f"existing journal file"
        )

    def _finish_tail(self, fd: int) -> int:
        """Truncate a torn tail and write the header into an empty file (lock held); the size."""
        size = os.fstat(fd).st_size
        start = _last_line_start(fd, size)
        if start < size:
            _logger.warning(
                "Journal %s ends with an incomplete record at byte offset %d (%d bytes, a write cut short "
                "by a crash); truncating it.",
                self._path, start, size - start,
            )
            os.ftruncate(fd, start)
            size = start
        if size == 0:
            _write_all(fd, HEADER, 0)
            size = len(HEADER)
        return size

    # --- reading -------------------------------------------------------------------------------
    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        with self._read_lock:
            return self._read_from(log_number_from)

    def _read_from(self, log_number_from: int) -> list[dict[str, Any]]:
        number, offset = self._known if log_number_from >= self._known[0] else (0, 0)
        if number == log_number_from and os.stat(self._path, follow_symlinks=False).st_size == offset:
            return []  # nothing new: the common case costs one stat
        fd = self._open(os.O_RDONLY)
        with open(fd, "rb") as f:
            f.seek(offset)
            data = f.read()
        records: list[dict[str, Any]] = []
        start = len(HEADER) if offset == 0 and data.startswith(HEADER) else 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break  # an incomplete last line: being written, or torn; not read yet
            try:
                record = decode(data[start:end])
            except ValueError as exc:
                raise self._damage(offset + start, None, exc) from None
            start = end + 1
            if record is None:
                continue
            if number >= log_number_from:
                records.append(record)
            number += 1
        self._known = (number, offset + start)
        return records

    def _damage(self, offset: int, line: int | None, reason: Exception) -> StorageInternalError:
        """The error for a damaged record at byte ``offset``."""
        if line is None:
            with open(self._open(os.O_RDONLY), "rb") as f:
                line = f.read(offset).count(b"\n") + 1
        return StorageInternalError(
            f"JournalFileBackend: the record on line {line} (byte offset {offset}) of {self._path} is "
            f"damaged: {reason}. The state after it cannot be trusted, so the journal is not read "
            f"past it. Restore the file from a backup, or set the damaged records aside (into "
            f"{self._quarantine_path}) with `albacore storage repair --storage-class JournalFileBackend "
            f"--storage {self._path}` or JournalFileBackend(path, repair=True)"
        )

    # --- appending -----------------------------------------------------------------------------
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        payload = b"".join(encode(log) + b"\n" for log in logs)
        token = self._acquire()
        try:
            fd = self._open(os.O_RDWR | os.O_CREAT)
            try:
                size = os.fstat(fd).st_size
                if size == 0 or os.pread(fd, 1, size - 1) != b"\n":
                    size = self._finish_tail(fd)  # a record torn by a killed writer
                _write_all(fd, payload, size)  # one write of the whole payload
            finally:
                os.close(fd)
        finally:
            self._release(token)

    # --- repair --------------------------------------------------------------------------------
    def repair(self) -> list[tuple[int, int]]:
        """Set aside the damaged records of the journal and truncate a torn tail.

        Each complete line that is not a good record is appended to ``<path>.quarantine``
        (after a line naming where it came from) and then overwritten in the journal with a
        tombstone of the same length, so byte offsets, and snapshots, stay valid. Holds the
        journal's lock; run it while no worker writes, since a worker that has read a record
        before it was damaged holds state that the journal no longer has.

        Returns:
            ``(line, byte offset)`` of each quarantined record, in file order.

        Example:
            .. code-block:: python

                backend = JournalFileBackend("study.log")
                for line, offset in backend.repair():
                    print(f"quarantined line {line} at byte {offset}")
        """
        token = self._acquire()
        try:
            fd = self._open(os.O_RDWR)
            try:
                size = self._finish_tail(fd)
                data = os.pread(fd, size, 0)
                damaged = list(self._damaged_lines(data))
                if damaged:
                    self._quarantine(fd, data, damaged)
            finally:
                os.close(fd)
        finally:
            self._release(token)
        with self._read_lock:
            self._known = (0, 0)
        found = [(line, offset) for line, offset, _ in damaged]
        self._quarantined.extend(found)
        return found

    def _damaged_lines(self, data: bytes) -> Any:
        """``(line, offset, length)`` of each damaged complete line of ``data``."""
        start, line = 0, 1
        if data.startswith(HEADER):
            start, line = len(HEADER), 2
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                return
            try:
                decode(data[start:end])
            except ValueError:
                yield line, start, end - start
            start, line = end + 1, line + 1

    def _quarantine(self, fd: int, data: bytes, damaged: list[tuple[int, int, int]]) -> None:
        when = datetime.datetime.now().isoformat(timespec="seconds")
        parts = []
        for line, offset, length in damaged:
            parts.append(f"# line {line}, byte offset {offset} of {self._path}, set aside {when}:\n".encode())
            parts.append(data[offset:offset + length] + b"\n")
        q = os.open(self._quarantine_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW, self._file_mode)
        try:
            _write_all(q, b"".join(parts), None)
            os.fsync(q)
        finally:
            os.close(q)
        for line, offset, length in damaged:
            _write_all(fd, tombstone(length), offset)
            _logger.warning(
                "Moved the damaged record on line %d (byte offset %d) of journal %s to %s.",
                line, offset, self._path, self._quarantine_path,
            )
        os.fsync(fd)

    # --- the lock file -------------------------------------------------------------------------
    def _acquire(self) -> bytes:
        token = f"{socket.gethostname()} {os.getpid()} {uuid.uuid4().hex}".encode()
        delay = 0.0005
        while True:
            try:
                fd = os.open(self._lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, self._file_mode)
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
            _logger.warning(
                "The journal lock %s was broken while held; another writer judged it stale.", self._lock_path
            )
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
        return (
            len(parts) == 3
            and parts[0] == socket.gethostname()
            and parts[1].isdigit()
            and not _pid_alive(int(parts[1]))
        )

    # --- snapshots -----------------------------------------------------------------------------
    def save_snapshot(self, log_number: int, snapshot: bytes) -> None:
        offset = self._known[1] if self._known[0] == log_number else None
        header = json.dumps({"log_number": log_number, "offset": offset, "size": len(snapshot)}).encode()
        tmp = f"{self._snapshot_path}.{uuid.uuid4().hex}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, self._file_mode)
        try:
            _write_all(fd, header + b"\n" + snapshot, None)
        finally:
            os.close(fd)
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


def _write_all(fd: int, data: bytes, offset: int | None) -> None:
    """Write all of ``data`` at ``offset`` (at the file position when None)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view) if offset is None else os.pwrite(fd, view, offset)
        view = view[written:]
        if offset is not None:
            offset += written


def _last_line_start(fd: int, size: int) -> int:
    """The byte offset just past the last newline of the file (0 if it has none)."""
    end = size
    while end > 0:
        start = max(0, end - _CHUNK)
        chunk = os.pread(fd, end - start, start)
        found = chunk.rfind(b"\n")
        if found >= 0:
            return start + found + 1
        end = start
    return 0


def _read_bytes(path: str) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    with open(fd, "rb") as f:
        return f.read()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
