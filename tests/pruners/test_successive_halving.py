"""SuccessiveHalvingPruner (ASHA): rungs decided from what the storage holds."""

from __future__ import annotations

import math

import pytest

import albacore
from albacore.pruners import SuccessiveHalvingPruner
from albacore.trial import TrialState

RUNG = "asha:completed_rung_"


def halving(**kwargs) -> SuccessiveHalvingPruner:
    """Rungs at steps 1, 2, 4, 8 (min_resource=1, reduction_factor=2) unless overridden."""
    return SuccessiveHalvingPruner(**{"min_resource": 1, "reduction_factor": 2, **kwargs})


@pytest.mark.parametrize(("direction", "sign"), [("minimize", 1.0), ("maximize", -1.0)])
def test_trials_worse_than_the_rung_top_fraction_are_pruned_at_the_rung(
    make_study, first_pruned_step, direction, sign
):
    study = make_study(direction, halving())
    # Alone in every rung, the first trial is promoted all the way.
    assert first_pruned_step(study, [sign * 1.0] * 9) is None
    # Step 0 is before the first rung; at rung 0 (step 1) it is behind the first trial.
    assert first_pruned_step(study, [sign * 0.5, sign * 2.0, sign * 0.0]) == 1
    # Better than both at rung 0, worse than the best at rung 1 (step 2) of 2 trials.
    assert first_pruned_step(study, [sign * 0.0, sign * 0.5, sign * 3.0]) == 2
    # Rung 0 now holds 1.0, 2.0, 0.5 and 0.7: the top max(1, 4 // 2) = 2 are promoted.
    assert first_pruned_step(study, [sign * 0.0, sign * 0.7, sign * 0.7]) is None


@pytest.mark.parametrize(("direction", "sign"), [("minimize", 1.0), ("maximize", -1.0)])
def test_a_tie_counts_half_of_the_tied_trials_as_ahead(make_study, first_pruned_step, direction, sign):
    # Rung 0 (step 1), one promotion while it holds fewer than 4 trials: a trial tied with
    # the best ranks 0.5 and goes on; tied with two, it ranks 1.0 and is pruned.
    study = make_study(direction, halving())
    assert first_pruned_step(study, [sign * 1.0] * 9) is None
    assert first_pruned_step(study, [sign * 9.0, sign * 1.0, sign * 1.0]) is None
    assert first_pruned_step(study, [sign * 9.0, sign * 1.0]) == 1
    # Four in the rung, two promotions: three ties ahead count 1.5 < 2.
    assert first_pruned_step(study, [sign * 9.0, sign * 1.0, sign * 0.0]) is None


def test_rung_values_are_stored_as_trial_system_attrs(make_study):
    study = make_study("minimize", halving())
    trial = study.ask()
    for step, value in enumerate([3.0, 2.0, 1.5, 1.2, 1.0]):
        trial.report(value, step)
        assert not trial.should_prune()
    attrs = study.trials[0].system_attrs
    assert {k: v for k, v in attrs.items() if k.startswith(RUNG)} == {
        f"{RUNG}0": 2.0,
        f"{RUNG}1": 1.5,
        f"{RUNG}2": 1.0,
    }


def test_a_trial_jumping_over_rungs_is_checked_at_each_of_them(make_study):
    study = make_study("minimize", halving())
    leader = study.ask()
    for step in (1, 2, 4):
        leader.report(1.0, step)
        assert not leader.should_prune()
    late = study.ask()
    late.report(0.5, 0)
    late.report(0.9, 4)  # reaches rungs 0, 1 and 2 at once, best in each
    assert not late.should_prune()
    assert {f"{RUNG}{k}" for k in range(3)} <= set(study.trials[1].system_attrs)


def test_min_early_stopping_rate_moves_the_first_rung(make_study, first_pruned_step):
    study = make_study("minimize", halving(min_early_stopping_rate=2))
    assert first_pruned_step(study, [1.0] * 5) is None
    assert first_pruned_step(study, [9.0] * 5) == 4  # first rung at 1 * 2 ** 2


def test_bootstrap_count_prunes_until_the_rung_is_full(make_study, first_pruned_step):
    study = make_study("minimize", halving(bootstrap_count=3))
    assert first_pruned_step(study, [1.0, 1.0]) == 1
    assert first_pruned_step(study, [0.5, 0.5]) == 1
    # Third in rung 0 and the best there; alone in rung 1 (step 2), so pruned there.
    assert first_pruned_step(study, [0.1, 0.1, 0.1]) == 2


def test_running_trials_of_other_workers_compete(make_study):
    storage = albacore.storages.InMemoryStorage()
    first = albacore.create_study(storage=storage, study_name="asha-workers", pruner=halving())
    second = albacore.load_study(study_name="asha-workers", storage=storage, pruner=halving())
    a, b = first.ask(), second.ask()
    a.report(1.0, 1)
    assert not a.should_prune()
    b.report(2.0, 1)  # another handle, still running trial a is in the rung
    assert b.should_prune()


def test_nan_at_a_rung_is_pruned_and_stored_as_none(make_study):
    study = make_study("maximize", halving())
    trial = study.ask()
    trial.report(math.nan, 1)
    assert trial.should_prune()
    assert study.trials[0].system_attrs[f"{RUNG}0"] is None


def test_auto_min_resource_waits_for_a_completed_trial(make_study, pruned_steps, first_pruned_step):
    study = make_study("minimize", SuccessiveHalvingPruner(reduction_factor=2))
    assert pruned_steps(study, [1.0] * 3) == []
    assert pruned_steps(study, [math.nan] * 3) == []  # nothing completed yet: no rungs
    assert "asha:min_resource" not in study.system_attrs
    study.add_trial(albacore.trial.create_trial(value=1.0, intermediate_values={0: 1.0, 399: 1.0}))
    # min_resource = max(1, 399 // 100) = 3: rung 0 at step 3.
    assert first_pruned_step(study, [1.0] * 5) is None
    assert first_pruned_step(study, [9.0] * 5) == 3
    assert study.system_attrs["asha:min_resource"] == 3


def test_pruned_trials_keep_their_last_intermediate_value():
    study = albacore.create_study(pruner=halving())

    def objective(trial: albacore.Trial) -> float:
        for step in range(5):
            trial.report(float(trial.number * 10 + step), step)
            if trial.should_prune():
                raise albacore.TrialPruned()
        return 4.0

    study.optimize(objective, n_trials=2)
    assert study.trials[1].state == TrialState.PRUNED
    assert study.trials[1].value == 11.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_resource": 0}, r"SuccessiveHalvingPruner: min_resource must be >= 1, got min_resource=0"),
        ({"min_resource": "fast"}, r"SuccessiveHalvingPruner: min_resource must be an int, got min_resource='fast'"),
        ({"reduction_factor": 1}, r"SuccessiveHalvingPruner: reduction_factor must be >= 2, got reduction_factor=1"),
        (
            {"min_early_stopping_rate": -1},
            r"SuccessiveHalvingPruner: min_early_stopping_rate must be >= 0, got min_early_stopping_rate=-1",
        ),
        ({"min_resource": 1, "bootstrap_count": -1}, r"bootstrap_count must be >= 0, got bootstrap_count=-1"),
        ({"bootstrap_count": 2}, r"bootstrap_count > 0 needs an explicit min_resource, got bootstrap_count=2"),
    ],
)
def test_argument_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SuccessiveHalvingPruner(**kwargs)
