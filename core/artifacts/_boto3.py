"""An artifact store in an Amazon S3 (or S3-compatible) bucket, through boto3."""

from __future__ import annotations

import shutil
import tempfile
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from albacore._imports import require
from albacore.artifacts._protocol import check_bucket_name
from albacore.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_SPOOL_BYTES = 64 * 1024 * 1024
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


class Boto3ArtifactStore:
    """Store artifacts as objects of an S3 bucket (AWS or any S3-compatible server).

    Each artifact is one object whose key is its id. Uploads go through boto3's managed
    transfer (multipart for large files), which stores an object whole or not at all.

    Args:
        bucket_name: The bucket (it must exist).
        client: A boto3 S3 client; by default ``boto3.client("s3")``, configured as boto3
            usually is (environment variables such as ``AWS_ENDPOINT_URL``, ``~/.aws``).
        avoid_buf_copy: If False (the default), ``write`` first copies the content to a
            temporary buffer (in memory up to 64 MiB, then on disk), because boto3 closes the
            file object it uploads from; if True, the caller's file object is handed to
            boto3 directly, saving the copy.

    Raises:
        TypeError: If ``bucket_name`` is not a string.
        ValueError: If ``bucket_name`` is empty.
        ImportError: If boto3 is not installed (``pip install 'albacore[s3]'``).

    Example:
        .. code-block:: python

            import boto3
            from albacore.artifacts import Boto3ArtifactStore, upload_artifact

            store = Boto3ArtifactStore("my-bucket", client=boto3.client("s3", endpoint_url="http://127.0.0.1:9000"))
            artifact_id = upload_artifact(artifact_store=store, file_path="model.pt", study_or_trial=trial)
    """

    def __init__(self, bucket_name: str, client: S3Client | None = None, *, avoid_buf_copy: bool = False) -> None:
        check_bucket_name(bucket_name, "Boto3ArtifactStore")
        if client is None:
            client = require("boto3", extra="s3", feature="Boto3ArtifactStore").client("s3")
        self.bucket = bucket_name
        self.client = client
        self._avoid_buf_copy = bool(avoid_buf_copy)

    def __repr__(self) -> str:
        return f"Boto3ArtifactStore(bucket_name={self.bucket!r})"

    def _not_found(self, artifact_id: str, error: Exception) -> ArtifactNotFound | None:
        client_error = require("botocore.exceptions", extra="s3", feature="Boto3ArtifactStore").ClientError
        if isinstance(error, client_error) and error.response.get("Error", {}).get("Code") in _NOT_FOUND_CODES:
            return ArtifactNotFound(f"{self!r} has no artifact with artifact_id={artifact_id!r}")
        return None

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Stream the artifact's object (the caller closes the returned body).

        Raises:
            ArtifactNotFound: If the bucket has no object ``artifact_id``.
        """
        try:
            response: Any = self.client.get_object(Bucket=self.bucket, Key=artifact_id)
        except Exception as exc:
            missing = self._not_found(artifact_id, exc)
            if missing is not None:
                raise missing from None
            raise
        return cast(BinaryIO, response["Body"])

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Upload the rest of ``content_body`` as the object ``artifact_id``."""
        if self._avoid_buf_copy:
            self.client.upload_fileobj(content_body, self.bucket, artifact_id)
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as buffer:
            shutil.copyfileobj(content_body, buffer)
            buffer.seek(0)
            self.client.upload_fileobj(buffer, self.bucket, artifact_id)

    def remove(self, artifact_id: str) -> None:
        """Delete the object ``artifact_id``.

        Raises:
            ArtifactNotFound: If the bucket has no object ``artifact_id`` (S3 itself deletes
                missing keys silently, so the store checks first).
        """
        try:
            self.client.head_object(Bucket=self.bucket, Key=artifact_id)
        except Exception as exc:
            missing = self._not_found(artifact_id, exc)
            if missing is not None:
                raise missing from None
            raise
        self.client.delete_object(Bucket=self.bucket, Key=artifact_id)
