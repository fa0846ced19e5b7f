"""Storages: where studies and trials live."""

from albacore.storages._base import BaseStorage
from albacore.storages._in_memory import InMemoryStorage
from albacore.storages._resolve import get_storage

__all__ = ["BaseStorage", "InMemoryStorage", "get_storage"]
