"""GCSArtifactStore through a real google-cloud-storage client against gcp-storage-emulator
(a local GCS server from PyPI, started on 127.0.0.1 by conftest.py)."""

from __future__ import annotations

import io
import os
import pathlib
import sys

import pytest

import albacore
from albacore.artifacts import Backoff, GCSArtifactStore, download_artifact, get_all_artifact_meta, upload_artifact
from albacore.artifacts.exceptions import ArtifactNotFound


def test_write_read_remove(gcs_bucket) -> None:
    client, bucket = gcs_bucket
    store = GCSArtifactStore(bucket, client)
    content = os.urandom(300_000)
    body = io.BytesIO(b"skip" + content)
    body.seek(4)
    store.write("dir/a", body)
    assert not body.closed
    with store.open_reader("dir/a") as reader:
        assert reader.read() == content
    assert [b.name for b in client.list_blobs(bucket)] == ["dir/a"]
    store.remove("dir/a")
    assert list(client.list_blobs(bucket)) == []
    with pytest.raises(
        ArtifactNotFound, match=rf"GCSArtifactStore\(bucket_name='{bucket}'\) has no artifact with artifact_id='dir/a'"
    ):
        store.open_reader("dir/a")
    with pytest.raises(ArtifactNotFound, match=r"has no artifact with artifact_id='dir/a'"):
        store.remove("dir/a")
    waits: list[float] = []
    with pytest.raises(ArtifactNotFound, match=r"artifact_id='dir/a'"):
        Backoff(store, sleep=waits.append).open_reader("dir/a")
    assert waits == []


def test_default_client_uses_the_emulator_from_the_environment(gcs_bucket, gcs_endpoint, monkeypatch) -> None:
    client, bucket = gcs_bucket
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    store = GCSArtifactStore(bucket)
    store.write("env", io.BytesIO(b"via env"))
    assert client.bucket(bucket).blob("env").download_as_bytes() == b"via env"


def test_bad_bucket_name() -> None:
    with pytest.raises(TypeError, match=r"bucket_name must be a string, got bucket_name=3"):
        GCSArtifactStore(3)
    with pytest.raises(ValueError, match=r"bucket_name must not be empty"):
        GCSArtifactStore("")


def test_study_end_to_end(gcs_bucket, tmp_path: pathlib.Path) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    client, bucket = gcs_bucket
    store = GCSArtifactStore(bucket, client)
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(storage=storage)

    def objective(trial: albacore.Trial) -> float:
        path = tmp_path / f"t{trial.number}.txt"
        path.write_bytes(f"trial {trial.number}\n".encode() * (trial.number + 1))
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=3)
    summary = tmp_path / "summary.txt"
    summary.write_text("done")
    study_artifact = upload_artifact(artifact_store=store, file_path=summary, study_or_trial=study)
    for trial in study.trials:
        (meta,) = get_all_artifact_meta(trial, storage=storage)
        target = tmp_path / f"back{trial.number}"
        download_artifact(artifact_store=store, file_path=target, artifact_id=meta.artifact_id)
        assert target.read_bytes() == f"trial {trial.number}\n".encode() * (trial.number + 1)
    assert [m.artifact_id for m in get_all_artifact_meta(study)] == [study_artifact]
    assert len(list(client.list_blobs(bucket))) == 4


def test_a_missing_google_cloud_storage_names_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "google.cloud.storage", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"GCSArtifactStore requires google.*pip install 'albacore\[gcs\]'"):
        GCSArtifactStore("bucket")
