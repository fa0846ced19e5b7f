"""MedianPruner and PercentilePruner on studies with known learning curves."""

from __future__ import annotations

import math

import pytest

import albacore
from albacore.pruners import MedianPruner, PercentilePruner
from albacore.trial import TrialState

# Three completed trials: the median at every step is 2.0.
FLAT = [[1.0] * 6, [2.0] * 6, [3.0] * 6]


@pytest.mark.parametrize(
    ("direction", "bad", "good"), [("minimize", 2.5, 1.5), ("maximize", 1.5, 2.5)]
)
def test_median_prunes_worse_than_median_in_both_directions(make_study, pruned_steps, direction, bad, good):
    study = make_study(direction, MedianPruner(n_startup_trials=3), FLAT)
    assert pruned_steps(study, [bad]) == [0]
    assert pruned_steps(study, [good]) == []
    assert pruned_steps(study, [2.0]) == []  # equal to the median: kept


def test_median_compares_with_completed_trials_only(make_study, pruned_steps):
    study = make_study("minimize", MedianPruner(n_startup_trials=0), FLAT)
    for value in (10.0, 10.0, 10.0):  # pruned trials with bad values would pull the median up
        trial = study.ask()
        trial.report(value, 0)
        study.tell(trial, state=TrialState.PRUNED)
    assert pruned_steps(study, [2.5]) == [0]


def test_median_uses_the_best_value_so_far(make_study, pruned_steps):
    study = make_study("minimize", MedianPruner(n_startup_trials=3), FLAT)
    # Good at step 0, worse than the median afterwards: its best so far stays 1.0.
    assert pruned_steps(study, [1.0, 2.5, 2.5]) == []
    assert pruned_steps(study, [2.5, 2.5, 1.0]) == [0, 1]


def test_median_waits_for_n_startup_trials(make_study, pruned_steps):
    study = make_study("minimize", MedianPruner(n_startup_trials=4), FLAT)
    assert pruned_steps(study, [5.0, 5.0]) == []
    study.add_trial(albacore.trial.create_trial(value=2.0, intermediate_values={0: 2.0, 1: 2.0}))
    assert pruned_steps(study, [5.0, 5.0]) == [0, 1]


def test_median_honours_warmup_steps(make_study, pruned_steps):
    study = make_study("maximize", MedianPruner(n_startup_trials=0, n_warmup_steps=3), FLAT)
    assert pruned_steps(study, [0.0] * 6) == [3, 4, 5]


def test_median_honours_interval_steps_offset_by_warmup(make_study, pruned_steps):
    study = make_study("minimize", MedianPruner(n_startup_trials=0, n_warmup_steps=1, interval_steps=2), FLAT)
    assert pruned_steps(study, [9.0] * 6) == [1, 3, 5]


def test_a_skipped_check_step_is_checked_at_the_next_report(make_study, pruned_steps):
    study = make_study("minimize", MedianPruner(n_startup_trials=0, interval_steps=3), FLAT)
    # Checks at 0, 3; step 3 is not reported, so the check happens at step 4; not at 5.
    assert pruned_steps(study, {0: 9.0, 2: 9.0, 4: 9.0, 5: 9.0}) == [0, 4]


def test_median_needs_n_min_trials_values_at_the_step(make_study, pruned_steps):
    curves = [[1.0, 1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]
    study = make_study("minimize", MedianPruner(n_startup_trials=0, n_min_trials=2), curves)
    # Step 2 has a value in one completed trial only: no comparison there.
    assert pruned_steps(study, [9.0, 9.0, 9.0]) == [0, 1]


def test_nan_values_of_other_trials_are_ignored(make_study, pruned_steps):
    curves = [[1.0, math.nan], [2.0, math.nan], [3.0, 3.0]]
    study = make_study("minimize", MedianPruner(n_startup_trials=0), curves)
    # At step 1 only 3.0 counts: 2.5 is better than it.
    assert pruned_steps(study, {1: 2.5}) == []
    assert pruned_steps(study, {1: 3.5}) == [1]


def test_a_trial_reporting_only_nan_is_pruned(make_study, pruned_steps):
    study = make_study("minimize", MedianPruner(n_startup_trials=0), FLAT)
    assert pruned_steps(study, [math.nan, 1.0]) == [0]
    assert pruned_steps(study, [1.0, math.nan]) == []


@pytest.mark.parametrize(
    ("direction", "pruned", "kept"), [("minimize", 2.5, 1.5), ("maximize", 3.5, 4.5)]
)
def test_percentile_threshold_follows_the_direction(make_study, pruned_steps, direction, pruned, kept):
    curves = [[v] for v in (1.0, 2.0, 3.0, 4.0, 5.0)]  # 25th percentile 2.0, 75th 4.0
    study = make_study(direction, PercentilePruner(25.0, n_startup_trials=5), curves)
    assert pruned_steps(study, [pruned]) == [0]
    assert pruned_steps(study, [kept]) == []


def test_pruned_trials_keep_their_last_intermediate_value():
    study = albacore.create_study(pruner=MedianPruner(n_startup_trials=2))

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0) if trial.number else 0.0
        base = 0.0 if trial.number < 2 else 5.0 + trial.number
        for step in range(4):
            trial.report(base + step, step)
            if trial.should_prune():
                raise albacore.TrialPruned()
        return base + 3 + x * 0

    study.optimize(objective, n_trials=4)
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.PRUNED, TrialState.PRUNED]
    assert [t.value for t in study.trials[2:]] == [7.0, 8.0]


def test_median_is_the_default_pruner():
    assert isinstance(albacore.create_study().pruner, MedianPruner)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_startup_trials": -1}, r"MedianPruner: n_startup_trials must be >= 0, got n_startup_trials=-1"),
        ({"n_warmup_steps": -2}, r"MedianPruner: n_warmup_steps must be >= 0, got n_warmup_steps=-2"),
        ({"interval_steps": 0}, r"MedianPruner: interval_steps must be >= 1, got interval_steps=0"),
        ({"n_min_trials": 0}, r"MedianPruner: n_min_trials must be >= 1, got n_min_trials=0"),
        ({"n_warmup_steps": 1.5}, r"MedianPruner: n_warmup_steps must be an int, got n_warmup_steps=1.5"),
    ],
)
def test_median_argument_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MedianPruner(**kwargs)


@pytest.mark.parametrize("percentile", [-1.0, 100.5, math.nan])
def test_percentile_must_be_within_0_and_100(percentile):
    with pytest.raises(ValueError, match=r"PercentilePruner: percentile must be .*got percentile="):
        PercentilePruner(percentile)


@pytest.mark.parametrize("percentile", ["50", None, True])
def test_percentile_must_be_a_number(percentile):
    with pytest.raises(TypeError, match=r"PercentilePruner: percentile must be a number, got percentile="):
        PercentilePruner(percentile)
