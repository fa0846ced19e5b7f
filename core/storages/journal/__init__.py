"""Journal storage: an append-only operation log in a file or in Redis."""

from albacore.storages.journal._base import BaseJournalBackend
from albacore.storages.journal._file import JournalFileBackend
from albacore.storages.journal._redis import JournalRedisBackend
from albacore.storages.journal._storage import JournalStorage

__all__ = ["BaseJournalBackend", "JournalFileBackend", "JournalRedisBackend", "JournalStorage"]
