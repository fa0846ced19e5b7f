"""ThresholdPruner: absolute bounds, NaN, warmup and interval."""

from __future__ import annotations

import math

import pytest

from albacore.pruners import ThresholdPruner


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_values_outside_the_bounds_are_pruned_whatever_the_direction(make_study, pruned_steps, direction):
    study = make_study(direction, ThresholdPruner(lower=0.0, upper=1.0))
    assert pruned_steps(study, [0.5, 0.0, 1.0, 1.5, -0.5, 0.7]) == [3, 4]


def test_only_an_upper_bound(make_study, pruned_steps):
    study = make_study("minimize", ThresholdPruner(upper=10.0))
    assert pruned_steps(study, [-1e9, 10.0, 10.5]) == [2]


def test_nan_is_pruned(make_study, pruned_steps):
    study = make_study("minimize", ThresholdPruner(lower=-1.0))
    assert pruned_steps(study, [0.0, math.nan, 0.0]) == [1]


def test_warmup_and_interval_are_honoured(make_study, pruned_steps):
    study = make_study("minimize", ThresholdPruner(upper=1.0, n_warmup_steps=2, interval_steps=3))
    assert pruned_steps(study, [5.0] * 9) == [2, 5, 8]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, TypeError, r"ThresholdPruner: give lower, upper or both, got lower=None and upper=None"),
        ({"lower": 2.0, "upper": 1.0}, ValueError, r"ThresholdPruner: lower must be <= upper, got lower=2.0 and "
                                                   r"upper=1.0"),
        ({"lower": math.nan}, ValueError, r"ThresholdPruner: lower must not be NaN, got lower=nan"),
        ({"upper": "1"}, TypeError, r"ThresholdPruner: upper must be a number, None or a sequence of them, got "
                                    r"upper='1'"),
        ({"upper": [1.0, True]}, TypeError, r"ThresholdPruner: upper must be a number, None or a sequence of them, got "
                                            r"upper=True"),
        ({"upper": 1.0, "n_warmup_steps": -1}, ValueError, r"ThresholdPruner: n_warmup_steps must be >= 0, got "
                                                           r"n_warmup_steps=-1"),
        ({"upper": 1.0, "interval_steps": 0}, ValueError, r"ThresholdPruner: interval_steps must be >= 1, got "
                                                          r"interval_steps=0"),
    ],
)
def test_argument_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        ThresholdPruner(**kwargs)
