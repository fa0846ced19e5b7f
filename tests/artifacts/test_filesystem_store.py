"""FileSystemArtifactStore: the store's own contract, and several spawned worker processes
uploading into one study on SQLite or on a journal file, seen by all of them."""

from __future__ import annotations

import hashlib
import io
import os
import pathlib
import tempfile
from typing import Any

import pytest

import albacore
from albacore.artifacts import FileSystemArtifactStore, download_artifact, get_all_artifact_meta, upload_artifact
from albacore.artifacts.exceptions import ArtifactNotFound
from albacore.samplers import RandomSampler
from albacore.storages.journal import JournalFileBackend, JournalStorage
from albacore.trial import TrialState

N_WORKERS = 3
N_TRIALS_EACH = 4


# --- the store ---------------------------------------------------------------------------------


def test_write_read_remove(tmp_path: pathlib.Path) -> None:
    store = FileSystemArtifactStore(str(tmp_path / "new" / "dir"))  # created on first write
    store.write("a", io.BytesIO(b"alpha"))
    store.write("nested/b", io.BytesIO(b"beta"))
    with store.open_reader("a") as reader:
        assert reader.read() == b"alpha"
    with store.open_reader("nested/b") as reader:
        assert reader.read() == b"beta"
    store.remove("a")
    with pytest.raises(ArtifactNotFound, match=r"has no artifact with artifact_id='a'"):
        store.open_reader("a")
    with pytest.raises(ArtifactNotFound, match=r"has no artifact with artifact_id='a'"):
        store.remove("a")
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == ["nested"]


def test_write_from_the_current_position_and_leave_the_stream_open(tmp_path: pathlib.Path) -> None:
    store = FileSystemArtifactStore(tmp_path)
    body = io.BytesIO(b"headerPAYLOAD")
    body.seek(6)
    store.write("p", body)
    assert not body.closed
    assert (tmp_path / "p").read_bytes() == b"PAYLOAD"


class _FailingStream(io.RawIOBase):
    def __init__(self) -> None:
        self.sent = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.sent:
            raise OSError("disk vanished")
        self.sent = True
        buffer[:4] = b"half"
        return 4


def test_a_failed_write_leaves_neither_artifact_nor_temporary_file(tmp_path: pathlib.Path) -> None:
    store = FileSystemArtifactStore(tmp_path)
    store.write("keep", io.BytesIO(b"old"))
    with pytest.raises(OSError, match="disk vanished"):
        store.write("x", _FailingStream())
    with pytest.raises(OSError, match="disk vanished"):
        store.write("keep", _FailingStream())
    assert sorted(os.listdir(tmp_path)) == ["keep"]
    assert (tmp_path / "keep").read_bytes() == b"old"


@pytest.mark.parametrize("artifact_id", ["", "../outside", "/etc/passwd", "a/../../outside", "."])
def test_artifact_ids_must_stay_inside_base_path(tmp_path: pathlib.Path, artifact_id: str) -> None:
    store = FileSystemArtifactStore(tmp_path / "base")
    with pytest.raises(ValueError, match=r"artifact_id must .*got artifact_id="):
        store.write(artifact_id, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match=r"artifact_id must .*got artifact_id="):
        store.open_reader(artifact_id)
    assert not (tmp_path / "outside").exists()


def test_bad_base_path(tmp_path: pathlib.Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ValueError, match=r"base_path='.*file' exists and is not a directory"):
        FileSystemArtifactStore(a_file)
    with pytest.raises(TypeError, match=r"base_path must be a str or os.PathLike, got base_path=None"):
        FileSystemArtifactStore(None)


def test_new_files_follow_the_umask(tmp_path: pathlib.Path) -> None:
    old = os.umask(0o022)
    try:
        FileSystemArtifactStore(tmp_path).write("shared", io.BytesIO(b"x"))
    finally:
        os.umask(old)
    assert (tmp_path / "shared").stat().st_mode & 0o777 == 0o644  # readable by the team, as usual


# --- several processes on one study --------------------------------------------------------------


