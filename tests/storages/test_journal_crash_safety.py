"""Journal crash safety and file permissions: torn tails are cut, damage is reported (or
quarantined on request), foreign files and symbolic links are refused, and the files albacore
creates (journal, lock, snapshot, quarantine, SQLite database) are private to their owner."""

from __future__ import annotations

import json
import logging
import os
import re
import stat

import pytest

import albacore
from albacore._study_types import StudyDirection
from albacore.cli import main as cli_main
from albacore.exceptions import StorageInternalError
from albacore.storages import RDBStorage
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.trial import TrialState

MIN = [StudyDirection.MINIMIZE]


def _study_with_trials(path, n: int = 3) -> tuple[JournalStorage, int]:
    storage = JournalStorage(JournalFileBackend(path))
    study_id = storage.create_new_study(MIN, "crash")
    for i in range(n):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_param(trial_id, "x", float(i), albacore.distributions.FloatDistribution(0, 10))
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(i)])
    return storage, study_id


def _lines(path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def _overwrite_line(path, number: int, text: bytes) -> None:
    """Replace the content of 1-based line ``number`` (same length, padded)."""
    lines = _lines(path)
    old = lines[number - 1]
    lines[number - 1] = (text + b"x" * len(old))[: len(old)]
    path.write_bytes(b"\n".join(lines))


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def caplog(caplog):
    """pytest's caplog, seeing albacore's log records (which do not propagate by default)."""
    albacore.logging.enable_propagation()
    yield caplog
    albacore.logging.disable_propagation()


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


# --- damage in the middle ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old_format", "line", "damage", "match"),
    [
        # Line 1 is the header, 2 the study, 3 trial 0's creation, 4 its param.
        (False, 4, b"garbage", r"line 4 \(byte offset \d+\) of {path} is damaged: it is not a journal record"),
        (False, 1, b"\x00\x00\x00", r"line 1 \(byte offset 0\) of {path} is damaged"),
        # A journal from before the framing: line 1 is the study, 3 trial 0's param.
        (True, 1, b'{"op":"create_stu', r"line 1 \(byte offset 0\) of {path} is damaged: it is not valid JSON"),
        (True, 3, b'{"op":"param",', r"line 3 \(byte offset \d+\) of {path} is damaged: it is not valid JSON"),
    ],
)
def test_damaged_record_names_file_and_line(tmp_path, old_format, line, damage, match) -> None:
    path = tmp_path / "j.log"
    _write_old_journal(path) if old_format else _study_with_trials(path)
    _overwrite_line(path, line, damage)
    with pytest.raises(StorageInternalError, match=match.format(path=re.escape(str(path)))):
        JournalStorage(JournalFileBackend(path))


def test_flipped_digit_fails_the_checksum(tmp_path) -> None:
    path = tmp_path / "j.log"
    _study_with_trials(path)
    data = path.read_bytes()
    lines = data.split(b"\n")
    assert b'"value":2.0' in lines[-2] or b'"values":[2.0]' in lines[-2]
    lines[-2] = lines[-2].replace(b"2.0", b"7.0")  # still valid JSON: only the checksum can tell
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(StorageInternalError, match="checksum does not match"):
        JournalStorage(JournalFileBackend(path))


def test_damage_after_open_stops_the_next_read(tmp_path) -> None:
    path = tmp_path / "j.log"
    storage, study_id = _study_with_trials(path, n=1)
    with open(path, "ab") as f:
        f.write(b"0123abcd {\"op\":\"noise\"}\n")
    with pytest.raises(StorageInternalError, match=r"line 6 .* is damaged: its checksum does not match"):
        storage.get_all_trials(study_id)


# --- files that are not journals ---------------------------------------------------------------
def test_a_file_that_is_not_a_journal_is_refused_untouched(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"shopping list\nmilk\n")
    with pytest.raises(ValueError, match=rf"{path}' is not an albacore journal .*refusing to write to it"):
        JournalStorage(JournalFileBackend(path))
    assert path.read_bytes() == b"shopping list\nmilk\n"
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]  # no lock file either


def test_a_one_line_text_file_is_refused(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"no newline at the end")
    with pytest.raises(ValueError, match="is not an albacore journal"):
        JournalFileBackend(path)
    assert path.read_bytes() == b"no newline at the end"


