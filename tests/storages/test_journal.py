"""JournalStorage specifics: lock files, snapshots, several handles, errors (crash safety and
file permissions are in test_journal_crash_safety.py)."""

from __future__ import annotations

import os
import pickle
import socket
import threading
import time

import pytest

import albacore
from albacore._study_types import StudyDirection
from albacore.exceptions import StorageInternalError
from albacore.storages import get_storage
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.trial import TrialState

MIN = [StudyDirection.MINIMIZE]


def _complete_trials(storage: JournalStorage, study_id: int, values: list[float]) -> None:
    for value in values:
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value])


def test_two_handles_on_one_file_share_gapless_numbers(tmp_path) -> None:
    a = JournalStorage(JournalFileBackend(tmp_path / "j.log"))
    b = JournalStorage(JournalFileBackend(tmp_path / "j.log"))
    study_id = a.create_new_study(MIN, "shared")

    def work(storage: JournalStorage) -> None:
        for _ in range(15):
            _complete_trials(storage, study_id, [0.0])

    threads = [threading.Thread(target=work, args=(s,)) for s in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for storage in (a, b):
        trials = storage.get_all_trials(study_id)
        assert [t.number for t in trials] == list(range(60))
        assert all(t.state == TrialState.COMPLETE for t in trials)
    assert [t._trial_id for t in a.get_all_trials(study_id)] == [t._trial_id for t in b.get_all_trials(study_id)]


def test_compare_and_set_across_handles(tmp_path) -> None:
    a = JournalStorage(JournalFileBackend(tmp_path / "j.log"))
    b = JournalStorage(JournalFileBackend(tmp_path / "j.log"))
    study_id = a.create_new_study(MIN)
    waiting = a.create_new_trial(study_id, albacore.trial.create_trial(state=TrialState.WAITING))
    assert b.set_trial_state_values(waiting, TrialState.RUNNING) is True
    assert a.set_trial_state_values(waiting, TrialState.RUNNING) is False
    assert a.get_trial(waiting).datetime_start == b.get_trial(waiting).datetime_start


def test_snapshot_is_used_when_opening(tmp_path) -> None:
    path = tmp_path / "j.log"
    storage = JournalStorage(JournalFileBackend(path), snapshot_interval=10)
    study_id = storage.create_new_study(MIN, "snap")
    storage.set_study_user_attr(study_id, "k", [1, 2])
    _complete_trials(storage, study_id, [float(i) for i in range(12)])  # 1 + 1 + 24 records
    assert os.path.exists(f"{path}.snapshot")

    # Damage the record creating the study: a reader that replayed the log from the
    # beginning would stop there; one that starts from the snapshot never reads those bytes.
    with open(path, "r+b") as f:
        f.readline()
        offset = f.tell()
        f.seek(offset + 10)
        f.write(b"x" * 20)
    with pytest.raises(StorageInternalError, match="line 2 .* is damaged"):
        JournalFileBackend(path).read_logs(0)
    fresh = JournalStorage(JournalFileBackend(path))
    assert fresh.get_study_user_attrs(study_id) == {"k": [1, 2]}
    assert [t.values[0] for t in fresh.get_all_trials(study_id)] == [float(i) for i in range(12)]
    assert fresh.get_best_trial(study_id).values == [0.0]
    _complete_trials(fresh, study_id, [-1.0])
    assert storage.get_best_trial(study_id).values == [-1.0]


def test_unreadable_snapshot_falls_back_to_the_log(tmp_path) -> None:
    path = tmp_path / "j.log"
    storage = JournalStorage(JournalFileBackend(path), snapshot_interval=4)
    study_id = storage.create_new_study(MIN, "bad-snap")
    _complete_trials(storage, study_id, [1.0, 2.0, 3.0])
    with open(f"{path}.snapshot", "wb") as f:
        f.write(b'{"log_number": 4, "offset": 10, "size": 3}\n{"x')
    fresh = JournalStorage(JournalFileBackend(path))
    assert [t.values for t in fresh.get_all_trials(study_id)] == [[1.0], [2.0], [3.0]]


def test_lock_of_a_dead_process_is_broken(tmp_path) -> None:
    path = tmp_path / "j.log"
    storage = JournalStorage(JournalFileBackend(path))
    dead_pid = _dead_pid()
    with open(f"{path}.lock", "wb") as f:
        f.write(f"{socket.gethostname()} {dead_pid} deadbeef".encode())
    study_id = storage.create_new_study(MIN, "after-dead-lock")
    assert storage.get_study_name_from_id(study_id) == "after-dead-lock"
    assert not os.path.exists(f"{path}.lock")


def test_old_lock_from_another_host_is_broken_and_fresh_one_is_waited_for(tmp_path) -> None:
    path = tmp_path / "j.log"
    storage = JournalStorage(JournalFileBackend(path, lock_timeout=0.5))
    lock = f"{path}.lock"
    with open(lock, "wb") as f:
        f.write(b"some-other-host 12345 cafe")
    old = time.time() - 5
    os.utime(lock, (old, old))
    storage.create_new_study(MIN, "after-old-lock")

    with open(lock, "wb") as f:
        f.write(b"some-other-host 12345 fresh")
    released = []

    def release() -> None:
        time.sleep(0.2)
        released.append(time.monotonic())
        os.unlink(lock)

    thread = threading.Thread(target=release)
    thread.start()
    storage.create_new_study(MIN, "after-fresh-lock")
    done = time.monotonic()
    thread.join()
    assert released and done >= released[0]  # it waited for the owner to release
    assert {s.study_name for s in storage.get_all_studies()} == {"after-old-lock", "after-fresh-lock"}


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_pickled_storage_reopens_the_journal(tmp_path) -> None:
    storage = JournalStorage(JournalFileBackend(tmp_path / "j.log"), heartbeat_interval=5)
    study_id = storage.create_new_study(MIN, "pickled")
    _complete_trials(storage, study_id, [4.0])
    copy = pickle.loads(pickle.dumps(storage))
    assert copy.get_heartbeat_interval() == 5
    _complete_trials(copy, study_id, [2.0])
    assert [t.number for t in storage.get_all_trials(study_id)] == [0, 1]


def test_study_end_to_end_and_journal_url(tmp_path) -> None:
    url = f"journal://{tmp_path / 'j.log'}"
    study = albacore.create_study(study_name="url", storage=url)
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=5)
    again = albacore.load_study(study_name="url", storage=get_storage(url))
    assert len(again.trials) == 5 and again.best_value == study.best_value


