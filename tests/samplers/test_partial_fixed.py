"""PartialFixedSampler: fixed parameters pinned, the rest from the base sampler."""

from __future__ import annotations

import warnings

import pytest
from _kinds import KIND_PARAMS, all_kinds_objective, check_value

import albacore
from albacore.samplers import NSGAIISampler, PartialFixedSampler, QMCSampler, RandomSampler
from albacore.trial import TrialState


def test_fixed_parameters_are_pinned_and_others_vary() -> None:
    sampler = PartialFixedSampler({"f": 1.5, "c": None, "istep": 8}, RandomSampler(seed=0))
    study = albacore.create_study(sampler=sampler)
    study.optimize(all_kinds_objective, n_trials=20)
    for trial in study.trials:
        assert (trial.params["f"], trial.params["c"], trial.params["istep"]) == (1.5, None, 8)
        for name in KIND_PARAMS:
            check_value(name, trial.params[name])
    assert len({t.params["flog"] for t in study.trials}) == 20


def test_fixed_parameters_leave_the_base_samplers_joint_space() -> None:
    base = QMCSampler(seed=0, warn_independent_sampling=False)
    sampler = PartialFixedSampler({"y": 0.25}, base)
    study = albacore.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=8)
    assert all(t.params["y"] == 0.25 for t in study.trials)
    trial = study.trials[-1]
    assert set(sampler.infer_relative_search_space(study, trial)) == {"x"}
    assert "qmc:index" in trial.system_attrs  # x came from the QMC sequence


def test_base_sampler_hooks_still_run() -> None:
    sampler = PartialFixedSampler({"x0": 0.5}, NSGAIISampler(population_size=4, seed=0))
    study = albacore.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x0", 0, 1), t.suggest_float("x1", 0, 1)), n_trials=12)
    assert {t.system_attrs["nsga:generation"] for t in study.trials} == {0, 1, 2}
    assert all(t.params["x0"] == 0.5 for t in study.trials)


def test_same_seed_same_trials_and_threads() -> None:
    def run() -> list:
        study = albacore.create_study(sampler=PartialFixedSampler({"i": 2}, RandomSampler(seed=7)))
        study.optimize(all_kinds_objective, n_trials=10)
        return [t.params for t in study.trials]

    assert run() == run()
    study = albacore.create_study(sampler=PartialFixedSampler({"i": 2}, RandomSampler(seed=7)))
    study.optimize(all_kinds_objective, n_trials=12, n_jobs=3)
    assert all(t.params["i"] == 2 and t.state == TrialState.COMPLETE for t in study.trials)


def test_enqueued_values_take_precedence_and_fail_trials_are_harmless() -> None:
    study = albacore.create_study(sampler=PartialFixedSampler({"x": 1}, RandomSampler(seed=0)))
    study.enqueue_trial({"x": 3})

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 5)
        if trial.number == 1:
            raise RuntimeError("broken")
        return x + trial.suggest_float("y", 0, 1)

    study.optimize(objective, n_trials=4, catch=(RuntimeError,))
    assert [t.params["x"] for t in study.trials] == [3, 1, 1, 1]
    assert study.trials[1].state == TrialState.FAIL


def test_a_fixed_value_outside_the_range_warns_and_is_used() -> None:
    study = albacore.create_study(sampler=PartialFixedSampler({"x": 10}, RandomSampler(seed=0)))
    with pytest.warns(UserWarning, match=r"PartialFixedSampler: fixed value 10 of parameter 'x' is outside"):
        study.optimize(lambda t: t.suggest_int("x", 0, 5), n_trials=1)
    assert study.trials[0].params["x"] == 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        albacore.create_study(sampler=PartialFixedSampler({"x": 3}, RandomSampler())).optimize(
            lambda t: t.suggest_int("x", 0, 5), n_trials=1
        )


def test_invalid_arguments_raise() -> None:
    with pytest.raises(TypeError, match=r"PartialFixedSampler: fixed_params must be a dict, got fixed_params=\[1\]"):
        PartialFixedSampler([1], RandomSampler())  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"PartialFixedSampler: base_sampler must be a BaseSampler, got base_sampler=None"
    ):
        PartialFixedSampler({}, None)  # type: ignore[arg-type]
    sampler = PartialFixedSampler({"x": 1}, RandomSampler())
    assert sampler.fixed_params == {"x": 1} and isinstance(sampler.base_sampler, RandomSampler)


def test_a_fixed_value_the_distribution_cannot_hold_raises_naming_it() -> None:
    sampler = PartialFixedSampler({"lr": 0.0}, RandomSampler(seed=0))
    study = albacore.create_study(sampler=sampler)
    with pytest.raises(
        ValueError,
        match=r"PartialFixedSampler: fixed value 0.0 of parameter 'lr' cannot be used with "
        r"FloatDistribution\(low=1e-05, high=1.0, log=True, step=None\): log=True needs a value > 0",
    ):
        study.optimize(lambda t: t.suggest_float("lr", 1e-5, 1.0, log=True), n_trials=1)
    assert study.trials[0].state == TrialState.FAIL and study.trials[0].params == {}
