"""optimize(executor=<a concurrent.futures.Executor>) and optimize(executor="process", devices=...)."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

import albacore
from albacore.storages.journal import JournalFileBackend, JournalStorage
from albacore.study import MaxTrialsCallback
from albacore.trial import TrialState


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    trial.set_user_attr("pid", os.getpid())
    return x**2


def failing_objective(trial: albacore.Trial) -> float:
    trial.suggest_float("x", 0, 1)
    raise ZeroDivisionError("boom on the executor")


def device_objective(trial: albacore.Trial) -> float:
    trial.set_user_attr("visible", os.environ["CUDA_VISIBLE_DEVICES"])
    trial.set_user_attr("device", os.environ["ALBACORE_DEVICE"])
    trial.set_user_attr("pid", os.getpid())
    return 0.0


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as executor:
        yield executor


def _journal_study(tmp_path, name: str) -> albacore.Study:
    return albacore.create_study(study_name=name, storage=JournalStorage(JournalFileBackend(tmp_path / "j.log")))


def test_process_pool_runs_exactly_n_trials_and_stays_open(tmp_path, pool) -> None:
    study = _journal_study(tmp_path, "pool")
    study.optimize(objective, n_trials=10, n_jobs=2, executor=pool)
    trials = study.trials
    assert [t.number for t in trials] == list(range(10))
    assert all(t.state == TrialState.COMPLETE and t.value == t.params["x"] ** 2 for t in trials)
    assert os.getpid() not in {t.user_attrs["pid"] for t in trials}
    assert len({t.params["x"] for t in trials}) == 10  # each worker's sampler copy is reseeded
    assert pool.submit(os.getpid).result() > 0  # the caller's executor is not shut down
    study.optimize(objective, n_trials=3, n_jobs=2, executor=pool)
    assert len(study.trials) == 13


def test_callbacks_run_on_the_workers_and_stop_the_loop(tmp_path, pool) -> None:
    study = _journal_study(tmp_path, "stop")
    study.optimize(objective, n_trials=50, n_jobs=2, executor=pool, callbacks=[MaxTrialsCallback(4)])
    assert 4 <= len(study.trials) <= 5


def test_objective_error_reaches_the_caller(tmp_path, pool) -> None:
    study = _journal_study(tmp_path, "fail")
    with pytest.raises(ZeroDivisionError, match="boom on the executor"):
        study.optimize(failing_objective, n_trials=4, n_jobs=1, executor=pool)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    study.optimize(failing_objective, n_trials=3, n_jobs=2, executor=pool, catch=ZeroDivisionError)
    assert len(study.trials) == 4 and all(t.state == TrialState.FAIL for t in study.trials)


def test_in_memory_storage_with_a_process_pool_is_refused(pool) -> None:
    study = albacore.create_study()
    with pytest.raises(ValueError, match=r"executor=ProcessPoolExecutor.*InMemoryStorage.*cannot be shared"):
        study.optimize(objective, n_trials=2, executor=pool)
    assert study.trials == []


def test_unpicklable_objective_is_refused(tmp_path, pool) -> None:
    study = _journal_study(tmp_path, "unpicklable")
    lock = threading.Lock()

    def holds_a_lock(trial: albacore.Trial) -> float:
        with lock:
            return 0.0

    with pytest.raises(ValueError, match=r"executor=ProcessPoolExecutor\): func must be picklable"):
        study.optimize(holds_a_lock, n_trials=2, executor=pool)
    assert study.trials == []


def test_a_thread_pool_shares_the_in_memory_study() -> None:
    study = albacore.create_study()
    with ThreadPoolExecutor(max_workers=3) as threads:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=12, n_jobs=3, executor=threads)
        assert threads.submit(int).result() == 0
    assert [t.number for t in study.trials] == list(range(12))
    assert {t.state for t in study.trials} == {TrialState.COMPLETE}


def test_something_else_is_not_an_executor() -> None:
    study = albacore.create_study()
    with pytest.raises(TypeError, match=r"executor must be 'thread', 'process', a concurrent.futures.Executor"):
        study.optimize(objective, n_trials=1, executor=object())


def test_each_worker_process_gets_its_own_device(tmp_path) -> None:
    study = _journal_study(tmp_path, "devices")
    study.optimize(device_objective, n_trials=8, n_jobs=2, executor="process", devices=["cuda:0", "cuda:1"])
    by_pid: dict[int, set[tuple[str, str]]] = {}
    for t in study.trials:
        by_pid.setdefault(t.user_attrs["pid"], set()).add((t.user_attrs["visible"], t.user_attrs["device"]))
    assert all(len(seen) == 1 for seen in by_pid.values())  # a worker keeps its device
    assert set.union(*by_pid.values()) <= {("0", "cuda:0"), ("1", "cuda:1")}
    assert len(set.union(*by_pid.values())) == len(by_pid)  # no two workers share one


def test_devices_from_a_callable(tmp_path) -> None:
    study = _journal_study(tmp_path, "callable")
    study.optimize(device_objective, n_trials=2, n_jobs=1, executor="process", devices=lambda i: "cpu")
    assert {(t.user_attrs["visible"], t.user_attrs["device"]) for t in study.trials} == {("", "cpu")}


@pytest.mark.parametrize(
    ("devices", "error", "match"),
    [
        ([], ValueError, r"devices must name at least one device, got devices=\[\]"),
        (["gpu0"], ValueError, r"each device must be 'cpu', 'cuda:<index>' or '<index>', got 'gpu0'"),
        ("cuda:0", TypeError, r"devices must be a list of device strings"),
    ],
)
def test_bad_devices(tmp_path, devices, error, match) -> None:
    study = _journal_study(tmp_path, "bad")
    with pytest.raises(error, match=match):
        study.optimize(objective, n_trials=1, executor="process", devices=devices)


def test_devices_need_worker_processes() -> None:
    study = albacore.create_study()
    with pytest.raises(ValueError, match=r"devices needs executor='process', got executor='thread'"):
        study.optimize(objective, n_trials=1, devices=["cuda:0"])


def test_kubernetes_worker_example_runs_against_a_shared_database(tmp_path) -> None:
    import pathlib
    import subprocess
    import sys

    example = pathlib.Path(__file__).resolve().parents[2] / "examples" / "distributed" / "kubernetes" / "worker.py"
    url = f"sqlite:///{tmp_path / 'k8s.db'}"
    for _ in range(2):  # a second pod finds the study already done
        result = subprocess.run(
            [sys.executable, str(example), "--storage", url, "--n-trials", "5"],
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "trials: 5 finished" in result.stdout


def slow_objective(trial: albacore.Trial) -> float:
    import time

    trial.suggest_float("x", 0, 1)
    time.sleep(2)
    return 0.0


def test_ctrl_c_fails_the_trials_running_on_the_executor(tmp_path, pool) -> None:
    import signal
    import time

    study = _journal_study(tmp_path, "interrupt")
    timer = threading.Timer(0.8, os.kill, (os.getpid(), signal.SIGINT))  # a real signal ends the wait
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(slow_objective, n_trials=4, n_jobs=2, executor=pool)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]
    time.sleep(2.5)  # the workers finish and find their trials failed: the results are dropped
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]