def test_non_json_attribute_is_rejected(tmp_path) -> None:
    storage = JournalStorage(JournalFileBackend(tmp_path / "j.log"))
    study_id = storage.create_new_study(MIN)
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(TypeError, match="set_trial_user_attr: user attribute 'k' must be JSON-serializable"):
        storage.set_trial_user_attr(trial_id, "k", object())
    with pytest.raises(TypeError, match="set_study_system_attr: system attribute 's' must be JSON"):
        storage.set_study_system_attr(study_id, "s", {1, 2})


def test_bad_arguments(tmp_path) -> None:
    with pytest.raises(TypeError, match="JournalStorage: log_storage must be a BaseJournalBackend"):
        JournalStorage(str(tmp_path / "j.log"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="snapshot_interval must be a positive int, got snapshot_interval=0"):
        JournalStorage(JournalFileBackend(tmp_path / "j.log"), snapshot_interval=0)
    with pytest.raises(ValueError, match="heartbeat_interval must be a positive number"):
        JournalStorage(JournalFileBackend(tmp_path / "j.log"), heartbeat_interval=-1)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        JournalFileBackend(tmp_path / "missing-dir" / "j.log")
    with pytest.raises(IsADirectoryError, match="must be a file, not a directory"):
        JournalFileBackend(tmp_path)
    with pytest.raises(ValueError, match="lock_timeout must be a positive number of seconds, got lock_timeout=0"):
        JournalFileBackend(tmp_path / "j.log", lock_timeout=0)
    with pytest.raises(ValueError, match="url must be a redis:// URL, got url='http://x'"):
        JournalRedisBackend("http://x")
    with pytest.raises(ValueError, match="has no file path"):
        get_storage("journal://")


def test_unreachable_redis_names_host_and_port() -> None:
    started = time.monotonic()
    with pytest.raises(StorageInternalError, match="cannot reach Redis at 127.0.0.1:1 "):
        JournalRedisBackend("redis://127.0.0.1:1/0", connect_timeout=0.5)
    assert time.monotonic() - started < 30


def test_redis_duplicate_append_is_applied_once(redis_url, redis_prefix) -> None:
    backend = JournalRedisBackend(redis_url, prefix=redis_prefix)
    storage = JournalStorage(backend)
    study_id = storage.create_new_study(MIN, "dup")
    record = {"op": "create_trial", "writer": "w", "seq": 1, "study_id": study_id,
              "trial": {"state": 1, "values": [1.0], "start": None, "complete": None, "params": {},
                        "user_attrs": {}, "system_attrs": {}, "intermediate": []}}
    backend.append_logs([record])
    backend.append_logs([record])  # as after a retried append whose first try got through
    assert [t.number for t in storage.get_all_trials(study_id)] == [0]
    fresh = JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))
    assert fresh.get_n_trials(study_id) == 1


