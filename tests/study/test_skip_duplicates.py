"""optimize(skip_duplicates=...) and the ask-and-tell helpers find_duplicate / tell_duplicate."""

from __future__ import annotations

import logging
import pathlib
from typing import Any

import pytest

import albacore
from albacore.samplers import RandomSampler
from albacore.storages import BaseStorage, JournalFileBackend, JournalStorage
from albacore.study import find_duplicate, tell_duplicate
from albacore.study._duplicates import MAX_DUPLICATES_IN_A_ROW, DuplicateIndex, params_key
from albacore.trial import TrialState
from tests.study.conftest import StorageFactory


class Counting:
    """An objective on x (int) and kind (categorical) that counts its evaluations."""

    def __init__(self) -> None:
        self.evaluated: list[dict[str, Any]] = []

    def __call__(self, trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 3)
        kind = trial.suggest_categorical("kind", ["a", "b"])
        self.evaluated.append(dict(trial.params))
        trial.set_constraint("c", x - 2.5)
        return x + (10.0 if kind == "a" else 0.0) + 0.25 * len(self.evaluated)


def _study(storage: BaseStorage | None = None, **kwargs: Any) -> albacore.Study:
    return albacore.create_study(storage=storage, sampler=RandomSampler(seed=0), **kwargs)


def test_a_repeat_is_recorded_complete_with_the_original_values(make_storage: StorageFactory) -> None:
    study = _study(make_storage())
    for params in ({"x": 1, "kind": "a"}, {"x": 1, "kind": "a"}, {"x": 3, "kind": "b"}):
        study.enqueue_trial(params)
    objective = Counting()
    study.optimize(objective, n_trials=3, skip_duplicates="count")

    assert objective.evaluated == [{"x": 1, "kind": "a"}, {"x": 3, "kind": "b"}]
    # Read back through a fresh handle: what the storage holds.
    trials = albacore.load_study(study_name=study.study_name, storage=make_storage()).trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    original, repeat, other = trials
    assert repeat.values == original.values == [11.25]
    assert repeat.params == original.params
    assert repeat.system_attrs["duplicate_of"] == 0
    assert repeat.system_attrs["constraints"] == original.system_attrs["constraints"]
    assert "duplicate_of" not in original.system_attrs and "duplicate_of" not in other.system_attrs
    assert other.values == [3.5]


def test_repeats_count_against_n_trials_only_with_count(make_storage: StorageFactory) -> None:
    counted = _study(make_storage(), study_name="counted")
    uncounted = _study(make_storage(), study_name="uncounted")
    for study in (counted, uncounted):
        for params in ({"x": 0, "kind": "b"}, {"x": 0, "kind": "b"}, {"x": 0, "kind": "b"}, {"x": 2, "kind": "a"}):
            study.enqueue_trial(params)
    evaluated_counted, evaluated_uncounted = Counting(), Counting()
    counted.optimize(evaluated_counted, n_trials=3, skip_duplicates="count")
    uncounted.optimize(evaluated_uncounted, n_trials=2, skip_duplicates=True)

    # "count": 3 trials, of which 2 repeats; True: 2 evaluations, the 2 repeats between them free.
    finished = (TrialState.COMPLETE,)
    assert len(counted.get_trials(states=finished)) == 3 and len(evaluated_counted.evaluated) == 1
    assert len(uncounted.trials) == 4 and len(evaluated_uncounted.evaluated) == 2
    assert [t.system_attrs.get("duplicate_of") for t in uncounted.trials] == [None, 0, 0, None]


def test_without_skip_duplicates_every_trial_is_evaluated() -> None:
    study = _study()
    for _ in range(3):
        study.enqueue_trial({"x": 1, "kind": "a"})
    objective = Counting()
    study.optimize(objective, n_trials=3)
    assert len(objective.evaluated) == 3
    assert all("duplicate_of" not in t.system_attrs for t in study.trials)


def test_multi_objective_values_are_copied(make_storage: StorageFactory) -> None:
    study = _study(make_storage(), directions=["minimize", "maximize"])
    study.enqueue_trial({"x": 2.5})
    study.enqueue_trial({"x": 2.5})
    calls = []

    def objective(trial: albacore.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 5)
        calls.append(x)
        return x * 2, -x + len(calls)

    study.optimize(objective, n_trials=2, skip_duplicates="count")
    first, second = study.trials
    assert calls == [2.5]
    assert second.values == first.values == [5.0, -1.5]
    assert second.system_attrs["duplicate_of"] == 0


