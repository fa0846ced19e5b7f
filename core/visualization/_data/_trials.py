"""Reading a study for a plot: checked input, finished trials, values and parameter columns.

Everything here reads the study through its public surface (``get_trials``, ``directions``,
``study_name``) and returns numpy arrays, so the plot modules vectorize over trials.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, cast

import numpy as np

from albacore._study_types import StudyDirection
from albacore.distributions import CategoricalDistribution
from albacore.trial._constraints import CONSTRAINTS_KEY
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial import FrozenTrial
    from albacore.trial._study_protocol import StudyReader

Target = Callable[["FrozenTrial"], float]

# Plots draw at most this many markers (or lines) per panel; a larger study is shown as an
# evenly drawn sample, and the figure says so.
MAX_POINTS = 2000
# A matrix of panels (contour, rank) shares this many markers between its panels, so a
# figure of 10 x 10 panels stays light enough for a browser.
MATRIX_POINTS = 50_000


def matrix_points(n_panels: int) -> int:
    """Markers per panel of a matrix of ``n_panels`` panels."""
    return max(100, min(MAX_POINTS, MATRIX_POINTS // max(n_panels, 1)))


def check_study(where: str, study: Any) -> None:
    """Raise TypeError unless ``study`` looks like a Study (directions + get_trials)."""
    if not (hasattr(study, "get_trials") and hasattr(study, "directions")):
        raise TypeError(f"{where}: study must be an albacore Study, got study={study!r}")


def as_study_list(where: str, study: Any) -> list[StudyReader]:
    """One study or a sequence of studies, as a non-empty list."""
    studies = list(study) if isinstance(study, (list, tuple)) else [study]
    if not studies:
        raise ValueError(f"{where}: expected a study or a non-empty sequence of studies, got study={study!r}")
    for one in studies:
        check_study(where, one)
    return studies


def check_target(where: str, study: StudyReader, target: Target | None) -> None:
    """A multi-objective study needs ``target`` to pick the value to plot."""
    if target is not None and not callable(target):
        raise TypeError(f"{where}: target must be a callable FrozenTrial -> float, got target={target!r}")
    if target is None and len(study.directions) > 1:
        raise ValueError(
            f"{where}: study {study.study_name!r} has {len(study.directions)} objectives; pass target to choose "
            f"the value to plot, e.g. target=lambda t: t.values[0]"
        )


def _describe_states(trials: Sequence[FrozenTrial]) -> str:
    counts: dict[str, int] = {}
    for t in trials:
        counts[t.state.name] = counts.get(t.state.name, 0) + 1
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))


@dataclass
class Completed:
    """The COMPLETE trials of a study with a finite target value, ordered by number."""

    trials: list[FrozenTrial]
    numbers: np.ndarray  # int
    values: np.ndarray  # float, the target (or the single objective)
    feasible: np.ndarray  # bool
    direction: StudyDirection  # the direction "better" means for ``values``


def complete_trials(where: str, study: StudyReader) -> list[FrozenTrial]:
    """The study's COMPLETE trials, or a ValueError saying the study is empty or what states
    its trials are in."""
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not trials:
        every = study.get_trials(deepcopy=False)
        if not every:
            raise ValueError(f"{where}: study {study.study_name!r} has no trials to plot")
        raise ValueError(
            f"{where}: study {study.study_name!r} has no COMPLETE trial to plot ({_describe_states(every)})"
        )
    return trials


def completed_trials(where: str, study: StudyReader, target: Target | None) -> Completed:
    """The study's COMPLETE trials with a finite target, or a ValueError saying why none are.

    With ``target`` given the direction is the study's first one (a custom target has no
    direction of its own; only the best-value line and colour scales use it).
    """
    check_target(where, study, target)
    trials = complete_trials(where, study)
    if target is None:
        values = np.fromiter((cast("list[float]", t.values)[0] for t in trials), dtype=np.float64, count=len(trials))
    else:
        values = np.array([target(t) for t in trials], dtype=float)
    finite = np.isfinite(values)
    if not finite.all():
        trials = [t for t, keep in zip(trials, finite) if keep]
        values = values[finite]
        if not trials:
            raise ValueError(f"{where}: every COMPLETE trial of study {study.study_name!r} has a non-finite value")
    numbers = np.fromiter((t.number for t in trials), dtype=int, count=len(trials))
    return Completed(trials, numbers, values, feasibility(trials), study.directions[0])


def feasibility(trials: Sequence[FrozenTrial]) -> np.ndarray:
    """Whether each trial meets its stored constraints (all values <= 0; none stored: yes)."""
    stored = [t.system_attrs.get(CONSTRAINTS_KEY) for t in trials]
    feasible = np.ones(len(trials), dtype=bool)
    for i, constraints in enumerate(stored):
        if constraints and any(v > 0.0 for v in constraints.values()):
            feasible[i] = False
    return feasible


def param_names(trials: Sequence[FrozenTrial]) -> list[str]:
    """Every parameter name used by ``trials``, sorted."""
    names: set[str] = set()
    for t in trials:
        names.update(t.params)
    return sorted(names)


def select_params(where: str, trials: Sequence[FrozenTrial], params: Sequence[str] | None) -> list[str]:
    """``params`` checked against the trials' parameters (default: all, sorted)."""
    available = param_names(trials)
    if params is None:
        return available
    if isinstance(params, str) or not isinstance(params, Sequence):
        raise TypeError(f"{where}: params must be a list of parameter names, got params={params!r}")
    unknown = [p for p in params if p not in available]
    if unknown:
        raise ValueError(
            f"{where}: parameter {unknown[0]!r} does not exist in the study's completed trials; "
            f"its parameters are {available}"
        )
    return list(dict.fromkeys(params))


