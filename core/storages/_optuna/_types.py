"""What is read from an Optuna storage, and the dispatch between its two formats."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from albacore._study_types import StudyDirection
from albacore.trial._frozen import FrozenTrial

# Optuna's enum numbers (journal) and names (database) of directions and trial states are the
# same as albacore's.
DIRECTIONS_BY_NAME = {d.name: d for d in StudyDirection}


@dataclasses.dataclass
class OptunaStudy:
    """One study of an Optuna storage: its name, directions, attributes and trials (by number)."""

    name: str
    directions: list[StudyDirection]
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]
    trials: list[FrozenTrial]


def local_naive(when: datetime.datetime | None) -> datetime.datetime | None:
    """``when`` as the naive local time albacore's storages hold (aware times are converted)."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone().replace(tzinfo=None)


def read_optuna_studies(source: str) -> list[OptunaStudy]:
    """Every study of the Optuna storage ``source``, in creation order.

    Args:
        source: A database URL (``sqlite:///optuna.db``, ``postgresql://...``), or a journal
            file as a path or a ``journal://`` URL.

    Raises:
        ValueError: If ``source`` is not an Optuna database or journal file.
    """
    from albacore.storages._optuna import _detect

    kind, where = _detect.classify(source)
    if kind == "journal":
        from albacore.storages._optuna._journal import read_journal

        return read_journal(where)
    if kind == "rdb":
        from albacore.storages._optuna._rdb import read_database

        return read_database(where)
    raise ValueError(
        f"source {source!r} is not an Optuna storage: pass the URL of an Optuna database "
        f"(such as 'sqlite:///optuna.db') or the path of an Optuna journal file"
    )
