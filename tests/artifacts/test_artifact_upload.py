"""upload_artifact, get_all_artifact_meta and download_artifact on a file-system store:
which study or trial an artifact belongs to, where its metadata lives, and bad input."""

from __future__ import annotations

import inspect
import json
import pathlib
import subprocess
import sys
from typing import Any, BinaryIO

import pytest

import albacore
from albacore.artifacts import (
    ArtifactMeta,
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)
from albacore.artifacts.exceptions import ArtifactNotFound
from albacore.storages import InMemoryStorage
from albacore.trial import FixedTrial, TrialState


@pytest.fixture(autouse=True)
def _quiet() -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)


@pytest.fixture
def store(tmp_path: pathlib.Path) -> FileSystemArtifactStore:
    return FileSystemArtifactStore(tmp_path / "store")


def stored_ids(tmp_path: pathlib.Path) -> set[str]:
    base = tmp_path / "store"
    return {p.name for p in base.iterdir()} if base.exists() else set()


def make_file(directory: pathlib.Path, name: str, content: bytes) -> pathlib.Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(content)
    return path


def downloaded(store: FileSystemArtifactStore, artifact_id: str, directory: pathlib.Path) -> bytes:
    target = directory / f"download-{artifact_id}"
    download_artifact(artifact_store=store, file_path=target, artifact_id=artifact_id)
    return target.read_bytes()


def test_signatures_are_optunas() -> None:
    params = inspect.signature(upload_artifact).parameters
    assert list(params) == ["artifact_store", "file_path", "study_or_trial", "storage", "mimetype", "encoding"]
    assert all(p.kind == p.KEYWORD_ONLY for p in params.values())
    assert [params[n].default for n in ("storage", "mimetype", "encoding")] == [None, None, None]
    download = inspect.signature(download_artifact).parameters
    assert list(download) == ["artifact_store", "file_path", "artifact_id"]
    assert all(p.kind == p.KEYWORD_ONLY for p in download.values())
    listing = inspect.signature(get_all_artifact_meta).parameters
    assert list(listing) == ["study_or_trial", "storage"]
    assert listing["storage"].kind == listing["storage"].KEYWORD_ONLY
    assert [f for f in ArtifactMeta.__dataclass_fields__] == ["artifact_id", "filename", "mimetype", "encoding"]


def test_upload_from_a_running_trial_is_listed_and_downloads_identically(store, tmp_path) -> None:
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage)
    content = bytes(range(256)) * 40
    seen_inside: list[list[ArtifactMeta]] = []

    def objective(trial: albacore.Trial) -> float:
        path = make_file(tmp_path / "work", f"weights-{trial.number}.bin", content + bytes([trial.number]))
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        seen_inside.append(get_all_artifact_meta(trial))
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=3)
    for trial, inside in zip(study.trials, seen_inside):
        metas = get_all_artifact_meta(trial, storage=storage)
        assert metas == inside and len(metas) == 1
        assert metas[0].filename == f"weights-{trial.number}.bin"
        assert metas[0].mimetype == "application/octet-stream" and metas[0].encoding is None
        assert downloaded(store, metas[0].artifact_id, tmp_path) == content + bytes([trial.number])
        # Recorded while the trial ran: in the trial's own system attributes, as JSON.
        record = json.loads(trial.system_attrs[f"artifacts:{metas[0].artifact_id}"])
        assert record == {"artifact_id": metas[0].artifact_id, "filename": metas[0].filename,
                          "mimetype": "application/octet-stream", "encoding": None}
    assert get_all_artifact_meta(study) == []  # the study's own list holds no trial's artifact


