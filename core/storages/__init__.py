"""Storages: where studies and trials live."""

from albacore.storages._base import BaseStorage
from albacore.storages._callbacks import RetryHeartbeatStaleTrialCallback
from albacore.storages._heartbeat import BaseHeartbeat, fail_stale_trials
from albacore.storages._in_memory import InMemoryStorage
from albacore.storages._resolve import get_storage

# Imported on first access: they load SQLAlchemy and database drivers.
_LAZY = {
    "RDBStorage": "albacore.storages._rdb",
    "JournalStorage": "albacore.storages.journal",
    "JournalFileBackend": "albacore.storages.journal",
    "JournalRedisBackend": "albacore.storages.journal",
}

__all__ = [
    "BaseHeartbeat",
    "BaseStorage",
    "RetryHeartbeatStaleTrialCallback",
    "InMemoryStorage",
    "JournalFileBackend",
    "JournalRedisBackend",
    "JournalStorage",
    "RDBStorage",
    "fail_stale_trials",
    "get_storage",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
