"""The gRPC storage proxy: the storage contract through a proxy on SQLite and PostgreSQL,
several worker processes on one proxy, errors (unreachable proxy, the storage's own
exceptions), the client's cache of finished trials and ``albacore storage proxy``."""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import subprocess
import sys
import threading

import pytest
import sqlalchemy

import albacore
from albacore.distributions import FloatDistribution
from albacore.exceptions import DuplicatedStudyError, StorageInternalError, UpdateFinishedTrialError
from albacore.storages import GrpcStorageProxy, InMemoryStorage, RDBStorage
from albacore.storages._grpc._server import MAX_STORAGE_CALLS, start_server
from albacore.testing.storages import StorageContract
from albacore.trial import TrialState

pytest.importorskip("grpc")  # the `grpc` extra, which the test extra installs

MIN = [albacore.StudyDirection.MINIMIZE]


@contextlib.contextmanager
def served(backend):
    """A proxy server on a free port for ``backend``; gives the client, then stops both."""
    server, port = start_server(backend, "localhost", 0, None)
    proxy = GrpcStorageProxy(host="localhost", port=port)
    try:
        yield proxy
    finally:
        proxy.close()
        server.stop(grace=None)
        for study in backend.get_all_studies():  # the server database is shared by the session
            backend.delete_study(study._study_id)
        backend.remove_session()


class TestGrpcProxyOnSQLite(StorageContract):
    @pytest.fixture
    def storage(self, tmp_path):
        with served(RDBStorage(f"sqlite:///{tmp_path / 'proxy.db'}")) as proxy:
            yield proxy


class TestGrpcProxyOnPostgreSQL(StorageContract):
    @pytest.fixture
    def storage(self, postgres_url):
        with served(RDBStorage(postgres_url)) as proxy:
            yield proxy


# --- many workers, one proxy -------------------------------------------------------------------------
def _optimize_through(pickled_proxy: bytes, study_name: str, n_trials: int) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.load_study(study_name=study_name, storage=pickle.loads(pickled_proxy))

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        trial.set_user_attr("pid", os.getpid())
        return x * x

    study.optimize(objective, n_trials=n_trials)


@pytest.fixture
def pg_proxy(postgres_url):
    with served(RDBStorage(postgres_url)) as proxy:
        yield proxy


def test_four_processes_share_one_study_through_one_proxy(pg_proxy, run_in_processes) -> None:
    study = albacore.create_study(storage=pg_proxy, study_name="grpc-workers")
    pickled = pickle.dumps(pg_proxy)
    run_in_processes([(_optimize_through, (pickled, "grpc-workers", 6))] * 4)
    trials = study.get_trials()
    assert sorted(t.number for t in trials) == list(range(24))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert len({t.user_attrs["pid"] for t in trials}) == 4
    assert len({t._trial_id for t in trials}) == 24


def test_the_proxy_holds_few_database_connections(postgres_url) -> None:
    name = "albacore-grpc-proxy-test"
    backend = RDBStorage(postgres_url, engine_kwargs={"connect_args": {"application_name": name}})
    with served(backend) as proxy:
        study_id = proxy.create_new_study(MIN, "grpc-connections")
        barrier = threading.Barrier(8)

        def work() -> None:
            barrier.wait()
            for _ in range(5):
                trial_id = proxy.create_new_trial(study_id)
                proxy.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
                proxy.get_all_trials(study_id, deepcopy=False)
                proxy.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.5])

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert proxy.get_n_trials(study_id, TrialState.COMPLETE) == 40
        engine = sqlalchemy.create_engine(postgres_url)
        with engine.connect() as conn:
            held = conn.execute(
                sqlalchemy.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": name},
            ).scalar()
        engine.dispose()
        assert 1 <= held <= 2 * MAX_STORAGE_CALLS == 4


# --- errors -------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def test_an_unreachable_proxy_fails_naming_host_and_port() -> None:
    port = _free_port()
    proxy = GrpcStorageProxy(host="localhost", port=port, timeout=0.5)
    with pytest.raises(StorageInternalError, match=rf"localhost:{port}: cannot reach the proxy server within 0.5 s"):
        proxy.get_all_studies()
    with pytest.raises(StorageInternalError, match=rf"localhost:{port}: cannot reach"):
        proxy.wait_server_ready(timeout=0.2)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"port must be an int in \[1, 65535\], got port=0"):
        GrpcStorageProxy(port=0)
    with pytest.raises(TypeError, match=r"host must be a non-empty str, got host=None"):
        GrpcStorageProxy(host=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"timeout must be a positive number of seconds or None, got timeout=-1"):
        GrpcStorageProxy(timeout=-1)
    with pytest.raises(TypeError, match=r"storage must be an albacore storage, got storage='sqlite://'"):
        start_server("sqlite://", "localhost", 0, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"port must be an int in \[0, 65535\], got port=70000"):
        start_server(InMemoryStorage(), "localhost", 70000, None)