# --- torn tails ----------------------------------------------------------------------------------
def test_torn_last_record_is_truncated_on_open_with_a_warning(tmp_path, caplog) -> None:
    path = tmp_path / "j.log"
    _study_with_trials(path)
    good = path.read_bytes()
    with open(path, "ab") as f:  # a writer killed in the middle of a record
        f.write(b'1a2b3c4d {"op":"state","writer":"dead","seq":9,"trial_id":2,"st')
    with caplog.at_level(logging.WARNING, logger="albacore"):
        storage = JournalStorage(JournalFileBackend(path))
    assert path.read_bytes() == good
    assert f"Journal {path} ends with an incomplete record at byte offset {len(good)}" in caplog.text
    trials = storage.get_all_trials(storage.get_study_id_from_name("crash"))
    assert [t.values for t in trials] == [[0.0], [1.0], [2.0]]


def test_torn_tail_is_cut_by_the_next_append_of_an_open_journal(tmp_path) -> None:
    path = tmp_path / "j.log"
    storage, study_id = _study_with_trials(path, n=1)
    good = path.read_bytes()
    with open(path, "ab") as f:
        f.write(b"0000")
    storage.set_study_user_attr(study_id, "after", 1)
    data = path.read_bytes()
    assert data.startswith(good) and b"0000" not in data[len(good):]
    assert JournalStorage(JournalFileBackend(path)).get_study_user_attrs(study_id) == {"after": 1}


def test_torn_state_record_leaves_a_running_trial_that_heartbeats_fail(tmp_path) -> None:
    path = tmp_path / "j.log"
    storage = JournalStorage(JournalFileBackend(path), heartbeat_interval=0.05, grace_period=0.1)
    study = albacore.create_study(study_name="torn-tell", storage=storage)
    trial = study.ask()
    size = path.stat().st_size
    study.tell(trial, 1.0)
    with open(path, "r+b") as f:  # the tell's record torn halfway: as if killed in tell
        f.truncate(size + (path.stat().st_size - size) // 2)
    reopened = albacore.load_study(
        study_name="torn-tell", storage=JournalStorage(JournalFileBackend(path), heartbeat_interval=0.05,
                                                       grace_period=0.1)
    )
    assert reopened.trials[0].state == TrialState.RUNNING
    import time

    time.sleep(0.3)
    assert albacore.storages.fail_stale_trials(reopened) == [0]
    assert reopened.trials[0].state == TrialState.FAIL


def test_torn_header_of_a_new_journal_is_rewritten(tmp_path) -> None:
    path = tmp_path / "j.log"
    path.write_bytes(b"# albacore jour")  # the writer of the header was killed
    storage = JournalStorage(JournalFileBackend(path))
    storage.create_new_study(MIN, "after-torn-header")
    assert path.read_bytes().startswith(b"# albacore journal, format 2\n")
    assert [s.study_name for s in JournalStorage(JournalFileBackend(path)).get_all_studies()] == ["after-torn-header"]


# --- old journals ----------------------------------------------------------------------------------
def _write_old_journal(path) -> None:
    """A journal in the format of albacore before the framing: bare JSON lines, no header."""
    records = [
        {"op": "create_study", "writer": "w", "seq": 1, "directions": [1], "name": "old"},
        {
            "op": "create_trial",
            "writer": "w",
            "seq": 2,
            "study_id": 0,
            "trial": {
                "state": 0,
                "values": None,
                "start": "2024-01-02T03:04:05",
                "complete": None,
                "params": {},
                "user_attrs": {},
                "system_attrs": {},
                "intermediate": [],
            },
        },
        {
            "op": "param",
            "writer": "w",
            "seq": 3,
            "trial_id": 0,
            "name": "x",
            "value": 0.5,
            "distribution": '{"name": "FloatDistribution", '
            '"attributes": {"low": 0.0, "high": 1.0, "step": null, "log": false}}',
        },
        {
            "op": "state",
            "writer": "w",
            "seq": 4,
            "trial_id": 0,
            "state": 1,
            "values": [0.25],
            "time": "2024-01-02T03:04:06",
        },
    ]
    path.write_bytes(b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in records))


def test_old_journal_is_read_and_appended_to(tmp_path) -> None:
    path = tmp_path / "old.log"
    _write_old_journal(path)
    old = path.read_bytes()
    study = albacore.load_study(study_name="old", storage=JournalStorage(JournalFileBackend(path)))
    assert study.trials[0].params == {"x": 0.5} and study.trials[0].values == [0.25]
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert path.read_bytes().startswith(old)
    again = albacore.load_study(study_name="old", storage=JournalStorage(JournalFileBackend(path)))
    assert [t.number for t in again.trials] == [0, 1, 2]
    assert all(t.state == TrialState.COMPLETE for t in again.trials)


