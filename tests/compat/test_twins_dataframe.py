"""Behavioural twins: ``Study.trials_dataframe`` gives the same rows, columns, dtypes and cells
in Optuna and albacore, for the same trials (added with fixed times, so every cell is
reproducible): failed, pruned, running and waiting trials, conditional parameters,
user attributes, intermediate values, several objectives and their metric names."""

from __future__ import annotations

import datetime
import math
from typing import Any

import optuna
import pytest

import albacore

pd = pytest.importorskip("pandas")

START = datetime.datetime(2026, 1, 2, 3, 4, 5)


def _add(m: Any, study: Any, state: str, values: Any, params: dict[str, Any], **extra: Any) -> None:
    dists = {
        "x": m.distributions.FloatDistribution(0.0, 1.0),
        "n": m.distributions.IntDistribution(1, 9),
        "c": m.distributions.CategoricalDistribution(["a", "b", None]),
    }
    number = len(study.trials)
    finished = state in ("COMPLETE", "FAIL", "PRUNED")
    study.add_trial(
        m.trial.FrozenTrial(
            number=number,
            state=getattr(m.trial.TrialState, state),
            value=None,
            values=values,
            datetime_start=None if state == "WAITING" else START + datetime.timedelta(minutes=number),
            datetime_complete=START + datetime.timedelta(minutes=number, seconds=30) if finished else None,
            params=params,
            distributions={k: dists[k] for k in params},
            user_attrs=extra.get("user_attrs", {}),
            system_attrs={},
            intermediate_values=extra.get("intermediate_values", {}),
            trial_id=number,
        )
    )


def _single(m: Any) -> Any:
    study = m.create_study(direction="maximize")
    _add(m, study, "COMPLETE", [1.5], {"x": 0.5, "n": 3}, user_attrs={"tag": "first", "score": 2})
    _add(m, study, "FAIL", None, {"x": 0.25})
    _add(m, study, "PRUNED", [0.5], {"x": 0.75, "c": "b"}, intermediate_values={0: 0.1, 3: 0.5})
    _add(m, study, "RUNNING", None, {"c": None}, user_attrs={"tag": "running"})
    _add(m, study, "WAITING", None, {})
    _add(m, study, "COMPLETE", [-math.inf], {"n": 9, "c": "a"}, intermediate_values={1: math.nan})
    return study


def _multi(m: Any, names: bool) -> Any:
    study = m.create_study(directions=["minimize", "maximize"])
    if names:
        study.set_metric_names(["loss", "accuracy"])
    _add(m, study, "COMPLETE", [0.3, 0.9], {"x": 0.1})
    _add(m, study, "FAIL", None, {"x": 0.2}, user_attrs={"why": "oom"})
    _add(m, study, "COMPLETE", [0.2, 0.8], {"x": 0.3, "n": 2})
    _add(m, study, "RUNNING", None, {})
    return study


def _empty(m: Any) -> Any:
    return m.create_study()


def _constrained(m: Any) -> Any:
    study = m.create_study()
    study.add_trial(m.trial.create_trial(value=1.0, constraints={"memory": 0.5, "latency": -1.0}))
    study.add_trial(m.trial.create_trial(value=2.0))
    study.add_trial(m.trial.create_trial(state=m.trial.TrialState.FAIL, constraints={"memory": 2.0}))
    return study


STUDIES = {
    "single objective": _single,
    "two objectives": lambda m: _multi(m, names=False),
    "two named objectives": lambda m: _multi(m, names=True),
    "empty": _empty,
    "constrained": _constrained,
}
ATTRS: dict[str, tuple[str, ...] | None] = {
    "default": None,
    "number and value": ("number", "value"),
    "values": ("number", "values"),
    "intermediate values": ("number", "intermediate_values"),
    "everything": ("number", "value", "values", "datetime_start", "datetime_complete", "duration", "params",
                   "user_attrs", "system_attrs", "intermediate_values", "state"),
    "other attributes": ("number", "_trial_id", "last_step", "constraints"),
    "an unknown attribute": ("number", "colour"),
}
_CONSTRAINT_ATTRS = (
    "constraints are kept in one system attribute, 'constraints' (a dict), where Optuna keeps one "
    "'constraints:<key>' attribute per constraint, so the system_attrs columns differ; the "
    "'constraints' attribute (trial.constraints) gives Optuna's columns"
)
# (study, attrs) -> why albacore's frame differs on purpose (README, "Differences from Optuna").
DIFFERENT = {
    ("constrained", "default"): _CONSTRAINT_ATTRS,
    ("constrained", "everything"): _CONSTRAINT_ATTRS,
}


def _frame(m: Any, study_name: str, attrs_name: str, multi_index: bool) -> Any:
    m.logging.set_verbosity(m.logging.WARNING)
    study = STUDIES[study_name](m)
    attrs = ATTRS[attrs_name]
    kwargs: dict[str, Any] = {"multi_index": multi_index}
    if attrs is not None:
        kwargs["attrs"] = attrs
    try:
        return study.trials_dataframe(**kwargs)
    except Exception as exc:  # noqa: BLE001 - the class is what is compared
        return type(exc).__name__


def _cells(frame: Any) -> list[list[Any]]:
    def cell(v: Any) -> Any:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            return "<missing>"
        return v

    return [[cell(v) for v in row] for row in frame.astype(object).itertuples(index=False)]


@pytest.mark.parametrize("multi_index", [False, True])
@pytest.mark.parametrize("attrs_name", sorted(ATTRS))
@pytest.mark.parametrize("study_name", sorted(STUDIES))
def test_trials_dataframe_matches_optuna(study_name: str, attrs_name: str, multi_index: bool) -> None:
    expected = _frame(optuna, study_name, attrs_name, multi_index)
    actual = _frame(albacore, study_name, attrs_name, multi_index)
    if (study_name, attrs_name) in DIFFERENT:
        assert [c for c in actual.columns if "system_attrs" in str(c)] != [
            c for c in expected.columns if "system_attrs" in str(c)
        ], "the documented difference went away: drop it from DIFFERENT"
        actual = actual[[c for c in actual.columns if "system_attrs" not in str(c)]]
        expected = expected[[c for c in expected.columns if "system_attrs" not in str(c)]]
    if isinstance(expected, str) or isinstance(actual, str):
        assert actual == expected
        return
    if study_name == "constrained":  # create_trial stamps the current time
        actual = actual[[c for c in actual.columns if "datetime" not in str(c)]]
        expected = expected[[c for c in expected.columns if "datetime" not in str(c)]]
    assert list(actual.columns) == list(expected.columns)
    assert [str(t) for t in actual.dtypes] == [str(t) for t in expected.dtypes]
    assert list(actual.index) == list(expected.index)
    assert _cells(actual) == _cells(expected)
