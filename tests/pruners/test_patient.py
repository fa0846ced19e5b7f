"""PatientPruner: prune only trials that stopped improving, if the wrapped pruner agrees."""

from __future__ import annotations

import math

import pytest

from albacore.pruners import MedianPruner, PatientPruner
from albacore.testing.pruners import DeterministicPruner


@pytest.mark.parametrize(("direction", "sign"), [("minimize", 1.0), ("maximize", -1.0)])
def test_prunes_when_the_window_is_worse_than_the_earlier_best(make_study, pruned_steps, direction, sign):
    study = make_study(direction, PatientPruner(None, patience=2))
    curve = [sign * v for v in (5.0, 4.0, 4.5, 4.2, 4.6, 3.0, 3.5)]
    # The window is the last 3 steps. At step 4 its best (4.2) is worse than the earlier best
    # (4.0); from step 5 on the window holds 3.0.
    assert pruned_steps(study, curve) == [4]


def test_a_tie_with_the_earlier_best_is_not_a_worsening(make_study, pruned_steps):
    assert pruned_steps(make_study("minimize", PatientPruner(None, patience=1)), [2.0, 1.0, 1.5, 1.0, 1.2]) == []
    assert pruned_steps(make_study("minimize", PatientPruner(None, patience=1)), [2.0, 1.0, 1.5, 1.6]) == [3]


def test_min_delta_is_the_worsening_tolerated(make_study, pruned_steps):
    study = make_study("minimize", PatientPruner(None, patience=1, min_delta=0.5))
    # Earlier best 1.0: windows starting at 1.2 and 1.4 are within 0.5 of it, 1.6 is not.
    assert pruned_steps(study, [1.0, 1.2, 1.4, 1.6, 1.8]) == [4]


def test_the_wrapped_pruner_has_the_last_word(make_study, pruned_steps):
    never = make_study("minimize", PatientPruner(DeterministicPruner(False), patience=1))
    assert pruned_steps(never, [1.0, 2.0, 3.0]) == []
    median = make_study("minimize", PatientPruner(MedianPruner(n_startup_trials=0), patience=1), [[2.0] * 4])
    # Stalled from step 2 on, but the best so far (1.0) beats the median (2.0).
    assert pruned_steps(median, [1.0, 1.5, 3.0, 3.0]) == []
    # Stalled at step 3 only (at step 2 the window's 3.0 ties the earlier best), worse than the median.
    assert pruned_steps(median, [3.0, 3.0, 3.5, 3.5]) == [3]


def test_nan_values_are_skipped_and_an_all_nan_window_keeps_the_trial(make_study, pruned_steps):
    study = make_study("minimize", PatientPruner(None, patience=1))
    assert pruned_steps(study, [2.0, math.nan, 1.0, math.nan, 1.5]) == [4]
    # Pruned at step 2 (window 2.0, nan); at step 3 the window holds only NaN.
    assert pruned_steps(study, [1.0, 2.0, math.nan, math.nan]) == [2]


def test_patience_zero_compares_the_last_step_with_the_earlier_best(make_study, pruned_steps):
    study = make_study("minimize", PatientPruner(DeterministicPruner(True), patience=0))
    assert pruned_steps(study, [1.0, 0.5, 0.7]) == [2]


def test_a_trial_with_at_most_patience_plus_one_steps_is_kept(make_study, pruned_steps):
    study = make_study("minimize", PatientPruner(None, patience=3))
    assert pruned_steps(study, [1.0, 2.0, 3.0, 4.0]) == []
    assert pruned_steps(study, [1.0, 2.0, 3.0, 4.0, 5.0]) == [4]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((None, -1), r"PatientPruner: patience must be >= 0, got patience=-1"),
        ((None, 1, -0.1), r"PatientPruner: min_delta must be >= 0.0, got min_delta=-0.1"),
        (("median", 1), r"PatientPruner: wrapped_pruner must be a BasePruner or None, got wrapped_pruner='median'"),
    ],
)
def test_argument_validation(args, message):
    with pytest.raises(ValueError, match=message):
        PatientPruner(*args)
