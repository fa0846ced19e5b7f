"""An artifact store in a Google Cloud Storage bucket."""

from __future__ import annotations

import shutil
import tempfile
from typing import TYPE_CHECKING, Any, BinaryIO

from albacore._imports import require
from albacore.artifacts._protocol import check_bucket_name
from albacore.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    import google.cloud.storage

_SPOOL_BYTES = 64 * 1024 * 1024


class GCSArtifactStore:
    """Store artifacts as blobs of a Google Cloud Storage bucket.

    Each artifact is one blob whose name is its id; GCS makes an uploaded blob visible
    whole or not at all.

    Args:
        bucket_name: The bucket (it must exist).
        client: A ``google.cloud.storage.Client``; by default one built from the
            environment's credentials (``STORAGE_EMULATOR_HOST`` points it at an emulator).

    Raises:
        TypeError: If ``bucket_name`` is not a string.
        ValueError: If ``bucket_name`` is empty.
        ImportError: If google-cloud-storage is not installed (``pip install 'albacore[gcs]'``).

    Example:
        .. code-block:: python

            from albacore.artifacts import GCSArtifactStore, upload_artifact

            store = GCSArtifactStore("my-bucket")
            artifact_id = upload_artifact(artifact_store=store, file_path="model.pt", study_or_trial=trial)
    """

    def __init__(self, bucket_name: str, client: google.cloud.storage.Client | None = None) -> None:
        check_bucket_name(bucket_name, "GCSArtifactStore")
        if client is None:
            client = require("google.cloud.storage", extra="gcs", feature="GCSArtifactStore").Client()
        self.bucket_name = bucket_name
        self.client = client
        self._bucket: Any = client.bucket(bucket_name)

    def __repr__(self) -> str:
        return f"GCSArtifactStore(bucket_name={self.bucket_name!r})"

    def _missing(self, artifact_id: str) -> ArtifactNotFound:
        return ArtifactNotFound(f"{self!r} has no artifact with artifact_id={artifact_id!r}")

    @staticmethod
    def _is_not_found(error: Exception) -> bool:
        not_found = require("google.api_core.exceptions", extra="gcs", feature="GCSArtifactStore").NotFound
        return isinstance(error, not_found)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Download the blob into a temporary file (in memory up to 64 MiB) and return it.

        Raises:
            ArtifactNotFound: If the bucket has no blob ``artifact_id``.
        """
        blob = self._bucket.get_blob(artifact_id)
        if blob is None:
            raise self._missing(artifact_id)
        local = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
        try:
            blob.download_to_file(local)
        except Exception as exc:
            local.close()
            if self._is_not_found(exc):  # deleted since get_blob
                raise self._missing(artifact_id) from None
            raise
        local.seek(0)
        return local  # type: ignore[return-value]

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Upload the rest of ``content_body`` as the blob ``artifact_id``."""
        blob = self._bucket.blob(artifact_id)
        if _at_start(content_body):
            blob.upload_from_file(content_body)
            return
        # The client's resumable upload needs a stream at position 0: send a copy of the rest.
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as rest:
            shutil.copyfileobj(content_body, rest)
            rest.seek(0)
            blob.upload_from_file(rest)

    def remove(self, artifact_id: str) -> None:
        """Delete the blob ``artifact_id``.

        Raises:
            ArtifactNotFound: If the bucket has no blob ``artifact_id``.
        """
        try:
            self._bucket.delete_blob(artifact_id)
        except Exception as exc:
            if self._is_not_found(exc):
                raise self._missing(artifact_id) from None
            raise


def _at_start(body: BinaryIO) -> bool:
    try:
        return bool(body.seekable()) and body.tell() == 0
    except (AttributeError, ValueError, OSError):
        return False