class Branching:
    """x, then y only for trials enqueued with user attribute deep=True.

    That breaks skip_duplicates' assumption (control flow that depends on the parameters
    only) on purpose, to show where the check stops a trial.
    """

    def __init__(self) -> None:
        self.evaluated: list[dict[str, Any]] = []

    def __call__(self, trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 3)
        y = trial.suggest_int("y", 0, 3) if trial.user_attrs.get("deep") else 0
        self.evaluated.append(dict(trial.params))
        return float(x + 10 * y)


def test_a_prefix_of_a_complete_trials_parameters_is_not_a_repeat(make_storage: StorageFactory) -> None:
    study = _study(make_storage())
    study.enqueue_trial({"x": 1, "y": 2}, user_attrs={"deep": True})
    study.enqueue_trial({"x": 1})  # its whole set {x} is a prefix of {x, y}: evaluated
    study.enqueue_trial({"x": 1, "y": 3}, user_attrs={"deep": True})  # repeats {x: 1} at its first suggest
    study.enqueue_trial({"x": 1})  # repeats trial 1
    objective = Branching()
    study.optimize(objective, n_trials=4, skip_duplicates="count")

    assert objective.evaluated == [{"x": 1, "y": 2}, {"x": 1}]
    trials = study.trials
    assert [t.system_attrs.get("duplicate_of") for t in trials] == [None, None, 1, 1]
    assert trials[2].params == {"x": 1} and trials[2].value == 1.0


def test_floats_are_compared_as_stored(make_storage: StorageFactory) -> None:
    study = _study(make_storage())
    for x in (0.3, 0.1 + 0.2, 0.1 + 0.2):  # 0.1 + 0.2 == 0.30000000000000004
        study.enqueue_trial({"x": x})
    calls = []

    def objective(trial: albacore.Trial) -> float:
        calls.append(trial.suggest_float("x", 0, 1))
        return calls[-1]

    study.optimize(objective, n_trials=3, skip_duplicates="count")
    assert calls == [0.3, 0.1 + 0.2]
    assert [t.system_attrs.get("duplicate_of") for t in study.trials] == [None, None, 1]


def test_values_of_different_types_never_repeat_each_other() -> None:
    assert params_key({"v": 1}) != params_key({"v": 1.0})
    assert params_key({"v": 1}) != params_key({"v": True})
    assert params_key({"a": 1, "b": "x"}) == params_key({"b": "x", "a": 1})


def test_callbacks_see_repeats_and_failed_or_pruned_trials_are_not_originals() -> None:
    study = _study()
    for _ in range(4):
        study.enqueue_trial({"x": 1, "kind": "a"})
    calls = []

    def objective(trial: albacore.Trial) -> float:
        trial.suggest_int("x", 0, 3)
        trial.suggest_categorical("kind", ["a", "b"])
        calls.append(trial.number)
        if trial.number == 0:
            raise albacore.TrialPruned()
        if trial.number == 1:
            raise ValueError("flaky")
        return 7.0

    seen: list[tuple[int, Any]] = []
    study.optimize(
        objective,
        n_trials=4,
        skip_duplicates="count",
        catch=(ValueError,),
        callbacks=[lambda s, t: seen.append((t.number, t.system_attrs.get("duplicate_of")))],
    )
    assert calls == [0, 1, 2]
    assert seen == [(0, None), (1, None), (2, None), (3, 2)]
    assert study.trials[3].value == 7.0


def test_a_long_run_of_uncounted_repeats_ends_optimize(albacore_logs) -> None:
    study = _study()
    evaluated = []

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 1)
        evaluated.append(x)
        return float(x)

    study.optimize(objective, n_trials=10, skip_duplicates=True)  # only 2 points exist
    assert sorted(evaluated) == [0, 1]
    trials = study.trials
    assert all("duplicate_of" in t.system_attrs for t in trials[-MAX_DUPLICATES_IN_A_ROW:])
    assert "duplicate_of" not in trials[-MAX_DUPLICATES_IN_A_ROW - 1].system_attrs
    assert any("100 trials in a row repeated" in m for m in albacore_logs.messages(logging.WARNING))


