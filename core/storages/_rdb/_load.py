"""Reading trials: trial rows plus all their children in one UNION ALL query."""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from albacore.distributions import BaseDistribution, json_to_distribution
from albacore.storages._rdb._models import (
    decode_float,
    trial_attrs,
    trial_intermediate_values,
    trial_params,
    trial_values,
    trials,
)
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

# Bound on the ids of one IN (...) list (SQLite allows 32766 variables).
CHUNK = 2000

_PARAM, _VALUE, _INTERMEDIATE, _USER_ATTR, _SYSTEM_ATTR = range(5)

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


def _children_query(ids: Sequence[int]) -> sa.CompoundSelect:
    null_str = sa.cast(sa.null(), sa.String(512))
    null_int = sa.cast(sa.null(), sa.Integer)
    null_num = sa.cast(sa.null(), sa.Double)
    null_text = sa.cast(sa.null(), sa.Text)

    def tag(value: int) -> Any:
        return sa.literal(value, sa.Integer)

    p, v, iv, a = trial_params, trial_values, trial_intermediate_values, trial_attrs
    parts = [
        sa.select(p.c.trial_id, tag(_PARAM), p.c.param_name, null_int, p.c.param_value, null_int, p.c.distribution_json)
        .where(p.c.trial_id.in_(ids)),
        sa.select(v.c.trial_id, tag(_VALUE), null_str, v.c.objective, v.c.value, v.c.kind, null_text)
        .where(v.c.trial_id.in_(ids)),
        sa.select(iv.c.trial_id, tag(_INTERMEDIATE), null_str, iv.c.step, iv.c.value, iv.c.kind, null_text)
        .where(iv.c.trial_id.in_(ids)),
        sa.select(a.c.trial_id, sa.case((a.c.kind == "u", _USER_ATTR), else_=_SYSTEM_ATTR), a.c.attr_key,
                  null_int, null_num, null_int, a.c.value_json)
        .where(a.c.trial_id.in_(ids)),
    ]
    return sa.union_all(*parts)


def load_trials(conn: Connection, rows: Iterable[Row]) -> list[FrozenTrial]:
    """Build FrozenTrials for trial rows (columns :data:`TRIAL_COLUMNS`), reading their children."""
    built: dict[int, FrozenTrial] = {}
    values: dict[int, dict[int, float]] = {}
    for row in rows:
        trial_id = row[0]
        built[trial_id] = FrozenTrial(
            number=row[1],
            state=TrialState(row[2]),
            value=None,
            datetime_start=row[3],
            datetime_complete=row[4],
            params={},
            distributions={},
            user_attrs={},
            system_attrs={},
            intermediate_values={},
            trial_id=trial_id,
        )
    ids = list(built)
    for start in range(0, len(ids), CHUNK):
        for trial_id, kind, key, index, number, float_kind, text in conn.execute(
            _children_query(ids[start : start + CHUNK])
        ):
            trial = built[trial_id]
            if kind == _PARAM:
                dist = _distribution(text)
                trial._distributions[key] = dist
                trial._params[key] = dist.to_external_repr(number)
            elif kind == _VALUE:
                values.setdefault(trial_id, {})[index] = decode_float(number, float_kind)
            elif kind == _INTERMEDIATE:
                trial.intermediate_values[index] = decode_float(number, float_kind)
            elif kind == _USER_ATTR:
                trial._user_attrs[key] = json.loads(text)
            else:
                trial._system_attrs[key] = json.loads(text)
    for trial_id, by_objective in values.items():
        built[trial_id].values = [by_objective[i] for i in sorted(by_objective)]
    for trial in built.values():
        if len(trial.intermediate_values) > 1:
            trial.intermediate_values = dict(sorted(trial.intermediate_values.items()))
    return list(built.values())


def load_trial(conn: Connection, trial_id: int) -> FrozenTrial | None:
    """One trial by id (None if there is none)."""
    row = conn.execute(sa.select(*TRIAL_COLUMNS).where(trials.c.trial_id == trial_id)).first()
    if row is None:
        return None
    return load_trials(conn, [row])[0]
