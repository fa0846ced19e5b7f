"""study.trials_dataframe (pandas)."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

import albacore
from albacore.distributions import FloatDistribution
from albacore.samplers import RandomSampler
from albacore.trial import TrialState, create_trial


def _single_study() -> albacore.Study:
    study = albacore.create_study(sampler=RandomSampler(seed=0))

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("double", 2 * x)
        trial.report(x, 0)
        if trial.number == 2:
            raise albacore.TrialPruned()
        return x

    study.optimize(objective, n_trials=3)
    return study


def test_flat_columns_by_default() -> None:
    study = _single_study()
    df = study.trials_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 3
    assert list(df.columns) == [
        "number", "value", "datetime_start", "datetime_complete", "duration", "params_x", "user_attrs_double", "state",
    ]
    trials = study.trials
    assert df["number"].tolist() == [0, 1, 2]
    assert df["params_x"].tolist() == [t.params["x"] for t in trials]
    assert df["value"].tolist()[:2] == [t.value for t in trials[:2]]
    assert df["state"].tolist() == ["COMPLETE", "COMPLETE", "PRUNED"]
    assert df["user_attrs_double"].tolist() == [t.user_attrs["double"] for t in trials]
    assert isinstance(df["duration"][0], (datetime.timedelta, pd.Timedelta))


def test_multi_index_columns() -> None:
    df = _single_study().trials_dataframe(multi_index=True)
    assert isinstance(df.columns, pd.MultiIndex)
    assert ("params", "x") in df.columns and ("number", "") in df.columns and ("value", "") in df.columns
    assert df[("params", "x")].between(0, 1).all()


def test_selected_attrs_and_intermediate_values() -> None:
    df = _single_study().trials_dataframe(attrs=("number", "intermediate_values", "state"))
    assert list(df.columns) == ["number", "intermediate_values_0", "state"]


def test_unknown_attr_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"trials_dataframe: FrozenTrial has no attribute 'colour', got attrs="):
        _single_study().trials_dataframe(attrs=("number", "colour"))


def test_any_frozen_trial_attribute_is_a_column_and_dicts_expand_sorted() -> None:
    study = albacore.create_study()
    study.add_trial(create_trial(value=1.0, user_attrs={"b": 1, "a": 2}, constraints={"c": 0.5}))
    df = study.trials_dataframe(attrs=("_trial_id", "last_step", "user_attrs", "constraints"))
    assert list(df.columns) == ["trial_id", "last_step", "user_attrs_a", "user_attrs_b", "constraints_c"]
    assert df["constraints_c"].tolist() == [0.5]


def test_multi_objective_values_columns_use_metric_names_when_set() -> None:
    study = albacore.create_study(directions=["minimize", "maximize"])
    study.add_trial(create_trial(values=[1.0, 2.0], params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)}))
    study.add_trial(create_trial(state=TrialState.FAIL))
    df = study.trials_dataframe(attrs=("number", "values", "params"))
    assert list(df.columns) == ["number", "values_0", "values_1", "params_x"]
    assert df["values_1"].tolist()[0] == 2.0 and pd.isna(df["values_1"].tolist()[1])
    study.set_metric_names(["loss", "acc"])
    named = study.trials_dataframe(attrs=("number", "values"), multi_index=True)
    assert ("values", "loss") in named.columns and ("values", "acc") in named.columns


def test_empty_study_gives_an_empty_frame() -> None:
    df = albacore.create_study().trials_dataframe()
    assert isinstance(df, pd.DataFrame) and len(df) == 0