def trial_content(worker: int, number: int) -> bytes:
    seed = hashlib.sha256(f"{worker}:{number}".encode()).digest()
    return seed * (200 + 37 * number) + bytes(range(256))


def summary_content(worker: int) -> bytes:
    return f"worker {worker} done\n".encode() * 500


def _worker(storage: Any, study_name: str, base_path: str, worker: int) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    storage = albacore.storages.get_storage(storage)  # a URL (SQLite) becomes a storage object
    study = albacore.load_study(study_name=study_name, storage=storage, sampler=RandomSampler(seed=worker))
    store = FileSystemArtifactStore(base_path)
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"worker{worker}-"))

    def objective(trial: albacore.Trial) -> float:
        trial.set_user_attr("worker", worker)
        path = work / f"trial-{trial.number}.bin"
        path.write_bytes(trial_content(worker, trial.number))
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=N_TRIALS_EACH)
    summary = work / f"worker-{worker}.txt"
    summary.write_bytes(summary_content(worker))
    upload_artifact(artifact_store=store, file_path=summary, study_or_trial=study)
    # And one on its last (finished) trial, through a FrozenTrial and the storage.
    mine = [t for t in study.get_trials(states=(TrialState.COMPLETE,)) if t.user_attrs["worker"] == worker]
    upload_artifact(
        artifact_store=store, file_path=summary, study_or_trial=mine[-1], storage=storage, mimetype="text/x-log"
    )


def _storages(kind: str, tmp_path: pathlib.Path) -> tuple[Any, Any]:
    """(what the workers get, a fresh storage on the same data for checking)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'study.db'}"
        return url, albacore.storages.RDBStorage(url)
    journal = tmp_path / "journal.log"
    return JournalStorage(JournalFileBackend(journal)), JournalStorage(JournalFileBackend(journal))


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_processes_upload_into_one_study_and_every_one_sees_it(kind, tmp_path, run_in_processes) -> None:
    shared, _ = _storages(kind, tmp_path)
    albacore.create_study(study_name="artifacts", storage=shared)
    base = str(tmp_path / "artifacts")
    run_in_processes([(_worker, (shared, "artifacts", base, w)) for w in range(N_WORKERS)], timeout=240)

    _, fresh = _storages(kind, tmp_path)
    study = albacore.load_study(study_name="artifacts", storage=fresh)
    store = FileSystemArtifactStore(base)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    all_ids: list[str] = []

    def fetch(artifact_id: str) -> bytes:
        download_artifact(artifact_store=store, file_path=downloads / artifact_id, artifact_id=artifact_id)
        all_ids.append(artifact_id)
        return (downloads / artifact_id).read_bytes()

    trials = study.trials
    assert len(trials) == N_WORKERS * N_TRIALS_EACH and all(t.state == TrialState.COMPLETE for t in trials)
    last_of = {w: max(t.number for t in trials if t.user_attrs["worker"] == w) for w in range(N_WORKERS)}
    for trial in trials:
        worker = trial.user_attrs["worker"]
        metas = get_all_artifact_meta(trial, storage=fresh)
        assert metas[0].filename == f"trial-{trial.number}.bin"
        assert fetch(metas[0].artifact_id) == trial_content(worker, trial.number)
        if trial.number == last_of[worker]:
            assert [(m.filename, m.mimetype) for m in metas[1:]] == [(f"worker-{worker}.txt", "text/x-log")]
            assert fetch(metas[1].artifact_id) == summary_content(worker)
        else:
            assert len(metas) == 1
    study_metas = sorted(get_all_artifact_meta(study), key=lambda m: m.filename)
    assert [(m.filename, m.mimetype) for m in study_metas] == [
        (f"worker-{w}.txt", "text/plain") for w in range(N_WORKERS)
    ]
    for worker, meta in enumerate(study_metas):
        assert fetch(meta.artifact_id) == summary_content(worker)
    # Every stored file is listed exactly once: no orphan, no leftover temporary file.
    assert sorted(os.listdir(base)) == sorted(all_ids) and len(set(all_ids)) == len(all_ids)