def test_redis_snapshot_and_url(redis_url, redis_prefix) -> None:
    backend = JournalRedisBackend(redis_url, prefix=redis_prefix)
    storage = JournalStorage(backend, snapshot_interval=5)
    study_id = storage.create_new_study(MIN, "redis-snap")
    _complete_trials(storage, study_id, [3.0, 1.0, 2.0])
    loaded = backend.load_snapshot()
    assert loaded is not None and loaded[0] == 5
    fresh = JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))
    assert fresh.get_best_trial(study_id).values == [1.0]
    assert [t.number for t in fresh.get_all_trials(study_id)] == [0, 1, 2]


def _write_forever(path: str, study_id: int) -> None:
    storage = JournalStorage(JournalFileBackend(path))
    while True:
        _complete_trials(storage, study_id, [1.0])


def test_writer_killed_at_a_random_point_never_breaks_the_journal(tmp_path) -> None:
    import multiprocessing
    import signal

    path = str(tmp_path / "j.log")
    storage = JournalStorage(JournalFileBackend(path, lock_timeout=5))
    study_id = storage.create_new_study(MIN, "killed-writer")
    writer = multiprocessing.get_context("spawn").Process(target=_write_forever, args=(path, study_id))
    writer.start()
    deadline = time.monotonic() + 60
    while storage.get_n_trials(study_id) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(writer.pid, signal.SIGKILL)  # maybe mid-write, maybe holding the lock
    writer.join()

    _complete_trials(storage, study_id, [2.0])  # breaks a lock the dead writer may hold
    fresh = JournalStorage(JournalFileBackend(path))
    trials = fresh.get_all_trials(study_id)
    assert [t.number for t in trials] == list(range(len(trials)))
    assert trials[-1].values == [2.0] and len(trials) >= 21
    assert all(t.state in (TrialState.COMPLETE, TrialState.RUNNING) for t in trials)
    assert sum(t.state == TrialState.RUNNING for t in trials) <= 1  # at most the one cut short


def test_public_names() -> None:
    import albacore.storages

    assert albacore.storages.JournalStorage is JournalStorage
    assert albacore.storages.JournalFileBackend is JournalFileBackend
    assert albacore.storages.JournalRedisBackend is JournalRedisBackend
    assert {"JournalStorage", "JournalFileBackend", "JournalRedisBackend"} <= set(albacore.storages.__all__)


def test_redis_url_is_a_journal_storage(redis_url) -> None:
    storage = get_storage(redis_url)
    assert isinstance(storage, JournalStorage)
    assert isinstance(storage._backend, JournalRedisBackend)
