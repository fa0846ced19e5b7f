"""create/load/delete/copy studies, study names and summaries."""

from __future__ import annotations

import pytest

import albacore
from albacore import StudyDirection
from albacore.exceptions import DuplicatedStudyError
from albacore.samplers import RandomSampler
from albacore.storages import InMemoryStorage
from albacore.study import StudySummary
from albacore.trial import TrialState


def _objective(trial: albacore.Trial) -> float:
    return (trial.suggest_float("x", -10, 10) - 2) ** 2


def test_create_study_defaults() -> None:
    study = albacore.create_study()
    assert study.direction == StudyDirection.MINIMIZE
    assert study.directions == [StudyDirection.MINIMIZE]
    assert isinstance(study.study_name, str) and study.study_name
    assert type(study.sampler) is albacore.samplers.AutoSampler
    assert type(study.pruner) is albacore.pruners.MedianPruner
    assert study.trials == []
    assert repr(study).startswith("Study(study_name=")


def test_each_study_gets_its_own_default_sampler() -> None:
    a, b = albacore.create_study(), albacore.create_study(directions=["minimize", "maximize"])
    assert a.sampler is not b.sampler
    assert isinstance(b.sampler, albacore.samplers.BaseSampler)


def test_create_study_directions() -> None:
    assert albacore.create_study(direction="maximize").direction == StudyDirection.MAXIMIZE
    assert albacore.create_study(direction=StudyDirection.MAXIMIZE).direction == StudyDirection.MAXIMIZE
    study = albacore.create_study(directions=["minimize", "MAXIMIZE"])
    assert study.directions == [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE]
    with pytest.raises(RuntimeError, match=r"has several objectives; use study.directions"):
        _ = study.direction


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"direction": "up"}, r"create_study: direction must be 'minimize' or 'maximize', got 'up'"),
        ({"direction": StudyDirection.NOT_SET}, r"direction must be 'minimize' or 'maximize'"),
        ({"directions": []}, r"create_study: directions must be a non-empty list, got directions=\[\]"),
        ({"directions": "minimize"}, r"directions must be a non-empty list"),
        ({"directions": ["minimize", "sideways"]}, r"each of directions must be .* got 'sideways'"),
        ({"direction": "minimize", "directions": ["minimize"]}, r"give direction or directions, not both"),
    ],
)
def test_create_study_rejects_bad_directions(kwargs, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        albacore.create_study(**kwargs)


def test_create_study_rejects_bad_storage_sampler_and_pruner() -> None:
    with pytest.raises(ValueError, match=r"storage URL 'nosuch://db' is not supported"):
        albacore.create_study(storage="nosuch://db")
    with pytest.raises(TypeError, match=r"storage must be None, a URL string or a BaseStorage, got storage=3"):
        albacore.create_study(storage=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"sampler must be a BaseSampler, got sampler='tpe'"):
        albacore.create_study(sampler="tpe")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pruner must be a BasePruner, got pruner='median'"):
        albacore.create_study(pruner="median")  # type: ignore[arg-type]


def test_study_names_are_unique_per_storage() -> None:
    storage = InMemoryStorage()
    albacore.create_study(storage=storage, study_name="unique-name")
    with pytest.raises(DuplicatedStudyError, match="unique-name"):
        albacore.create_study(storage=storage, study_name="unique-name")
    # Another storage is another namespace.
    albacore.create_study(storage=InMemoryStorage(), study_name="unique-name")


def test_load_if_exists_returns_the_existing_study() -> None:
    storage = InMemoryStorage()
    first = albacore.create_study(storage=storage, study_name="reuse", direction="maximize")
    first.optimize(_objective, n_trials=3)
    again = albacore.create_study(storage=storage, study_name="reuse", load_if_exists=True)
    assert again.direction == StudyDirection.MAXIMIZE
    assert len(again.trials) == 3
    with pytest.raises(ValueError, match=r"study 'reuse' exists with directions \['maximize'\], not \['minimize'\]"):
        albacore.create_study(storage=storage, study_name="reuse", direction="minimize", load_if_exists=True)


def test_load_study_sees_trials_written_through_another_handle() -> None:
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage, study_name="shared", sampler=RandomSampler(seed=0))
    loaded = albacore.load_study(study_name="shared", storage=storage)
    study.optimize(_objective, n_trials=4)
    assert [t.params for t in loaded.trials] == [t.params for t in study.trials]
    loaded.optimize(_objective, n_trials=2)
    assert len(study.trials) == 6
    assert study.best_trial == loaded.best_trial


def test_load_study_unknown_name_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="no-such-study"):
        albacore.load_study(study_name="no-such-study", storage=InMemoryStorage())


def test_load_study_without_a_name_needs_exactly_one_study() -> None:
    storage = InMemoryStorage()
    with pytest.raises(ValueError, match=r"study_name is required when the storage holds 0 studies"):
        albacore.load_study(study_name=None, storage=storage)
    albacore.create_study(storage=storage, study_name="only")
    assert albacore.load_study(study_name=None, storage=storage).study_name == "only"
    albacore.create_study(storage=storage, study_name="second")
    with pytest.raises(ValueError, match=r"holds 2 studies"):
        albacore.load_study(study_name=None, storage=storage)