def test_torn_record_an_older_version_left_mid_file_is_repaired(tmp_path) -> None:
    path = tmp_path / "old.log"
    _write_old_journal(path)
    lines = _lines(path)
    lines.insert(2, b'{"op":"param","writer":"dead","seq":7,"trial_id":0,"na')  # older writers ended it with \n
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(StorageInternalError, match=r"line 3 \(byte offset \d+\) .* is damaged: it is not valid JSON"):
        JournalStorage(JournalFileBackend(path))
    assert JournalFileBackend(path, repair=True).quarantined[0][0] == 3
    study = albacore.load_study(study_name="old", storage=JournalStorage(JournalFileBackend(path)))
    assert study.trials[0].params == {"x": 0.5} and study.trials[0].values == [0.25]


# --- repair --------------------------------------------------------------------------------------
def test_repair_quarantines_damaged_records(tmp_path, caplog) -> None:
    path = tmp_path / "j.log"
    _study_with_trials(path)
    damaged_line = _lines(path)[6]  # trial 1's param (line 7)
    _overwrite_line(path, 7, b"zz")
    with caplog.at_level(logging.WARNING, logger="albacore"):
        backend = JournalFileBackend(path, repair=True)
    offset = len(b"\n".join(_lines(path)[:6])) + 1
    assert backend.quarantined == [(7, offset)]
    assert f"line 7 (byte offset {offset}) of journal {path}" in caplog.text
    quarantine = (tmp_path / "j.log.quarantine").read_bytes()
    assert quarantine.startswith(f"# line 7, byte offset {offset} of {path}".encode())
    assert quarantine.endswith((b"zz" + b"x" * len(damaged_line))[: len(damaged_line)] + b"\n")
    storage = JournalStorage(JournalFileBackend(path))
    trials = storage.get_all_trials(storage.get_study_id_from_name("crash"))
    assert [t.params for t in trials] == [{"x": 0.0}, {}, {"x": 2.0}]  # what the record said is lost
    assert [t.values for t in trials] == [[0.0], [1.0], [2.0]]
    assert JournalFileBackend(path).repair() == []  # nothing left to repair


def test_repair_of_a_damaged_first_line(tmp_path) -> None:
    path = tmp_path / "j.log"
    _study_with_trials(path, n=1)
    _overwrite_line(path, 1, b"?")
    assert JournalFileBackend(path, repair=True).quarantined == [(1, 0)]
    storage = JournalStorage(JournalFileBackend(path))
    assert storage.get_n_trials(storage.get_study_id_from_name("crash")) == 1


