"""Storages: where studies and trials live."""

from albacore.storages._base import BaseStorage
from albacore.storages._callbacks import RetryHeartbeatStaleTrialCallback
from albacore.storages._heartbeat import BaseHeartbeat, fail_stale_trials
from albacore.storages._in_memory import InMemoryStorage
from albacore.storages._resolve import get_storage

__all__ = [
    "BaseHeartbeat",
    "BaseStorage",
    "RetryHeartbeatStaleTrialCallback",
    "InMemoryStorage",
    "fail_stale_trials",
    "get_storage",
]