def test_threads_skip_repeats(tmp_path: pathlib.Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'threads.db'}")
    objective = Counting()
    study.optimize(objective, n_trials=60, n_jobs=3, skip_duplicates="count")
    trials = study.trials
    assert len(trials) == 60
    # Each evaluated configuration was evaluated at most once per thread racing for it, and
    # every repeat names a COMPLETE original holding the same parameters and values.
    by_number = {t.number: t for t in trials}
    repeats = [t for t in trials if "duplicate_of" in t.system_attrs]
    assert repeats and len(objective.evaluated) == 60 - len(repeats)
    for t in repeats:
        original = by_number[t.system_attrs["duplicate_of"]]
        assert original.state == TrialState.COMPLETE and "duplicate_of" not in original.system_attrs
        assert (original.params, original.values) == (t.params, t.values)


def process_objective(trial: albacore.Trial) -> float:
    x = trial.suggest_int("x", 0, 2)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.set_user_attr("evaluated", True)
    return x + (0.5 if kind == "a" else 0.0)


def test_worker_processes_skip_repeats(tmp_path: pathlib.Path) -> None:
    study = _study(JournalStorage(JournalFileBackend(tmp_path / "processes.log")))
    study.optimize(process_objective, n_trials=24, n_jobs=2, executor="process", skip_duplicates="count")
    trials = study.trials
    assert len(trials) == 24
    repeats = [t for t in trials if "duplicate_of" in t.system_attrs]
    evaluated = [t for t in trials if t.user_attrs.get("evaluated")]
    assert len(repeats) + len(evaluated) == 24
    assert len(repeats) >= 24 - 6 - 2  # 6 points; at most one race per worker beyond them
    assert not any(t.user_attrs.get("evaluated") for t in repeats)
    assert {t.value for t in repeats} <= {t.value for t in evaluated}


class _MarksRepeats(RandomSampler):
    """Marks trial 1 as a deliberate repeat, the way AutoSampler does."""

    def before_trial(self, study: Any, trial: Any) -> None:
        if trial.number == 1:
            study.set_trial_system_attr(trial, "auto:repeat_of", 0)


def test_a_deliberate_repeat_is_evaluated() -> None:
    study = albacore.create_study(sampler=_MarksRepeats(seed=0))
    for _ in range(3):
        study.enqueue_trial({"x": 1, "kind": "a"})
    objective = Counting()
    study.optimize(objective, n_trials=3, skip_duplicates="count")
    assert len(objective.evaluated) == 2
    assert [t.system_attrs.get("duplicate_of") for t in study.trials] == [None, None, 0]


# --- ask and tell ------------------------------------------------------------------------------
def test_find_duplicate_and_tell_duplicate(make_storage: StorageFactory) -> None:
    study = _study(make_storage())
    first = study.ask()
    first.suggest_int("x", 0, 9)
    assert find_duplicate(study, first) is None
    study.tell(first, 4.0)

    study.enqueue_trial(first.params)
    again = study.ask()
    again.suggest_int("x", 0, 9)
    original = find_duplicate(study, again)
    assert original is not None and original.number == first.number and original.values == [4.0]
    finished = tell_duplicate(study, again, original)
    assert finished.state == TrialState.COMPLETE
    assert finished.values == [4.0] and finished.system_attrs["duplicate_of"] == first.number
    # A recorded repeat is never itself returned as an original.
    assert find_duplicate(study, finished).number == first.number  # type: ignore[union-attr]


def test_find_duplicate_ignores_prefixes_and_unfinished_trials() -> None:
    study = _study()
    study.enqueue_trial({"x": 3, "y": 1})
    full = study.ask()
    full.suggest_int("x", 0, 9)
    full.suggest_int("y", 0, 9)
    study.tell(full, 1.0)
    study.enqueue_trial({"x": 3})
    prefix = study.ask()
    prefix.suggest_int("x", 0, 9)
    assert prefix.params == {"x": 3}
    assert find_duplicate(study, prefix) is None
    study.enqueue_trial({"x": 3})
    running_twin = study.ask()
    running_twin.suggest_int("x", 0, 9)
    assert find_duplicate(study, running_twin) is None  # trial `prefix` is still RUNNING
    study.tell(prefix, state=TrialState.PRUNED)
    assert find_duplicate(study, running_twin) is None  # PRUNED trials are no originals


