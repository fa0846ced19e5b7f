"""enqueue_trial, add_trial and add_trials."""

from __future__ import annotations

from typing import Any

import pytest

import albacore
from albacore._warnings import AlbacoreWarning
from albacore.distributions import FloatDistribution, IntDistribution
from albacore.samplers import RandomSampler
from albacore.storages import InMemoryStorage
from albacore.trial import FrozenTrial, TrialState, create_trial


def _study(**kwargs: Any) -> albacore.Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return albacore.create_study(**kwargs)


def _objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    n = trial.suggest_int("n", 0, 5)
    return x + n


def test_enqueued_params_are_used_by_the_next_trials_in_order() -> None:
    study = _study()
    study.enqueue_trial({"x": 1.5, "n": 2})
    study.enqueue_trial({"x": -3.0, "n": 0}, user_attrs={"source": "manual"})
    assert [t.state for t in study.trials] == [TrialState.WAITING, TrialState.WAITING]
    study.optimize(_objective, n_trials=3)
    trials = study.trials
    assert trials[0].params == {"x": 1.5, "n": 2} and trials[0].value == 3.5
    assert trials[1].params == {"x": -3.0, "n": 0} and trials[1].user_attrs == {"source": "manual"}
    assert trials[2].params != trials[1].params
    assert all(t.state == TrialState.COMPLETE for t in trials)


def test_enqueued_params_only_partly_given_are_completed_by_the_sampler() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.25})
    study.optimize(_objective, n_trials=1)
    params = study.trials[0].params
    assert params["x"] == 0.25 and 0 <= params["n"] <= 5


def test_enqueued_params_the_objective_never_suggests_are_ignored() -> None:
    study = _study()
    study.enqueue_trial({"x": 1.0, "n": 1, "unused": "yes"})
    study.optimize(_objective, n_trials=1)
    assert study.trials[0].params == {"x": 1.0, "n": 1}
    assert study.trials[0].state == TrialState.COMPLETE


def test_enqueued_value_outside_the_suggested_range_is_used_with_a_warning() -> None:
    study = _study()
    study.enqueue_trial({"x": 50.0, "n": 1})
    with pytest.warns(AlbacoreWarning, match=r"enqueued value 50.0 of parameter 'x' is outside FloatDistribution"):
        study.optimize(_objective, n_trials=1)
    assert study.trials[0].params == {"x": 50.0, "n": 1}
    assert study.best_value == 51.0


def test_enqueued_trials_are_picked_by_ask_too() -> None:
    study = _study()
    study.enqueue_trial({"x": 2.0})
    trial = study.ask()
    assert trial.suggest_float("x", 0, 10) == 2.0
    assert trial.number == 0


def test_skip_if_exists() -> None:
    study = _study()
    study.enqueue_trial({"x": 1.0, "n": 1})
    study.enqueue_trial({"x": 1.0, "n": 1}, skip_if_exists=True)
    assert len(study.trials) == 1
    study.optimize(_objective, n_trials=1)
    study.enqueue_trial({"x": 1.0, "n": 1}, skip_if_exists=True)  # already ran: skipped
    assert len(study.trials) == 1
    study.enqueue_trial({"x": 1.0, "n": 1})  # without the flag: queued again
    study.enqueue_trial({"x": 2.0, "n": 1}, skip_if_exists=True)  # new params: queued
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.WAITING, TrialState.WAITING]


def test_enqueue_rejects_non_dict_params() -> None:
    with pytest.raises(TypeError, match=r"enqueue_trial: params must be a dict, got params=\[1\]"):
        _study().enqueue_trial([1])  # type: ignore[arg-type]


def test_enqueued_trials_with_threads_run_once_each() -> None:
    study = _study()
    for i in range(8):
        study.enqueue_trial({"x": float(i), "n": 0})
    study.optimize(_objective, n_trials=8, n_jobs=2)
    assert sorted(t.params["x"] for t in study.trials) == [float(i) for i in range(8)]


class _RivalFinishesFirstListed(InMemoryStorage):
    """On the first read of the queue, a rival claims and finishes the first listed trial."""

    def __init__(self) -> None:
        super().__init__()
        self.rival_done = False

    def get_all_trials(self, study_id: int, deepcopy: bool = True, states: Any = None) -> list[FrozenTrial]:
        listed = super().get_all_trials(study_id, deepcopy, states)
        if states == (TrialState.WAITING,) and listed and not self.rival_done:
            self.rival_done = True
            self.set_trial_state_values(listed[0]._trial_id, TrialState.RUNNING)
            self.set_trial_state_values(listed[0]._trial_id, TrialState.COMPLETE, [0.0])
        return listed


def test_a_queued_trial_finished_by_a_rival_after_the_queue_was_read_is_skipped() -> None:
    study = _study(storage=_RivalFinishesFirstListed())
    study.enqueue_trial({"x": 1.0, "n": 0})
    study.enqueue_trial({"x": 2.0, "n": 0})
    trial = study.ask()
    assert study._storage.rival_done  # type: ignore[attr-defined]
    assert trial.number == 1 and trial.suggest_float("x", -10, 10) == 2.0


