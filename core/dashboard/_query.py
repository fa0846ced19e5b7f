"""The trial table's query: filters by state, parameter and value, a sort key, a page.

Filters come as JSON, a list of ``{"field": F, "op": OP, "value": V}`` where ``F`` is
``"number"``, ``"value"`` (``"value:1"`` for the second objective), ``"duration"`` or
``"param:NAME"``, and ``OP`` one of ``== != < <= > >=``. A categorical parameter takes its
choice's label and only ``==``/``!=``. Everything is checked; a bad query raises a
ValueError that names the bad part.
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from albacore.dashboard._columns import STATE_NAMES, Columns
from albacore.trial._state import TrialState

OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
MAX_LIMIT = 1000


@dataclass
class Query:
    states: list[str] = field(default_factory=list)
    filters: list[dict[str, Any]] = field(default_factory=list)
    sort: str = "number"
    descending: bool = False
    offset: int = 0
    limit: int = 50


def parse_query(args: dict[str, str], page: bool = True) -> Query:
    """A :class:`Query` from the request's query string (``states``, ``filters``, ``sort``,
    ``order``, ``offset``, ``limit``)."""
    query = Query()
    states = args.get("states", "")
    query.states = [s.strip().upper() for s in states.split(",") if s.strip()]
    for state in query.states:
        if state not in STATE_NAMES:
            raise ValueError(f"states: unknown state {state!r}; expected some of {STATE_NAMES}")
    raw = args.get("filters", "")
    if raw:
        try:
            filters = json.loads(raw)
        except json.JSONDecodeError:
            raise ValueError(f"filters must be a JSON list, got filters={raw!r}") from None
        if not isinstance(filters, list) or not all(isinstance(f, dict) for f in filters):
            raise ValueError(f"filters must be a JSON list of objects, got filters={raw!r}")
        query.filters = filters
    query.sort = args.get("sort", "number") or "number"
    order = args.get("order", "asc")
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', got order={order!r}")
    query.descending = order == "desc"
    if page:
        query.offset = _int(args, "offset", 0, 0, None)
        query.limit = _int(args, "limit", 50, 1, MAX_LIMIT)
    return query


def _int(args: dict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    text = args.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {name}={text!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}, got {name}={value}")
    return value


def _column(columns: Columns, name: str) -> tuple[np.ndarray, tuple[object, ...] | None]:
    """The column a field names (rows 0..n-1) and a categorical parameter's choices."""
    n = columns.n
    if name == "number":
        return np.arange(n, dtype=float), None
    if name == "state":
        return columns.state[:n].astype(float), None
    if name == "duration":
        return columns.duration[:n], None
    if name == "start":
        return columns.start[:n], None
    if name == "value" or name.startswith("value:"):
        index_text = name.partition(":")[2] or "0"
        if not index_text.isdigit() or int(index_text) >= columns.n_objectives:
            raise ValueError(f"unknown field {name!r}; the study has {columns.n_objectives} objective(s)")
        return columns.values[:n, int(index_text)], None
    if name.startswith("param:"):
        param = name[len("param:"):]
        if param not in columns.params:
            raise ValueError(f"unknown parameter {param!r}; the study's parameters are {sorted(columns.params)}")
        return columns.params[param][:n], columns.choices.get(param)
    raise ValueError(
        f"unknown field {name!r}; expected 'number', 'state', 'duration', 'start', 'value', 'value:<i>' "
        "or 'param:<name>'"
    )


def _filter_mask(columns: Columns, spec: dict[str, Any]) -> np.ndarray:
    name, op = spec.get("field"), spec.get("op")
    value: Any = spec.get("value")  # JSON: anything; float() below says when it is no number
    if not isinstance(name, str):
        raise ValueError(f"a filter needs a 'field' string, got {spec!r}")
    if op not in OPS:
        raise ValueError(f"filter on {name!r}: op must be one of {list(OPS)}, got op={op!r}")
    column, choices = _column(columns, name)
    if choices is not None:
        if op not in ("==", "!="):
            raise ValueError(f"filter on {name!r}: a categorical parameter takes only == or !=, got op={op!r}")
        labels = [str(c) for c in choices]
        if str(value) not in labels:
            raise ValueError(f"filter on {name!r}: {value!r} is not one of its choices {labels}")
        target = float(labels.index(str(value)))
    else:
        try:
            target = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"filter on {name!r}: value must be a number, got value={value!r}") from None
    with np.errstate(invalid="ignore"):
        mask = OPS[op](column, target)
    return mask & ~np.isnan(column) if op != "!=" else mask


def select(columns: Columns, query: Query) -> np.ndarray:
    """Trial numbers matching ``query``'s filters, in its order (NaN keys last)."""
    n = columns.n
    mask = np.ones(n, dtype=bool)
    if query.states:
        mask &= np.isin(columns.state[:n], [int(TrialState[s]) for s in query.states])
    for spec in query.filters:
        mask &= _filter_mask(columns, spec)
    numbers = np.flatnonzero(mask)
    key, _ = _column(columns, query.sort)
    if query.sort == "number":
        return numbers[::-1] if query.descending else numbers
    keys = key[numbers]
    known = ~np.isnan(keys)
    order = np.argsort(-keys[known] if query.descending else keys[known], kind="stable")
    return np.concatenate([numbers[known][order], numbers[~known]])
