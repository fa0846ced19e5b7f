"""Trial: define-by-run suggestions, reporting, pruning questions, attributes."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest

import albacore
from albacore._warnings import AlbacoreWarning
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.samplers import BaseSampler, RandomSampler
from albacore.testing.pruners import DeterministicPruner
from albacore.trial import Trial, TrialState


def _study(**kwargs: Any) -> albacore.Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return albacore.create_study(**kwargs)


def test_suggest_values_lie_in_their_distributions() -> None:
    study = _study()
    for _ in range(30):
        trial = study.ask()
        x = trial.suggest_float("x", -1.0, 1.0)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
        n = trial.suggest_int("n", 1, 5)
        m = trial.suggest_int("m", 0, 10, step=5)
        units = trial.suggest_int("units", 1, 1024, log=True)
        c = trial.suggest_categorical("c", ["a", 1, None, 2.5, True])
        assert -1.0 <= x <= 1.0 and isinstance(x, float)
        assert 1e-5 <= lr <= 1e-1
        assert q in (0.0, 0.25, 0.5, 0.75, 1.0)
        assert 1 <= n <= 5 and isinstance(n, int)
        assert m in (0, 5, 10)
        assert 1 <= units <= 1024 and isinstance(units, int)
        assert c in ["a", 1, None, 2.5, True]
        study.tell(trial, 0.0)
    stored = study.trials[-1]
    assert stored.distributions["lr"] == FloatDistribution(1e-5, 1e-1, log=True)
    assert stored.distributions["m"] == IntDistribution(0, 10, step=5)
    assert stored.distributions["c"] == CategoricalDistribution(["a", 1, None, 2.5, True])


def test_trial_exposes_params_distributions_number_study_and_start() -> None:
    study = _study()
    study.optimize(lambda t: 0.0, n_trials=2)
    trial = study.ask()
    before = datetime.datetime.now()
    x = trial.suggest_float("x", 0, 1)
    assert trial.number == 2
    assert trial.study is study
    assert trial.params == {"x": x}
    assert trial.distributions == {"x": FloatDistribution(0, 1)}
    assert isinstance(trial.datetime_start, datetime.datetime) and trial.datetime_start <= before
    assert "number=2" in repr(trial)


def test_suggesting_the_same_name_twice_returns_the_same_value() -> None:
    trial = _study().ask()
    first = trial.suggest_float("x", 0, 1)
    assert trial.suggest_float("x", 0, 1) == first
    # A compatible distribution with another range still returns the recorded value.
    assert trial.suggest_float("x", -5, 5) == first
    k = trial.suggest_categorical("k", ["a", "b", "c"])
    assert all(trial.suggest_categorical("k", ["a", "b", "c"]) == k for _ in range(5))


@pytest.mark.parametrize(
    "first, second",
    [
        (lambda t: t.suggest_float("p", 0, 1), lambda t: t.suggest_int("p", 0, 1)),
        (lambda t: t.suggest_float("p", 1, 2), lambda t: t.suggest_float("p", 1, 2, log=True)),
        (lambda t: t.suggest_categorical("p", ["a"]), lambda t: t.suggest_categorical("p", ["b"])),
    ],
)
def test_same_name_with_incompatible_distribution_raises_naming_the_parameter(first, second) -> None:
    trial = _study().ask()
    first(trial)
    with pytest.raises(ValueError, match=r"parameter 'p' was already suggested"):
        second(trial)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda t: t.suggest_float("lr", 1.0, 0.5),
            r"suggest_float\('lr'\): low must be <= high, got low=1.0 and high=0.5",
        ),
        (
            lambda t: t.suggest_float("lr", 0.0, 1.0, log=True),
            r"suggest_float\('lr'\): low must be > 0 when log=True, got low=0.0",
        ),
        (lambda t: t.suggest_float("lr", 0.1, 1.0, log=True, step=0.1), r"suggest_float\('lr'\): step and log"),
        (
            lambda t: t.suggest_float("lr", 0.0, float("inf")),
            r"suggest_float\('lr'\): high must be finite, got high=inf",
        ),
        (lambda t: t.suggest_float("lr", float("nan"), 1.0), r"suggest_float\('lr'\): low must be finite, got low=nan"),
        (lambda t: t.suggest_int("n", 5, 1), r"suggest_int\('n'\): low must be <= high, got low=5 and high=1"),
        (
            lambda t: t.suggest_int("n", 0, 8, log=True),
            r"suggest_int\('n'\): low must be >= 1 when log=True, got low=0",
        ),
        (lambda t: t.suggest_int("n", 1, 8, log=True, step=2), r"suggest_int\('n'\): step and log"),
        (lambda t: t.suggest_categorical("c", []), r"suggest_categorical\('c'\): choices must contain at least one"),
        (
            lambda t: t.suggest_categorical("c", [{"a": 1}]),
            r"suggest_categorical\('c'\): .*got \{'a': 1\} of type dict",
        ),
    ],
)
def test_invalid_suggestions_raise_naming_parameter_and_value(call, match: str) -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError, match=match):
        call(trial)
    # The failed suggestion left nothing behind.
    assert trial.params == {}


def test_suggest_name_must_be_a_string() -> None:
    with pytest.raises(TypeError, match=r"suggest_float: name must be a str, got name=1"):
        _study().ask().suggest_float(1, 0, 1)  # type: ignore[arg-type]


def test_step_that_does_not_divide_the_range_is_adjusted_with_a_warning() -> None:
    study = _study()
    for _ in range(20):
        trial = study.ask()
        with pytest.warns(AlbacoreWarning, match=r"not divisible by step=0.3; high is adjusted to 0.9"):
            x = trial.suggest_float("x", 0.0, 1.0, step=0.3)
        with pytest.warns(AlbacoreWarning, match=r"not divisible by step=4; high is adjusted to 8"):
            n = trial.suggest_int("n", 0, 10, step=4)
        assert min(abs(x - v) for v in (0.0, 0.3, 0.6, 0.9)) < 1e-9
        assert n in (0, 4, 8)
        study.tell(trial, 1.0)


def test_single_value_distributions_do_not_ask_the_sampler() -> None:
    class Refusing(RandomSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):
            raise AssertionError(f"sampler asked for {param_name}")

    trial = _study(sampler=Refusing()).ask()
    assert trial.suggest_float("f", 2.0, 2.0) == 2.0
    assert trial.suggest_int("i", 7, 7) == 7
    assert trial.suggest_categorical("c", ["only"]) == "only"


class _RelativeSampler(BaseSampler):
    """Chooses 'x' jointly (always 0.5) and everything else independently."""

    def __init__(self) -> None:
        self.independent: list[str] = []

    def infer_relative_search_space(self, study, trial):
        return {"x": FloatDistribution(0, 1)}

    def sample_relative(self, study, trial, search_space):
        return {"x": 0.5}

    def sample_independent(self, study, trial, param_name, param_distribution):
        self.independent.append(param_name)
        return param_distribution.low


def test_relative_params_are_used_when_compatible() -> None:
    sampler = _RelativeSampler()
    trial = _study(sampler=sampler).ask()
    assert trial.relative_params == {"x": 0.5}
    assert trial.suggest_float("x", 0, 1) == 0.5
    assert trial.suggest_float("y", 3, 4) == 3.0
    assert sampler.independent == ["y"]


def test_relative_params_outside_the_suggested_range_fall_back_to_independent() -> None:
    sampler = _RelativeSampler()
    trial = _study(sampler=sampler).ask()
    assert trial.suggest_float("x", 0.75, 1.0) == 0.75
    assert sampler.independent == ["x"]


# --- reporting and pruning ------------------------------------------------------------------
def test_report_stores_intermediate_values() -> None:
    study = _study()
    trial = study.ask()
    trial.report(0.5, 0)
    trial.report(0.25, 3)
    study.tell(trial, 0.1)
    assert study.trials[0].intermediate_values == {0: 0.5, 3: 0.25}
    assert study.trials[0].last_step == 3


def test_report_twice_at_the_same_step_warns_and_keeps_the_first() -> None:
    study = _study()
    trial = study.ask()
    trial.report(1.0, 2)
    with pytest.warns(AlbacoreWarning, match=r"already has a value at step 2; the new value 5.0 is ignored"):
        trial.report(5.0, 2)
    study.tell(trial, 0.0)
    assert study.trials[0].intermediate_values == {2: 1.0}


@pytest.mark.parametrize(
    "value, step, exc, match",
    [
        ("high", 0, TypeError, r"report: value must be a number, got value='high'"),
        (1.0, "0", TypeError, r"report: step must be an int, got step='0'"),
        (1.0, 1.5, TypeError, r"report: step must be an int, got step=1.5"),
        (1.0, -1, ValueError, r"report: step must be >= 0, got step=-1"),
    ],
)
def test_report_rejects_bad_arguments(value, step, exc, match: str) -> None:
    with pytest.raises(exc, match=match):
        _study().ask().report(value, step)


def test_report_and_should_prune_in_multi_objective_studies_need_a_vector_and_a_capable_pruner() -> None:
    trial = _study(directions=["minimize", "maximize"]).ask()
    with pytest.raises(TypeError, match=r"report: value must be a sequence of 2 numbers"):
        trial.report(1.0, 0)
    with pytest.raises(ValueError, match=r"should_prune: MedianPruner does not support multi-objective"):
        trial.should_prune()


@pytest.mark.parametrize("is_pruning", [True, False])
def test_should_prune_asks_the_pruner(is_pruning: bool) -> None:
    study = _study(pruner=DeterministicPruner(is_pruning))
    trial = study.ask()
    trial.report(1.0, 0)
    assert trial.should_prune() is is_pruning


def test_deterministic_pruner_needs_a_bool() -> None:
    with pytest.raises(TypeError, match=r"DeterministicPruner: is_pruning must be a bool, got is_pruning=1"):
        DeterministicPruner(1)  # type: ignore[arg-type]


def test_pruner_sees_a_snapshot_with_the_reported_values() -> None:
    seen: list[dict[int, float]] = []

    class Recording(albacore.pruners.BasePruner):
        def prune(self, study, trial):
            seen.append(dict(trial.intermediate_values))
            trial.intermediate_values[99] = 0.0  # modifying the snapshot must not leak
            return False

    study = _study(pruner=Recording())
    trial = study.ask()
    trial.report(3.0, 1)
    trial.should_prune()
    trial.report(2.0, 2)
    trial.should_prune()
    assert seen == [{1: 3.0}, {1: 3.0, 2: 2.0}]


# --- attributes -------------------------------------------------------------------------------------
def test_user_and_system_attrs_are_stored() -> None:
    study = _study()
    trial = study.ask()
    trial.set_user_attr("note", {"lst": [1, 2]})
    trial.set_system_attr("plugin:key", 3)
    attrs = trial.user_attrs
    attrs["note"]["lst"].append(3)  # a copy: does not change the trial
    assert trial.user_attrs == {"note": {"lst": [1, 2]}}
    assert trial.system_attrs == {"plugin:key": 3}
    study.tell(trial, 1.0)
    frozen = study.trials[0]
    assert frozen.user_attrs == {"note": {"lst": [1, 2]}}
    assert frozen.system_attrs["plugin:key"] == 3


def test_set_constraint_records_values_and_rejects_nan() -> None:
    study = _study()
    trial = study.ask()
    trial.set_constraint("mem", -1.0)
    trial.set_constraint("time", 2)
    with pytest.raises(ValueError, match=r"set_constraint\('bad'\): value must not be NaN"):
        trial.set_constraint("bad", math.nan)
    with pytest.raises(TypeError, match=r"set_constraint\('bad'\): value must be a number"):
        trial.set_constraint("bad", "x")
    assert trial.constraints == {"mem": -1.0, "time": 2.0}
    study.tell(trial, 1.0)
    assert study.trials[0].constraints == {"mem": -1.0, "time": 2.0}


def test_trials_of_finished_state_cannot_be_changed() -> None:
    study = _study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(albacore.exceptions.UpdateFinishedTrialError, match="already finished"):
        trial.set_user_attr("late", 1)
    with pytest.raises(albacore.exceptions.UpdateFinishedTrialError, match="already finished"):
        trial.suggest_float("late", 0, 1)
    assert study.trials[0].state == TrialState.COMPLETE


def test_trial_is_a_trial_instance_in_optimize() -> None:
    seen: list[Any] = []
    _study().optimize(lambda t: seen.append(t) or 0.0, n_trials=1)
    assert isinstance(seen[0], Trial) and isinstance(seen[0], albacore.trial.BaseTrial)
