"""Data of the hypervolume history plot: the front's hypervolume after each trial."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from albacore._moo import pareto_front_mask, to_minimization
from albacore.hypervolume import compute_hypervolume
from albacore.visualization._data._trials import check_study, complete_trials, feasibility

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_hypervolume_history"


@dataclass
class HypervolumeHistoryData:
    numbers: np.ndarray  # the COMPLETE trials, by number
    hypervolumes: np.ndarray  # of the feasible trials up to and including each


def hypervolume_history_data(study: StudyReader, reference_point: Sequence[float]) -> HypervolumeHistoryData:
    """Hypervolume of the feasible COMPLETE trials so far, against ``reference_point``.

    Only a trial that joins the front changes the value, so the hypervolume is recomputed on
    the current front at those trials alone.
    """
    check_study(WHERE, study)
    directions = study.directions
    if len(directions) < 2:
        raise ValueError(f"{WHERE}: the study has one objective; a hypervolume history needs several")
    ref = np.asarray(reference_point, dtype=float)
    if ref.shape != (len(directions),) or not np.all(np.isfinite(ref)):
        raise ValueError(
            f"{WHERE}: reference_point must hold {len(directions)} finite numbers, one per objective, "
            f"got reference_point={reference_point!r}"
        )
    trials = complete_trials(WHERE, study)
    points = to_minimization(np.array([t.values for t in trials], dtype=float), directions)
    ref_min = to_minimization(ref[None, :], directions)[0]
    useful = feasibility(trials) & np.all(points < ref_min, axis=1)
    rows = np.flatnonzero(useful)
    volumes = np.zeros(len(trials))
    front = np.empty((0, len(directions)))
    volume = 0.0
    changes = []
    for i in rows[_may_join_front(points[rows])]:
        p = points[i]
        if not np.any(np.all(front <= p, axis=1)):
            front = np.vstack((front[~np.all(p <= front, axis=1)], p))
            volume = compute_hypervolume(front, ref_min, assume_pareto=True)
            changes.append((i, volume))
    for i, volume in changes:  # each change holds until the next one
        volumes[i:] = volume
    return HypervolumeHistoryData(np.array([t.number for t in trials], dtype=int), volumes)


def _may_join_front(points: np.ndarray) -> np.ndarray:
    """Mask of the points (in trial order) that can change the hypervolume when they arrive:
    those no earlier point of the final Pareto front weakly dominates. The others never
    join the front, so the incremental loop skips them."""
    on_front = np.flatnonzero(pareto_front_mask(points))
    keep = np.ones(len(points), dtype=bool)
    for start in range(0, len(points), 1024):
        block = points[start : start + 1024]
        covered = np.all(points[on_front][None, :, :] <= block[:, None, :], axis=2)  # (block, front)
        earlier = on_front[None, :] < np.arange(start, start + len(block))[:, None]
        keep[start : start + len(block)] = ~np.any(covered & earlier, axis=1)
    return keep
