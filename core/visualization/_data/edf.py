"""Data of the empirical distribution function plot, one curve per study."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from albacore.visualization._data._trials import Target, as_study_list, completed_trials

WHERE = "plot_edf"
POINTS = 100


@dataclass
class EdfData:
    """``x`` is shared by every curve: POINTS values from the smallest to the largest value
    over all studies; ``curves`` pairs each study's name with the fraction of its feasible values <= x."""

    x: np.ndarray
    curves: list[tuple[str, np.ndarray]]
    target_name: str


def edf_data(study: Any, target: Target | None = None, target_name: str = "Objective Value") -> EdfData:
    """EDFs of the feasible COMPLETE trials' values of one or several studies."""
    studies = as_study_list(WHERE, study)
    per_study = []
    for one in studies:
        done = completed_trials(WHERE, one, target)
        values = np.sort(done.values[done.feasible])
        if not len(values):
            raise ValueError(f"{WHERE}: study {one.study_name!r} has no feasible COMPLETE trial")
        per_study.append((one.study_name, values))
    low = min(float(v[0]) for _, v in per_study)
    high = max(float(v[-1]) for _, v in per_study)
    x = np.linspace(low, high, POINTS)
    curves = [(name, np.searchsorted(v, x, side="right") / len(v)) for name, v in per_study]
    return EdfData(x, curves, target_name)
