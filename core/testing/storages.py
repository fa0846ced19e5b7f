"""The storage contract as a pytest test kit.

Subclass :class:`StorageContract` in a test module and provide a ``storage`` fixture that
returns a fresh storage; every ``test_*`` method then runs against it. Set the class
attribute ``shared_by_processes = False`` for a storage that lives in one process (in
memory): the clauses about several processes then do not apply to it.

.. code-block:: python

    import pytest
    from albacore.storages import InMemoryStorage
    from albacore.testing.storages import StorageContract

    class TestInMemory(StorageContract):
        @pytest.fixture
        def storage(self):
            return InMemoryStorage()
"""

from __future__ import annotations

import datetime
import multiprocessing
import pickle
import threading
from typing import Any, Callable

import pytest

from albacore._study_types import StudyDirection
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from albacore.storages._base import BaseStorage
from albacore.trial import FrozenTrial, TrialState, create_trial

__all__ = ["StorageContract"]

MIN = [StudyDirection.MINIMIZE]


def _new_study(storage: BaseStorage, directions: list[StudyDirection] = MIN, name: str | None = None) -> int:
    return storage.create_new_study(directions, name)


def _claim_in_process(pickled_storage: bytes, study_id: int, keys: list[str], token: str, start: Any) -> None:
    """Worker of the cross-process claim clause: claim every key, wait for the others first."""
    storage = pickle.loads(pickled_storage)
    start.wait()
    for key in keys:
        if storage.set_study_system_attr_if(study_id, key, None, token):
            storage.set_study_system_attr(study_id, f"won:{key}:{token}", True)


