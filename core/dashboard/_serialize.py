"""Trials and studies as JSON-safe values (non-finite floats as strings, datetimes as ISO
text). Nothing here escapes HTML: the front end inserts every string as text."""

from __future__ import annotations

import datetime
import math
from typing import Any

from albacore.trial._frozen import FrozenTrial

# System attribute prefixes the trial page hides from "system attrs" (shown elsewhere).
NOTE_KEY = "dashboard:note"


def jsonable(value: Any) -> Any:
    """``value`` with non-finite floats as ``"nan"``/``"inf"``/``"-inf"``, datetimes as ISO
    text, tuples as lists and anything else unknown as its ``str``."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return jsonable(value.item())
    return str(value)


def _time(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def trial_row(trial: FrozenTrial) -> dict[str, Any]:
    """One row of the trial table."""
    duration = trial.duration
    return {
        "number": trial.number,
        "trial_id": trial._trial_id,
        "state": trial.state.name,
        "values": jsonable(trial.values),
        "params": jsonable(trial.params),
        "datetime_start": _time(trial.datetime_start),
        "datetime_complete": _time(trial.datetime_complete),
        "duration": None if duration is None else duration.total_seconds(),
        "n_intermediate": len(trial.intermediate_values),
    }


def trial_detail(trial: FrozenTrial, note: str) -> dict[str, Any]:
    """Everything the trial page shows."""
    row = trial_row(trial)
    running_for = None
    if trial.datetime_start is not None and not trial.state.is_finished():
        start = trial.datetime_start
        now = datetime.datetime.now(start.tzinfo) if start.tzinfo else datetime.datetime.now()
        running_for = max(0.0, (now - start).total_seconds())
    row.update(
        distributions={name: type(d).__name__ for name, d in trial.distributions.items()},
        intermediate_values=[[step, jsonable(v)] for step, v in sorted(trial.intermediate_values.items())],
        user_attrs=jsonable(trial.user_attrs),
        system_attrs=jsonable({k: v for k, v in trial.system_attrs.items() if not k.startswith(NOTE_KEY)}),
        running_for=running_for,
        note=note,
    )
    return row
