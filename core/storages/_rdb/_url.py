"""Registers the database URL schemes with :func:`albacore.storages.get_storage`."""

from __future__ import annotations

from albacore.storages._base import BaseStorage
from albacore.storages._resolve import register_url_scheme


def _from_url(url: str) -> BaseStorage:
    from albacore.storages._rdb._storage import RDBStorage

    return RDBStorage(url)


for _prefix in ("sqlite:", "postgresql:", "postgresql+", "postgres:", "mysql:", "mysql+", "mariadb:", "mariadb+"):
    register_url_scheme(_prefix, _from_url)
