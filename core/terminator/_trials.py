"""Small helpers on lists of trials shared by the evaluators."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from albacore._study_types import StudyDirection
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState


def complete_trials(where: str, trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    """The COMPLETE trials; ValueError if there are none."""
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    if not complete:
        raise ValueError(f"{where}: no COMPLETE trial among the {len(trials)} given; nothing to evaluate")
    return complete


def best_index(trials: Sequence[FrozenTrial], direction: StudyDirection) -> int:
    """Index of the first best trial (lowest value when minimizing)."""
    values = np.array([t.value for t in trials], dtype=float)
    return int(np.argmax(values) if direction == StudyDirection.MAXIMIZE else np.argmin(values))
