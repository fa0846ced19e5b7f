"""Backoff: argument checks, retry counts and delays (through an injected sleep, never
timed), and retried writes that resend the whole content, on a real file-system store.
Retries against real network failures are in test_boto3_store.py."""

from __future__ import annotations

import io
import pathlib
from typing import Any, BinaryIO

import pytest

from albacore.artifacts import Backoff, FileSystemArtifactStore
from albacore.artifacts.exceptions import ArtifactNotFound


class BreaksFirstWrites:
    """A real store whose first ``n`` writes read part of the body, then fail."""

    def __init__(self, store: FileSystemArtifactStore, n: int) -> None:
        self._store, self._left, self.writes = store, n, 0

    def open_reader(self, artifact_id: str) -> BinaryIO:
        return self._store.open_reader(artifact_id)

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        self.writes += 1
        if self._left > 0:
            self._left -= 1
            content_body.read(7)
            raise TimeoutError(f"write {self.writes} timed out")
        self._store.write(artifact_id, content_body)

    def remove(self, artifact_id: str) -> None:
        self._store.remove(artifact_id)


class OneWayStream(io.RawIOBase):
    """A stream that cannot seek, like a pipe or a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("make_body", [io.BytesIO, OneWayStream], ids=["seekable", "one-way"])
def test_a_retried_write_sends_everything(tmp_path: pathlib.Path, make_body: Any) -> None:
    inner = FileSystemArtifactStore(tmp_path)
    flaky = BreaksFirstWrites(inner, n=2)
    waits: list[float] = []
    store = Backoff(flaky, max_retries=3, min_delay=0.25, multiplier=4, sleep=waits.append)
    content = bytes(range(256)) * 50
    store.write("id", make_body(content))
    assert flaky.writes == 3 and waits == [0.25, 1.0]
    assert (tmp_path / "id").read_bytes() == content


def test_a_write_resumes_from_where_the_body_stood(tmp_path: pathlib.Path) -> None:
    flaky = BreaksFirstWrites(FileSystemArtifactStore(tmp_path), n=1)
    body = io.BytesIO(b"HEADER:payload that matters")
    body.seek(7)
    Backoff(flaky, sleep=lambda _: None).write("id", body)
    assert (tmp_path / "id").read_bytes() == b"payload that matters"


def test_defaults_grow_from_a_tenth_of_a_second_to_thirty(tmp_path: pathlib.Path) -> None:
    waits: list[float] = []
    flaky = BreaksFirstWrites(FileSystemArtifactStore(tmp_path), n=9)
    Backoff(flaky, sleep=waits.append).write("id", io.BytesIO(b"x" * 10))
    assert flaky.writes == 10  # max_retries=10 tries in all
    assert waits == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6])
    waits.clear()
    with pytest.raises(TimeoutError, match=r"write 10 timed out"):
        Backoff(BreaksFirstWrites(FileSystemArtifactStore(tmp_path), n=10), sleep=waits.append).write(
            "j", io.BytesIO(b"x")
        )
    assert waits[-1] == 25.6 and len(waits) == 9 and not (tmp_path / "j").exists()
    waits.clear()
    with pytest.raises(TimeoutError, match=r"write 12 timed out"):
        Backoff(BreaksFirstWrites(FileSystemArtifactStore(tmp_path), n=12), max_retries=12, sleep=waits.append).write(
            "k", io.BytesIO(b"x")
        )
    assert waits[-2:] == [30.0, 30.0]  # capped at max_delay


def test_one_try_means_no_retry(tmp_path: pathlib.Path) -> None:
    waits: list[float] = []
    flaky = BreaksFirstWrites(FileSystemArtifactStore(tmp_path), n=1)
    with pytest.raises(TimeoutError, match=r"write 1 timed out"):
        Backoff(flaky, max_retries=1, sleep=waits.append).write("id", io.BytesIO(b"x"))
    assert flaky.writes == 1 and waits == []


def test_missing_artifacts_are_answers_not_failures(tmp_path: pathlib.Path) -> None:
    waits: list[float] = []
    store = Backoff(FileSystemArtifactStore(tmp_path), sleep=waits.append)
    with pytest.raises(ArtifactNotFound, match=r"artifact_id='nope'"):
        store.open_reader("nope")
    with pytest.raises(ArtifactNotFound, match=r"artifact_id='nope'"):
        store.remove("nope")
    store.write("yes", io.BytesIO(b"y"))
    with store.open_reader("yes") as reader:
        assert reader.read() == b"y"
    store.remove("yes")
    assert waits == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"max_retries": 0}, ValueError, r"max_retries must be >= 1 .*got max_retries=0"),
        ({"max_retries": 2.5}, TypeError, r"max_retries must be an int, got max_retries=2.5"),
        ({"max_retries": True}, TypeError, r"max_retries must be an int, got max_retries=True"),
        ({"multiplier": 0}, ValueError, r"multiplier must be > 0, got multiplier=0"),
        ({"multiplier": "2"}, TypeError, r"multiplier must be a number, got multiplier='2'"),
        ({"min_delay": -0.1}, ValueError, r"min_delay must be >= 0 seconds, got min_delay=-0.1"),
        ({"min_delay": float("nan")}, ValueError, r"min_delay must be finite, got min_delay=nan"),
        ({"max_delay": float("inf")}, ValueError, r"max_delay must be finite, got max_delay=inf"),
        (
            {"min_delay": 2, "max_delay": 1},
            ValueError,
            r"max_delay must be >= min_delay, got max_delay=1 and min_delay=2",
        ),
        ({"sleep": 5}, TypeError, r"sleep must be callable or None, got sleep=5"),
    ],
)
def test_bad_arguments_name_themselves(tmp_path: pathlib.Path, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Backoff(FileSystemArtifactStore(tmp_path), **kwargs)


def test_backend_must_be_a_store() -> None:
    with pytest.raises(TypeError, match=r"Backoff: backend must be an artifact store .*got backend='bucket'"):
        Backoff("bucket")
    with pytest.raises(TypeError, match=r"missing: write, remove"):
        Backoff(type("ReaderOnly", (), {"open_reader": lambda self, i: None})())
