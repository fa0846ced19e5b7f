"""Trials as a pandas DataFrame."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from albacore._imports import require
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    import pandas as pd

    from albacore.study.study import Study
    from albacore.trial._frozen import FrozenTrial

# A cell of a trial that lacks the column (pandas' marker of a missing value).
_MISSING = float("nan")


def trials_dataframe(study: Study, attrs: tuple[str, ...], multi_index: bool) -> pd.DataFrame:
    """See :meth:`albacore.Study.trials_dataframe`.

    The columns are Optuna's: each name of ``attrs`` is a FrozenTrial attribute (a leading
    underscore is dropped from the column name, as in ``_trial_id``); a dict attribute
    expands into one column per key (sorted), ``values`` into one per objective (by metric
    name when the study has them, in their order), and in a multi-objective study ``value``
    stands for ``values``. A study without trials gives an empty DataFrame.
    """
    pd = require("pandas", extra="pandas", feature="Study.trials_dataframe")
    trials = study.get_trials(deepcopy=False)
    if not trials:
        return pd.DataFrame()
    n_objectives = len(study.directions)
    if n_objectives > 1:
        attrs = tuple("values" if a == "value" else a for a in attrs)
    metric_names = study.metric_names
    for attr in dict.fromkeys(attrs):
        if not hasattr(trials[0], attr):
            raise AttributeError(
                f"trials_dataframe: FrozenTrial has no attribute {attr!r}, got attrs={attrs!r}"
            )
    columns, cells = trial_columns(trials, attrs, n_objectives, metric_names, _MISSING)
    n = len(trials)
    frame = pd.DataFrame({j: cells[column] for j, column in enumerate(columns)}, index=range(n))
    if multi_index:
        frame.columns = pd.MultiIndex.from_tuples(columns)
    else:
        frame.columns = ["_".join(str(part) for part in column if part != "") for column in columns]
    return frame


def trial_columns(
    trials: list[FrozenTrial],
    attrs: tuple[str, ...],
    n_objectives: int,
    metric_names: list[str] | None,
    absent: Any,
) -> tuple[list[tuple[str, Any]], dict[tuple[str, Any], list[Any]]]:
    """Optuna's columns of ``trials`` for ``attrs`` (shared by ``trials_dataframe`` and the CLI).

    Args:
        trials: The trials, one row each.
        attrs: FrozenTrial attribute names, in column order (a name may repeat).
        n_objectives: The study's number of objectives.
        metric_names: The study's metric names, or None.
        absent: The cell of a trial that lacks a column.

    Returns:
        The columns, as ``(heading, key)`` pairs (key ``""`` for a plain attribute, the dict
        key, the objective's index or metric name), and one cell per trial for each column.
    """
    cells: dict[tuple[str, Any], list[Any]] = {}
    found: dict[str, set[tuple[str, Any]]] = {attr: set() for attr in attrs}
    n = len(trials)
    for attr, keys in found.items():
        heading = attr[1:] if attr.startswith("_") else attr
        for i, trial in enumerate(trials):
            for key, cell in _expand(attr, getattr(trial, attr), n_objectives, metric_names):
                column = (heading, key)
                if column not in keys:
                    keys.add(column)
                    cells[column] = [absent] * n
                cells[column][i] = cell
    columns: list[tuple[str, Any]] = []
    for attr in attrs:
        if attr == "values" and metric_names is not None and found[attr]:
            columns.extend(("values", name) for name in metric_names)
        else:
            columns.extend(sorted(found[attr]))
    return columns, cells


def _expand(
    attr: str, value: Any, n_objectives: int, metric_names: list[str] | None
) -> Iterable[tuple[Any, Any]]:
    """The ``(sub-column, cell)`` pairs of one trial attribute (sub-column ``""`` for a plain one)."""
    if isinstance(value, TrialState):
        return [("", value.name)]
    if isinstance(value, dict):
        return value.items()
    if attr == "values":
        values = [None] * n_objectives if value is None else value
        return zip(metric_names, values) if metric_names is not None else enumerate(values)
    if isinstance(value, list):
        return enumerate(value)
    if attr == "value" and metric_names is not None:
        return [(metric_names[0], value)]
    return [("", value)]