def test_add_trial_and_add_trials() -> None:
    study = _study(direction="maximize")
    dists = {"x": FloatDistribution(0, 10), "n": IntDistribution(0, 5)}
    study.add_trial(create_trial(value=3.0, params={"x": 3.0, "n": 0}, distributions=dists))
    study.add_trials(
        [
            create_trial(value=7.0, params={"x": 2.0, "n": 5}, distributions=dists, user_attrs={"src": "old"}),
            create_trial(state=TrialState.FAIL, params={"x": 1.0}, distributions={"x": dists["x"]}),
            create_trial(state=TrialState.PRUNED, value=1.0, intermediate_values={0: 1.0}),
        ]
    )
    trials = study.trials
    assert [t.number for t in trials] == [0, 1, 2, 3]
    assert [t.state for t in trials] == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAIL, TrialState.PRUNED]
    assert study.best_trial.number == 1 and study.best_trial.user_attrs == {"src": "old"}
    study.optimize(_objective, n_trials=2)
    assert [t.number for t in study.trials] == [0, 1, 2, 3, 4, 5]


def test_added_waiting_trial_is_run_next() -> None:
    study = _study()
    study.add_trial(create_trial(state=TrialState.WAITING, system_attrs={"fixed_params": {"x": 4.0, "n": 3}}))
    study.optimize(_objective, n_trials=1)
    assert study.trials[0].params == {"x": 4.0, "n": 3}


def test_add_trial_rejects_the_wrong_number_of_values() -> None:
    study = _study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match=r"add_trial: the trial has 1 value\(s\) but the study has 2 objective\(s\)"):
        study.add_trial(create_trial(value=1.0))
    assert study.trials == []


def test_add_trial_validates_the_trial() -> None:
    trial = create_trial(value=1.0, params={"x": 1.0}, distributions={"x": FloatDistribution(0, 2)})
    trial.params = {"x": 5.0}  # made inconsistent after creation
    with pytest.raises(ValueError, match=r"parameter 'x'=5.0 is outside"):
        _study().add_trial(trial)


def test_unusable_enqueued_value_fails_its_trial_and_the_default_sampler_keeps_working(albacore_logs) -> None:
    # A value <= 0 on a log scale used to reach GPSampler's model and break every later ask.
    study = albacore.create_study(sampler=albacore.samplers.AutoSampler(seed=0))
    study.enqueue_trial({"x": -1.0})

    def objective(trial: albacore.Trial) -> float:
        return trial.suggest_float("x", 1e-3, 1, log=True)

    study.optimize(objective, n_trials=14)
    study.optimize(objective, n_trials=2)
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAIL] + [TrialState.COMPLETE] * 15
    assert study.trials[0].params == {}
    warnings = albacore_logs.messages(level=30)
    assert warnings == [
        "Trial 0 failed: UnusableEnqueuedValueError: suggest 'x': the value -1.0 given to enqueue_trial cannot be "
        "used with FloatDistribution(low=0.001, high=1.0, log=True, step=None): log=True needs a value > 0; "
        "trial 0 fails"
    ]


def test_enqueued_categorical_value_not_among_the_choices_names_parameter_and_enqueue_trial() -> None:
    study = _study()
    study.enqueue_trial({"kind": "zzz"})
    trial = study.ask()
    with pytest.raises(
        ValueError,
        match=r"suggest 'kind': the value 'zzz' given to enqueue_trial cannot be used with "
        r"CategoricalDistribution\(choices=\('a', 'b'\)\): 'zzz' is not among the choices",
    ):
        trial.suggest_categorical("kind", ["a", "b"])
    study.tell(trial, state=TrialState.FAIL)
    study.optimize(lambda t: len(t.suggest_categorical("kind", ["a", "b"])), n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE, TrialState.COMPLETE]


def test_an_error_raised_by_the_objective_itself_still_stops_optimize() -> None:
    study = _study()
    with pytest.raises(ValueError, match=r"^bad objective$"):
        study.optimize(lambda t: (_ for _ in ()).throw(ValueError("bad objective")), n_trials=3)
    assert len(study.trials) == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"x": [1, 2]}, r"enqueue_trial: parameter 'x' must be None, bool, int, float or str, got \[1, 2\]"),
        ({"x": object}, r"enqueue_trial: parameter 'x' must be None, bool, int, float or str, got <class 'object'>"),
        ({3: 1.0}, r"enqueue_trial: parameter names must be str, got 3 in params=\{3: 1.0\}"),
    ],
)
def test_enqueue_trial_rejects_values_no_storage_can_keep(params: dict, message: str) -> None:
    for storage in (None, "sqlite:///:memory:"):
        study = _study(storage=storage)
        with pytest.raises(TypeError, match=message):
            study.enqueue_trial(params)
        assert study.trials == []


def test_enqueued_numpy_numbers_become_plain_numbers() -> None:
    import numpy as np

    study = _study(storage="sqlite:///:memory:")
    study.enqueue_trial({"x": np.float32(1.5), "n": np.int64(2)})
    study.optimize(_objective, n_trials=1)
    params = study.trials[0].params
    assert params == {"x": 1.5, "n": 2} and type(params["n"]) is int
