"""Reading trials: a trial's children (and, for one trial, its row) in one UNION ALL query.

Every child table is mapped onto the same columns ``(trial_id, tag, name, index, number,
kind, text, start, complete)``, so one round trip returns everything about a set of trials.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from albacore.distributions import BaseDistribution, json_to_distribution
from albacore.storages._rdb._models import (
    DATETIME,
    decode_float,
    trial_attrs,
    trial_intermediate_values,
    trial_params,
    trial_values,
    trials,
)
from albacore.trial._frozen import FrozenTrial, new_trial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from typing_extensions import Unpack

    # A result row of any width (SQLAlchemy types rows by their column types).
    _AnyRow = Row[Unpack[tuple[Any, ...]]]

# Bound on the ids of one IN (...) list (SQLite allows 32766 variables).
CHUNK = 2000

_TRIAL, _PARAM, _VALUE, _INTERMEDIATE, _USER_ATTR, _SYSTEM_ATTR = range(6)

TRIAL_COLUMNS = (
    trials.c.trial_id,
    trials.c.number,
    trials.c.state,
    trials.c.datetime_start,
    trials.c.datetime_complete,
)

_DISTRIBUTIONS: dict[str, BaseDistribution] = {}


def _distribution(text: str) -> BaseDistribution:
    # Distributions are immutable value objects; most trials share a handful of them.
    dist = _DISTRIBUTIONS.get(text)
    if dist is None:
        if len(_DISTRIBUTIONS) > 10_000:
            _DISTRIBUTIONS.clear()
        dist = _DISTRIBUTIONS[text] = json_to_distribution(text)
    return dist


def _union(condition: Any, with_trial_row: bool) -> sa.CompoundSelect[Unpack[tuple[Any, ...]]]:
    null_str = sa.cast(sa.null(), sa.String(512))
    null_int = sa.cast(sa.null(), sa.Integer)
    null_num = sa.cast(sa.null(), sa.Double)
    null_text = sa.cast(sa.null(), sa.Text)
    null_time = sa.cast(sa.null(), DATETIME)

    def tag(value: int) -> Any:
        return sa.literal(value, sa.Integer)

    p, v, iv, a, t = trial_params, trial_values, trial_intermediate_values, trial_attrs, trials
    parts = [
        sa.select(p.c.trial_id, tag(_PARAM), p.c.param_name, null_int, p.c.param_value, null_int,
                  p.c.distribution_json, null_time, null_time).where(condition(p)),
        sa.select(v.c.trial_id, tag(_VALUE), null_str, v.c.objective, v.c.value, v.c.kind, null_text,
                  null_time, null_time).where(condition(v)),
        sa.select(iv.c.trial_id, tag(_INTERMEDIATE), null_str, iv.c.step, iv.c.value, iv.c.kind, null_text,
                  null_time, null_time).where(condition(iv)),
        sa.select(a.c.trial_id, sa.case((a.c.kind == "u", _USER_ATTR), else_=_SYSTEM_ATTR), a.c.attr_key,
                  null_int, null_num, null_int, a.c.value_json, null_time, null_time).where(condition(a)),
    ]
    if with_trial_row:  # first, so that its column types drive result processing
        parts.insert(0, sa.select(t.c.trial_id, tag(_TRIAL), null_str, t.c.number, null_num, t.c.state,
                                  null_text, t.c.datetime_start, t.c.datetime_complete).where(condition(t)))
    return sa.union_all(*parts)


# Built once: SQLAlchemy then reuses their compiled form.
_CHILDREN = _union(lambda table: table.c.trial_id.in_(sa.bindparam("ids", expanding=True)), False)
_ONE_TRIAL = _union(lambda table: table.c.trial_id == sa.bindparam("trial_id"), True)


def _fill(built: dict[int, FrozenTrial], children: Iterable[_AnyRow]) -> None:
    values: dict[int, dict[int, float]] = {}
    for trial_id, kind, key, index, number, small, text, start, complete in children:
        if kind == _TRIAL:
            built[trial_id] = new_trial(index, trial_id, TrialState(small), start, complete)
            continue
        trial = built[trial_id]
        if kind == _PARAM:
            dist = _distribution(text)
            trial._distributions[key] = dist
            trial._params[key] = dist.to_external_repr(number)
        elif kind == _VALUE:
            values.setdefault(trial_id, {})[index] = decode_float(number, small)
        elif kind == _INTERMEDIATE:
            trial.intermediate_values[index] = decode_float(number, small)
        elif kind == _USER_ATTR:
            trial._user_attrs[key] = json.loads(text)
        else:
            trial._system_attrs[key] = json.loads(text)
    for trial_id, by_objective in values.items():
        built[trial_id].values = [by_objective[i] for i in sorted(by_objective)]
    for trial in built.values():
        if len(trial.intermediate_values) > 1:
            trial.intermediate_values = dict(sorted(trial.intermediate_values.items()))


def load_trials(conn: Connection, rows: Sequence[_AnyRow]) -> list[FrozenTrial]:
    """Build FrozenTrials for trial rows (columns :data:`TRIAL_COLUMNS`), reading their children."""
    built = {
        trial_id: new_trial(number, trial_id, TrialState(state), start, complete)
        for trial_id, number, state, start, complete in rows
    }
    ids = list(built)
    for start in range(0, len(ids), CHUNK):
        _fill(built, conn.execute(_CHILDREN, {"ids": ids[start : start + CHUNK]}))
    return list(built.values())


def load_trial(conn: Connection, trial_id: int) -> FrozenTrial | None:
    """One trial by id, in one query (None if there is none)."""
    built: dict[int, FrozenTrial] = {}
    rows = conn.execute(_ONE_TRIAL, {"trial_id": trial_id}).all()
    _fill(built, sorted(rows, key=lambda row: row[1] != _TRIAL))  # the trial row first
    return built.get(trial_id)