class StorageContract:
    """Every clause of :class:`albacore.storages.BaseStorage`, as tests."""

    shared_by_processes = True

    # --- studies ---------------------------------------------------------------------------------
    def test_create_and_lookup_study(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage, [StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE], "contract-a")
        assert storage.get_study_id_from_name("contract-a") == study_id
        assert storage.get_study_name_from_id(study_id) == "contract-a"
        assert storage.get_study_directions(study_id) == [StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE]

    def test_generated_names_are_unique(self, storage: BaseStorage) -> None:
        a, b = _new_study(storage), _new_study(storage)
        assert a != b
        assert storage.get_study_name_from_id(a) != storage.get_study_name_from_id(b)

    def test_duplicate_name_raises(self, storage: BaseStorage) -> None:
        _new_study(storage, name="contract-dup")
        with pytest.raises(DuplicatedStudyError, match="contract-dup"):
            _new_study(storage, name="contract-dup")

    def test_unknown_study_name_raises_key_error(self, storage: BaseStorage) -> None:
        with pytest.raises(KeyError, match="no-such-study"):
            storage.get_study_id_from_name("no-such-study")

    def test_name_with_quotes_and_sql_is_stored_verbatim(self, storage: BaseStorage) -> None:
        name = "it's \"quoted\"; DROP TABLE studies; --"
        study_id = _new_study(storage, name=name)
        assert storage.get_study_name_from_id(study_id) == name
        assert storage.get_study_id_from_name(name) == study_id

    def test_study_name_must_be_a_str(self, storage: BaseStorage) -> None:
        with pytest.raises(TypeError, match=r"study_name must be a str, got study_name=123"):
            storage.create_new_study(MIN, 123)  # type: ignore[arg-type]
        assert storage.get_all_studies() == []

    def test_attrs_that_are_not_json_raise_type_error(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        trial_id = storage.create_new_trial(study_id)
        bad = {"when": datetime.date(2024, 1, 2)}
        calls: list[Callable[[], Any]] = [
            lambda: storage.set_study_user_attr(study_id, "u", bad),
            lambda: storage.set_study_system_attr(study_id, "s", bad),
            lambda: storage.set_trial_user_attr(trial_id, "u", bad),
            lambda: storage.set_trial_system_attr(trial_id, "s", bad),
            lambda: storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING, system_attrs=bad)),
        ]
        for call in calls:
            with pytest.raises(TypeError, match=r"must be JSON-serializable, got .*datetime.date\(2024, 1, 2\)"):
                call()
        assert storage.get_study_user_attrs(study_id) == {} and storage.get_study_system_attrs(study_id) == {}
        assert [t.number for t in storage.get_all_trials(study_id)] == [0]
        trial = storage.get_trial(trial_id)
        assert trial.user_attrs == {} and trial.system_attrs == {}

    def test_study_attrs(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        storage.set_study_user_attr(study_id, "u", {"nested": [1, 2]})
        storage.set_study_system_attr(study_id, "s", "x")
        storage.set_study_user_attr(study_id, "u", {"nested": [3]})
        assert storage.get_study_user_attrs(study_id) == {"u": {"nested": [3]}}
        assert storage.get_study_system_attrs(study_id) == {"s": "x"}

    def test_get_all_studies_and_delete(self, storage: BaseStorage) -> None:
        a = _new_study(storage, name="contract-keep")
        b = _new_study(storage, name="contract-drop")
        storage.create_new_trial(b)
        names = {s.study_name for s in storage.get_all_studies()}
        assert {"contract-keep", "contract-drop"} <= names
        storage.delete_study(b)
        names = {s.study_name for s in storage.get_all_studies()}
        assert "contract-drop" not in names and "contract-keep" in names
        with pytest.raises(KeyError, match="contract-drop"):
            storage.get_study_id_from_name("contract-drop")
        assert storage.get_study_name_from_id(a) == "contract-keep"

    # --- trials ----------------------------------------------------------------------------------
    def test_new_trial_is_running_with_gapless_numbers(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        other = _new_study(storage)
        ids = [storage.create_new_trial(study_id) for _ in range(3)]
        storage.create_new_trial(other)
        assert len(set(ids)) == 3
        assert [storage.get_trial_number_from_id(i) for i in ids] == [0, 1, 2]
        trial = storage.get_trial(ids[0])
        assert trial.state == TrialState.RUNNING
        assert isinstance(trial.datetime_start, datetime.datetime)
        assert trial.datetime_complete is None
        assert storage.get_trial_id_from_study_id_trial_number(study_id, 2) == ids[2]

    def test_params_round_trip(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        trial_id = storage.create_new_trial(study_id)
        dists = {
            "f": FloatDistribution(1e-5, 1.0, log=True),
            "i": IntDistribution(0, 10, step=2),
            "c": CategoricalDistribution(["a", None, 1.5, True]),
        }
        storage.set_trial_param(trial_id, "f", 1e-3, dists["f"])
        storage.set_trial_param(trial_id, "i", 4.0, dists["i"])
        storage.set_trial_param(trial_id, "c", 1.0, dists["c"])
        trial = storage.get_trial(trial_id)
        assert trial.params == {"f": 1e-3, "i": 4, "c": None}
        assert trial.distributions == dists
        assert isinstance(trial.params["i"], int)
        assert storage.get_trial_param(trial_id, "i") == 4.0

    def test_extreme_values_unicode_attrs_and_datetimes_round_trip(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage, [StudyDirection.MINIMIZE] * 4)
        start = datetime.datetime(2001, 2, 3, 4, 5, 6, 789012)
        template = create_trial(
            values=[float("inf"), -float("inf"), 5e-324, -1.7976931348623157e308],
            user_attrs={"ключ \U0001f511": {"nested": [1, "два", None, 1.5e300, 2**53]}, "": "empty key"},
            system_attrs={"s": [True, False, {"deep": {"er": []}}]},
            intermediate_values={0: float("nan"), 2**31 - 1: float("-inf"), 7: 1e-300},
        )
        template.datetime_start = start
        template.datetime_complete = start + datetime.timedelta(microseconds=1)
        trial = storage.get_trial(storage.create_new_trial(study_id, template_trial=template))
        assert trial.values == template.values
        assert trial.user_attrs == template.user_attrs and trial.system_attrs == template.system_attrs
        assert (trial.datetime_start, trial.datetime_complete) == (start, template.datetime_complete)
        reports = trial.intermediate_values
        assert sorted(reports) == [0, 7, 2**31 - 1] and reports[0] != reports[0]  # NaN stays NaN
        assert (reports[7], reports[2**31 - 1]) == (1e-300, float("-inf"))

    def test_state_values_and_datetimes(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage, [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE])
        trial_id = storage.create_new_trial(study_id)
        assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.5, float("inf")])
        trial = storage.get_trial(trial_id)
        assert trial.state == TrialState.COMPLETE
        assert trial.values == [1.5, float("inf")]
        assert trial.datetime_complete is not None

    def test_finished_trials_are_immutable(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, TrialState.FAIL)
        with pytest.raises(UpdateFinishedTrialError, match="finished"):
            storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
        with pytest.raises(UpdateFinishedTrialError, match="finished"):
            storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
        with pytest.raises(UpdateFinishedTrialError, match="finished"):
            storage.set_trial_intermediate_value(trial_id, 0, 1.0)
        with pytest.raises(UpdateFinishedTrialError, match="finished"):
            storage.set_trial_user_attr(trial_id, "k", 1)
        with pytest.raises(UpdateFinishedTrialError, match="finished"):
            storage.set_trial_system_attr(trial_id, "k", 1)

    def test_running_is_a_compare_and_set_from_waiting(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        waiting = storage.create_new_trial(study_id, template_trial=create_trial(state=TrialState.WAITING))
        assert storage.get_trial(waiting).datetime_start is None
        assert storage.set_trial_state_values(waiting, TrialState.RUNNING) is True
        assert storage.get_trial(waiting).datetime_start is not None
        assert storage.set_trial_state_values(waiting, TrialState.RUNNING) is False

    def test_only_one_thread_claims_a_waiting_trial(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        waiting = storage.create_new_trial(study_id, template_trial=create_trial(state=TrialState.WAITING))
        results: list[bool] = []
        barrier = threading.Barrier(4)

        def claim() -> None:
            barrier.wait()
            results.append(storage.set_trial_state_values(waiting, TrialState.RUNNING))

        threads = [threading.Thread(target=claim) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [False, False, False, True]

    def test_intermediate_values_and_attrs(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_intermediate_value(trial_id, 0, 0.5)
        storage.set_trial_intermediate_value(trial_id, 3, float("nan"))
        storage.set_trial_intermediate_value(trial_id, 1, float("-inf"))
        storage.set_trial_user_attr(trial_id, "u", [1, "two"])
        storage.set_trial_system_attr(trial_id, "s", {"k": 1.5})
        trial = storage.get_trial(trial_id)
        assert trial.intermediate_values[0] == 0.5 and trial.intermediate_values[1] == float("-inf")
        assert trial.intermediate_values[3] != trial.intermediate_values[3]  # NaN kept
        assert trial.user_attrs == {"u": [1, "two"]}
        assert trial.system_attrs == {"s": {"k": 1.5}}
        assert storage.get_trial_user_attrs(trial_id) == {"u": [1, "two"]}
        assert storage.get_trial_system_attrs(trial_id) == {"s": {"k": 1.5}}
        storage.set_trial_param(trial_id, "x", 0.25, FloatDistribution(0.0, 1.0))
        assert storage.get_trial_params(trial_id) == {"x": 0.25}

    def test_template_trial_is_copied(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        storage.create_new_trial(study_id)
        template = create_trial(
            value=0.25,
            params={"x": 0.5, "k": "b"},
            distributions={"x": FloatDistribution(0, 1), "k": CategoricalDistribution(["a", "b"])},
            user_attrs={"u": 1},
            system_attrs={"s": 2},
            intermediate_values={0: 1.0, 5: 0.5},
        )
        trial_id = storage.create_new_trial(study_id, template_trial=template)
        trial = storage.get_trial(trial_id)
        assert trial.number == 1
        assert trial.state == TrialState.COMPLETE and trial.values == [0.25]
        assert trial.params == {"x": 0.5, "k": "b"}
        assert trial.user_attrs == {"u": 1} and trial.system_attrs == {"s": 2}
        assert trial.intermediate_values == {0: 1.0, 5: 0.5}

    def test_get_all_trials_filters_and_orders(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        ids = [storage.create_new_trial(study_id) for _ in range(4)]
        storage.set_trial_state_values(ids[1], TrialState.COMPLETE, [1.0])
        storage.set_trial_state_values(ids[2], TrialState.PRUNED)
        all_trials = storage.get_all_trials(study_id)
        assert [t.number for t in all_trials] == [0, 1, 2, 3]
        complete = storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
        assert [t.number for t in complete] == [1]
        assert storage.get_n_trials(study_id) == 4
        assert storage.get_n_trials(study_id, TrialState.RUNNING) == 2
        assert storage.get_n_trials(study_id, (TrialState.COMPLETE, TrialState.PRUNED)) == 2

    def test_returned_trials_do_not_change_after_writes(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        trial_id = storage.create_new_trial(study_id)
        before = storage.get_all_trials(study_id, deepcopy=False)[0]
        storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
        assert before.params == {}
        assert storage.get_all_trials(study_id, deepcopy=False)[0].params == {"x": 0.5}

    def test_deepcopy_results_can_be_modified(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_user_attr(trial_id, "u", [1])
        copy_ = storage.get_all_trials(study_id, deepcopy=True)[0]
        copy_.user_attrs["u"].append(2)
        assert storage.get_trial(trial_id).user_attrs == {"u": [1]}

    def test_best_trial(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage, [StudyDirection.MAXIMIZE])
        with pytest.raises(ValueError, match="no feasible trial"):
            storage.get_best_trial(study_id)
        for value in (1.0, 3.0, 2.0):
            tid = storage.create_new_trial(study_id)
            storage.set_trial_state_values(tid, TrialState.COMPLETE, [value])
        tid = storage.create_new_trial(study_id)
        storage.set_trial_system_attr(tid, "constraints", {"c": 1.0})
        storage.set_trial_state_values(tid, TrialState.COMPLETE, [10.0])
        assert storage.get_best_trial(study_id).values == [3.0]

    def test_best_trial_multi_objective_raises(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage, [StudyDirection.MINIMIZE, StudyDirection.MINIMIZE])
        with pytest.raises(RuntimeError, match="multi-objective"):
            storage.get_best_trial(study_id)

    def test_unknown_trial_raises_key_error(self, storage: BaseStorage) -> None:
        with pytest.raises(KeyError, match="987654321"):
            storage.get_trial(987654321)

    def test_concurrent_trial_creation_is_gapless(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)

        def work() -> None:
            for _ in range(10):
                tid = storage.create_new_trial(study_id)
                storage.set_trial_state_values(tid, TrialState.COMPLETE, [0.0])

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        numbers = sorted(t.number for t in storage.get_all_trials(study_id))
        assert numbers == list(range(40))

    def test_frozen_trials_are_frozen_trial_objects(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        storage.create_new_trial(study_id)
        assert all(isinstance(t, FrozenTrial) for t in storage.get_all_trials(study_id))

    # --- claims (compare-and-set on a study system attribute) ------------------------------------
    def test_claim_writes_only_from_the_expected_value(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        assert storage.set_study_system_attr_if(study_id, "point:0", None, 7) is True
        assert storage.set_study_system_attr_if(study_id, "point:0", None, 8) is False
        assert storage.set_study_system_attr_if(study_id, "point:0", 3, 8) is False
        assert storage.get_study_system_attrs(study_id) == {"point:0": 7}
        assert storage.set_study_system_attr_if(study_id, "point:0", 7, {"trial": [8, "x"]}) is True
        assert storage.set_study_system_attr_if(study_id, "point:0", {"trial": [8, "x"]}, 9) is True
        storage.set_study_system_attr(study_id, "null", None)
        assert storage.set_study_system_attr_if(study_id, "null", None, 1) is False  # set to null: not absent
        assert storage.get_study_system_attrs(study_id) == {"point:0": 9, "null": None}

    def test_claim_on_an_unknown_study_or_with_a_non_json_value_raises(self, storage: BaseStorage) -> None:
        with pytest.raises(KeyError, match="987654"):
            storage.set_study_system_attr_if(987654, "k", None, 1)
        study_id = _new_study(storage)
        with pytest.raises(TypeError, match=r"must be JSON-serializable, got .*datetime.date\(2024, 1, 2\)"):
            storage.set_study_system_attr_if(study_id, "k", None, datetime.date(2024, 1, 2))
        assert storage.get_study_system_attrs(study_id) == {}

    def test_only_one_thread_wins_a_claim(self, storage: BaseStorage) -> None:
        study_id = _new_study(storage)
        storage.set_study_system_attr(study_id, "point", -1)
        results: list[tuple[str, int, bool]] = []
        barrier = threading.Barrier(4)

        def claim(me: int) -> None:
            barrier.wait()
            results.append(("absent", me, storage.set_study_system_attr_if(study_id, "new", None, me)))
            results.append(("swap", me, storage.set_study_system_attr_if(study_id, "point", -1, me)))

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        attrs = storage.get_study_system_attrs(study_id)
        for kind, key in (("absent", "new"), ("swap", "point")):
            winners = [me for k, me, won in results if k == kind and won]
            assert winners == [attrs[key]]

    def test_only_one_process_wins_each_claim(self, storage: BaseStorage) -> None:
        if not self.shared_by_processes:
            return  # the clause is about storages that several processes share
        study_id = _new_study(storage)
        keys = [f"point:{i}" for i in range(6)]
        context = multiprocessing.get_context("spawn")
        start = context.Event()
        pickled = pickle.dumps(storage)
        workers = [
            context.Process(target=_claim_in_process, args=(pickled, study_id, keys, f"p{i}", start)) for i in range(3)
        ]
        for worker in workers:
            worker.start()
        start.set()
        for worker in workers:
            worker.join(timeout=120)
        assert [w.exitcode for w in workers] == [0, 0, 0]
        attrs = storage.get_study_system_attrs(study_id)
        for key in keys:
            winners = [name for name in attrs if name.startswith(f"won:{key}:")]
            assert winners == [f"won:{key}:{attrs[key]}"]
