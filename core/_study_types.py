"""Leaf types shared by storages and studies."""

from __future__ import annotations

import enum
from typing import Any, cast


class StudyDirection(enum.IntEnum):
    """Whether an objective value is to be minimized or maximized.

    Attributes:
        NOT_SET: Direction not chosen yet (only in storages, never for a created study).
        MINIMIZE: Smaller values are better.
        MAXIMIZE: Larger values are better.
    """

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2


class FrozenStudy:
    """A snapshot of a study's identity and attributes, as returned by storages.

    Args:
        study_name: Name of the study, unique in its storage.
        direction: Direction of a single-objective study (exclusive with ``directions``).
        user_attrs: User attributes of the study.
        system_attrs: System attributes of the study.
        study_id: The storage's id of the study.
        directions: Directions of the objectives.
    """

    def __init__(
        self,
        study_name: str,
        direction: StudyDirection | None,
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        study_id: int,
        *,
        directions: list[StudyDirection] | None = None,
    ) -> None:
        if (direction is None) == (directions is None):
            raise ValueError("FrozenStudy: give exactly one of direction and directions")
        self.study_name = study_name
        self.directions = list(directions) if directions is not None else [cast(StudyDirection, direction)]
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self._study_id = study_id

    @property
    def direction(self) -> StudyDirection:
        """Direction of a single-objective study.

        Raises:
            RuntimeError: If the study has several objectives.
        """
        if len(self.directions) > 1:
            raise RuntimeError(f"study {self.study_name!r} has several objectives; use directions")
        return self.directions[0]

    def __repr__(self) -> str:
        return f"FrozenStudy(study_name={self.study_name!r}, directions={[d.name for d in self.directions]})"