def test_upload_to_a_finished_frozen_trial_leaves_the_trial_unchanged(store, tmp_path) -> None:
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    best = study.best_trial
    before = storage.get_trial(best.trial_id)
    path = make_file(tmp_path, "report.csv.gz", b"not really gzip")
    artifact_id = upload_artifact(artifact_store=store, file_path=path, study_or_trial=best, storage=storage)
    # A finished trial never changes (workers cache it), so the record goes to the study.
    assert (
        storage.get_trial(best.trial_id) == before
        and storage.get_trial(best.trial_id).system_attrs == before.system_attrs
    )
    assert f"artifacts:trial:{best.trial_id}:{artifact_id}" in study.system_attrs
    assert get_all_artifact_meta(best, storage=storage) == [
        ArtifactMeta(artifact_id=artifact_id, filename="report.csv.gz", mimetype="text/csv", encoding="gzip")
    ]
    other = next(t for t in study.trials if t.number != best.number)
    assert get_all_artifact_meta(other, storage=storage) == []
    assert get_all_artifact_meta(study) == []
    assert downloaded(store, artifact_id, tmp_path) == b"not really gzip"


def test_a_trial_keeps_artifacts_from_before_and_after_it_finished(store, tmp_path) -> None:
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage)
    trial = study.ask()
    first = upload_artifact(artifact_store=store, file_path=make_file(tmp_path, "a.txt", b"a"), study_or_trial=trial)
    study.tell(trial, 1.0)
    # The handle of a finished trial still works; so does its FrozenTrial.
    second = upload_artifact(artifact_store=store, file_path=make_file(tmp_path, "b.txt", b"b"), study_or_trial=trial)
    frozen = study.trials[0]
    third = upload_artifact(
        artifact_store=store, file_path=make_file(tmp_path, "c.txt", b"c"), study_or_trial=frozen, storage=storage
    )
    ids = [m.artifact_id for m in get_all_artifact_meta(frozen, storage=storage)]
    assert ids == [first, second, third]
    assert [m.artifact_id for m in get_all_artifact_meta(trial)] == ids
    assert frozen.state == TrialState.COMPLETE


def test_study_artifacts_mimetype_and_encoding(store, tmp_path) -> None:
    study = albacore.create_study()
    guessed = upload_artifact(
        artifact_store=store, file_path=make_file(tmp_path, "plot.svg", b"<svg/>"), study_or_trial=study
    )
    explicit = upload_artifact(
        artifact_store=store,
        file_path=str(make_file(tmp_path, "blob", b"\x1f\x8b")),
        study_or_trial=study,
        mimetype="application/x-model",
        encoding="gzip",
    )
    assert get_all_artifact_meta(study) == [
        ArtifactMeta(guessed, "plot.svg", "image/svg+xml", None),
        ArtifactMeta(explicit, "blob", "application/x-model", "gzip"),
    ]
    assert stored_ids(tmp_path) == {guessed, explicit}


def test_artifacts_of_another_study_are_not_listed(store, tmp_path) -> None:
    storage = InMemoryStorage()
    study_a = albacore.create_study(storage=storage, study_name="a")
    study_b = albacore.create_study(storage=storage, study_name="b")
    for study in (study_a, study_b):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    path = make_file(tmp_path, "b.txt", b"b")
    upload_artifact(artifact_store=store, file_path=path, study_or_trial=study_b, storage=storage)
    upload_artifact(artifact_store=store, file_path=path, study_or_trial=study_b.trials[0], storage=storage)
    assert get_all_artifact_meta(study_a) == []
    assert get_all_artifact_meta(study_a.trials[0], storage=storage) == []
    assert (
        len(get_all_artifact_meta(study_b)) == 1 and len(get_all_artifact_meta(study_b.trials[0], storage=storage)) == 1
    )


