"""The study behaviours users rely on hold on every storage, not only in memory.

The study facade must decide only from what the storage returns, so the same scenario runs
on the in-memory, SQLite (RDB) and journal-file storages.
"""

from __future__ import annotations

import logging
import math

import pytest

import albacore
from albacore._warnings import AlbacoreWarning
from albacore.exceptions import DuplicatedStudyError
from albacore.samplers import RandomSampler
from albacore.storages import InMemoryStorage
from albacore.trial import TrialState
from tests.study.conftest import StorageFactory


def test_optimize_scenario(make_storage: StorageFactory, albacore_logs) -> None:
    study = albacore.create_study(
        storage=make_storage(), study_name="scenario", direction="maximize", sampler=RandomSampler(seed=0)
    )
    study.set_user_attr("dataset", "toy")
    study.enqueue_trial({"x": 0.5, "kind": "b"}, user_attrs={"from": "queue"})

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            trial.suggest_int("depth", 1, 8, log=True)
        trial.report(x / 2, 0)
        trial.report(x, 1)
        trial.set_constraint("c", x - 0.9)
        if trial.number == 1:
            return math.nan
        if trial.number == 2:
            raise albacore.TrialPruned()
        if trial.number == 3:
            raise ValueError("caught")
        return x

    study.optimize(objective, n_trials=12, catch=(ValueError,))

    # A second handle, as another worker would open it, sees the same study.
    loaded = albacore.load_study(study_name="scenario", storage=make_storage())
    trials = loaded.trials
    assert [t.number for t in trials] == list(range(12))
    assert trials[0].params == {"x": 0.5, "kind": "b"} and trials[0].user_attrs == {"from": "queue"}
    assert trials[1].state == TrialState.FAIL and trials[1].values is None
    assert trials[2].state == TrialState.PRUNED and trials[2].value == trials[2].params["x"]
    assert trials[3].state == TrialState.FAIL
    for trial in trials:
        assert ("depth" in trial.params) == (trial.params["kind"] == "a")
        assert trial.intermediate_values == {0: trial.params["x"] / 2, 1: trial.params["x"]}
    feasible = [t for t in trials if t.state == TrialState.COMPLETE and t.params["x"] <= 0.9]
    assert loaded.best_value == max(t.value for t in feasible)
    assert loaded.user_attrs == {"dataset": "toy"}
    assert loaded.direction == albacore.StudyDirection.MAXIMIZE
    assert any(m.startswith("Trial 1 failed:") for m in albacore_logs.messages(logging.WARNING))


def test_ask_tell_scenario(make_storage: StorageFactory) -> None:
    storage = make_storage()
    study = albacore.create_study(storage=storage, study_name="ask-tell", directions=["minimize", "maximize"])
    study.set_metric_names(["loss", "accuracy"])
    first, second = study.ask(), study.ask()
    x = first.suggest_float("x", 0, 1)
    second.suggest_float("x", 0, 1)
    study.tell(first, [x, 1 - x])
    study.tell(second.number, state=TrialState.FAIL)
    with pytest.raises(albacore.exceptions.UpdateFinishedTrialError, match="already finished"):
        study.tell(first, [0.0, 0.0])
    assert study.tell(first, [0.0, 0.0], skip_if_finished=True).values == [x, 1 - x]
    with pytest.raises(RuntimeError, match="use study.best_trials"):
        _ = study.best_trial
    assert [t.number for t in study.best_trials] == [0]
    assert albacore.load_study(study_name="ask-tell", storage=make_storage()).metric_names == ["loss", "accuracy"]


def test_names_summaries_copy_and_delete(make_storage: StorageFactory) -> None:
    storage = make_storage()
    albacore.create_study(storage=storage, study_name="kept").optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    with pytest.raises(DuplicatedStudyError, match="kept"):
        albacore.create_study(storage=storage, study_name="kept")
    assert len(albacore.create_study(storage=storage, study_name="kept", load_if_exists=True).trials) == 3

    albacore.copy_study(
        from_study_name="kept", from_storage=storage, to_storage=InMemoryStorage(), to_study_name="copy"
    )
    memory = InMemoryStorage()
    albacore.copy_study(from_study_name="kept", from_storage=storage, to_storage=memory)
    assert [t.params for t in albacore.load_study(study_name="kept", storage=memory).trials] == [
        t.params for t in albacore.load_study(study_name="kept", storage=storage).trials
    ]
    albacore.copy_study(from_study_name="kept", from_storage=memory, to_storage=storage, to_study_name="back")
    assert sorted(albacore.get_all_study_names(make_storage())) == ["back", "kept"]

    summaries = {s.study_name: s for s in albacore.get_all_study_summaries(make_storage())}
    assert summaries["back"].n_trials == 3
    assert summaries["back"].best_trial.value == summaries["kept"].best_trial.value

    albacore.delete_study(study_name="back", storage=storage)
    assert albacore.get_all_study_names(make_storage()) == ["kept"]
    with pytest.raises(KeyError, match="back"):
        albacore.load_study(study_name="back", storage=make_storage())


def test_enqueue_out_of_range_and_skip_if_exists(make_storage: StorageFactory) -> None:
    study = albacore.create_study(storage=make_storage(), study_name="enqueue")
    study.enqueue_trial({"x": 5.0})
    study.enqueue_trial({"x": 5.0}, skip_if_exists=True)
    with pytest.warns(AlbacoreWarning, match=r"enqueued value 5.0 of parameter 'x' is outside"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert [t.params for t in study.trials] == [{"x": 5.0}]
