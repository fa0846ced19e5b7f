"""Storages: where studies and trials live.

Each storage's module is imported on first use of its name (``RDBStorage`` loads SQLAlchemy
and database drivers, the journal backends their clients), so ``import albacore`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore._lazy import lazy_exports

if TYPE_CHECKING:
    from albacore.storages._base import BaseStorage as BaseStorage
    from albacore.storages._callbacks import RetryHeartbeatStaleTrialCallback as RetryHeartbeatStaleTrialCallback
    from albacore.storages._grpc import GrpcStorageProxy as GrpcStorageProxy
    from albacore.storages._grpc import run_grpc_proxy_server as run_grpc_proxy_server
    from albacore.storages._heartbeat import BaseHeartbeat as BaseHeartbeat
    from albacore.storages._heartbeat import fail_stale_trials as fail_stale_trials
    from albacore.storages._in_memory import InMemoryStorage as InMemoryStorage
    from albacore.storages._rdb import RDBStorage as RDBStorage
    from albacore.storages._resolve import get_storage as get_storage
    from albacore.storages.journal import JournalFileBackend as JournalFileBackend
    from albacore.storages.journal import JournalRedisBackend as JournalRedisBackend
    from albacore.storages.journal import JournalStorage as JournalStorage

_EXPORTS = {
    "BaseHeartbeat": "albacore.storages._heartbeat",
    "BaseStorage": "albacore.storages._base",
    "GrpcStorageProxy": "albacore.storages._grpc",
    "InMemoryStorage": "albacore.storages._in_memory",
    "JournalFileBackend": "albacore.storages.journal",
    "JournalRedisBackend": "albacore.storages.journal",
    "JournalStorage": "albacore.storages.journal",
    "RDBStorage": "albacore.storages._rdb",
    "RetryHeartbeatStaleTrialCallback": "albacore.storages._callbacks",
    "fail_stale_trials": "albacore.storages._heartbeat",
    "get_storage": "albacore.storages._resolve",
    "journal": "albacore.storages.journal",
    "run_grpc_proxy_server": "albacore.storages._grpc",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
