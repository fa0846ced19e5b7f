"""Trials as a pandas DataFrame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from albacore._imports import require

if TYPE_CHECKING:
    import pandas as pd

    from albacore.study.study import Study

_EXPANDED = ("params", "user_attrs", "system_attrs", "intermediate_values")
_KNOWN = {
    "number", "value", "values", "datetime_start", "datetime_complete", "duration", "state",
    *_EXPANDED,
}


def trials_dataframe(study: Study, attrs: tuple[str, ...], multi_index: bool) -> pd.DataFrame:
    """See :meth:`albacore.Study.trials_dataframe`."""
    pd = require("pandas", extra="pandas", feature="Study.trials_dataframe")
    unknown = [a for a in attrs if a not in _KNOWN]
    if unknown:
        raise ValueError(f"trials_dataframe: unknown attrs {unknown}; choose from {sorted(_KNOWN)}")
    metric_names = study.metric_names
    n_objectives = len(study.directions)
    rows: list[dict[tuple[str, str], Any]] = []
    for trial in study.get_trials(deepcopy=False):
        row: dict[tuple[str, str], Any] = {}
        for attr in attrs:
            if attr in ("value", "values"):
                _add_values(row, trial.values, n_objectives, metric_names)
            elif attr in _EXPANDED:
                for key, val in getattr(trial, attr).items():
                    row[(attr, str(key))] = val
            elif attr == "state":
                row[("state", "")] = trial.state.name
            else:
                row[(attr, "")] = getattr(trial, attr)
        rows.append(row)
    columns: list[tuple[str, str]] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    frame = pd.DataFrame(
        [[row.get(c) for c in columns] for row in rows], columns=pd.MultiIndex.from_tuples(columns) if columns else None
    )
    if not multi_index and columns:
        frame.columns = ["_".join(part for part in col if part) for col in columns]
    return frame


def _add_values(
    row: dict[tuple[str, str], Any], values: list[float] | None, n_objectives: int, names: list[str] | None
) -> None:
    if n_objectives == 1 and names is None:
        row[("value", "")] = values[0] if values else None
        return
    for i in range(n_objectives):
        key = names[i] if names else str(i)
        row[("values", key)] = values[i] if values else None