class _Picky(InMemoryStorage):
    """Raises on chosen attribute keys, as a storage with its own rules might."""

    def set_study_user_attr(self, study_id, key, value):
        if key == "bad-value":
            raise ValueError(f"value of {key!r} is not allowed here")
        if key == "surprise":
            raise OSError("disk on fire")
        super().set_study_user_attr(study_id, key, value)


def test_storage_exceptions_arrive_as_the_same_types() -> None:
    with served(_Picky()) as proxy:
        study_id = proxy.create_new_study(MIN, "grpc-errors")
        with pytest.raises(DuplicatedStudyError, match="grpc-errors"):
            proxy.create_new_study(MIN, "grpc-errors")
        with pytest.raises(KeyError, match="no-such-study"):
            proxy.get_study_id_from_name("no-such-study")
        with pytest.raises(KeyError, match="424242"):
            proxy.get_trial(424242)
        trial_id = proxy.create_new_trial(study_id)
        proxy.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
        with pytest.raises(UpdateFinishedTrialError, match="finished"):
            proxy.set_trial_user_attr(trial_id, "k", 1)
        with pytest.raises(ValueError, match="value of 'bad-value' is not allowed here"):
            proxy.set_study_user_attr(study_id, "bad-value", 1)
        with pytest.raises(StorageInternalError, match="the proxy's storage failed: OSError: disk on fire"):
            proxy.set_study_user_attr(study_id, "surprise", 1)
        proxy.set_study_user_attr(study_id, "fine", [1, "two"])  # the connection survives errors
        assert proxy.get_study_user_attrs(study_id) == {"fine": [1, "two"]}


def test_finished_trials_are_read_from_the_client_cache() -> None:
    backend = InMemoryStorage()
    server, port = start_server(backend, "localhost", 0, None)
    proxy = GrpcStorageProxy(port=port, timeout=0.5)
    study_id = proxy.create_new_study(MIN, "grpc-cache")
    done = proxy.create_new_trial(study_id)
    proxy.set_trial_param(done, "x", 0.25, FloatDistribution(0, 1))
    proxy.set_trial_state_values(done, TrialState.COMPLETE, [0.25])
    running = proxy.create_new_trial(study_id)
    other = GrpcStorageProxy(port=port, timeout=0.5)
    assert [t.state for t in other.get_all_trials(study_id)] == [TrialState.COMPLETE, TrialState.RUNNING]
    backend.set_trial_state_values(running, TrialState.FAIL)  # behind the clients' backs
    assert [t.state for t in other.get_all_trials(study_id)] == [TrialState.COMPLETE, TrialState.FAIL]
    server.stop(grace=None)
    # Finished trials never change: with the server gone both clients still serve them.
    assert proxy.get_trial(done).params == {"x": 0.25}
    assert other.get_trial(running).state == TrialState.FAIL
    with pytest.raises(StorageInternalError, match=rf"localhost:{port}"):
        other.get_all_trials(study_id)


_EXIT_WITH_OPEN_PROXY = """
import albacore
from albacore.storages import GrpcStorageProxy, InMemoryStorage
from albacore.storages._grpc._server import start_server

server, port = start_server(InMemoryStorage(), "localhost", 0, None)
proxy = GrpcStorageProxy(port=port)
study = albacore.create_study(storage=proxy, study_name="left-open")
study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
print(len(study.trials))
"""


def test_a_process_exits_with_its_proxy_left_open() -> None:
    # A grpc channel still open at interpreter teardown used to block the process's exit.
    done = subprocess.run([sys.executable, "-c", _EXIT_WITH_OPEN_PROXY], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"


def test_close_forgets_the_channel_and_a_later_call_reconnects() -> None:
    server, port = start_server(InMemoryStorage(), "localhost", 0, None)
    try:
        proxy = GrpcStorageProxy(port=port, timeout=30)
        proxy.create_new_study(MIN, "reopened")
        proxy.close()
        assert proxy._channel is None
        assert [s.study_name for s in proxy.get_all_studies()] == ["reopened"]
        proxy.close()
    finally:
        server.stop(grace=None)


# --- the command line ------------------------------------------------------------------------------------
def test_storage_proxy_command_serves_a_storage(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'cli-proxy.db'}"
    env = {k: v for k, v in os.environ.items() if k != "ALBACORE_STORAGE"}
    command = [sys.executable, "-m", "albacore.cli", "storage", "proxy", "--storage", url, "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stderr.readline()  # type: ignore[union-attr]
        assert line.startswith("Serving the storage on localhost:"), line
        port = int(line.split("localhost:")[1].split(" ")[0])
        proxy = GrpcStorageProxy(port=port, timeout=30)
        study = albacore.create_study(storage=proxy, study_name="via-cli")
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        proxy.close()
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert albacore.load_study(study_name="via-cli", storage=url).get_trials()[2].number == 2


def test_storage_proxy_command_without_storage_is_a_usage_error(capsys, monkeypatch) -> None:
    from albacore.cli import main

    monkeypatch.delenv("ALBACORE_STORAGE", raising=False)
    assert main(["storage", "proxy", "--port", "0"]) == 1
    assert "no storage given: pass --storage URL" in capsys.readouterr().err
