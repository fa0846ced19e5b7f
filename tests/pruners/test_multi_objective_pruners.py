"""Pruning multi-objective studies: ParetoPruner, MO-ASHA rungs, per-objective thresholds."""

from __future__ import annotations

import math

import pytest

import albacore
from albacore.pruners import (
    HyperbandPruner,
    ParetoPruner,
    PatientPruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
)
from albacore.samplers import RandomSampler
from albacore.trial import TrialState


def _study(pruner, directions=("minimize", "minimize")) -> albacore.Study:
    return albacore.create_study(directions=list(directions), pruner=pruner, sampler=RandomSampler(seed=0))


def _finish(study, curve) -> None:
    """Add a COMPLETE trial that reported ``curve`` (one vector per step)."""
    trial = study.ask()
    for step, values in enumerate(curve):
        trial.report(values, step)
    study.tell(trial, list(curve[-1]))


def _running(study, curve):
    trial = study.ask()
    for step, values in enumerate(curve):
        trial.report(values, step)
    return trial


# --- ParetoPruner ---------------------------------------------------------------------------
def test_pareto_pruner_prunes_a_dominated_trial_and_keeps_pareto_ones() -> None:
    study = _study(ParetoPruner(n_startup_trials=2))
    _finish(study, [[1.0, 5.0]])
    _finish(study, [[5.0, 1.0]])
    assert _running(study, [[2.0, 6.0]]).should_prune() is True  # dominated by (1, 5)
    assert _running(study, [[2.0, 2.0]]).should_prune() is False  # on the front
    assert _running(study, [[1.0, 5.0]]).should_prune() is False  # equal is not dominated
    assert _running(study, [[0.5, 9.0]]).should_prune() is False  # best first objective


def test_pareto_pruner_follows_the_directions() -> None:
    study = _study(ParetoPruner(n_startup_trials=1), directions=("minimize", "maximize"))
    _finish(study, [[1.0, 5.0]])
    assert _running(study, [[2.0, 4.0]]).should_prune() is True
    assert _running(study, [[2.0, 6.0]]).should_prune() is False


def test_pareto_pruner_compares_the_same_step_only() -> None:
    study = _study(ParetoPruner(n_startup_trials=1))
    _finish(study, [[9.0, 9.0], [1.0, 1.0]])
    assert _running(study, [[5.0, 5.0]]).should_prune() is False  # beats (9, 9) at step 0
    assert _running(study, [[0.0, 0.0], [2.0, 2.0]]).should_prune() is True  # loses at step 1


def test_pareto_pruner_waits_for_startup_trials_and_warmup() -> None:
    study = _study(ParetoPruner(n_startup_trials=2, n_warmup_steps=1))
    _finish(study, [[1.0, 1.0], [1.0, 1.0]])
    assert _running(study, [[5.0, 5.0], [5.0, 5.0]]).should_prune() is False  # one completed trial
    _finish(study, [[1.0, 1.0], [1.0, 1.0]])
    assert _running(study, [[5.0, 5.0]]).should_prune() is False  # step 0 is in the warmup
    assert _running(study, [[5.0, 5.0], [5.0, 5.0]]).should_prune() is True


def test_pareto_pruner_prunes_nan_and_ignores_nan_of_others() -> None:
    study = _study(ParetoPruner(n_startup_trials=1))
    _finish(study, [[math.nan, 0.0], [1.0, 1.0]])
    assert _running(study, [[9.0, 9.0]]).should_prune() is False
    assert _running(study, [[1.0, math.nan]]).should_prune() is True