def test_tell_duplicate_rejects_bad_input() -> None:
    study = _study()
    study.enqueue_trial({"x": 1})
    done = study.ask()
    done.suggest_int("x", 0, 9)
    frozen = study.tell(done, 2.0)
    study.enqueue_trial({"x": 2})
    other = study.ask()
    other.suggest_int("x", 0, 9)
    with pytest.raises(ValueError, match=r"tell_duplicate: trial 1 has params=\{'x': 2\}, which differ"):
        tell_duplicate(study, other, frozen)
    pruned = study.tell(other, state=TrialState.PRUNED)
    third = study.ask()
    with pytest.raises(
        ValueError, match=r"tell_duplicate: original must be a COMPLETE trial, got trial 1 in state PRUNED"
    ):
        tell_duplicate(study, third, pruned)
    with pytest.raises(TypeError, match=r"tell_duplicate: trial must be a Trial from study.ask\(\), got trial=3"):
        tell_duplicate(study, 3, frozen)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"tell_duplicate: original must be a FrozenTrial, got original=0"):
        tell_duplicate(study, third, 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"find_duplicate: trial must be a Trial or a FrozenTrial, got trial='x'"):
        find_duplicate(study, "x")  # type: ignore[arg-type]


# --- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (1, TypeError, r"optimize: skip_duplicates must be True, False or 'count', got skip_duplicates=1 of type int"),
        (None, TypeError, r"optimize: skip_duplicates must be True, False or 'count', got skip_duplicates=None"),
        ("yes", ValueError, r"optimize: skip_duplicates must be True, False or 'count', got skip_duplicates='yes'"),
        ("Count", ValueError, r"got skip_duplicates='Count'"),
    ],
)
def test_bad_skip_duplicates_values(value: Any, error: type[Exception], message: str) -> None:
    study = _study()
    with pytest.raises(error, match=message):
        study.optimize(Counting(), n_trials=1, skip_duplicates=value)
    assert study.trials == []


class _NeedsEveryTrial(RandomSampler):
    supports_skip_duplicates = False


def test_a_sampler_that_needs_every_trial_refuses_skip_duplicates() -> None:
    study = albacore.create_study(sampler=_NeedsEveryTrial(seed=0))
    with pytest.raises(ValueError, match=r"optimize: skip_duplicates=True cannot be used with _NeedsEveryTrial"):
        study.optimize(Counting(), n_trials=1, skip_duplicates=True)
    study.optimize(Counting(), n_trials=1, skip_duplicates=False)
    assert len(study.trials) == 1


# --- the index ---------------------------------------------------------------------------------
def test_the_index_grows_incrementally_and_sees_other_handles(make_storage: StorageFactory) -> None:
    study = _study(make_storage())
    index = DuplicateIndex()
    index.refresh(study)
    assert index.lookup({"x": 1}) is None
    running = study.ask()
    running.suggest_int("x", 0, 0)  # x = 0, still RUNNING
    other = albacore.load_study(study_name=study.study_name, storage=make_storage())
    other.enqueue_trial({"x": 1})
    finished = other.ask()
    finished.suggest_int("x", 0, 5)
    other.tell(finished, 3.0)
    index.refresh(study)
    assert index.lookup({"x": 0}) is None
    hit = index.lookup({"x": 1})
    assert hit is not None and hit.number == 1
    study.tell(running, 5.0)  # trial 0 finishes after trial 1: found on the next refresh
    index.refresh(study)
    found = index.lookup({"x": 0})
    assert found is not None and found.number == 0


@pytest.mark.parametrize("executor", ["thread", "process"])
def test_skip_duplicates_with_a_trial_timeout(executor: str, tmp_path: pathlib.Path) -> None:
    study = _study(JournalStorage(JournalFileBackend(tmp_path / "timeout.log")))
    for params in ({"x": 1, "kind": "a"}, {"x": 1, "kind": "a"}, {"x": 2, "kind": "b"}, {"x": 1, "kind": "a"}):
        study.enqueue_trial(params)
    # One worker, so the enqueued trials run in order and each repeat follows its original.
    study.optimize(process_objective, n_trials=4, executor=executor, trial_timeout=60, skip_duplicates="count")
    trials = study.trials
    assert [t.system_attrs.get("duplicate_of") for t in trials] == [None, 0, None, 0]
    assert [bool(t.user_attrs.get("evaluated")) for t in trials] == [True, False, True, False]
    assert trials[1].value == trials[3].value == trials[0].value == 1.5
