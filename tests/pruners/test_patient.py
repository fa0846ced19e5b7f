"""PatientPruner: prune only trials that stopped improving, if the wrapped pruner agrees."""

from __future__ import annotations

import math

import pytest

from albacore.pruners import MedianPruner, PatientPruner
from albacore.testing.pruners import DeterministicPruner


@pytest.mark.parametrize(("direction", "sign"), [("minimize", 1.0), ("maximize", -1.0)])
def test_prunes_after_patience_steps_without_improvement(make_study, pruned_steps, direction, sign):
    study = make_study(direction, PatientPruner(None, patience=2))
    curve = [sign * v for v in (5.0, 4.0, 4.5, 4.2, 3.0, 3.5, 3.5)]
    # Best 4.0 at step 1; steps 2 and 3 do not beat it -> pruned at 3; 3.0 at step 4 resets.
    assert pruned_steps(study, curve) == [3, 6]


def test_min_delta_is_the_smallest_improvement(make_study, pruned_steps):
    study = make_study("minimize", PatientPruner(None, patience=1, min_delta=0.5))
    assert pruned_steps(study, [5.0, 4.8, 4.0, 3.7]) == [1, 3]


def test_the_wrapped_pruner_has_the_last_word(make_study, pruned_steps):
    never = make_study("minimize", PatientPruner(DeterministicPruner(False), patience=1))
    assert pruned_steps(never, [1.0, 2.0, 3.0]) == []
    median = make_study("minimize", PatientPruner(MedianPruner(n_startup_trials=0), patience=1), [[2.0] * 4])
    # Stale from step 1 on, but only worse than the median (2.0) from step 2 on.
    assert pruned_steps(median, [1.0, 1.5, 3.0, 3.0]) == []  # best so far 1.0 beats the median
    assert pruned_steps(median, [3.0, 3.0, 3.0]) == [1, 2]


def test_nan_values_are_skipped(make_study, pruned_steps):
    study = make_study("minimize", PatientPruner(None, patience=1))
    assert pruned_steps(study, [2.0, math.nan, 1.0, math.nan, 1.5]) == [4]


def test_patience_zero_defers_to_the_wrapped_pruner_at_once(make_study, pruned_steps):
    study = make_study("minimize", PatientPruner(DeterministicPruner(True), patience=0))
    assert pruned_steps(study, [1.0, 0.5]) == [0, 1]


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