def test_metadata_is_in_the_storage_seen_by_a_new_process(store, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = albacore.create_study(storage=url, study_name="shared")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    upload_artifact(artifact_store=store, file_path=make_file(tmp_path, "s.json", b"{}"), study_or_trial=study)
    code = (
        "import albacore\n"
        "from albacore.artifacts import get_all_artifact_meta\n"
        f"study = albacore.load_study(study_name='shared', storage={url!r})\n"
        "print([m.filename for m in get_all_artifact_meta(study)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "['s.json']"


# --- bad input: clear errors, nothing stored, nothing recorded -------------------------------------


def test_missing_file_path_raises_and_stores_nothing(store, tmp_path) -> None:
    study = albacore.create_study()
    with pytest.raises(FileNotFoundError, match=r"upload_artifact\(\): file_path='.*nope\.txt' does not exist"):
        upload_artifact(artifact_store=store, file_path=tmp_path / "nope.txt", study_or_trial=study)
    with pytest.raises(IsADirectoryError, match=r"file_path must be a file, got the directory file_path="):
        upload_artifact(artifact_store=store, file_path=tmp_path, study_or_trial=study)
    with pytest.raises(TypeError, match=r"file_path must be a str or os.PathLike, got file_path=3"):
        upload_artifact(artifact_store=store, file_path=3, study_or_trial=study)
    assert get_all_artifact_meta(study) == [] and stored_ids(tmp_path) == set()


def test_frozen_trial_needs_the_storage_of_its_own_study(store, tmp_path) -> None:
    path = make_file(tmp_path, "f.txt", b"f")
    storage_a, storage_b = InMemoryStorage(), InMemoryStorage()
    study_a = albacore.create_study(storage=storage_a)
    study_a.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    frozen = study_a.trials[0]
    with pytest.raises(ValueError, match=r"storage is required when study_or_trial is a FrozenTrial"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=frozen)
    with pytest.raises(ValueError, match=r"storage is required when study_or_trial is a FrozenTrial"):
        get_all_artifact_meta(frozen)
    # storage_b has no trial with that id at all.
    with pytest.raises(ValueError, match=r"trial_id 0\) is not in the given storage"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=frozen, storage=storage_b)
    # Now it has one with the same id and number, from another study, started at another time.
    study_b = albacore.create_study(storage=storage_b)
    study_b.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(ValueError, match=r"is not a trial of the given storage .* of another study or storage"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=frozen, storage=storage_b)
    with pytest.raises(ValueError, match=r"is not a trial of the given storage"):
        get_all_artifact_meta(frozen, storage=storage_b)
    assert stored_ids(tmp_path) == set()
    assert get_all_artifact_meta(study_b.trials[0], storage=storage_b) == []


def test_a_study_or_trial_with_another_storage_is_refused(store, tmp_path) -> None:
    path = make_file(tmp_path, "f.txt", b"f")
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage)
    upload_artifact(artifact_store=store, file_path=path, study_or_trial=study, storage=storage)  # its own: fine
    trial = study.ask()
    with pytest.raises(ValueError, match=r"storage=.* is not the storage of the given trial"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial, storage=InMemoryStorage())
    with pytest.raises(ValueError, match=r"is not the storage of the given study"):
        get_all_artifact_meta(study, storage=InMemoryStorage())
    with pytest.raises(TypeError, match=r"storage must be a BaseStorage or None, got storage='sqlite://'"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=study, storage="sqlite://")
    assert len(stored_ids(tmp_path)) == 1 and get_all_artifact_meta(trial) == []


def test_wrong_types_name_the_argument(store, tmp_path) -> None:
    path = make_file(tmp_path, "f.txt", b"f")
    with pytest.raises(
        TypeError, match=r"study_or_trial must be a Study, Trial or FrozenTrial, got study_or_trial=.*FixedTrial"
    ):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=FixedTrial({"x": 1.0}))
    with pytest.raises(
        TypeError, match=r"study_or_trial must be a Study, Trial or FrozenTrial, got study_or_trial='study'"
    ):
        get_all_artifact_meta("study")
    study = albacore.create_study()
    with pytest.raises(
        TypeError,
        match=r"artifact_store must be an artifact store .* got artifact_store='./dir' "
        r"\(missing: open_reader, write, remove\)",
    ):
        upload_artifact(artifact_store="./dir", file_path=path, study_or_trial=study)
    with pytest.raises(TypeError, match=r"mimetype must be a string or None, got mimetype=1"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=study, mimetype=1)
    with pytest.raises(TypeError, match=r"encoding must be a string or None, got encoding=b'gzip'"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=study, encoding=b"gzip")
    assert stored_ids(tmp_path) == set() and get_all_artifact_meta(study) == []


def test_failed_recording_removes_the_stored_bytes(store, tmp_path) -> None:
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage, study_name="gone")
    albacore.delete_study(study_name="gone", storage=storage)
    with pytest.raises(KeyError):
        upload_artifact(artifact_store=store, file_path=make_file(tmp_path, "f.txt", b"f"), study_or_trial=study)
    assert stored_ids(tmp_path) == set()  # no artifact the storage does not list


