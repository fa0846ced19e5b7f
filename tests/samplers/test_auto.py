"""AutoSampler: the sampler contract and its documented choice rules."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution
from albacore.samplers import AutoSampler, _auto
from albacore.testing.samplers import SamplerContract
from albacore.trial import TrialState, create_trial

albacore.logging.set_verbosity(albacore.logging.WARNING)


class TestAutoContract(SamplerContract):
    n_trials = 12

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: AutoSampler(seed=seed)


def _choices(study):
    return [t.system_attrs.get("auto:sampler") for t in study.trials]


def _add(study, n, params_fn, value_fn):
    for i in range(n):
        params, dists = params_fn(i)
        v = value_fn(i)
        study.add_trial(create_trial(params=params, distributions=dists, values=v if isinstance(v, list) else [v]))


def _two_floats(i):
    return {"x": (i % 7) / 7, "y": (i % 5) / 5}, {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}


def _obj2(t):
    return t.suggest_float("x", 0, 1) ** 2 + t.suggest_float("y", 0, 1) ** 2


def test_is_the_default_sampler():
    assert isinstance(albacore.create_study().sampler, AutoSampler)
    assert isinstance(albacore.create_study(direction="maximize").sampler, AutoSampler)
    assert isinstance(albacore.create_study(directions=["minimize", "maximize"]).sampler, AutoSampler)


def test_small_continuous_study_uses_the_gp():
    study = albacore.create_study(sampler=AutoSampler(seed=0))
    study.optimize(_obj2, n_trials=12)
    assert set(_choices(study)) == {"gp"}


def test_gp_phase_proposes_what_the_gp_with_the_same_seed_proposes():
    auto = albacore.create_study(sampler=AutoSampler(seed=3))
    gp = albacore.create_study(sampler=albacore.samplers.GPSampler(seed=3))
    auto.optimize(_obj2, n_trials=14)
    gp.optimize(_obj2, n_trials=14)
    assert [t.params for t in auto.trials] == [t.params for t in gp.trials]


def _branches(t):
    if t.suggest_categorical("branch", ["a", "b"]) == "a":
        return t.suggest_float("a", 0, 1)
    return t.suggest_float("b", 0, 1) + 0.5


def _branch_params(i):
    if i % 2:
        return {"branch": "a", "a": (i % 7) / 7}, {
            "branch": CategoricalDistribution(["a", "b"]),
            "a": FloatDistribution(0, 1),
        }
    return {"branch": "b", "b": (i % 5) / 5}, {
        "branch": CategoricalDistribution(["a", "b"]),
        "b": FloatDistribution(0, 1),
    }


def test_small_conditional_space_uses_the_gp():
    study = albacore.create_study(sampler=AutoSampler(seed=0))
    study.optimize(_branches, n_trials=15)
    assert set(_choices(study)) == {"gp"}
    assert {t.params["branch"] for t in study.trials} == {"a", "b"}


def test_long_conditional_run_uses_tpe():
    study = albacore.create_study(sampler=AutoSampler(seed=0))
    _add(study, _auto.GP_MAX_TRIALS, _branch_params, lambda i: float(i % 7))
    study.optimize(_branches, n_trials=2)
    assert _choices(study)[-2:] == ["tpe", "tpe"]


def test_high_dimensional_space_uses_tpe():
    def objective(t):
        return sum(t.suggest_float(f"x{i}", 0, 1) for i in range(_auto.GP_MAX_PARAMS + 1))

    study = albacore.create_study(sampler=AutoSampler(seed=0))
    study.optimize(objective, n_trials=3)
    assert _choices(study)[1:] == ["tpe", "tpe"]


def test_long_continuous_run_moves_to_cmaes_from_the_best_trial():
    study = albacore.create_study(sampler=AutoSampler(seed=0))
    _add(study, _auto.GP_MAX_TRIALS, _two_floats, lambda i: ((i % 7) / 7 - 3 / 7) ** 2 + ((i % 5) / 5 - 0.4) ** 2)
    study.optimize(_obj2, n_trials=6)
    assert _choices(study)[-6:] == ["cmaes"] * 6
    x0 = study.system_attrs[_auto.CMAES_X0_KEY]
    assert x0 == pytest.approx({"x": 3 / 7, "y": 0.4})
    assert all("cmaes:generation" in t.system_attrs for t in study.trials[-6:])


def _hashed(x, y):
    """Deterministic, but noise to any smooth model."""
    return math.sin(12.9898 * x + 78.233 * y) * 43758.5453 % 1.0


def _hashed_params(i):
    return {"x": (0.618 * i) % 1, "y": (0.382 * i + 0.1) % 1}, {
        "x": FloatDistribution(0, 1),
        "y": FloatDistribution(0, 1),
    }


def _rugged(t):
    return _hashed(t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1))


def _rugged_study(sampler):
    study = albacore.create_study(sampler=sampler)
    _add(study, _auto.RUGGED_MIN_TRIALS, _hashed_params, lambda i: _hashed(*_hashed_params(i)[0].values()))
    return study


def test_rugged_deterministic_objective_moves_to_cmaes_after_one_repeat():
    study = _rugged_study(AutoSampler(seed=0))
    study.optimize(_rugged, n_trials=4)
    assert _choices(study)[-4:] == ["gp", "repeat", "cmaes", "cmaes"]
    repeat = study.trials[-3]
    best = min(study.trials[:-3], key=lambda t: t.value)
    assert repeat.system_attrs[_auto.REPEAT_KEY] == best.number
    assert repeat.params == best.params and repeat.value == best.value
    assert study.system_attrs[_auto.CMAES_X0_KEY] == best.params
    # A worker that joins later reads the verdict from the storage.
    other = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=AutoSampler(seed=1))
    other.optimize(_rugged, n_trials=1)
    assert _choices(study)[-1] == "cmaes"


def test_noisy_objective_stays_with_the_gp_after_one_repeat():
    rng = np.random.default_rng(0)
    study = _rugged_study(AutoSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1) + rng.normal(), n_trials=5)
    assert _choices(study)[-5:] == ["gp", "repeat", "gp", "gp", "gp"]


def test_a_repeat_that_did_not_complete_leaves_the_gp_in_charge():
    study = _rugged_study(AutoSampler(seed=0))
    study.optimize(_rugged, n_trials=1)
    repeat = study.ask()
    study.tell(repeat, state=TrialState.FAIL)
    study.optimize(_rugged, n_trials=2)
    assert _choices(study)[-4:] == ["gp", "repeat", "gp", "gp"]


def test_no_repeat_where_cmaes_cannot_take_the_space():
    def objective(t):
        return _rugged(t) + (t.suggest_categorical("c", ["a", "b"]) == "a")

    def params(i):
        p, d = _hashed_params(i)
        return {**p, "c": "ab"[i % 2]}, {**d, "c": CategoricalDistribution(["a", "b"])}

    study = albacore.create_study(sampler=AutoSampler(seed=0))
    _add(study, _auto.RUGGED_MIN_TRIALS, params, lambda i: _hashed(*_hashed_params(i)[0].values()) + i % 2)
    study.optimize(objective, n_trials=3)
    assert _choices(study)[-3:] == ["gp"] * 3


def test_long_run_with_categorical_params_uses_tpe():
    def params(i):
        return (
            {"x": (i % 7) / 7, "c": ["a", "b"][i % 2]},
            {"x": FloatDistribution(0, 1), "c": CategoricalDistribution(["a", "b"])},
        )

    study = albacore.create_study(sampler=AutoSampler(seed=0))
    _add(study, _auto.GP_MAX_TRIALS, params, lambda i: float(i % 7))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_categorical("c", ["a", "b"]) == "a"), n_trials=2)
    assert _choices(study)[-2:] == ["tpe", "tpe"]


def test_multi_objective_small_then_large_budget():
    def mo(t):
        x = t.suggest_float("x", 0, 1)
        return x, 1 - x + t.suggest_float("y", 0, 1)

    study = albacore.create_study(directions=["minimize", "minimize"], sampler=AutoSampler(seed=0))
    study.optimize(mo, n_trials=3)
    assert set(_choices(study)) == {"gp"}
    _add(study, _auto.GP_MAX_TRIALS_MULTI, _two_floats, lambda i: [(i % 7) / 7, (i % 5) / 5])
    study.optimize(mo, n_trials=2)
    assert _choices(study)[-2:] == ["nsga2", "nsga2"]


def test_two_workers_make_the_same_choice():
    study = albacore.create_study(sampler=AutoSampler(seed=0))
    other = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=AutoSampler(seed=1))
    _add(study, _auto.GP_MAX_TRIALS, _two_floats, lambda i: float(i % 3))
    study.optimize(_obj2, n_trials=2)
    other.optimize(_obj2, n_trials=2)
    assert _choices(study)[-4:] == ["cmaes"] * 4
    # Both workers started CMA-ES from the same stored point and share one run.
    generations = [t.system_attrs["cmaes:generation"] for t in study.trials[-4:]]
    assert generations == sorted(generations) and generations[0] == 0


def test_constraints_are_passed_on():
    study = albacore.create_study(sampler=AutoSampler(seed=0, constraints_func=lambda t: [t.params["x"] - 0.5]))
    study.optimize(_obj2, n_trials=4)
    assert all("constraints" in t.system_attrs for t in study.trials)


def test_invalid_arguments():
    with pytest.raises(TypeError, match=r"AutoSampler: seed must be an int or None, got seed='1'"):
        AutoSampler(seed="1")
    with pytest.raises(TypeError, match=r"AutoSampler: constraints_func must be callable, got constraints_func=1"):
        AutoSampler(constraints_func=1)


def test_failed_trials_do_not_count_toward_the_budget():
    study = albacore.create_study(sampler=AutoSampler(seed=0))
    for _ in range(5):
        study.tell(study.ask(), state=TrialState.FAIL)
    study.optimize(_obj2, n_trials=2)
    assert _choices(study)[-2:] == ["gp", "gp"]


def test_a_parameter_new_to_the_gp_gives_no_warning():
    def objective(t):
        value = t.suggest_float("x", 0, 1)
        if t.number >= 12:  # a parameter the GP's finished trials never had
            value += t.suggest_float("late", 0, 1)
        return value

    study = albacore.create_study()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(objective, n_trials=14)
    assert set(_choices(study)) == {"gp"}


def test_optimize_runs_past_the_handover_to_cmaes():
    # CI also runs this file on an install without extras: CMA-ES must be there (a core dependency).
    study = albacore.create_study(sampler=AutoSampler(seed=0))
    _add(study, _auto.GP_MAX_TRIALS, _two_floats, lambda i: float(i % 3))
    study.optimize(_obj2, n_trials=3)
    assert [t.state for t in study.trials[-3:]] == [TrialState.COMPLETE] * 3
    assert _choices(study)[-3:] == ["cmaes"] * 3
