"""Data of the optimization history plot: each trial's value and the best value so far."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from albacore._study_types import StudyDirection
from albacore.visualization._data._trials import Target, as_study_list, completed_trials

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_optimization_history"


@dataclass
class HistorySeries:
    """One study's history. ``best`` is the running best of feasible values (NaN before the
    first feasible trial), None when a custom ``target`` is plotted."""

    study_name: str
    numbers: np.ndarray
    values: np.ndarray
    feasible: np.ndarray
    best: np.ndarray | None


@dataclass
class ErrorBarSeries:
    """Mean and standard deviation over studies, per trial number."""

    numbers: np.ndarray
    value_mean: np.ndarray
    value_std: np.ndarray
    best_mean: np.ndarray | None
    best_std: np.ndarray | None


@dataclass
class OptimizationHistoryData:
    series: list[HistorySeries]
    target_name: str
    error_bar: ErrorBarSeries | None


def running_best(values: np.ndarray, feasible: np.ndarray, direction: StudyDirection) -> np.ndarray:
    """Best feasible value up to each position; NaN until a feasible value appears."""
    sign = 1.0 if direction == StudyDirection.MINIMIZE else -1.0
    scored = np.where(feasible, sign * values, np.inf)
    best = np.minimum.accumulate(scored)
    return np.where(np.isinf(best), np.nan, sign * best)


def optimization_history_data(
    study: StudyReader | Any, target: Target | None = None,
    target_name: str = "Objective Value", error_bar: bool = False,
) -> OptimizationHistoryData:
    """Values, feasibility and running best of every study; with ``error_bar`` their mean and
    standard deviation per trial number (all studies must share a direction)."""
    studies = as_study_list(WHERE, study)
    series = []
    for one in studies:
        done = completed_trials(WHERE, one, target)
        best = None if target is not None else running_best(done.values, done.feasible, done.direction)
        series.append(HistorySeries(one.study_name, done.numbers, done.values, done.feasible, best))
    bars = None
    if error_bar:
        directions = {tuple(s.directions) for s in studies}
        if len(directions) > 1:
            raise ValueError(f"{WHERE}: error_bar=True needs studies with the same direction, got {sorted(directions)}")
        bars = _error_bars(series, studies[0].directions[0], target is None)
    return OptimizationHistoryData(series, target_name, bars)


def _error_bars(series: list[HistorySeries], direction: StudyDirection, with_best: bool) -> ErrorBarSeries:
    size = max(int(s.numbers.max()) for s in series) + 1
    values = np.full((len(series), size), np.nan)
    best = np.full((len(series), size), np.nan)
    for row, s in enumerate(series):
        values[row, s.numbers] = np.where(s.feasible, s.values, np.nan)
        # The best value holds between completed trials, so it is carried forward.
        feasible_row = np.zeros(size, dtype=bool)
        feasible_row[s.numbers] = s.feasible
        best[row] = running_best(np.nan_to_num(values[row]), feasible_row, direction)
    numbers = np.flatnonzero(~np.all(np.isnan(values), axis=0))
    value_mean, value_std = nan_mean_std(values[:, numbers])
    best_mean, best_std = nan_mean_std(best[:, numbers]) if with_best else (None, None)
    return ErrorBarSeries(numbers, value_mean, value_std, best_mean, best_std)


def nan_mean_std(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column mean and (population) standard deviation ignoring NaN; NaN for empty columns."""
    known = ~np.isnan(rows)
    count = known.sum(axis=0)
    filled = np.where(known, rows, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / count
        var = np.where(known, (rows - mean) ** 2, 0.0).sum(axis=0) / count
    return mean, np.sqrt(var)
