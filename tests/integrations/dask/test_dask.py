"""Dask: trials on a LocalCluster of 2 worker processes, the study in DaskStorage on the scheduler."""

from __future__ import annotations

import os
import pickle
import sys
import threading

import pytest
from dask.distributed import Client, LocalCluster

import albacore
from albacore.integrations.dask import DaskStorage
from albacore.storages import RetryHeartbeatStaleTrialCallback
from albacore.storages.journal import JournalFileBackend, JournalStorage
from albacore.testing.storages import StorageContract
from albacore.trial import TrialState


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    trial.report(x, 0)
    trial.set_user_attr("pid", os.getpid())
    return x**2


def dies_on_trial_0(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    if trial.number == 0:
        os._exit(1)  # the Dask worker process dies in the middle of the trial
    return x**2


def failing_objective(trial: albacore.Trial) -> float:
    trial.suggest_float("x", 0, 1)
    raise ZeroDivisionError("boom on a dask worker")


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, resources={"slot": 1}
    )
    with cluster, Client(cluster) as dask_client:
        yield dask_client


def test_exact_trial_count_on_the_workers_with_no_database(client) -> None:
    study = albacore.create_study(storage=DaskStorage(client=client))
    study.optimize(objective, n_trials=20, n_jobs=2, executor=client)
    trials = study.trials
    assert [t.number for t in trials] == list(range(20))
    assert all(t.state == TrialState.COMPLETE and t.value == t.params["x"] ** 2 for t in trials)
    assert all(t.intermediate_values == {0: t.params["x"]} for t in trials)
    worker_pids = set(client.run(os.getpid).values())
    assert {t.user_attrs["pid"] for t in trials} <= worker_pids
    assert len({t.params["x"] for t in trials}) == 20


def test_executor_with_resources_and_a_journal_storage(client, tmp_path) -> None:
    storage = JournalStorage(JournalFileBackend(tmp_path / "j.log"))  # the workers share this machine's disk
    study = albacore.create_study(storage=storage)
    study.optimize(objective, n_trials=6, n_jobs=2, executor=client.get_executor(resources={"slot": 1}))
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 6
    assert len({t.user_attrs["pid"] for t in study.trials}) <= 2


def test_objective_error_reaches_the_caller(client) -> None:
    study = albacore.create_study(storage=DaskStorage(client=client))
    with pytest.raises(ZeroDivisionError, match="boom on a dask worker"):
        study.optimize(failing_objective, n_trials=3, n_jobs=1, executor=client)
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_in_memory_storage_is_refused(client) -> None:
    study = albacore.create_study()
    with pytest.raises(ValueError, match=r"optimize\(executor=ClientExecutor\).*InMemoryStorage.*cannot be shared"):
        study.optimize(objective, n_trials=2, executor=client)


def test_unpicklable_objective_is_refused(client) -> None:
    study = albacore.create_study(storage=DaskStorage(client=client))
    lock = threading.Lock()

    def holds_a_lock(trial: albacore.Trial) -> float:
        with lock:
            return 0.0

    with pytest.raises(ValueError, match=r"optimize\(executor=ClientExecutor\): func must be picklable"):
        study.optimize(holds_a_lock, n_trials=2, executor=client)
    assert study.trials == []


def test_a_killed_worker_fails_its_trial_and_its_retry_runs(client) -> None:
    storage = DaskStorage(
        client=client,
        heartbeat_interval=0.2,
        grace_period=1.0,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(),
    )
    study = albacore.create_study(storage=storage)
    study.optimize(dies_on_trial_0, n_trials=6, n_jobs=2, executor=client)
    trials = study.trials
    started = [t for t in trials if t.state != TrialState.WAITING]
    assert len(started) == 6  # the rerun Dask made of trial 0 did not count as a trial
    assert trials[0].state == TrialState.FAIL
    retries = [t for t in trials if RetryHeartbeatStaleTrialCallback.retried_trial_number(t) == 0]
    assert len(retries) == 1 and retries[0].params == trials[0].params
    if retries[0].state == TrialState.WAITING:  # enqueued after the budget was spent
        study.optimize(dies_on_trial_0, n_trials=1, executor=client)
    trials = study.trials
    assert [t.number for t in trials] == list(range(len(trials)))
    assert [t.state for t in trials[1:]] == [TrialState.COMPLETE] * (len(trials) - 1)
    assert study.trials[retries[0].number].value == trials[0].params["x"] ** 2


