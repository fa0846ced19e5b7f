"""The trial table as CSV or JSON, with the table's filters and order."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from albacore.dashboard._serialize import jsonable, trial_row
from albacore.trial._frozen import FrozenTrial

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(jsonable(value))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_chunks(trials: Sequence[FrozenTrial], n_objectives: int, chunk: int = 2000) -> Iterator[str]:
    """CSV text in chunks: number, state, values, times, params_*, user_attrs_*."""
    params = sorted({name for t in trials for name in t.params})
    user = sorted({key for t in trials for key in t.user_attrs})
    values = ["value"] if n_objectives == 1 else [f"values_{i}" for i in range(n_objectives)]
    header = ["number", "state", *values, "datetime_start", "datetime_complete", "duration",
              *(f"params_{p}" for p in params), *(f"user_attrs_{k}" for k in user)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(h) for h in header])
    for start in range(0, len(trials), chunk):
        for t in trials[start:start + chunk]:
            row = trial_row(t)
            vals = row["values"] or [None] * n_objectives
            writer.writerow([
                t.number, row["state"], *(_cell(v) for v in vals), _cell(row["datetime_start"]),
                _cell(row["datetime_complete"]), _cell(row["duration"]),
                *(_cell(jsonable(t.params.get(p))) for p in params),
                *(_cell(jsonable(t.user_attrs.get(k))) for k in user),
            ])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def json_chunks(trials: Sequence[FrozenTrial], chunk: int = 2000) -> Iterator[str]:
    """A JSON list of trials (the table's fields plus user attrs and intermediate values)."""
    yield "["
    for start in range(0, len(trials), chunk):
        parts = []
        for t in trials[start:start + chunk]:
            row = trial_row(t)
            row["user_attrs"] = jsonable(t.user_attrs)
            row["intermediate_values"] = {str(k): jsonable(v) for k, v in t.intermediate_values.items()}
            parts.append(json.dumps(row))
        yield ("," if start else "") + ",".join(parts)
    yield "]"