def test_cli_storage_repair(tmp_path, capsys) -> None:
    path = tmp_path / "j.log"
    _study_with_trials(path)
    _overwrite_line(path, 5, b"!!")
    assert cli_main(["storage", "repair", "--storage", f"journal://{path}"]) == 0
    assert "Set aside 1 damaged record(s) into" in capsys.readouterr().err
    assert cli_main(["storage", "repair", "--storage-class", "JournalFileBackend", "--storage", str(path)]) == 0
    assert "No damaged records found." in capsys.readouterr().err
    assert cli_main(["storage", "repair", "--storage", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "only journal storages can be repaired" in capsys.readouterr().err


def test_bad_backend_options(tmp_path) -> None:
    with pytest.raises(ValueError, match="file_mode must be permission bits .*got file_mode=4096"):
        JournalFileBackend(tmp_path / "j.log", file_mode=0o10000)
    with pytest.raises(ValueError, match="file_mode must be .*got file_mode=True"):
        JournalFileBackend(tmp_path / "j.log", file_mode=True)
    with pytest.raises(TypeError, match="repair must be a bool, got repair='yes'"):
        JournalFileBackend(tmp_path / "j.log", repair="yes")  # type: ignore[arg-type]


# --- permissions and symbolic links ----------------------------------------------------------------
def test_journal_files_are_private_by_default(tmp_path, umask_022) -> None:
    path = tmp_path / "j.log"
    backend = JournalFileBackend(path)
    storage = JournalStorage(backend, snapshot_interval=2)
    storage.create_new_study(MIN, "private")
    storage.create_new_study(MIN, "private-2")
    token = backend._acquire()
    try:
        assert _mode(f"{path}.lock") == 0o600
    finally:
        backend._release(token)
    assert _mode(path) == 0o600
    assert _mode(f"{path}.snapshot") == 0o600
    _overwrite_line(path, 2, b"?")
    JournalFileBackend(path, repair=True)
    assert _mode(f"{path}.quarantine") == 0o600


def test_file_mode_option_and_a_stricter_umask(tmp_path, umask_022) -> None:
    JournalFileBackend(tmp_path / "shared.log", file_mode=0o660)
    assert _mode(tmp_path / "shared.log") == 0o640  # the umask still removes group write
    os.umask(0o277)
    JournalFileBackend(tmp_path / "strict.log")
    assert _mode(tmp_path / "strict.log") == 0o400


def test_existing_journal_keeps_its_mode(tmp_path, umask_022) -> None:
    path = tmp_path / "j.log"
    JournalFileBackend(path)
    os.chmod(path, 0o644)
    JournalStorage(JournalFileBackend(path)).create_new_study(MIN)
    assert _mode(path) == 0o644


def test_journal_path_that_is_a_symlink_is_refused(tmp_path) -> None:
    target = tmp_path / "elsewhere.log"
    _study_with_trials(target, n=1)
    before = target.read_bytes()
    link = tmp_path / "j.log"
    link.symlink_to(target)
    with pytest.raises(ValueError, match=rf"path='{link}' is a symbolic link; the journal does not follow links"):
        JournalFileBackend(link)
    dangling = tmp_path / "dangling.log"
    dangling.symlink_to(tmp_path / "would-be-created.log")
    with pytest.raises(ValueError, match="is a symbolic link"):
        JournalFileBackend(dangling)
    assert target.read_bytes() == before
    assert not (tmp_path / "would-be-created.log").exists()


def test_sqlite_database_file_is_private(tmp_path, umask_022) -> None:
    path = tmp_path / "study.db"
    storage = RDBStorage(f"sqlite:///{path}")
    albacore.create_study(storage=storage).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert _mode(path) == 0o600
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            assert _mode(f"{path}{suffix}") == 0o600
    storage.remove_session()


def test_existing_sqlite_database_keeps_its_mode(tmp_path, umask_022) -> None:
    path = tmp_path / "study.db"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    storage = RDBStorage(f"sqlite:///{path}")
    albacore.create_study(storage=storage)
    assert _mode(path) == 0o640
    storage.remove_session()


# --- Redis -----------------------------------------------------------------------------------------
def test_redis_damaged_item_is_reported_and_repaired(redis_url, redis_prefix) -> None:
    import redis

    storage = JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))
    study_id = storage.create_new_study(MIN, "redis-damage")
    for value in (1.0, 2.0):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value])
    client = redis.Redis.from_url(redis_url)
    key = f"{redis_prefix}albacore:journal:logs"
    good = client.lindex(key, 2)
    client.lset(key, 2, good.replace(b"1.0", b"9.0"))
    with pytest.raises(StorageInternalError, match=rf"item 2 of the Redis list '{key}' .* is damaged: its checksum"):
        JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))

    backend = JournalRedisBackend(redis_url, prefix=redis_prefix, repair=True)
    assert backend.quarantined == [2]
    assert client.lrange(f"{redis_prefix}albacore:journal:quarantine", 0, -1) == [good.replace(b"1.0", b"9.0")]
    repaired = JournalStorage(backend)
    assert [t.state for t in repaired.get_all_trials(study_id)] == [TrialState.RUNNING, TrialState.COMPLETE]
    trial_id = repaired.create_new_trial(study_id)  # list indices and log numbers now differ by one
    repaired.set_trial_state_values(trial_id, TrialState.COMPLETE, [3.0])
    assert [t.values for t in repaired.get_all_trials(study_id)] == [None, [2.0], [3.0]]
    fresh = JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))
    assert [t.values for t in fresh.get_all_trials(study_id)] == [None, [2.0], [3.0]]
    assert [t.values for t in storage.get_all_trials(study_id)] == [[1.0], [2.0], [3.0]]  # read before the damage
    client.close()


def test_redis_reads_bare_json_items_of_older_journals(redis_url, redis_prefix) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.rpush(
        f"{redis_prefix}albacore:journal:logs",
        json.dumps({"op": "create_study", "writer": "w", "seq": 1, "directions": [1], "name": "old-redis"}),
    )
    storage = JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))
    assert storage.get_study_id_from_name("old-redis") == 0
    client.close()