def test_dask_storage_attaches_by_name_and_pickles(client) -> None:
    storage = DaskStorage(client=client, name="albacore-test-shared")
    study = albacore.create_study(storage=storage, study_name="shared")
    study.optimize(objective, n_trials=2)
    again = DaskStorage(client=client, name="albacore-test-shared")
    assert len(albacore.load_study(study_name="shared", storage=again).trials) == 2
    copy = pickle.loads(pickle.dumps(storage))
    assert copy.name == storage.name and len(albacore.load_study(study_name="shared", storage=copy).trials) == 2


def test_register_false_attaches_and_the_base_storage_is_a_copy(client) -> None:
    storage = DaskStorage(client=client, name="albacore-test-base")
    albacore.create_study(storage=storage, study_name="base").optimize(objective, n_trials=3)
    attached = DaskStorage(client=client, name="albacore-test-base", register=False)
    assert len(albacore.load_study(study_name="base", storage=attached).trials) == 3
    base = attached.get_base_storage()
    assert len(albacore.load_study(study_name="base", storage=base).trials) == 3
    with pytest.raises(ValueError, match=r"register=False, but no storage named 'nowhere' is on the scheduler"):
        DaskStorage(client=client, name="nowhere", register=False)
    with pytest.raises(ValueError, match=r"register=False needs the name of a registered storage"):
        DaskStorage(client=client, register=False)


def test_dask_storage_on_a_durable_storage(client, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'durable.db'}"
    study = albacore.create_study(storage=DaskStorage(url, client=client), study_name="durable")
    study.optimize(objective, n_trials=4, n_jobs=2, executor=client)
    assert len(albacore.load_study(study_name="durable", storage=url).trials) == 4


def test_dask_storage_bad_arguments(client) -> None:
    with pytest.raises(TypeError, match=r"DaskStorage: storage must be None, a storage URL or an albacore storage"):
        DaskStorage(storage=3, client=client)
    with pytest.raises(ValueError, match=r"DaskStorage: name must be a non-empty string or None, got name=''"):
        DaskStorage(name="", client=client)
    with pytest.raises(ValueError, match=r"DaskStorage: heartbeat_interval must be a positive number"):
        DaskStorage(client=client, heartbeat_interval=-1)


def test_a_read_of_unfinished_states_moves_only_those_trials(client) -> None:
    storage = DaskStorage(client=client)
    study_id = storage.create_new_study([albacore.StudyDirection.MINIMIZE], "unfinished-reads")
    done = storage.create_new_trial(study_id)
    storage.set_trial_state_values(done, TrialState.COMPLETE, [1.0])
    running = storage.create_new_trial(study_id)
    waiting = storage.create_new_trial(study_id, albacore.trial.create_trial(state=TrialState.WAITING))
    sent = []
    send = storage._send

    def spy(payload: bytes) -> bytes:
        sent.append(pickle.loads(payload)[0])
        return send(payload)

    storage._send = spy
    assert [t._trial_id for t in storage.get_all_trials(study_id, states=(TrialState.WAITING,))] == [waiting]
    both = storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING, TrialState.WAITING))
    assert [t._trial_id for t in both] == [running, waiting]
    assert sent == ["trials_in_states", "trials_in_states"]
    both[0].user_attrs["changed"] = True  # the caller's own objects
    assert storage.get_trial(running).user_attrs == {}
    assert storage.get_all_trials(study_id, states=()) == []
    with pytest.raises(KeyError):
        storage.get_all_trials(study_id + 1000, states=(TrialState.WAITING,))
    with pytest.raises(KeyError):
        storage.get_all_trials(study_id + 1000, states=())


class TestDaskStorageContract(StorageContract):
    shared_by_processes = False  # its claims go through one scheduler; the process variant is slow here

    @pytest.fixture
    def storage(self, client):
        return DaskStorage(client=client)


def test_missing_dask_names_the_extra() -> None:
    import subprocess

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in 'distributed,dask'.split(','):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from albacore.integrations.dask import DaskStorage\n"
        "DaskStorage()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "pip install 'albacore[dask]'" in result.stderr


def hangs_on_trial_1(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    if trial.number == 1:
        trial.report(7.0, 0)
        import time

        time.sleep(1000)
    return x**2


def test_a_trial_over_its_time_limit_in_dask_storage_is_stopped_and_the_others_run(client) -> None:
    study = albacore.create_study(storage=DaskStorage(client=client), sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(hangs_on_trial_1, n_trials=4, n_jobs=2, executor=client, trial_timeout=2.0)
    trials = study.trials
    assert len(trials) == 4
    assert trials[1].state == TrialState.PRUNED and trials[1].value == 7.0
    assert all(t.state == TrialState.COMPLETE and t.value == t.params["x"] ** 2 for t in trials if t.number != 1)