@dataclass
class ParamColumn:
    """One parameter over a list of trials, ready to place on an axis.

    ``coords`` is where each trial sits on the axis: the value for numeric parameters, its
    log10 for log-scaled ones, the choice's index for categorical ones; NaN where the trial
    does not have the parameter (conditional search spaces). ``present`` marks the others.
    """

    name: str
    coords: np.ndarray
    present: np.ndarray
    scale: str  # "linear", "log" or "categorical"
    choices: tuple[str, ...] = ()  # labels of a categorical parameter's choices

    def raw(self, mask: np.ndarray | None = None) -> list[Any]:
        """The values as a user sees them (numbers, or choice labels), for ``mask`` rows."""
        coords = self.coords if mask is None else self.coords[mask]
        if self.scale == "categorical":
            return [self.choices[int(c)] for c in coords]
        if self.scale == "log":
            return cast("list[Any]", (10.0 ** coords).tolist())
        return cast("list[Any]", coords.tolist())

    def values(self, mask: np.ndarray) -> np.ndarray:
        """Values on the axis's own scale: numbers (log axes too) or choice indices."""
        coords = self.coords[mask]
        return cast(np.ndarray, 10.0 ** coords if self.scale == "log" else coords)


def param_column(trials: Sequence[FrozenTrial], name: str) -> ParamColumn:
    """Gather parameter ``name`` over ``trials`` into a :class:`ParamColumn`."""
    return param_columns(trials, [name])[name]


def param_columns(trials: Sequence[FrozenTrial], names: Sequence[str]) -> dict[str, ParamColumn]:
    """Gather several parameters over ``trials``, reading each trial's params once."""
    rows = [t.params for t in trials]
    columns = {}
    for name in names:
        raw = [row.get(name, _MISSING) for row in rows]
        present = np.fromiter((v is not _MISSING for v in raw), dtype=bool, count=len(raw))
        first = int(np.argmax(present)) if present.any() else None
        distribution = trials[first].distributions[name] if first is not None else None
        columns[name] = _column(name, raw, present, distribution)
    return columns


def _column(name: str, raw: list[Any], present: np.ndarray, distribution: Any) -> ParamColumn:
    if isinstance(distribution, CategoricalDistribution):
        choices = distribution.choices
        index = {_key(c): i for i, c in enumerate(choices)}
        coords = np.array([index.get(_key(v), np.nan) if v is not _MISSING else np.nan for v in raw], dtype=float)
        return ParamColumn(name, coords, present, "categorical", tuple(str(c) for c in choices))
    coords = np.array([v if v is not _MISSING else np.nan for v in raw], dtype=float)
    if getattr(distribution, "log", False):
        return ParamColumn(name, np.log10(coords), present, "log")
    return ParamColumn(name, coords, present, "linear")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _key(value: Any) -> tuple[str, Any]:
    # 1, 1.0 and True are equal in Python; keep categorical choices of different types apart.
    return (type(value).__name__, value)


def sample_mask(n: int, limit: int, keep: int | None = None, seed: int = 0) -> np.ndarray:
    """A boolean mask choosing at most ``limit`` of ``n`` rows evenly at random (sorted order
    preserved); row ``keep`` (e.g. the best trial) is always chosen."""
    mask = np.zeros(n, dtype=bool)
    if n <= limit:
        mask[:] = True
        return mask
    rng = np.random.default_rng(seed)
    mask[rng.choice(n, size=limit, replace=False)] = True
    if keep is not None and not mask[keep]:
        mask[np.flatnonzero(mask)[0]] = False
        mask[keep] = True
    return mask


def sampled_note(shown: int, total: int, what: str = "trials") -> str:
    """The line a figure carries when it shows a sample."""
    return f"showing {shown:,} of {total:,} {what} (random sample)" if shown < total else ""


def best_index(values: np.ndarray, feasible: np.ndarray, direction: StudyDirection) -> int | None:
    """Index of the best feasible value, or None when no value is feasible."""
    if not feasible.any():
        return None
    scores = np.where(feasible, values if direction == StudyDirection.MINIMIZE else -values, np.inf)
    return int(np.argmin(scores))


def nice_number(value: float) -> str:
    """A short label for a number (colour bars, ticks)."""
    if value == 0 or not math.isfinite(value):
        return str(value)
    return f"{value:.3g}"