def test_delete_study() -> None:
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage, study_name="doomed")
    study.optimize(_objective, n_trials=2)
    albacore.create_study(storage=storage, study_name="kept")
    albacore.delete_study(study_name="doomed", storage=storage)
    assert albacore.get_all_study_names(storage) == ["kept"]
    with pytest.raises(KeyError, match="doomed"):
        albacore.load_study(study_name="doomed", storage=storage)
    with pytest.raises(KeyError, match="doomed"):
        albacore.delete_study(study_name="doomed", storage=storage)
    # The name is free again.
    assert albacore.create_study(storage=storage, study_name="doomed").trials == []


def test_copy_study_copies_directions_attrs_and_trials() -> None:
    source_storage, target_storage = InMemoryStorage(), InMemoryStorage()
    source = albacore.create_study(storage=source_storage, study_name="src", directions=["minimize", "maximize"])
    source.set_user_attr("owner", "me")
    source.set_system_attr("plugin:state", [1, 2])
    source.set_metric_names(["loss", "acc"])

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("x2", x * 2)
        return x, 1 - x

    source.optimize(objective, n_trials=4)
    source.enqueue_trial({"x": 0.5})
    albacore.copy_study(from_study_name="src", from_storage=source_storage, to_storage=target_storage)
    copied = albacore.load_study(study_name="src", storage=target_storage)
    assert copied.directions == source.directions
    assert copied.user_attrs == {"owner": "me"}
    assert copied.system_attrs["plugin:state"] == [1, 2]
    assert copied.metric_names == ["loss", "acc"]
    assert [(t.number, t.state, t.values, t.params, t.user_attrs) for t in copied.trials] == [
        (t.number, t.state, t.values, t.params, t.user_attrs) for t in source.trials
    ]
    assert copied.trials[-1].state == TrialState.WAITING

    albacore.copy_study(
        from_study_name="src", from_storage=source_storage, to_storage=source_storage, to_study_name="src-copy"
    )
    assert sorted(albacore.get_all_study_names(source_storage)) == ["src", "src-copy"]
    with pytest.raises(DuplicatedStudyError, match="src-copy"):
        albacore.copy_study(
            from_study_name="src", from_storage=source_storage, to_storage=source_storage, to_study_name="src-copy"
        )
    with pytest.raises(KeyError, match="missing"):
        albacore.copy_study(from_study_name="missing", from_storage=source_storage, to_storage=target_storage)


def test_get_all_study_names_and_summaries() -> None:
    storage = InMemoryStorage()
    assert albacore.get_all_study_names(storage) == []
    single = albacore.create_study(storage=storage, study_name="single", direction="maximize")
    single.set_user_attr("tag", "a")
    single.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    albacore.create_study(storage=storage, study_name="multi", directions=["minimize", "minimize"])
    albacore.create_study(storage=storage, study_name="empty")
    assert sorted(albacore.get_all_study_names(storage)) == ["empty", "multi", "single"]

    summaries = {s.study_name: s for s in albacore.get_all_study_summaries(storage)}
    assert all(isinstance(s, StudySummary) for s in summaries.values())
    s = summaries["single"]
    assert s.n_trials == 5 and s.direction == StudyDirection.MAXIMIZE
    assert s.best_trial is not None and s.best_trial.value == single.best_value
    assert s.user_attrs == {"tag": "a"}
    assert s.datetime_start == min(t.datetime_start for t in single.trials)
    assert summaries["multi"].best_trial is None
    assert summaries["multi"].directions == [StudyDirection.MINIMIZE] * 2
    with pytest.raises(RuntimeError, match="several objectives"):
        _ = summaries["multi"].direction
    assert summaries["empty"].n_trials == 0 and summaries["empty"].datetime_start is None
    assert summaries["empty"].best_trial is None

    without = {s.study_name: s for s in albacore.get_all_study_summaries(storage, include_best_trial=False)}
    assert without["single"].best_trial is None and without["single"].n_trials == 5


@pytest.mark.parametrize("storage", [None, "sqlite:///:memory:"])
def test_study_names_must_be_str(storage) -> None:
    with pytest.raises(TypeError, match=r"create_study: study_name must be a str or None, got study_name=123"):
        albacore.create_study(study_name=123, storage=storage)
    backend = albacore.storages.InMemoryStorage()
    albacore.create_study(study_name="123", storage=backend)
    with pytest.raises(TypeError, match=r"load_study: study_name must be a str or None, got study_name=123"):
        albacore.load_study(study_name=123, storage=backend)
    with pytest.raises(TypeError, match=r"delete_study: study_name must be a str, got study_name=123"):
        albacore.delete_study(study_name=123, storage=backend)
    assert albacore.load_study(study_name="123", storage=backend).study_name == "123"
