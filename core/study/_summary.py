"""StudySummary: what ``get_all_study_summaries`` reports per study."""

from __future__ import annotations

import datetime
from typing import Any

from albacore._study_types import FrozenStudy, StudyDirection
from albacore.storages._base import BaseStorage
from albacore.trial._frozen import FrozenTrial


class StudySummary:
    """Overview of one study.

    Attributes:
        study_name: Name of the study.
        directions: Direction of each objective.
        best_trial: Best trial of a single-objective study (None if none or not computed).
        user_attrs: User attributes.
        system_attrs: System attributes.
        n_trials: Number of trials in any state.
        datetime_start: Start of the first trial, or None.
        study_id: The storage's id of the study.
    """

    def __init__(
        self,
        study_name: str,
        directions: list[StudyDirection],
        best_trial: FrozenTrial | None,
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        n_trials: int,
        datetime_start: datetime.datetime | None,
        study_id: int,
    ) -> None:
        self.study_name = study_name
        self.directions = directions
        self.best_trial = best_trial
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self.n_trials = n_trials
        self.datetime_start = datetime_start
        self._study_id = study_id

    @property
    def direction(self) -> StudyDirection:
        """Direction of a single-objective study (RuntimeError for several objectives)."""
        if len(self.directions) > 1:
            raise RuntimeError(f"study {self.study_name!r} has several objectives; use directions")
        return self.directions[0]

    def __repr__(self) -> str:
        return f"StudySummary(study_name={self.study_name!r}, n_trials={self.n_trials})"


def summarize(storage: BaseStorage, frozen: FrozenStudy, include_best_trial: bool) -> StudySummary:
    """Build the summary of ``frozen`` from ``storage``."""
    study_id = frozen._study_id
    trials = storage.get_all_trials(study_id, deepcopy=False)
    best = None
    if include_best_trial and len(frozen.directions) == 1:
        try:
            best = storage.get_best_trial(study_id)
        except ValueError:
            best = None
    starts = [t.datetime_start for t in trials if t.datetime_start is not None]
    return StudySummary(
        study_name=frozen.study_name,
        directions=frozen.directions,
        best_trial=best,
        user_attrs=frozen.user_attrs,
        system_attrs=frozen.system_attrs,
        n_trials=len(trials),
        datetime_start=min(starts) if starts else None,
        study_id=study_id,
    )