def test_download_of_an_unknown_id_creates_no_file(store, tmp_path) -> None:
    target = tmp_path / "out.bin"
    with pytest.raises(ArtifactNotFound, match=r"has no artifact with artifact_id='no-such-id'"):
        download_artifact(artifact_store=store, file_path=target, artifact_id="no-such-id")
    assert not target.exists()
    with pytest.raises(KeyError):  # ArtifactNotFound is a KeyError too
        download_artifact(artifact_store=store, file_path=target, artifact_id="no-such-id")
    with pytest.raises(TypeError, match=r"artifact_id must be a string, got artifact_id=None"):
        download_artifact(artifact_store=store, file_path=target, artifact_id=None)


def test_download_never_overwrites(store, tmp_path) -> None:
    study = albacore.create_study()
    artifact_id = upload_artifact(
        artifact_store=store, file_path=make_file(tmp_path, "f.txt", b"new"), study_or_trial=study
    )
    existing = make_file(tmp_path, "mine.txt", b"precious")
    with pytest.raises(FileExistsError, match=r"file_path='.*mine\.txt' already exists"):
        download_artifact(artifact_store=store, file_path=existing, artifact_id=artifact_id)
    assert existing.read_bytes() == b"precious"


class _BreaksMidway:
    """A real file-system store whose readers fail after the first chunk."""

    def __init__(self, store: FileSystemArtifactStore) -> None:
        self._store = store

    def open_reader(self, artifact_id: str) -> Any:
        inner = self._store.open_reader(artifact_id)

        class Reader:
            calls = 0

            def read(self, size: int = -1) -> bytes:
                Reader.calls += 1
                if Reader.calls > 1:
                    raise ConnectionResetError("connection lost")
                return inner.read(16)

            def close(self) -> None:
                inner.close()

        return Reader()

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        self._store.write(artifact_id, content_body)

    def remove(self, artifact_id: str) -> None:
        self._store.remove(artifact_id)


def test_a_download_failing_half_way_leaves_no_partial_file(store, tmp_path) -> None:
    study = albacore.create_study()
    artifact_id = upload_artifact(
        artifact_store=store, file_path=make_file(tmp_path, "f.bin", b"x" * 1000), study_or_trial=study
    )
    target = tmp_path / "partial.bin"
    with pytest.raises(ConnectionResetError, match="connection lost"):
        download_artifact(artifact_store=_BreaksMidway(store), file_path=target, artifact_id=artifact_id)
    assert not target.exists()
    download_artifact(artifact_store=store, file_path=target, artifact_id=artifact_id)
    assert target.read_bytes() == b"x" * 1000


def test_importing_artifacts_loads_no_cloud_sdk() -> None:
    code = (
        "import sys, albacore, albacore.artifacts\n"
        "albacore.artifacts.FileSystemArtifactStore('.')\n"
        "heavy = {'boto3', 'botocore', 'google', 'sqlalchemy', 'pandas'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"
    assert "artifacts" in dir(albacore)
    assert albacore.artifacts.upload_artifact is upload_artifact


def test_every_artifact_can_be_found_from_the_system_attrs(store, tmp_path) -> None:
    # Optuna's FAQ deletes a study's artifacts by reading the "artifacts:" system attributes
    # of the study and of its trials; every record here is reachable that way too.
    storage = InMemoryStorage()
    study = albacore.create_study(storage=storage)
    path = make_file(tmp_path, "f.txt", b"f")

    def objective(trial: albacore.Trial) -> float:
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=2)
    upload_artifact(artifact_store=store, file_path=path, study_or_trial=study)
    upload_artifact(artifact_store=store, file_path=path, study_or_trial=study.trials[0], storage=storage)
    records = [
        value
        for attrs in [study.system_attrs, *(t.system_attrs for t in study.trials)]
        for key, value in attrs.items()
        if key.startswith("artifacts:")
    ]
    for value in records:
        store.remove(json.loads(value)["artifact_id"])
    assert len(records) == 4 and stored_ids(tmp_path) == set()
