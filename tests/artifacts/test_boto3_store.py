"""Boto3ArtifactStore through a real boto3 client against a local S3 server.

No S3-compatible server (MinIO or the like) installs here from a package registry, so the
server is moto's server mode (``ThreadedMotoServer`` on 127.0.0.1, see conftest.py): a real
HTTP server speaking the S3 API. Failures retried by Backoff are real too: the first calls
go to a client whose endpoint is a closed local port, so botocore raises its own
connection error.
"""

from __future__ import annotations

import io
import os
import pathlib
import sys
from typing import Any, BinaryIO

import pytest
from _artifact_servers import ACCESS, free_port, s3_client

import albacore
from albacore.artifacts import Backoff, Boto3ArtifactStore, download_artifact, get_all_artifact_meta, upload_artifact
from albacore.artifacts.exceptions import ArtifactNotFound


@pytest.fixture(autouse=True)
def _quiet() -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)


def keys(client: Any, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_write_read_remove(s3_bucket) -> None:
    client, bucket = s3_bucket
    store = Boto3ArtifactStore(bucket, client)
    body = io.BytesIO(b"skip-" + bytes(range(256)) * 100)
    body.seek(5)
    store.write("a1", body)
    assert not body.closed  # the store uploads a copy: boto3 would close the caller's file
    reader = store.open_reader("a1")
    assert reader.read() == bytes(range(256)) * 100
    reader.close()
    assert keys(client, bucket) == ["a1"]
    store.remove("a1")
    assert keys(client, bucket) == []
    with pytest.raises(
        ArtifactNotFound, match=rf"Boto3ArtifactStore\(bucket_name='{bucket}'\) has no artifact with artifact_id='a1'"
    ):
        store.open_reader("a1")
    with pytest.raises(ArtifactNotFound, match=r"has no artifact with artifact_id='a1'"):
        store.remove("a1")


def test_a_multipart_upload_and_avoid_buf_copy(s3_bucket, tmp_path: pathlib.Path) -> None:
    client, bucket = s3_bucket
    content = os.urandom(9 * 1024 * 1024)  # above boto3's 8 MiB multipart threshold
    path = tmp_path / "big.bin"
    path.write_bytes(content)
    for avoid_buf_copy in (False, True):
        store = Boto3ArtifactStore(bucket, client, avoid_buf_copy=avoid_buf_copy)
        with open(path, "rb") as body:
            store.write(f"big-{avoid_buf_copy}", body)
        reader = store.open_reader(f"big-{avoid_buf_copy}")
        assert reader.read() == content
        reader.close()


def test_default_client_comes_from_the_environment(s3_bucket, s3_endpoint, monkeypatch) -> None:
    client, bucket = s3_bucket
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ACCESS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", ACCESS["region_name"])
    store = Boto3ArtifactStore(bucket)
    store.write("env", io.BytesIO(b"via env"))
    assert client.get_object(Bucket=bucket, Key="env")["Body"].read() == b"via env"


def test_bad_bucket_name() -> None:
    with pytest.raises(TypeError, match=r"bucket_name must be a string, got bucket_name=None"):
        Boto3ArtifactStore(None)
    with pytest.raises(ValueError, match=r"bucket_name must not be empty"):
        Boto3ArtifactStore("")


def test_study_end_to_end(s3_bucket, tmp_path: pathlib.Path) -> None:
    client, bucket = s3_bucket
    store = Boto3ArtifactStore(bucket, client)
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(storage=storage)

    def objective(trial: albacore.Trial) -> float:
        path = tmp_path / f"t{trial.number}.json"
        path.write_text(f'{{"trial": {trial.number}}}')
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=3)
    for trial in study.trials:
        (meta,) = get_all_artifact_meta(trial, storage=storage)
        assert (meta.filename, meta.mimetype) == (f"t{trial.number}.json", "application/json")
        target = tmp_path / f"back{trial.number}.json"
        download_artifact(artifact_store=store, file_path=target, artifact_id=meta.artifact_id)
        assert target.read_text() == f'{{"trial": {trial.number}}}'
    assert len(keys(client, bucket)) == 3


# --- Backoff on real failures ---------------------------------------------------------------------


