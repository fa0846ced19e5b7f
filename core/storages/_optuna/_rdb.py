"""Reading an Optuna 5.0 database through SQLAlchemy (reflected tables, no Optuna models)."""

from __future__ import annotations

import collections
import json
import math
from typing import Any

import sqlalchemy

from albacore.storages._optuna._convert import distribution, external_params, system_attrs
from albacore.storages._optuna._types import DIRECTIONS_BY_NAME, OptunaStudy
from albacore.storages._rdb._engine import parse_url
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

_TABLES = (
    "studies",
    "study_directions",
    "study_user_attributes",
    "study_system_attributes",
    "trials",
    "trial_params",
    "trial_values",
    "trial_intermediate_values",
    "trial_user_attributes",
    "trial_system_attributes",
)
_FLOAT_COLUMNS = (
    ("trial_params", "param_value"),
    ("trial_values", "value"),
    ("trial_intermediate_values", "intermediate_value"),
)
# value_type / intermediate_value_type -> the value a NULL column stands for.
_NON_FINITE = {"INF_POS": math.inf, "INF_NEG": -math.inf, "NAN": math.nan}


def _value(value: float | None, kind: str) -> float:
    if kind != "FINITE":
        return _NON_FINITE[kind]
    if value is None:
        raise ValueError("the Optuna database has a FINITE value row whose value is NULL")
    return float(value)


def read_database(url: str) -> list[OptunaStudy]:
    """Every study of the Optuna database at ``url``, in study id order."""
    engine = sqlalchemy.create_engine(parse_url(url))
    try:
        meta = sqlalchemy.MetaData()
        meta.reflect(bind=engine, only=_TABLES)
        for table, column in (("trial_values", "value_type"), ("trial_intermediate_values", "intermediate_value_type")):
            if column not in meta.tables[table].c:
                raise ValueError(
                    f"the Optuna database {url!r} has a schema older than Optuna 3.0 (no {table}.{column}); "
                    f"upgrade it with `optuna storage upgrade --storage URL` first"
                )
        for table, column in _FLOAT_COLUMNS:
            # Read as Python floats: MySQL's DOUBLE reflects as a type giving rounded Decimals.
            meta.tables[table].c[column].type = sqlalchemy.Double()
        with engine.connect() as conn:
            rows = {name: conn.execute(sqlalchemy.select(meta.tables[name])).mappings().all() for name in _TABLES}
    finally:
        engine.dispose()
    return _assemble(rows)


def _attrs(rows: Any, owner: str) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = collections.defaultdict(dict)
    for row in rows:
        out[row[owner]][row["key"]] = json.loads(row["value_json"])
    return out


def _assemble(rows: dict[str, Any]) -> list[OptunaStudy]:
    directions: dict[int, dict[int, Any]] = collections.defaultdict(dict)
    for row in rows["study_directions"]:
        directions[row["study_id"]][row["objective"]] = DIRECTIONS_BY_NAME[row["direction"]]
    study_user = _attrs(rows["study_user_attributes"], "study_id")
    study_system = _attrs(rows["study_system_attributes"], "study_id")
    trial_user = _attrs(rows["trial_user_attributes"], "trial_id")
    trial_system = _attrs(rows["trial_system_attributes"], "trial_id")
    params: dict[int, dict[str, float]] = collections.defaultdict(dict)
    dists: dict[int, dict[str, Any]] = collections.defaultdict(dict)
    for row in sorted(rows["trial_params"], key=lambda r: r["param_id"]):
        params[row["trial_id"]][row["param_name"]] = float(row["param_value"])
        dists[row["trial_id"]][row["param_name"]] = distribution(row["distribution_json"])
    values: dict[int, dict[int, float]] = collections.defaultdict(dict)
    for row in rows["trial_values"]:
        values[row["trial_id"]][row["objective"]] = _value(row["value"], row["value_type"])
    intermediate: dict[int, dict[int, float]] = collections.defaultdict(dict)
    for row in rows["trial_intermediate_values"]:
        intermediate[row["trial_id"]][row["step"]] = _value(row["intermediate_value"], row["intermediate_value_type"])
    trials: dict[int, list[FrozenTrial]] = collections.defaultdict(list)
    for row in sorted(rows["trials"], key=lambda r: (r["study_id"], r["number"], r["trial_id"])):
        trial_id = row["trial_id"]
        by_objective = values.get(trial_id)
        trials[row["study_id"]].append(
            FrozenTrial(
                number=row["number"],
                state=TrialState[row["state"]],
                value=None,
                values=[by_objective[k] for k in sorted(by_objective)] if by_objective else None,
                datetime_start=row["datetime_start"],
                datetime_complete=row["datetime_complete"],
                params=external_params(params.get(trial_id, {}), dists.get(trial_id, {})),
                distributions=dists.get(trial_id, {}),
                user_attrs=trial_user.get(trial_id, {}),
                system_attrs=system_attrs(trial_system.get(trial_id, {})),
                intermediate_values=dict(sorted(intermediate.get(trial_id, {}).items())),
                trial_id=trial_id,
            )
        )
    return [
        OptunaStudy(
            name=row["study_name"],
            directions=[directions[row["study_id"]][k] for k in sorted(directions[row["study_id"]])],
            user_attrs=study_user.get(row["study_id"], {}),
            system_attrs=study_system.get(row["study_id"], {}),
            trials=trials.get(row["study_id"], []),
        )
        for row in sorted(rows["studies"], key=lambda r: r["study_id"])
    ]
