"""Rendering the command line's records as a table, JSON, YAML or bare values, as Optuna's does.

A record maps columns to cells; a column is a ``(heading, key)`` pair, key ``""`` for a plain
value, a dict key (``("params", "x")``) or an objective's index (``("values", 0)``). Flattened
output names a keyed column ``heading_key`` and spreads a list or tuple cell over
``heading_0``, ``heading_1``, ...; nested output gathers the keys of a heading into a dict
(a list for index keys).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

FORMATS = ("value", "json", "table", "yaml")

Column = tuple[str, Any]
Record = dict[Column, Any]

_DATETIME = "%Y-%m-%d %H:%M:%S"


def _plain(value: Any) -> Any:
    """``value`` with datetimes as text and other objects (durations) as ``str``."""
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime.datetime):
        return value.strftime(_DATETIME)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return str(value)


def _rows(records: list[Record], columns: list[Column], flatten: bool) -> tuple[list[dict[str, Any]], list[str]]:
    """The records as rows of named cells, and the header (the names in order)."""
    if not flatten:
        header = list(dict.fromkeys(heading for heading, _ in columns))
        nested_rows = []
        for record in records:
            row: dict[str, Any] = {heading: {} for heading in header}
            for column in columns:
                if column not in record:
                    continue
                heading, key = column
                cell = _plain(record[column])
                if isinstance(key, int):
                    items = row[heading] if isinstance(row[heading], list) else []
                    items.extend([None] * (key + 1 - len(items)))
                    items[key] = cell
                    row[heading] = items
                elif key != "":
                    row[heading][key] = cell
                else:
                    row[heading] = cell
            nested_rows.append(row)
        return nested_rows, header
    # A plain column holding a list or tuple in some record spreads over its longest length.
    spread = {
        c: max((len(r[c]) for r in records if isinstance(r.get(c), (list, tuple))), default=None) for c in columns
    }
    header = []
    for column in columns:
        heading, key = column
        if key != "":
            header.append(f"{heading}_{key}")
        elif spread[column] is not None:
            header.extend(f"{heading}_{i}" for i in range(spread[column] or 0))
        else:
            header.append(heading)
    flat_rows = []
    for record in records:
        flat: dict[str, Any] = {}
        for column in columns:
            if column not in record:
                continue
            heading, key = column
            cell = _plain(record[column])
            if key != "":
                flat[f"{heading}_{key}"] = cell
            elif spread[column] is not None and isinstance(cell, (list, tuple)):
                flat.update((f"{heading}_{i}", v) for i, v in enumerate(cell))
            else:
                flat[heading] = cell
        flat_rows.append(flat)
    return flat_rows, header


def render(records: list[Record], columns: list[Column], fmt: str, flatten: bool = False, single: bool = False) -> str:
    """Render ``records`` in ``fmt`` (one of :data:`FORMATS`).

    Args:
        records: The records, each holding some of ``columns``.
        columns: The columns in order.
        fmt: ``"value"`` (cells separated by spaces), ``"json"``, ``"table"`` or ``"yaml"``
            (keys sorted).
        flatten: Flatten keyed and list columns into one cell each.
        single: Render JSON and YAML as the one object of the only record, not a list.
    """
    rows, header = _rows(records, columns, flatten)
    if fmt == "json":
        return json.dumps(rows[0] if single else rows).strip()
    if fmt == "yaml":
        import yaml

        dumped: str = yaml.safe_dump(rows[0] if single else rows)
        return dumped.strip()
    if fmt == "value":
        lines = (" ".join("" if row.get(h) is None else str(row[h]) for h in header) for row in rows)
        return "\n".join(lines).strip()
    return _table(rows, header).strip()


def _table(rows: list[dict[str, Any]], header: list[str]) -> str:
    """A text table: a column whose cells are all numbers (or empty) is right-aligned, header too."""
    lines = [["" for _ in rows] for _ in header]
    rule, titles = "+", "|"
    for j, name in enumerate(header):
        cells = [row.get(name) for row in rows]
        numeric = not any(c is not None and not isinstance(c, (int, float)) for c in cells)
        width = max([len(name)] + [len(str(c)) for c in cells])
        rule += "-" * (width + 2) + "+"
        titles += f" {name:>{width}} |" if numeric else f" {name:<{width}} |"
        for i, c in enumerate(cells):
            text = " " * width if c is None else (f"{c!s:>{width}}" if numeric else f"{c!s:<{width}}")
            lines[j][i] = f" {text} |"
    body = ["|" + "".join(lines[j][i] for j in range(len(header))) for i in range(len(rows))]
    return "\n".join([rule, titles, rule, *body, rule]) + "\n"