def test_pareto_pruner_in_a_single_objective_study_prunes_worse_than_the_best() -> None:
    study = albacore.create_study(pruner=ParetoPruner(n_startup_trials=1), sampler=RandomSampler(seed=0))
    trial = study.ask()
    trial.report(1.0, 0)
    study.tell(trial, 1.0)
    worse, better = study.ask(), study.ask()
    worse.report(2.0, 0)
    better.report(0.5, 0)
    assert worse.should_prune() is True and better.should_prune() is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_startup_trials": -1}, r"ParetoPruner: n_startup_trials must be >= 0, got n_startup_trials=-1"),
        ({"n_warmup_steps": -2}, r"ParetoPruner: n_warmup_steps must be >= 0, got n_warmup_steps=-2"),
        ({"interval_steps": 0}, r"ParetoPruner: interval_steps must be >= 1, got interval_steps=0"),
        ({"n_min_trials": 0}, r"ParetoPruner: n_min_trials must be >= 1, got n_min_trials=0"),
    ],
)
def test_pareto_pruner_rejects_bad_arguments(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        ParetoPruner(**kwargs)


# --- MO-ASHA --------------------------------------------------------------------------------
def test_successive_halving_promotes_by_non_dominated_rank_at_a_rung() -> None:
    # Rung 0 at step 1, rung 1 at step 2; reduction factor 2 promotes the top half.
    study = _study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    front = [[1.0, 4.0], [4.0, 1.0]]
    for values in front:  # two Pareto-optimal trials enter rung 0 first
        trial = _running(study, [[9.0, 9.0], values])
        assert trial.should_prune() is False
        study.tell(trial, values)
    dominated = _running(study, [[9.0, 9.0], [5.0, 5.0]])
    assert dominated.should_prune() is True  # rank 1 of 3: not in the top max(1, 3 // 2)
    assert study.trials[-1].system_attrs["asha:completed_rung_0"] == [5.0, 5.0]
    new_front = _running(study, [[9.0, 9.0], [0.5, 0.5]])
    assert new_front.should_prune() is False  # dominates every other: rank 0 alone


def test_successive_halving_breaks_ties_in_a_front_by_hypervolume_contribution() -> None:
    study = _study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=3))
    for values in ([0.0, 10.0], [10.0, 0.0]):
        trial = _running(study, [[9.0, 9.0], values])
        trial.should_prune()
        study.tell(trial, values)
    # Three points on one front; top max(1, 3 // 3) = 1: the knee (big contribution) goes on,
    # a point hugging an extreme (tiny contribution) does not.
    assert _running(study, [[9.0, 9.0], [2.0, 2.0]]).should_prune() is False
    study2 = _study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=3))
    for values in ([0.0, 10.0], [10.0, 0.0]):
        trial = _running(study2, [[9.0, 9.0], values])
        trial.should_prune()
        study2.tell(trial, values)
    assert _running(study2, [[9.0, 9.0], [0.1, 9.9]]).should_prune() is True


def test_successive_halving_does_not_promote_a_nan_vector() -> None:
    study = _study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    assert _running(study, [[9.0, 9.0], [math.nan, 1.0]]).should_prune() is True


def test_hyperband_runs_a_multi_objective_study() -> None:
    study = _study(HyperbandPruner(min_resource=1, max_resource=8, reduction_factor=2))

    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(9):
            values = [x + 1.0 / (step + 1), (1 - x) + 1.0 / (step + 1) + 0.5 * abs(x - 0.5)]
            trial.report(values, step)
            if trial.should_prune():
                raise albacore.TrialPruned()
        return values

    study.optimize(objective, n_trials=30)
    states = {t.state for t in study.trials}
    assert states == {TrialState.COMPLETE, TrialState.PRUNED}


# --- ThresholdPruner per objective ------------------------------------------------------------
def test_threshold_pruner_checks_each_objective_with_its_own_bounds() -> None:
    study = _study(ThresholdPruner(lower=[None, 0.0], upper=[1.0, None]))
    assert _running(study, [[0.5, 100.0]]).should_prune() is False
    assert _running(study, [[1.5, 100.0]]).should_prune() is True
    assert _running(study, [[0.5, -1.0]]).should_prune() is True
    assert _running(study, [[math.nan, 1.0]]).should_prune() is True


def test_threshold_pruner_scalar_bounds_apply_to_every_objective() -> None:
    study = _study(ThresholdPruner(upper=1.0))
    assert _running(study, [[0.5, 0.9]]).should_prune() is False
    assert _running(study, [[0.5, 1.1]]).should_prune() is True


def test_threshold_pruner_rejects_bounds_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match=r"ThresholdPruner: lower and upper must have the same length, got 2 and 3"):
        ThresholdPruner(lower=[0.0, 0.0], upper=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"ThresholdPruner: lower must be <= upper"):
        ThresholdPruner(lower=[0.0, 2.0], upper=[1.0, 1.0])
    with pytest.raises(ValueError, match=r"ThresholdPruner: upper must not be an empty sequence"):
        ThresholdPruner(upper=[])
    trial = _running(_study(ThresholdPruner(upper=[1.0, 1.0, 1.0])), [[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"ThresholdPruner: the bounds hold 3 values but the study has 2 objectives"):
        trial.should_prune()


def test_pruners_without_support_raise_naming_the_class() -> None:
    trial = _running(_study(PatientPruner(None, patience=1)), [[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"should_prune: PatientPruner does not support multi-objective studies"):
        trial.should_prune()
