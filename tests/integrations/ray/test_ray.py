"""Ray: trials as Ray tasks on a local Ray (num_cpus=2), the study in a RayStorage actor or a database."""

from __future__ import annotations

import builtins
import os
import pickle
import sys
import threading

import cloudpickle
import pytest
import ray

import albacore
from albacore.integrations.ray import RayExecutor, RayStorage
from albacore.storages import RetryHeartbeatStaleTrialCallback
from albacore.trial import TrialState


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    trial.set_user_attr("pid", os.getpid())
    return x**2


def dies_on_trial_0(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    if trial.number == 0:
        os._exit(1)  # the Ray worker process dies in the middle of the trial
    return x**2


def failing_objective(trial: albacore.Trial) -> float:
    trial.suggest_float("x", 0, 1)
    raise ZeroDivisionError("boom in a ray task")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    # Ray's workers do not import this test module by its rootdir name: its functions travel by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    # Ray's progress-bar manager replaces builtins.print in this process, which later tests
    # pickling objects that hold print (skorch's nets) would trip over: keep the real one.
    real_print = builtins.print
    os.environ["RAY_TQDM_PATCH_PRINT"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()
    builtins.print = real_print


def test_exact_trial_count_as_ray_tasks_with_no_database() -> None:
    study = albacore.create_study(storage=RayStorage())
    study.optimize(objective, n_trials=12, n_jobs=2, executor=RayExecutor(num_cpus=1))
    trials = study.trials
    assert [t.number for t in trials] == list(range(12))
    assert all(t.state == TrialState.COMPLETE and t.value == t.params["x"] ** 2 for t in trials)
    assert os.getpid() not in {t.user_attrs["pid"] for t in trials}
    assert len({t.params["x"] for t in trials}) == 12


def test_a_database_url_storage(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'ray.db'}"
    study = albacore.create_study(storage=url, study_name="ray-db")
    study.optimize(objective, n_trials=4, n_jobs=2, executor=RayExecutor(num_cpus=0.5))
    assert [t.state for t in albacore.load_study(study_name="ray-db", storage=url).trials] == [TrialState.COMPLETE] * 4


def test_objective_error_reaches_the_caller_as_itself() -> None:
    study = albacore.create_study(storage=RayStorage())
    with pytest.raises(ZeroDivisionError, match="boom in a ray task"):
        study.optimize(failing_objective, n_trials=3, executor=RayExecutor())
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_in_memory_storage_and_unpicklable_objective_are_refused() -> None:
    with pytest.raises(ValueError, match=r"optimize\(executor=RayExecutor\).*InMemoryStorage.*cannot be shared"):
        albacore.create_study().optimize(objective, n_trials=1, executor=RayExecutor())
    lock = threading.Lock()

    def holds_a_lock(trial: albacore.Trial) -> float:
        with lock:
            return 0.0

    study = albacore.create_study(storage=RayStorage())
    with pytest.raises(ValueError, match=r"optimize\(executor=RayExecutor\): func must be picklable"):
        study.optimize(holds_a_lock, n_trials=1, executor=RayExecutor())
    assert study.trials == []


def test_a_killed_worker_fails_its_trial_and_its_retry_runs() -> None:
    storage = RayStorage(
        heartbeat_interval=0.2, grace_period=1.0, heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback()
    )
    study = albacore.create_study(storage=storage)
    study.optimize(dies_on_trial_0, n_trials=5, n_jobs=2, executor=RayExecutor())
    trials = study.trials
    assert len([t for t in trials if t.state != TrialState.WAITING]) == 5  # Ray's rerun is no extra trial
    assert trials[0].state == TrialState.FAIL
    retries = [t for t in trials if RetryHeartbeatStaleTrialCallback.retried_trial_number(t) == 0]
    assert len(retries) == 1 and retries[0].params == trials[0].params
    if retries[0].state == TrialState.WAITING:  # enqueued after the budget was spent
        study.optimize(dies_on_trial_0, n_trials=1, executor=RayExecutor())
    trials = study.trials
    assert [t.number for t in trials] == list(range(len(trials)))
    assert [t.state for t in trials[1:]] == [TrialState.COMPLETE] * (len(trials) - 1)


def test_ray_storage_pickles_and_attaches_by_name() -> None:
    storage = RayStorage(name="albacore-test-ray")
    albacore.create_study(storage=storage, study_name="s").optimize(objective, n_trials=2)
    copy = pickle.loads(pickle.dumps(storage))
    assert len(albacore.load_study(study_name="s", storage=copy).trials) == 2
    assert len(albacore.load_study(study_name="s", storage=RayStorage(name="albacore-test-ray")).trials) == 2


def test_ray_executor_reserves_resources_and_validates() -> None:
    executor = RayExecutor(num_cpus=2)
    assigned = executor.submit(lambda: ray.get_runtime_context().get_assigned_resources()).result()
    assert assigned == {"CPU": 2.0}
    with pytest.raises(ValueError, match=r"RayExecutor: num_gpus must be a non-negative number, got num_gpus=-1"):
        RayExecutor(num_gpus=-1)
    with pytest.raises(TypeError, match=r"RayExecutor: resources must be a dict of resource names to amounts"):
        RayExecutor(resources=["GPU"])
    executor.shutdown()
    with pytest.raises(RuntimeError, match="RayExecutor: cannot submit after shutdown"):
        executor.submit(int)


def test_missing_ray_names_the_extra() -> None:
    import subprocess

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in 'ray'.split(','):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from albacore.integrations.ray import RayStorage\n"
        "RayStorage()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "pip install 'albacore[ray]'" in result.stderr


def hangs_on_trial_1(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    if trial.number == 1:
        trial.report(7.0, 0)
        import time

        time.sleep(1000)
    return x**2


@pytest.mark.parametrize("storage_kind", ["ray-actor", "sqlite"])
def test_a_trial_over_its_time_limit_is_stopped_and_the_others_run(storage_kind, tmp_path) -> None:
    storage = RayStorage() if storage_kind == "ray-actor" else f"sqlite:///{tmp_path / 'ray-timeout.db'}"
    sampler = albacore.samplers.RandomSampler(seed=0)
    study = albacore.create_study(storage=storage, study_name="ray-timeout", sampler=sampler)
    study.optimize(hangs_on_trial_1, n_trials=4, n_jobs=2, executor=RayExecutor(num_cpus=1), trial_timeout=2.0)
    trials = study.trials
    assert len(trials) == 4
    assert trials[1].state == TrialState.PRUNED and trials[1].value == 7.0
    assert all(t.state == TrialState.COMPLETE and t.value == t.params["x"] ** 2 for t in trials if t.number != 1)
