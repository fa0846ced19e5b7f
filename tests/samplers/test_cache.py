"""The per-study cache samplers share: keyed by ``study.key``, thread-safe, pickles empty."""

from __future__ import annotations

import gc
import pickle
import threading

import pytest

import albacore
from albacore.samplers._cache import StudyCache, Unpickled, new_dict
from albacore.storages import InMemoryStorage


def _study(storage: InMemoryStorage, name: str = "same-name", sampler: object = None) -> albacore.Study:
    return albacore.create_study(study_name=name, storage=storage, sampler=sampler)


def test_studies_sharing_a_name_and_an_id_in_two_storages_get_their_own_entries() -> None:
    first, second = _study(InMemoryStorage()), _study(InMemoryStorage())
    assert first.key[1:] == second.key[1:] and first.key != second.key
    cache = StudyCache(new_dict)
    cache.get(first)["x"] = 1
    assert cache.get(second) == {}
    assert cache[first] == {"x": 1}


def test_handles_on_one_study_through_one_storage_share_their_entry() -> None:
    storage = InMemoryStorage()
    study = _study(storage)
    again = albacore.load_study(study_name="same-name", storage=storage)
    assert again.key == study.key
    cache = StudyCache(new_dict)
    cache.get(study)["x"] = 1
    assert cache[again] == {"x": 1}


def test_a_missing_entry_raises_key_error_naming_the_study() -> None:
    study = _study(InMemoryStorage())
    with pytest.raises(KeyError, match="same-name"):
        StudyCache(new_dict)[study]


def test_an_entry_goes_with_its_storage() -> None:
    cache = StudyCache(new_dict)
    study = _study(InMemoryStorage())
    cache.get(study)["x"] = 1
    assert list(cache.values()) == [{"x": 1}]
    del study
    gc.collect()
    assert list(cache.values()) == []


def test_a_cache_pickles_empty() -> None:
    cache = StudyCache(new_dict)
    study = _study(InMemoryStorage())
    cache.get(study)["x"] = 1
    copied = pickle.loads(pickle.dumps(cache))
    assert list(copied.values()) == []
    assert copied.get(study) == {}


def test_threads_asking_at_once_get_one_entry() -> None:
    made = []

    def factory(study: albacore.Study) -> list:
        made.append(study.study_name)
        return []

    cache = StudyCache(factory)
    study = _study(InMemoryStorage())
    barrier = threading.Barrier(8)
    seen = []

    def worker() -> None:
        barrier.wait()
        seen.append(id(cache.get(study)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == ["same-name"] and len(set(seen)) == 1


class _Holder(Unpickled):
    _unpickled = {"lock": threading.Lock, "warned": set}

    def __init__(self) -> None:
        self.setting = 3
        self._init_unpickled()


def test_unpickled_attributes_are_remade_fresh() -> None:
    holder = _Holder()
    holder.warned.add("x")
    copied = pickle.loads(pickle.dumps(holder))
    assert copied.setting == 3 and copied.warned == set()
    with copied.lock:  # a working lock of its own
        assert not holder.lock.locked()


def _objective(trial: albacore.Trial) -> float:
    return trial.suggest_float("x", -10, 10) ** 2 + trial.suggest_float("y", -10, 10) ** 2


def _cached_numbers(sampler: albacore.samplers.BaseSampler, study: albacore.Study) -> set[int]:
    """Numbers of the finished trials ``sampler`` cached for ``study``."""
    if isinstance(sampler, albacore.samplers.TPESampler):
        return set(sampler._histories[study].row_of)
    if isinstance(sampler, albacore.samplers.CmaEsSampler):
        return set().union(*(run.seen for run in sampler._runs[study].values()))
    return set(sampler._caches[study].by_number)


@pytest.mark.parametrize(
    "make",
    [
        lambda: albacore.samplers.TPESampler(seed=0, n_startup_trials=3),
        lambda: albacore.samplers.CmaEsSampler(seed=0, n_startup_trials=3),
        lambda: albacore.samplers.NSGAIISampler(seed=0, population_size=4),
    ],
    ids=["tpe", "cmaes", "nsgaii"],
)
def test_one_sampler_on_two_same_named_studies_in_two_storages_keeps_them_apart(make) -> None:
    # Study name and id are equal in both storages; each study's cache must hold its own
    # trials only, whatever order the trials of the two come in.
    sampler = make()
    first, second = _study(InMemoryStorage(), sampler=sampler), _study(InMemoryStorage(), sampler=sampler)
    first.optimize(_objective, n_trials=10)
    second.optimize(_objective, n_trials=6)
    first.optimize(_objective, n_trials=1)
    second.optimize(_objective, n_trials=1)
    assert _cached_numbers(sampler, first) == set(range(10))
    assert _cached_numbers(sampler, second) == set(range(6))


def test_a_view_has_its_own_entry_unless_the_cache_is_shared_by_views() -> None:
    study = _study(InMemoryStorage())
    view = albacore.pruners.StudyView(study, lambda t: t.number % 2 == 0, "even")
    per_view, shared = StudyCache(new_dict), StudyCache(new_dict, shared_by_views=True)
    per_view.get(view)["x"] = 1
    shared.get(view)["x"] = 1
    assert per_view.get(study) == {} and per_view[view] == {"x": 1}
    assert shared[study] == {"x": 1}
    copied = pickle.loads(pickle.dumps(shared))  # empty, still shared by views
    copied.get(view)["y"] = 2
    assert copied[study] == {"y": 2}


def _grid_objective(trial: albacore.Trial) -> float:
    return trial.suggest_int("a", 0, 2) + trial.suggest_categorical("b", [10, 20])


@pytest.mark.parametrize(
    "make",
    [
        lambda: albacore.samplers.GridSampler({"a": [0, 1, 2], "b": [10, 20]}, seed=0),
        lambda: albacore.samplers.BruteForceSampler(seed=0),
    ],
    ids=["grid", "brute_force"],
)
def test_finite_samplers_keep_same_named_studies_in_two_storages_apart(make) -> None:
    # Each study is searched in full: the other one's finished points are not taken as its own.
    sampler = make()
    first, second = _study(InMemoryStorage(), sampler=sampler), _study(InMemoryStorage(), sampler=sampler)
    first.optimize(_grid_objective, n_trials=4)
    second.optimize(_grid_objective, n_trials=20)
    first.optimize(_grid_objective, n_trials=20)
    for study in (first, second):
        assert sorted((t.params["a"], t.params["b"]) for t in study.trials) == [
            (a, b) for a in range(3) for b in (10, 20)
        ]


@pytest.mark.parametrize(
    "make",
    [
        lambda: albacore.samplers.GridSampler({"a": [0, 1, 2], "b": [10, 20]}, seed=0),
        lambda: albacore.samplers.BruteForceSampler(seed=0),
    ],
    ids=["grid", "brute_force"],
)
def test_finite_samplers_pickle_without_their_caches_and_locks(make) -> None:
    sampler = make()
    study = _study(InMemoryStorage(), sampler=sampler)
    study.optimize(_grid_objective, n_trials=3)
    copied = pickle.loads(pickle.dumps(sampler))
    assert copied._claim_lock is not sampler._claim_lock and copied._hooked == {}
    study.sampler = copied  # the copy rebuilds what it needs from the storage
    study.optimize(_grid_objective, n_trials=20)
    assert len(study.trials) == 6
    assert len({(t.params["a"], t.params["b"]) for t in study.trials}) == 6
