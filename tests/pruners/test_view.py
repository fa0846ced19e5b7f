"""StudyView: a study's reading surface over a filtered set of its trials."""

from __future__ import annotations

import pytest

import albacore
from albacore.pruners import StudyView
from albacore.storages import InMemoryStorage
from albacore.trial import TrialState, create_trial


def _even(trial: albacore.trial.FrozenTrial) -> bool:
    return trial.number % 2 == 0


def _study(direction: str = "minimize") -> albacore.Study:
    study = albacore.create_study(study_name="viewed", direction=direction, storage=InMemoryStorage())
    dists = {"x": albacore.distributions.FloatDistribution(0, 10)}
    for value in (5.0, 1.0, 3.0, 0.5, 4.0):  # numbers 0..4; the even ones hold 5, 3, 4
        study.add_trial(create_trial(params={"x": value}, distributions=dists, value=value))
    study.add_trial(create_trial(state=TrialState.FAIL))  # number 5
    return study


def test_trials_are_filtered_and_the_rest_is_the_studys_own() -> None:
    study = _study()
    view = StudyView(study, _even, "even")
    assert [t.number for t in view.trials] == [0, 2, 4]
    assert [t.number for t in view.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))] == [0, 2, 4]
    assert view.study_name == "viewed" and view.directions == study.directions and view.direction == study.direction
    assert view.sampler is study.sampler and view.pruner is study.pruner and view.study is study


def test_best_trial_is_the_best_of_the_view() -> None:
    view = StudyView(_study(), _even, "even")
    assert view.best_trial.number == 2 and view.best_value == 3.0 and view.best_params == {"x": 3.0}
    maximizing = StudyView(_study("maximize"), _even, "even")
    assert maximizing.best_trial.number == 0
    assert [t.number for t in view.best_trials] == [2]


def test_best_trial_of_an_empty_view_raises_naming_the_study() -> None:
    view = StudyView(_study(), lambda t: False, "none")
    with pytest.raises(ValueError, match="'viewed' holds no completed feasible trial"):
        view.best_trial  # noqa: B018 - the property raises


def test_deep_copies_do_not_reach_the_storage() -> None:
    study = _study()
    view = StudyView(study, _even, "even")
    view.trials[0].params["x"] = -1.0
    assert study.trials[0].params["x"] == 5.0


def test_writes_go_to_the_study() -> None:
    study = _study()
    view = StudyView(study, _even, "even")
    view.set_system_attr("k", 1)
    assert study.system_attrs["k"] == 1 and view.system_attrs["k"] == 1
    assert view.set_system_attr_if("k", 1, 2) and study.system_attrs["k"] == 2
    trial = study.ask()
    view.set_trial_system_attr(trial.number, "t", "v")
    assert study.trials[trial.number].system_attrs["t"] == "v"


def test_key_extends_the_studys_key_with_the_label() -> None:
    study = _study()
    assert StudyView(study, _even, "even").key == (*study.key, "even")
    assert StudyView(study, _even, "even").key == StudyView(study, _even, "even").key
    assert StudyView(study, _even, "even").key != StudyView(study, _even, "odd").key != study.key


def test_bad_arguments_raise_naming_the_parameter() -> None:
    study = _study()
    with pytest.raises(TypeError, match="select must be callable, got select=3"):
        StudyView(study, 3, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"label must be hashable, got label=\[1\]"):
        StudyView(study, _even, [1])


def test_a_sampler_models_only_the_trials_of_its_view() -> None:
    # TPE reading a view caches the view's trials only, in an entry apart from the study's.
    study = _study()
    sampler = albacore.samplers.TPESampler(seed=0, n_startup_trials=1)
    view = StudyView(study, _even, "even")
    trial = study.ask()
    frozen = study.trials[trial.number]
    sampler.sample_independent(view, frozen, "x", albacore.distributions.FloatDistribution(0, 10))
    assert set(sampler._histories[view].row_of) == {0, 2, 4}
    sampler.sample_independent(study, frozen, "x", albacore.distributions.FloatDistribution(0, 10))
    assert set(sampler._histories[study].row_of) == {0, 1, 2, 3, 4}
