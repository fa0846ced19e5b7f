"""trial.report(values, step) and should_prune() in multi-objective studies, on every storage."""

from __future__ import annotations

import math
import uuid

import pytest

import albacore
from albacore.pruners import BasePruner, MedianPruner, NopPruner
from albacore.samplers import RandomSampler
from albacore.storages import InMemoryStorage, RDBStorage
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.trial import TrialState


@pytest.fixture(params=["memory", "sqlite", "journal-file", "journal-redis", "postgresql", "mysql"])
def storage(request, tmp_path):
    kind = request.param
    if kind == "memory":
        yield InMemoryStorage()
        return
    if kind == "journal-file":
        yield JournalStorage(JournalFileBackend(tmp_path / "journal.log"))
        return
    if kind == "journal-redis":
        url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")
        yield JournalStorage(JournalRedisBackend(url, prefix=prefix))
        return
    url = {
        "sqlite": lambda: f"sqlite:///{tmp_path / 'mo.db'}",
        "postgresql": lambda: request.getfixturevalue("postgres_url"),
        "mysql": lambda: request.getfixturevalue("mysql_url"),
    }[kind]()
    rdb = RDBStorage(url)
    yield rdb
    rdb.remove_session()


def _study(storage, pruner: BasePruner | None = None) -> albacore.Study:
    return albacore.create_study(
        storage=storage,
        study_name=f"mo-report-{uuid.uuid4().hex}",
        directions=["minimize", "maximize"],
        sampler=RandomSampler(seed=0),
        pruner=pruner or NopPruner(),
    )


def test_vectors_round_trip_through_the_storage(storage) -> None:
    study = _study(storage)
    trial = study.ask()
    trial.report([0.5, 10.0], 0)
    trial.report((0.25, math.inf), 3)
    trial.report([math.nan, -1.0], 4)
    study.tell(trial, [0.2, 12.0])
    # A fresh handle on the storage reads what the worker wrote.
    frozen = albacore.load_study(study_name=study.study_name, storage=storage).trials[0]
    got = frozen.multi_intermediate_values
    assert sorted(got) == [0, 3, 4]
    assert got[0] == (0.5, 10.0) and got[3] == (0.25, math.inf)
    assert math.isnan(got[4][0]) and got[4][1] == -1.0
    assert frozen.intermediate_values[0] == 0.5 and frozen.intermediate_values[3] == 0.25
    albacore.delete_study(study_name=study.study_name, storage=storage)


def test_single_objective_reads_back_one_value_tuples() -> None:
    study = albacore.create_study(sampler=RandomSampler(seed=0))
    trial = study.ask()
    trial.report(1.5, 2)
    assert study.trials[0].intermediate_values == {2: 1.5}
    assert study.trials[0].multi_intermediate_values == {2: (1.5,)}


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ([1.0], ValueError, r"report: value must hold one number per objective: the study has 2 objectives, got 1"),
        ([1.0, 2.0, 3.0], ValueError, r"the study has 2 objectives, got 3 values"),
        (1.0, TypeError, r"report: value must be a sequence of 2 numbers .*got value=1.0"),
        ("ab", TypeError, r"report: value must be a sequence of 2 numbers"),
        ([1.0, "x"], TypeError, r"report: value must hold numbers, got value=\[1.0, 'x'\]"),
    ],
)
def test_bad_reports_raise_naming_value_and_counts(value, error, message) -> None:
    trial = _study(InMemoryStorage()).ask()
    with pytest.raises(error, match=message):
        trial.report(value, 0)
    assert trial.study.trials[0].intermediate_values == {}


def test_reporting_a_step_twice_keeps_the_first_vector() -> None:
    study = _study(InMemoryStorage())
    trial = study.ask()
    trial.report([1.0, 2.0], 0)
    with pytest.warns(UserWarning, match=r"already has a value at step 0"):
        trial.report([5.0, 6.0], 0)
    assert study.trials[0].multi_intermediate_values == {0: (1.0, 2.0)}


def test_a_pruner_without_multi_objective_support_raises_naming_its_class() -> None:
    trial = _study(InMemoryStorage(), MedianPruner()).ask()
    trial.report([1.0, 2.0], 0)
    with pytest.raises(ValueError, match=r"should_prune: MedianPruner does not support multi-objective studies"):
        trial.should_prune()


def test_a_pruner_declaring_support_is_asked() -> None:
    seen = []

    class Recording(BasePruner):
        supports_multi_objective = True

        def prune(self, study, trial):
            seen.append(trial.multi_intermediate_values)
            return True

    study = _study(InMemoryStorage(), Recording())
    trial = study.ask()
    trial.report([1.0, 2.0], 1)
    assert trial.should_prune() is True
    assert seen == [{1: (1.0, 2.0)}]


def test_optimize_prunes_multi_objective_trials() -> None:
    class PruneAtStepTwo(BasePruner):
        supports_multi_objective = True

        def prune(self, study, trial):
            return trial.last_step == 2

    study = _study(InMemoryStorage(), PruneAtStepTwo())

    def objective(trial):
        for step in range(5):
            trial.report([float(step), -float(step)], step)
            if trial.should_prune():
                raise albacore.TrialPruned()
        return 0.0, 0.0

    study.optimize(objective, n_trials=3)
    assert [t.state for t in study.trials] == [TrialState.PRUNED] * 3
    assert study.trials[0].multi_intermediate_values[2] == (2.0, -2.0)


def test_a_pruned_trial_keeps_its_last_reported_vector(storage) -> None:
    study = _study(storage)
    trial = study.ask()
    trial.report([0.5, 10.0], 0)
    trial.report([0.25, 12.0], 1)
    study.tell(trial, state=TrialState.PRUNED)
    nan_last = study.ask()
    nan_last.report([0.5, 10.0], 0)
    nan_last.report([math.nan, 11.0], 1)
    study.tell(nan_last, state=TrialState.PRUNED)
    trials = albacore.load_study(study_name=study.study_name, storage=storage).trials
    assert trials[0].state == TrialState.PRUNED and trials[0].values == [0.25, 12.0]
    assert trials[1].state == TrialState.PRUNED and trials[1].values is None
