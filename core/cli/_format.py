"""Rendering rows (lists of dicts) as a table, JSON, YAML or bare values."""

from __future__ import annotations

import datetime
import json
from typing import Any

from albacore.trial._frozen import FrozenTrial

FORMATS = ("value", "json", "table", "yaml")


def trial_row(trial: FrozenTrial, n_objectives: int, with_user_attrs: bool, flatten: bool) -> dict[str, Any]:
    """The columns the CLI shows for a trial."""
    row: dict[str, Any] = {"number": trial.number}
    if n_objectives == 1:
        row["value"] = trial.values[0] if trial.values else None
    else:
        row["values"] = trial.values
    row["datetime_start"] = trial.datetime_start
    row["datetime_complete"] = trial.datetime_complete
    row["duration"] = trial.duration
    _nested(row, "params", trial.params, flatten)
    if with_user_attrs:
        _nested(row, "user_attrs", trial.user_attrs, flatten)
    row["state"] = trial.state.name
    return row


def _nested(row: dict[str, Any], name: str, values: dict[str, Any], flatten: bool) -> None:
    if flatten:
        for key, value in values.items():
            row[f"{name}_{key}"] = value
    else:
        row[name] = values


def _plain(value: Any) -> Any:
    """A JSON/YAML-friendly version of ``value``."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def render(rows: list[dict[str, Any]], fmt: str, single: bool = False) -> str:
    """Render ``rows`` in ``fmt``; ``single`` renders one object rather than a list."""
    plain = [{k: _plain(v) for k, v in row.items()} for row in rows]
    if fmt == "json":
        return json.dumps(plain[0] if single else plain)
    if fmt == "yaml":
        import yaml

        dumped: str = yaml.safe_dump(plain[0] if single else plain, sort_keys=False)
        return dumped.rstrip("\n")
    if fmt == "value":
        return "\n".join(" ".join(_cell(v) for v in row.values()) for row in plain)
    return _table(plain)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _table(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    numeric = [all(isinstance(row.get(c), (int, float)) or row.get(c) is None for row in rows) for c in columns]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(values: list[str], align_numbers: bool) -> str:
        parts = [
            v.rjust(w) if (align_numbers and numeric[i]) else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths))
        ]
        return "| " + " | ".join(parts) + " |"

    out = [rule, line(columns, False), rule]
    out.extend(line(values, True) for values in cells)
    out.append(rule)
    return "\n".join(out)
