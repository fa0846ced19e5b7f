"""Relational-database storage (SQLite, PostgreSQL, MySQL/MariaDB); registers its URL schemes."""

from albacore.storages._rdb import _url  # noqa: F401  (registers URL schemes on import)
from albacore.storages._rdb._storage import RDBStorage

__all__ = ["RDBStorage"]