class FailingFirst:
    """The first ``n_failures`` calls go to a store whose endpoint is a closed port."""

    def __init__(self, good: Boto3ArtifactStore, bucket: str, n_failures: int) -> None:
        dead = s3_client(f"http://127.0.0.1:{free_port()}", retries={"max_attempts": 1}, connect_timeout=2)
        self._bad = Boto3ArtifactStore(bucket, dead)
        self._good = good
        self._left = n_failures
        self.calls: list[str] = []

    def _pick(self, operation: str) -> Boto3ArtifactStore:
        self.calls.append(operation)
        if self._left > 0:
            self._left -= 1
            return self._bad
        return self._good

    def open_reader(self, artifact_id: str) -> BinaryIO:
        return self._pick("open_reader").open_reader(artifact_id)

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        self._pick("write").write(artifact_id, content_body)  # the failed try reads the body

    def remove(self, artifact_id: str) -> None:
        self._pick("remove").remove(artifact_id)


def test_backoff_retries_failed_uploads_and_downloads(s3_bucket, tmp_path: pathlib.Path) -> None:
    from botocore.exceptions import EndpointConnectionError

    client, bucket = s3_bucket
    flaky = FailingFirst(Boto3ArtifactStore(bucket, client), bucket, n_failures=3)
    waits: list[float] = []
    store = Backoff(flaky, max_retries=5, multiplier=3, min_delay=0.5, max_delay=2.0, sleep=waits.append)
    # Direct calls fail for real (and are the ones Backoff retries).
    with pytest.raises(EndpointConnectionError):
        FailingFirst(Boto3ArtifactStore(bucket, client), bucket, 1).write("x", io.BytesIO(b"x"))

    content = os.urandom(200_000)
    path = tmp_path / "weights.bin"
    path.write_bytes(content)
    study = albacore.create_study()
    artifact_id = upload_artifact(artifact_store=store, file_path=path, study_or_trial=study)
    assert flaky.calls == ["write"] * 4
    assert waits == [0.5, 1.5, 2.0]  # 0.5 * 3**n, capped at max_delay
    assert [m.artifact_id for m in get_all_artifact_meta(study)] == [artifact_id]

    flaky_reads = FailingFirst(Boto3ArtifactStore(bucket, client), bucket, n_failures=1)
    waits.clear()
    target = tmp_path / "back.bin"
    download_artifact(
        artifact_store=Backoff(flaky_reads, min_delay=0.01, sleep=waits.append),
        file_path=target,
        artifact_id=artifact_id,
    )
    assert target.read_bytes() == content and waits == [0.01] and flaky_reads.calls == ["open_reader"] * 2


def test_backoff_gives_up_with_the_last_error_and_records_nothing(s3_bucket, tmp_path: pathlib.Path) -> None:
    from botocore.exceptions import EndpointConnectionError

    client, bucket = s3_bucket
    flaky = FailingFirst(Boto3ArtifactStore(bucket, client), bucket, n_failures=10)
    waits: list[float] = []
    store = Backoff(flaky, max_retries=4, multiplier=2, min_delay=0.1, max_delay=30, sleep=waits.append)
    path = tmp_path / "f.txt"
    path.write_bytes(b"never stored")
    study = albacore.create_study()
    with pytest.raises(EndpointConnectionError, match=r"Could not connect to the endpoint URL"):
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=study)
    assert flaky.calls == ["write"] * 4 and waits == pytest.approx([0.1, 0.2, 0.4])
    assert get_all_artifact_meta(study) == [] and keys(client, bucket) == []


def test_backoff_does_not_retry_a_missing_artifact(s3_bucket) -> None:
    client, bucket = s3_bucket
    waits: list[float] = []
    store = Backoff(Boto3ArtifactStore(bucket, client), sleep=waits.append)
    with pytest.raises(ArtifactNotFound, match=r"has no artifact with artifact_id='missing'"):
        store.open_reader("missing")
    with pytest.raises(ArtifactNotFound, match=r"has no artifact with artifact_id='missing'"):
        store.remove("missing")
    assert waits == []


def test_a_missing_boto3_names_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"Boto3ArtifactStore requires boto3.*pip install 'albacore\[s3\]'"):
        Boto3ArtifactStore("bucket")
