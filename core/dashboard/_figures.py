"""Figures of the study page, drawn by :mod:`albacore.visualization` (so the dashboard and
the plots a user makes in Python agree) over the server's snapshot, downsampled so that a
study of 100,000 trials stays quick to send and to draw. Results are cached per revision."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Callable, cast

import numpy as np

from albacore._study_types import StudyDirection
from albacore.dashboard._snapshot import StudySnapshot
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

# How many trials a figure that does not sample by itself is drawn from, at most.
HISTORY_POINTS = 2000
SLICE_TRIALS = 2000
IMPORTANCE_TRIALS = 1000
INTERMEDIATE_TRIALS = 300
TIMELINE_TRIALS = 1000
PARETO_TRIALS = 3000

KINDS = ("history", "intermediate", "parallel", "slice", "contour", "importance", "pareto", "hypervolume", "timeline")


def _sample(trials: list[FrozenTrial], limit: int, keep: Sequence[FrozenTrial] = ()) -> list[FrozenTrial]:
    if len(trials) <= limit:
        return trials
    rng = np.random.default_rng(0)
    chosen = set(rng.choice(len(trials), size=limit, replace=False).tolist())
    kept = {t.number for t in keep}
    return [t for i, t in enumerate(trials) if i in chosen or t.number in kept]


def _target(snapshot: StudySnapshot, objective: int) -> dict[str, Any]:
    if len(snapshot.directions) == 1:
        return {}
    if not 0 <= objective < len(snapshot.directions):
        raise ValueError(f"objective must be between 0 and {len(snapshot.directions) - 1}, got objective={objective}")
    names = snapshot.view().metric_names
    name = names[objective] if names else f"Objective {objective}"
    return {"target": lambda t: t.values[objective], "target_name": name}


def _complete(snapshot: StudySnapshot) -> list[FrozenTrial]:
    return [snapshot.trials[int(n)] for n in snapshot.columns.complete_numbers()]


def _params(args: dict[str, Any]) -> list[str] | None:
    params = args.get("params")
    return [p for p in params.split(",") if p] if params else None


def _history(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    """Above HISTORY_POINTS trials: every trial that improved the best value (so the best
    line is exact) and an even random sample of the others."""
    from albacore.visualization import plot_optimization_history
    from albacore.visualization._data._trials import sample_mask, sampled_note
    from albacore.visualization._data.optimization_history import running_best

    target = _target(snapshot, args["objective"])
    numbers = snapshot.columns.complete_numbers()
    complete = [snapshot.trials[int(n)] for n in numbers]
    if len(complete) <= HISTORY_POINTS:
        return plot_optimization_history(snapshot.view(complete), **target)
    objective = args["objective"] if target else 0
    values = snapshot.columns.values[numbers, objective]
    feasible = snapshot.columns.feasible[numbers] & np.isfinite(values)
    best = running_best(np.where(feasible, values, 0.0), feasible, snapshot.directions[objective])
    improved = feasible & ~np.isnan(best) & (best != np.r_[np.nan, best[:-1]])  # NaN != x: the first one too
    keep = sample_mask(len(complete), HISTORY_POINTS) | improved
    shown = [t for t, k in zip(complete, keep) if k]
    note = sampled_note(len(shown), len(complete)) + "; every improvement of the best value is shown"
    return plot_optimization_history(snapshot.view(shown), **target), note


def _intermediate(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_intermediate_values

    reported = [t for t in snapshot.trials if t.intermediate_values]
    running = [t for t in reported if t.state == TrialState.RUNNING]
    return plot_intermediate_values(snapshot.view(_sample(reported, INTERMEDIATE_TRIALS, keep=running)))


def _parallel(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_parallel_coordinate

    return plot_parallel_coordinate(snapshot.view(_complete(snapshot)), params=_params(args),
                                    **_target(snapshot, args["objective"]))


def _slice(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_slice

    view = snapshot.view(_sample(_complete(snapshot), SLICE_TRIALS))
    return plot_slice(view, params=_params(args), **_target(snapshot, args["objective"]))


def _contour(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_contour

    complete = _complete(snapshot)
    params = _params(args)
    if params is None:  # the first two parameters; a matrix of ten is too much for one page
        names = sorted({name for t in complete[:1000] for name in t.params})
        params = names[:2]
    return plot_contour(snapshot.view(complete), params=params, **_target(snapshot, args["objective"]))


def _importance(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_param_importances

    view = snapshot.view(_sample(_complete(snapshot), IMPORTANCE_TRIALS))
    return plot_param_importances(view, params=_params(args), **_target(snapshot, args["objective"]))


def _pareto(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_pareto_front

    if len(snapshot.directions) not in (2, 3):
        raise ValueError(
            f"the Pareto front is drawn for 2 or 3 objectives; this study has {len(snapshot.directions)} objective(s)"
        )
    front = snapshot.best_trials()
    view = snapshot.view(_sample(_complete(snapshot), PARETO_TRIALS, keep=front))
    return plot_pareto_front(view, target_names=view.metric_names)


def reference_point(trials: list[FrozenTrial], directions: list[StudyDirection]) -> list[float]:
    """A reference point worse than every trial: the worst value per objective, pushed out
    by a tenth of the value range (or by 1 where the range is zero)."""
    values = np.array([t.values for t in trials], dtype=float)
    values = values[np.all(np.isfinite(values), axis=1)]
    if not len(values):
        raise ValueError("no COMPLETE trial has finite values to compute the hypervolume from")
    low, high = values.min(axis=0), values.max(axis=0)
    margin = np.where(high > low, 0.1 * (high - low), 1.0)
    maximize = np.array([d == StudyDirection.MAXIMIZE for d in directions])
    return cast("list[float]", np.where(maximize, low - margin, high + margin).tolist())


def _hypervolume(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_hypervolume_history

    if len(snapshot.directions) < 2:
        raise ValueError("the hypervolume is drawn for multi-objective studies; this study has 1 objective")
    complete = _complete(snapshot)
    if not complete:
        raise ValueError(f"study {snapshot.study_name!r} has no COMPLETE trial to plot")
    return plot_hypervolume_history(snapshot.view(complete), reference_point(complete, snapshot.directions))


def _timeline(snapshot: StudySnapshot, args: dict[str, Any]) -> Any:
    from albacore.visualization import plot_timeline

    started = [t for t in snapshot.trials if t.datetime_start is not None][-TIMELINE_TRIALS:]
    if not snapshot.trials:
        raise ValueError(f"study {snapshot.study_name!r} has no trials to plot")
    return plot_timeline(snapshot.view(started or snapshot.trials))


_BUILDERS: dict[str, Callable[[StudySnapshot, dict[str, Any]], Any]] = {
    "history": _history,
    "intermediate": _intermediate,
    "parallel": _parallel,
    "slice": _slice,
    "contour": _contour,
    "importance": _importance,
    "pareto": _pareto,
    "hypervolume": _hypervolume,
    "timeline": _timeline,
}


class FigureCache:
    """Figure JSON texts by (study, kind, arguments), valid for one snapshot revision."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], tuple[int, str]] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: StudySnapshot, kind: str, args: dict[str, Any]) -> str:
        """The figure as JSON text ``{"figure": ...}`` or ``{"error": ...}``."""
        import json

        if kind not in _BUILDERS:
            raise KeyError(f"unknown figure {kind!r}; expected one of {list(KINDS)}")
        key = (snapshot.study_id, kind, tuple(sorted(args.items())))
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == snapshot.revision:
            return hit[1]
        revision = snapshot.revision
        try:
            built = _BUILDERS[kind](snapshot, args)
            figure, note = built if isinstance(built, tuple) else (built, "")
            text: str = '{"note": ' + json.dumps(note) + ', "figure": ' + figure.to_json() + "}"
        except ValueError as exc:  # nothing to draw yet: the page shows why
            text = json.dumps({"error": str(exc)})
        with self._lock:
            self._cache[key] = (revision, text)
        return text
